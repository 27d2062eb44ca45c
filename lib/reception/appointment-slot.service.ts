/**
 * 予約枠 (issue 13, docs/decisions/0060): the clinic admin sets, per weekday and doctor, slots of a length taking a
 * number of appointments each. Booking offers a day's slots with their free places; a day (and doctor) without slots
 * takes any free time, as before.
 */
import { AppError, notFound } from '@/lib/core/app-error';
import { db, runInTransaction, type Tx } from '@/lib/core/db';
import { dateOnly, todayJst } from '@/lib/core/dates';
import { formatInTimeZone, fromJstLocal } from '@/lib/core/tz';
import { parseInput } from '@/lib/core/zod';
import { recordAuditEvent } from '@/lib/audit/audit';
import { requirePermission, type Principal } from '@/lib/auth/principal';
import { staffRepository } from '@/lib/staff/staff.repository';
import { staffNames } from '@/lib/staff/staff-names';
import { appointmentSlotRepository } from './appointment-slot.repository';
import {
  WEEKDAY_LABELS,
  addSlotRuleSchema,
  daySlotsSchema,
  removeSlotRuleSchema,
  type AddSlotRuleInput,
  type DaySlotDto,
  type DaySlotsDto,
  type DaySlotsInput,
  type RemoveSlotRuleInput,
  type SlotRuleDto,
} from './appointment-slot.schema';

const RESOURCE = 'appointment_slot';

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

type Rule = { weekday: number; doctorId: string | null; startTime: string; endTime: string; slotMinutes: number; capacity: number };

/** The slot start times a rule makes: from its start every slotMinutes, each ending by its end. */
export function slotTimes(rule: Pick<Rule, 'startTime' | 'endTime' | 'slotMinutes'>): string[] {
  const out: string[] = [];
  for (let t = minutes(rule.startTime); t + rule.slotMinutes <= minutes(rule.endTime); t += rule.slotMinutes) out.push(hhmm(t));
  return out;
}

/** 0 = 日曜 … 6 = 土曜 of a 'YYYY-MM-DD' day. */
export const weekdayOf = (date: string) => dateOnly(date).getUTCDay();

/** [start, end) of a JST day. */
export function jstDayRange(date: string): { from: Date; to: Date } {
  const from = fromJstLocal(`${date}T00:00`);
  return { from, to: new Date(from.getTime() + 86_400_000) };
}

/**
 * A day's slots from the rules of its weekday and the appointments that hold a place; an appointment takes a place in
 * the slot that starts at its time for its doctor (null: 医師指定なし).
 */
export function daySlots(date: string, rules: Rule[], places: { startsAt: Date; doctorId: string | null }[], now: Date): DaySlotDto[] {
  const taken = new Map<string, number>();
  for (const p of places) {
    if (formatInTimeZone(p.startsAt, 'yyyy-MM-dd') !== date) continue;
    const key = `${p.doctorId ?? ''}|${formatInTimeZone(p.startsAt, 'HH:mm')}`;
    taken.set(key, (taken.get(key) ?? 0) + 1);
  }
  const today = todayJst(now);
  const nowTime = formatInTimeZone(now, 'HH:mm');
  const slots: DaySlotDto[] = [];
  for (const rule of rules.filter((r) => r.weekday === weekdayOf(date))) {
    for (const time of slotTimes(rule)) {
      const booked = taken.get(`${rule.doctorId ?? ''}|${time}`) ?? 0;
      slots.push({ time, doctorId: rule.doctorId, capacity: rule.capacity, booked, full: booked >= rule.capacity, past: date < today || (date === today && time < nowTime) });
    }
  }
  return slots.sort((a, b) => a.time.localeCompare(b.time) || (a.doctorId ?? '').localeCompare(b.doctorId ?? ''));
}

/** The slots of a day for one doctor (or 医師指定なし), with their free places. No patient data: not audited. */
export async function listDaySlots(raw: DaySlotsInput, actor: Principal, now = new Date()): Promise<DaySlotsDto> {
  await requirePermission(actor, 'reception.read');
  const input = parseInput(daySlotsSchema, raw);
  const rules = await appointmentSlotRepository.rulesFor(db(), actor.clinicId, [weekdayOf(input.date)], input.doctorId ?? null);
  if (!rules.length) return { date: input.date, hasSlots: false, slots: [] };
  const { from, to } = jstDayRange(input.date);
  const places = await appointmentSlotRepository.placesBetween(db(), actor.clinicId, from, to);
  return { date: input.date, hasSlots: true, slots: daySlots(input.date, rules, places, now) };
}

/** The slots of several days for every doctor (the 予約表), keyed by date. */
export async function slotsForDays(clinicId: string, dates: string[], places: { startsAt: Date; doctorId: string | null }[], now: Date): Promise<Map<string, DaySlotDto[]>> {
  const rules = await appointmentSlotRepository.rulesFor(db(), clinicId, [...new Set(dates.map(weekdayOf))]);
  return new Map(dates.map((d) => [d, daySlots(d, rules, places, now)]));
}

/**
 * In the booking's transaction: when the clinic has slots for that day and doctor, the time must be one of them and
 * the slot must have a free place (checked under a lock on the day and doctor). Without slots any time is taken.
 */
export async function takeSlotPlace(tx: Tx, clinicId: string, date: string, time: string, doctorId: string | null): Promise<void> {
  const rules = await appointmentSlotRepository.rulesFor(tx, clinicId, [weekdayOf(date)], doctorId);
  if (!rules.length) return;
  await appointmentSlotRepository.lockDay(tx, clinicId, date, doctorId);
  const { from, to } = jstDayRange(date);
  const slot = daySlots(date, rules, await appointmentSlotRepository.placesBetween(tx, clinicId, from, to), new Date(0)).find((s) => s.time === time);
  if (!slot) throw new AppError('INVALID_INPUT', 'この日は予約枠があります。枠の時刻を選んでください。', { time: '予約枠の時刻を選んでください。' });
  if (slot.full) throw new AppError('CONFLICT', `${time} の枠は満員です（定員 ${slot.capacity}人）。別の枠を選んでください。`);
}

/** The clinic's 予約枠 (設定 → 予約枠). */
export async function listSlotRules(actor: Principal): Promise<SlotRuleDto[]> {
  await requirePermission(actor, 'clinic.settings');
  const rules = await appointmentSlotRepository.listRules(db(), actor.clinicId);
  const doctors = await staffNames(actor.clinicId, rules.map((r) => r.doctorId));
  return rules.map((r) => ({
    ruleId: r.id,
    weekday: r.weekday,
    weekdayLabel: WEEKDAY_LABELS[r.weekday] ?? '',
    doctorId: r.doctorId,
    doctorName: r.doctorId ? (doctors.get(r.doctorId) ?? null) : null,
    startTime: r.startTime,
    endTime: r.endTime,
    slotMinutes: r.slotMinutes,
    capacity: r.capacity,
    slotCount: slotTimes(r).length,
  }));
}

const overlaps = (a: Pick<Rule, 'startTime' | 'endTime'>, b: Pick<Rule, 'startTime' | 'endTime'>) => a.startTime < b.endTime && b.startTime < a.endTime;

/** Adds 予約枠 for a weekday and doctor; the times may not overlap that doctor's other slots of the weekday. */
export async function addSlotRule(raw: AddSlotRuleInput, actor: Principal): Promise<SlotRuleDto> {
  await requirePermission(actor, 'clinic.settings');
  const input = parseInput(addSlotRuleSchema, raw);
  if (input.doctorId && !(await staffRepository.findActiveDoctor(db(), actor.clinicId, input.doctorId))) {
    throw new AppError('INVALID_INPUT', '担当医が見つかりません。選び直してください。', { doctorId: '担当医を選び直してください。' });
  }
  if (!slotTimes(input).length) {
    throw new AppError('INVALID_INPUT', '開始から終了までに1枠も入りません。時刻か1枠の長さを見直してください。', { slotMinutes: '1枠の長さを見直してください。' });
  }
  const rule = await runInTransaction(async (tx) => {
    const same = await appointmentSlotRepository.rulesFor(tx, actor.clinicId, [input.weekday], input.doctorId ?? null);
    const clash = same.find((r) => overlaps(r, input));
    if (clash) {
      throw new AppError('INVALID_INPUT', `同じ曜日・担当医の枠（${clash.startTime}〜${clash.endTime}）と時間が重なっています。`, { startTime: '時間が重ならないようにしてください。' });
    }
    const created = await appointmentSlotRepository.createRule(tx, { clinicId: actor.clinicId, weekday: input.weekday, doctorId: input.doctorId ?? null, startTime: input.startTime, endTime: input.endTime, slotMinutes: input.slotMinutes, capacity: input.capacity, createdById: actor.userId });
    await recordAuditEvent(tx, { clinicId: actor.clinicId, actor, action: 'settings_changed', resourceType: RESOURCE, resourceId: created.id, detail: { before: null, after: { weekday: created.weekday, doctorId: created.doctorId, startTime: created.startTime, endTime: created.endTime, slotMinutes: created.slotMinutes, capacity: created.capacity } }, ctx: actor.ctx });
    return created;
  });
  return (await listSlotRules(actor)).find((r) => r.ruleId === rule.id)!;
}

/** Removes 予約枠 (appointments already booked in them stay). */
export async function removeSlotRule(raw: RemoveSlotRuleInput, actor: Principal): Promise<void> {
  await requirePermission(actor, 'clinic.settings');
  const input = parseInput(removeSlotRuleSchema, raw);
  await runInTransaction(async (tx) => {
    const before = await appointmentSlotRepository.findRule(tx, actor.clinicId, input.ruleId);
    if (!before) throw notFound();
    await appointmentSlotRepository.removeRule(tx, actor.clinicId, before.id);
    await recordAuditEvent(tx, { clinicId: actor.clinicId, actor, action: 'settings_changed', resourceType: RESOURCE, resourceId: before.id, detail: { before: { weekday: before.weekday, doctorId: before.doctorId, startTime: before.startTime, endTime: before.endTime, slotMinutes: before.slotMinutes, capacity: before.capacity }, after: null }, ctx: actor.ctx });
  });
}

/** The doctors a 予約枠 may be for (the admin's form). */
export async function listDoctorsForSlots(actor: Principal): Promise<{ id: string; name: string }[]> {
  await requirePermission(actor, 'clinic.settings');
  return (await staffRepository.listActiveDoctors(db(), actor.clinicId)).map((d) => ({ id: d.id, name: d.displayName }));
}
