/** 予約枠 (docs/decisions/0060): labels the screens share (no zod: client components import this). */
export const WEEKDAY_LABELS = ['日', '月', '火', '水', '木', '金', '土'] as const;

/** One bookable slot of a day, as the booking form and the 予約表 show it. */
export type DaySlotDto = {
  /** 'HH:mm' JST */
  time: string;
  /** null: 医師指定なし */
  doctorId: string | null;
  capacity: number;
  /** appointments in the slot that are not cancelled */
  booked: number;
  full: boolean;
  /** already begun (today before now, or a past day) */
  past: boolean;
};

export type DaySlotsDto = {
  date: string;
  /** whether the clinic defines slots for this day and doctor; when not, any free time may be booked */
  hasSlots: boolean;
  slots: DaySlotDto[];
};

export type SlotRuleDto = {
  ruleId: string;
  weekday: number;
  weekdayLabel: string;
  doctorId: string | null;
  doctorName: string | null;
  startTime: string;
  endTime: string;
  slotMinutes: number;
  capacity: number;
  /** how many slots the rule makes */
  slotCount: number;
};
