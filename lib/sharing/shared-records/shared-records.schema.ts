/** Inputs for copying another institution's diagnosis or allergy into the chart, after the doctor's review. */
import { z } from '@/lib/core/zod';
import { isValidIsoDate, todayJst } from '@/lib/core/dates';
import { ALLERGY_CATEGORIES, ALLERGY_SEVERITIES } from '@/lib/records/allergies/allergy.constants';

const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalText = (max: number, label: string) =>
  z.preprocess(emptyToUndefined, z.string().trim().max(max, `${label}は${max}文字以内で入力してください。`).optional());
const pastDate = (label: string) =>
  z.preprocess(
    emptyToUndefined,
    z.string().refine(isValidIsoDate, `${label}は正しい日付で入力してください。`).refine((v) => v <= todayJst(), `${label}に未来の日付は入力できません。`).optional(),
  );

/** Which entry of which bundle (as the panel listed it); the server reads it again from the service. */
const sourceRef = {
  patientId: z.string().uuid('患者IDが正しくありません。'),
  identifier: z.string().trim().min(1, '転記元の情報が指定されていません。').max(200, '転記元の情報が正しくありません。'),
  index: z.number({ error: '転記元の情報が正しくありません。' }).int().min(0).max(10_000),
};

/** The reviewed diagnosis (copied from 他院の情報 or imported from a received letter). */
export const reviewedDiagnosisFields = {
    /** the institution's 傷病名コード, kept when the doctor keeps it (looked up in our master) */
    diseaseCode: z.preprocess(emptyToUndefined, z.string().regex(/^\d{7}$/, '傷病名コードは7桁の数字です。').optional()),
    /** the name as reviewed (used when no code is kept) */
    freeText: optionalText(100, '傷病名'),
    isSuspected: z.boolean().default(false),
    startDate: pastDate('開始日'),
    /** the doctor's own remark; the provenance line is added by the server */
    note: optionalText(300, 'メモ'),
};
export const diagnosisNamed = (v: { diseaseCode?: string; freeText?: string }, ctx: z.RefinementCtx) => {
  if (!v.diseaseCode && !v.freeText) ctx.addIssue({ code: 'custom', path: ['freeText'], message: '傷病名を入力してください。' });
};

export const copySharedDiagnosisSchema = z
  .object({ ...sourceRef, ...reviewedDiagnosisFields })
  .strict()
  .superRefine(diagnosisNamed);
export type CopySharedDiagnosisInput = z.input<typeof copySharedDiagnosisSchema>;

/** The reviewed allergy (copied from 他院の情報 or imported from a received letter). */
export const reviewedAllergyFields = {
    category: z.enum(ALLERGY_CATEGORIES, { error: '分類を選択してください。' }),
    substanceName: z.string({ error: '原因物質名を入力してください。' }).trim().min(1, '原因物質名を入力してください。').max(100, '原因物質名は100文字以内で入力してください。'),
    /** keep the allergen code the institution sent (YJ / J-FAGY); off: recorded as free text */
    keepSourceCode: z.boolean().default(true),
    reaction: optionalText(200, '症状'),
    severity: z.preprocess(emptyToUndefined, z.enum(ALLERGY_SEVERITIES, { error: '重症度を選択してください。' }).optional()),
    onsetDate: pastDate('発症日'),
    note: optionalText(300, 'メモ'),
};

export const copySharedAllergySchema = z.object({ ...sourceRef, ...reviewedAllergyFields }).strict();
export type CopySharedAllergyInput = z.input<typeof copySharedAllergySchema>;
