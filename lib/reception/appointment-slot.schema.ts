/** Inputs of 予約枠 (clinic settings) and of the free slots of a day (docs/decisions/0060). */
import { z } from '@/lib/core/zod';
import { isValidIsoDate } from '@/lib/core/dates';

export * from './appointment-slot.constants';

const hhmm = (label: string) => z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, `${label}を「09:00」の形で入力してください。`);

export const addSlotRuleSchema = z
  .object({
    /** 0 = 日曜 … 6 = 土曜 */
    weekday: z.number({ error: '曜日を選んでください。' }).int().min(0, '曜日を選んでください。').max(6, '曜日を選んでください。'),
    /** left out: 医師指定なし */
    doctorId: z.string().uuid('担当医を選び直してください。').optional(),
    startTime: hhmm('開始時刻'),
    endTime: hhmm('終了時刻'),
    slotMinutes: z.number({ error: '1枠の長さを数字で入力してください。' }).int('1枠の長さは分単位の整数で入力してください。').min(5, '1枠の長さは5分以上にしてください。').max(240, '1枠の長さは240分以内にしてください。'),
    capacity: z.number({ error: '1枠の人数を数字で入力してください。' }).int('1枠の人数は整数で入力してください。').min(1, '1枠の人数は1人以上にしてください。').max(50, '1枠の人数は50人以内にしてください。'),
  })
  .strict()
  .refine((v) => v.startTime < v.endTime, { path: ['endTime'], message: '終了時刻は開始時刻より後にしてください。' });
export type AddSlotRuleInput = z.input<typeof addSlotRuleSchema>;

export const removeSlotRuleSchema = z.object({ ruleId: z.string().uuid() }).strict();
export type RemoveSlotRuleInput = z.infer<typeof removeSlotRuleSchema>;

export const daySlotsSchema = z
  .object({
    date: z.string().refine(isValidIsoDate, '日付を正しく入力してください。'),
    /** left out: the slots of 医師指定なし */
    doctorId: z.string().uuid('担当医を選び直してください。').optional(),
  })
  .strict();
export type DaySlotsInput = z.infer<typeof daySlotsSchema>;
