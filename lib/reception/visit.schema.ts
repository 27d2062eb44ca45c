import { z } from '@/lib/core/zod';

export const VISIT_STATUSES = ['received', 'waiting', 'in_consultation', 'billing', 'done', 'cancelled'] as const;
export type VisitStatusValue = (typeof VISIT_STATUSES)[number];

export const VISIT_STATUS_LABELS: Record<VisitStatusValue, string> = {
  received: '受付済',
  waiting: '診察待ち',
  in_consultation: '診察中',
  billing: '会計待ち',
  done: '完了',
  cancelled: 'キャンセル',
};

/** Forward along the day, one step back for a slip of the hand, cancel any time before 完了. */
export const VISIT_TRANSITIONS: Record<VisitStatusValue, VisitStatusValue[]> = {
  received: ['waiting', 'in_consultation', 'cancelled'],
  waiting: ['in_consultation', 'received', 'cancelled'],
  in_consultation: ['billing', 'waiting', 'cancelled'],
  billing: ['done', 'in_consultation', 'cancelled'],
  done: ['billing'],
  cancelled: ['received'],
};

export const checkInSchema = z
  .object({
    patientId: z.string().uuid('患者を選択してください。'),
    departmentId: z.string().uuid().optional(),
    memo: z.string().trim().max(200, 'メモは200文字以内で入力してください。').optional(),
  })
  .strict();
export type CheckInInput = z.infer<typeof checkInSchema>;

export const changeVisitStatusSchema = z
  .object({
    visitId: z.string().uuid(),
    status: z.enum(VISIT_STATUSES, { error: '状態が正しくありません。' }),
  })
  .strict();
export type ChangeVisitStatusInput = z.infer<typeof changeVisitStatusSchema>;

export const recheckEligibilitySchema = z.object({ visitId: z.string().uuid() }).strict();
