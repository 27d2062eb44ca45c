/** Inputs for recording and withdrawing the patient's consent to read other institutions' 6情報. */
import { z } from '@/lib/core/zod';
import { fromJstLocal } from '@/lib/core/tz';
import { CONSENT_SOURCES, CONSENT_VALIDITY_MS, SHARED_INFO_KINDS } from './consent.constants';

export const recordSharingConsentSchema = z
  .object({
    patientId: z.string().uuid('患者IDが正しくありません。'),
    scope: z
      .array(z.enum(SHARED_INFO_KINDS, { error: '閲覧範囲の値が正しくありません。' }), { error: '閲覧に同意した情報を選択してください。' })
      .min(1, '閲覧に同意した情報を1つ以上選択してください。')
      .max(SHARED_INFO_KINDS.length)
      .transform((v) => SHARED_INFO_KINDS.filter((k) => v.includes(k))),
    /** when the patient gave it, 'YYYY-MM-DDTHH:mm' JST (default now); never in the future, never so long ago that it has already expired */
    givenAt: z.preprocess(
      (v) => {
        if (typeof v !== 'string') return v;
        const s = v.trim();
        if (!s) return undefined;
        return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(s) ? fromJstLocal(s) : new Date(Number.NaN);
      },
      z
        .date({ error: '同意日時を正しく入力してください。' })
        .refine((d) => d.getTime() <= Date.now() + 60_000, '同意日時に未来の日時は入力できません。')
        .refine((d) => d.getTime() > Date.now() - CONSENT_VALIDITY_MS, '24時間以上前の同意はすでに期限切れです。改めて同意を確認してください。')
        .optional(),
    ),
    source: z.enum(CONSENT_SOURCES, { error: '同意を確認した場所を選択してください。' }).default('reception'),
  })
  .strict();
export type RecordSharingConsentInput = z.input<typeof recordSharingConsentSchema>;

export const withdrawSharingConsentSchema = z
  .object({
    consentId: z.string().uuid('同意IDが正しくありません。'),
    reason: z.string({ error: '撤回の理由を入力してください。' }).trim().min(1, '撤回の理由を入力してください。').max(200, '撤回の理由は200文字以内で入力してください。'),
  })
  .strict();
export type WithdrawSharingConsentInput = z.input<typeof withdrawSharingConsentSchema>;
