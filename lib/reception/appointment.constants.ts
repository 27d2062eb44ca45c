/** 次回予約: the stored statuses (CHECK in the migration) and what the lists show (no zod: used by screens too). */
export const APPOINTMENT_STATUSES = ['booked', 'checked_in', 'cancelled', 'moved'] as const;
/** Statuses that no longer hold a place in a slot: cancelled, and moved (予約変更: the new appointment holds it). */
export const RELEASED_STATUSES: readonly AppointmentStatusValue[] = ['cancelled', 'moved'];
export type AppointmentStatusValue = (typeof APPOINTMENT_STATUSES)[number];

/** What a list shows: 未来院 (no_show) is derived from a booked appointment whose time passed, never stored (0057). */
export type AppointmentDisplayStatus = AppointmentStatusValue | 'no_show';

export const APPOINTMENT_STATUS_LABELS: Record<AppointmentDisplayStatus, string> = {
  booked: '予約',
  checked_in: '来院済',
  cancelled: 'キャンセル',
  moved: '変更済',
  no_show: '未来院',
};

/** A booked appointment this many minutes past its time without check-in shows as 未来院. */
export const NO_SHOW_AFTER_MINUTES = 60;

export function displayStatus(status: AppointmentStatusValue, startsAt: Date, now = new Date()): AppointmentDisplayStatus {
  if (status === 'booked' && now.getTime() - startsAt.getTime() > NO_SHOW_AFTER_MINUTES * 60_000) return 'no_show';
  return status;
}
