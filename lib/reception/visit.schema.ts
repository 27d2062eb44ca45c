import { z } from '@/lib/core/zod';

import { VISIT_STATUSES, VISIT_TYPES } from './visit.constants';
export * from './visit.constants';

export const checkInSchema = z
  .object({
    patientId: z.string().uuid('患者を選択してください。'),
    /** 診療科 */
    departmentId: z.string().uuid('診療科を選び直してください。').optional(),
    /** 初診 (true) / 再診 (false); left out: suggested from the patient's earlier visits */
    firstVisit: z.boolean().optional(),
    /** 外来 (default) or 健診 (docs/decisions/0086) */
    visitType: z.enum(VISIT_TYPES, { error: '受付の種別（外来・健診）を選び直してください。' }).default('outpatient'),
    /** 担当医, when reception already knows it; else the first doctor who writes in the chart for the visit */
    doctorId: z.string().uuid('担当医を選び直してください。').optional(),
    /** 受付メモ */
    memo: z.string().trim().max(200, '受付メモは200文字以内で入力してください。').optional(),
  })
  .strict();
export type CheckInInput = z.input<typeof checkInSchema>;

/** 受付の詳細 after check-in (while not 完了/取消): the four details as they should be now (null: 指定なし). */
export const updateVisitDetailsSchema = z
  .object({
    visitId: z.string().uuid(),
    departmentId: z.string().uuid('診療科を選び直してください。').nullable(),
    doctorId: z.string().uuid('担当医を選び直してください。').nullable(),
    firstVisit: z.boolean({ error: '初診か再診かを選んでください。' }),
    memo: z.string().trim().max(200, '受付メモは200文字以内で入力してください。'),
  })
  .strict();
export type UpdateVisitDetailsInput = z.infer<typeof updateVisitDetailsSchema>;

export const changeVisitStatusSchema = z
  .object({
    visitId: z.string().uuid(),
    status: z.enum(VISIT_STATUSES, { error: '状態が正しくありません。' }),
  })
  .strict();
export type ChangeVisitStatusInput = z.infer<typeof changeVisitStatusSchema>;

export const recheckEligibilitySchema = z.object({ visitId: z.string().uuid() }).strict();
/** One visit by id (e.g. taking its オンライン資格確認 answer over into the insurance). */
export const visitIdSchema = z.object({ visitId: z.string().uuid() }).strict();

export const startConsultationSchema = z.object({ visitId: z.string().uuid() }).strict();
