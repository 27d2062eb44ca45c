import { z } from '@/lib/core/zod';
import { isValidIsoDate } from '@/lib/core/dates';

export * from './appointment.constants';

export const bookAppointmentSchema = z
  .object({
    patientId: z.string().uuid('患者を選択してください。'),
    /** 'YYYY-MM-DD' (JST) */
    date: z.string().refine(isValidIsoDate, '予約日を正しく入力してください。'),
    /** 'HH:mm' (JST) */
    time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, '予約時刻を「09:30」の形で入力してください。'),
    /** 予約の目的 */
    purpose: z.string().trim().min(1, '予約の目的を入力してください。').max(100, '予約の目的は100文字以内で入力してください。'),
    /** 担当医 (optional) */
    doctorId: z.string().uuid('担当医を選び直してください。').optional(),
  })
  .strict();
export type BookAppointmentInput = z.infer<typeof bookAppointmentSchema>;

/** 予約変更: the new date, time and doctor of a booked appointment, and its purpose when changed (absent: it stays). */
export const moveAppointmentSchema = z
  .object({
    appointmentId: z.string().uuid(),
    date: z.string().refine(isValidIsoDate, '予約日を正しく入力してください。'),
    time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, '予約時刻を「09:30」の形で入力してください。'),
    /** absent: 医師指定なし */
    doctorId: z.string().uuid('担当医を選び直してください。').optional(),
    purpose: z.string().trim().min(1, '予約の目的を入力してください。').max(100, '予約の目的は100文字以内で入力してください。').optional(),
  })
  .strict();
export type MoveAppointmentInput = z.infer<typeof moveAppointmentSchema>;

export const appointmentIdSchema = z.object({ appointmentId: z.string().uuid() }).strict();
export type AppointmentIdInput = z.infer<typeof appointmentIdSchema>;

export const listAppointmentsSchema = z
  .object({ date: z.string().refine(isValidIsoDate, '日付を正しく入力してください。').optional() })
  .strict();
export type ListAppointmentsInput = z.infer<typeof listAppointmentsSchema>;

export const SCHEDULE_VIEWS = ['day', 'week'] as const;
export type ScheduleView = (typeof SCHEDULE_VIEWS)[number];

/** 予約表: a day, or the week (月曜から) holding the date. */
export const scheduleSchema = z
  .object({
    date: z.string().refine(isValidIsoDate, '日付を正しく入力してください。').optional(),
    view: z.enum(SCHEDULE_VIEWS, { error: '表示を選び直してください。' }).optional(),
  })
  .strict();
export type ScheduleInput = z.infer<typeof scheduleSchema>;
