import { z } from '@/lib/core/zod';
import { CLINIC_ROLES } from '@/lib/permissions/permissions';
import { LICENSE_TYPES } from './staff.constants';

const role = z.enum(CLINIC_ROLES, { error: '職種を選択してください。' });

export const createStaffSchema = z
  .object({
    loginId: z
      .string()
      .trim()
      .toLowerCase()
      .regex(/^[a-z0-9][a-z0-9._-]{1,39}(@[a-z0-9][a-z0-9.-]{0,62})?$/, 'ログインIDは半角英数字と . _ - で2〜40文字にしてください（@より後は自動で付きます）。'),
    displayName: z.string().trim().min(1, '氏名を入力してください。').max(40, '氏名は40文字以内で入力してください。'),
    displayNameKana: z.string().trim().max(40).transform((v) => v || undefined).optional(),
    role,
    licenseNumber: z.string().trim().max(20).transform((v) => v || undefined).optional(),
    licenseType: z.preprocess((v) => (v === '' ? undefined : v), z.enum(LICENSE_TYPES, { error: '免許の種類を選択してください。' }).optional()),
  })
  .strict()
  .refine((v) => !v.licenseNumber || v.licenseType, { path: ['licenseType'], message: '登録番号の種類を選択してください。' });
export type CreateStaffInput = z.infer<typeof createStaffSchema>;

export const staffIdSchema = z.object({ userId: z.string().uuid() }).strict();
export const setRoleSchema = z.object({ userId: z.string().uuid(), role }).strict();

export const changePasswordSchema = z
  .object({
    currentPassword: z.string().min(1, '現在のパスワードを入力してください。'),
    newPassword: z.string().min(1, '新しいパスワードを入力してください。').max(128),
    confirmPassword: z.string(),
  })
  .strict()
  .refine((v) => v.newPassword === v.confirmPassword, { path: ['confirmPassword'], message: '確認用のパスワードが一致しません。' });
export type ChangePasswordInput = z.infer<typeof changePasswordSchema>;

export const clinicSettingsSchema = z
  .object({
    mfaRequired: z.boolean(),
    idleTimeoutMinutes: z.number().int().min(5, '5分以上にしてください。').max(30, '30分以内にしてください（安全管理ガイドライン）。'),
    autoPrintPrescription: z.boolean(),
    prescribeByGenericDefault: z.boolean(),
    hasBeds: z.boolean(),
  })
  .strict();
export type ClinicSettingsInput = z.infer<typeof clinicSettingsSchema>;
