import { z } from '@/lib/core/zod';

import { VISIT_STATUSES } from './visit.constants';
export * from './visit.constants';

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
