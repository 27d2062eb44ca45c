/** Inputs of the clinic's per-drug maxima (管理 → 薬品の上限, docs/decisions/0045). */
import { optionalText, z } from '@/lib/core/zod';

const receiptCode = z.string({ error: '薬品を検索から選んでください。' }).regex(/^\d{9}$/, '薬品を検索から選んでください。');

const optionalAmount = (label: string) =>
  z.preprocess(
    (v) => (v === '' || v === null ? undefined : v),
    z.coerce
      .number({ error: `${label}は数値で入力してください。` })
      .positive(`${label}は0より大きい数値で入力してください。`)
      .max(9_999_999, `${label}が大きすぎます。`)
      .optional(),
  );

export const saveClinicDrugLimitSchema = z
  .object({
    receiptCode,
    /** 1日の上限 (in the drug master's unit) */
    maxPerDay: optionalAmount('1日の上限'),
    /** 1処方の上限 (総量, in the drug master's unit) */
    maxPerPrescription: optionalAmount('1処方の上限'),
    note: optionalText(200, 'メモ'),
  })
  .strict()
  .refine((v) => v.maxPerDay !== undefined || v.maxPerPrescription !== undefined, {
    path: ['maxPerDay'],
    message: '1日の上限か1処方の上限を入力してください。',
  });
export type SaveClinicDrugLimitInput = z.input<typeof saveClinicDrugLimitSchema>;

export const removeClinicDrugLimitSchema = z.object({ receiptCode }).strict();
export type RemoveClinicDrugLimitInput = z.input<typeof removeClinicDrugLimitSchema>;
