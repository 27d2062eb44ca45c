/**
 * 次回予約 (issue 13, docs/decisions/0057): book the next visit from the chart, see a day's appointments at 受付 and
 * check a booked patient in with one action (the ordinary check-in, so ORCA and the sharing triggers still run).
 * 未来院 is derived when the list is read; nothing runs in the background.
 */
import { AppError, notFound } from '@/lib/core/app-error';
import { db, runInTransaction } from '@/lib/core/db';
import { dateOnly, dayLabel, isoDate, todayJst } from '@/lib/core/dates';
import { formatInTimeZone, fromJstLocal } from '@/lib/core/tz';
import { parseInput } from '@/lib/core/zod';
import { recordAuditEvent, recordAuditEventNow } from '@/lib/audit/audit';
import { requirePermission, type Principal } from '@/lib/auth/principal';
import { patientRepository } from '@/lib/records/patients/patient.repository';
import { staffRepository } from '@/lib/staff/staff.repository';
import { staffNames } from '@/lib/staff/staff-names';
import { appointmentRepository } from './appointment.repository';
import {
  APPOINTMENT_STATUSES,
  appointmentIdSchema,
  bookAppointmentSchema,
  moveAppointmentSchema,
  RELEASED_STATUSES,
  type MoveAppointmentInput,
  displayStatus,
  listAppointmentsSchema,
  scheduleSchema,
  type AppointmentDisplayStatus,
  type ScheduleInput,
  type ScheduleView,
  type AppointmentIdInput,
  type BookAppointmentInput,
  type ListAppointmentsInput,
} from './appointment.schema';
import { checkIn } from './visit.service';
import { jstDayRange, slotsForDays, takeSlotPlace, weekdayOf } from './appointment-slot.service';
import { WEEKDAY_LABELS, type DaySlotDto } from './appointment-slot.constants';
import { queueOrcaAppointment, queueOrcaAppointmentCancel } from '@/lib/orca/orca-appointments.service';
import { ORCA_APPOINTMENT_STATES, type OrcaAppointmentState } from '@/lib/orca/orca.constants';
import { oneOf } from '@/lib/core/text-enum';

export type AppointmentDto = {
  appointmentId: string;
  /** ISO instant */
  startsAt: string;
  /** 'HH:mm' JST */
  time: string;
  /** 'YYYY-MM-DD' JST */
  date: string;
  purpose: string;
  doctorId: string | null;
  doctorName: string | null;
  status: AppointmentDisplayStatus;
  /** 受付番号 once checked in */
  receptionNumber: number | null;
  /** 予約変更: the time this appointment was moved from ('YYYY-MM-DD HH:mm' JST), or the time a moved one went to */
  movedFrom: string | null;
  movedTo: string | null;
  patient: { id: string; patientNumber: number; name: string; kana: string };
  /** ORCA's side, for a clinic that keeps its 予約 in ORCA (lib/orca/orca-appointments.service.ts): state and ORCA's warning or error */
  orca?: { state: OrcaAppointmentState; message: string | null } | null;
};

export type AppointmentDayDto = { date: string; dateLabel: string; entries: AppointmentDto[] };

/**
 * Books an appointment for a patient (from the chart). The doctor, when named, must be active. When the clinic has
 * 予約枠 for that day and doctor the time must be a slot with a free place (0060); otherwise any time from today on.
 */
export async function bookAppointment(raw: BookAppointmentInput, actor: Principal) {
  await requirePermission(actor, 'reception.write');
  const input = parseInput(bookAppointmentSchema, raw);
  const patient = await patientRepository.findById(db(), { clinicId: actor.clinicId, patientId: input.patientId });
  if (!patient) throw notFound();
  const startsAt = fromJstLocal(`${input.date}T${input.time}`);
  if (input.date < todayJst()) {
    throw new AppError('INVALID_INPUT', '過去の日付には予約できません。', { date: '今日以降の日付を入力してください。' });
  }
  if (input.doctorId && !(await staffRepository.findActiveDoctor(db(), actor.clinicId, input.doctorId))) {
    throw new AppError('INVALID_INPUT', '担当医が見つかりません。選び直してください。', { doctorId: '担当医を選び直してください。' });
  }
  return runInTransaction(async (tx) => {
    await takeSlotPlace(tx, actor.clinicId, input.date, input.time, input.doctorId ?? null);
    const appointment = await appointmentRepository.create(tx, {
      clinicId: actor.clinicId,
      patientId: input.patientId,
      startsAt,
      purpose: input.purpose,
      doctorId: input.doctorId ?? null,
      createdById: actor.userId,
    });
    // a clinic that keeps its 予約 in ORCA: sent there in the background (lib/orca/orca-appointments.service.ts)
    await queueOrcaAppointment(tx, actor.clinicId, appointment);
    // the purpose is free text: not in the audit detail
    await recordAuditEvent(tx, { clinicId: actor.clinicId, actor, action: 'create', resourceType: 'appointment', resourceId: appointment.id, patientId: input.patientId, detail: { startsAt: startsAt.toISOString(), doctorId: appointment.doctorId }, ctx: actor.ctx });
    return { appointmentId: appointment.id, date: input.date, time: input.time };
  });
}

/**
 * 予約変更 from 本日の予約 / 予約表: a booked appointment moves to another date, time or doctor. The old one is kept as
 * `moved` (its time stays visible) and a new booked one names it (`movedFromId`), in one transaction with the slot
 * check of the new place (the old place is released first, so moving within a full slot works) and one audit event.
 */
export async function moveAppointment(raw: MoveAppointmentInput, actor: Principal) {
  await requirePermission(actor, 'reception.write');
  const input = parseInput(moveAppointmentSchema, raw);
  const appointment = await appointmentRepository.find(db(), actor.clinicId, input.appointmentId);
  if (!appointment) throw notFound();
  if (appointment.status !== 'booked') throw new AppError('CONFLICT', 'この予約はすでに受付済み・取消済み・変更済みです。画面を更新してください。');
  if (input.date < todayJst()) throw new AppError('INVALID_INPUT', '過去の日付には変更できません。', { date: '今日以降の日付を入力してください。' });
  if (input.doctorId && !(await staffRepository.findActiveDoctor(db(), actor.clinicId, input.doctorId))) {
    throw new AppError('INVALID_INPUT', '担当医が見つかりません。選び直してください。', { doctorId: '担当医を選び直してください。' });
  }
  const startsAt = fromJstLocal(`${input.date}T${input.time}`);
  const purpose = input.purpose ?? appointment.purpose;
  if (startsAt.getTime() === appointment.startsAt.getTime() && (input.doctorId ?? null) === appointment.doctorId && purpose === appointment.purpose) {
    throw new AppError('INVALID_INPUT', '変更前と同じ日時・担当医・目的です。', { time: '新しい日時を入力してください。' });
  }
  return runInTransaction(async (tx) => {
    const { count } = await appointmentRepository.markMovedIfBooked(tx, actor.clinicId, appointment.id);
    if (count !== 1) throw new AppError('CONFLICT', 'この予約は他の端末で受付・取消・変更されました。画面を更新してください。');
    await takeSlotPlace(tx, actor.clinicId, input.date, input.time, input.doctorId ?? null);
    const moved = await appointmentRepository.create(tx, {
      clinicId: actor.clinicId,
      patientId: appointment.patientId,
      startsAt,
      purpose,
      doctorId: input.doctorId ?? null,
      createdById: actor.userId,
      movedFromId: appointment.id,
    });
    // ORCA (when the clinic keeps its 予約 there): the old 予約 is cancelled and the new one booked
    await queueOrcaAppointmentCancel(tx, actor.clinicId, appointment);
    await queueOrcaAppointment(tx, actor.clinicId, moved);
    await recordAuditEvent(tx, {
      clinicId: actor.clinicId,
      actor,
      action: 'update',
      resourceType: 'appointment',
      resourceId: appointment.id,
      patientId: appointment.patientId,
      detail: { status: 'moved', movedTo: moved.id, from: appointment.startsAt.toISOString(), to: startsAt.toISOString(), fromDoctorId: appointment.doctorId, doctorId: moved.doctorId, purposeChanged: purpose !== appointment.purpose },
      ctx: actor.ctx,
    });
    return { appointmentId: moved.id, date: input.date, time: input.time };
  });
}

/** Cancels a booked appointment (the screen asks first). Checked-in or cancelled ones cannot be. */
export async function cancelAppointment(raw: AppointmentIdInput, actor: Principal) {
  await requirePermission(actor, 'reception.write');
  const input = parseInput(appointmentIdSchema, raw);
  const appointment = await appointmentRepository.find(db(), actor.clinicId, input.appointmentId);
  if (!appointment) throw notFound();
  await runInTransaction(async (tx) => {
    const { count } = await appointmentRepository.cancelIfBooked(tx, actor.clinicId, appointment.id, actor.userId);
    if (count !== 1) throw new AppError('CONFLICT', 'この予約はすでに受付済みか取消済みです。画面を更新してください。');
    await queueOrcaAppointmentCancel(tx, actor.clinicId, appointment);
    await recordAuditEvent(tx, { clinicId: actor.clinicId, actor, action: 'update', resourceType: 'appointment', resourceId: appointment.id, patientId: appointment.patientId, detail: { status: 'cancelled' }, ctx: actor.ctx });
  });
}

/**
 * 受付 from the appointment, in one action: the ordinary check-in (insurance check, 受付番号, ORCA, sharing) with the
 * appointment's doctor, and the appointment becomes checked_in with the visit linked, in the same transaction.
 * Only today's appointments; a late patient (未来院 on the list) can still be checked in.
 */
export async function checkInAppointment(raw: AppointmentIdInput, actor: Principal) {
  await requirePermission(actor, 'reception.write');
  const input = parseInput(appointmentIdSchema, raw);
  const appointment = await appointmentRepository.find(db(), actor.clinicId, input.appointmentId);
  if (!appointment) throw notFound();
  if (appointment.status !== 'booked') throw new AppError('CONFLICT', 'この予約はすでに受付済みか取消済みです。画面を更新してください。');
  if (formatInTimeZone(appointment.startsAt, 'yyyy-MM-dd') !== todayJst()) {
    throw new AppError('PRECONDITION_FAILED', '本日の予約ではありません。通常の受付をしてください。');
  }
  const doctorActive = appointment.doctorId ? !!(await staffRepository.findActiveDoctor(db(), actor.clinicId, appointment.doctorId)) : false;
  return checkIn(
    { patientId: appointment.patientId, ...(doctorActive && appointment.doctorId ? { doctorId: appointment.doctorId } : {}), memo: `予約 ${formatInTimeZone(appointment.startsAt, 'HH:mm')} ${appointment.purpose}`.slice(0, 200) },
    actor,
    async (tx, visit) => {
      const { count } = await appointmentRepository.checkInIfBooked(tx, actor.clinicId, appointment.id, visit.id);
      if (count !== 1) throw new AppError('CONFLICT', 'この予約は他の端末で受付または取消されました。画面を更新してください。');
      await recordAuditEvent(tx, { clinicId: actor.clinicId, actor, action: 'update', resourceType: 'appointment', resourceId: appointment.id, patientId: appointment.patientId, detail: { status: 'checked_in', visitId: visit.id }, ctx: actor.ctx });
    },
  );
}

type AppointmentRow = Awaited<ReturnType<typeof appointmentRepository.listBetween>>[number];

function toAppointmentDto(r: AppointmentRow, doctors: Map<string, string>, now: Date): AppointmentDto {
  return {
    appointmentId: r.id,
    startsAt: r.startsAt.toISOString(),
    time: formatInTimeZone(r.startsAt, 'HH:mm'),
    date: formatInTimeZone(r.startsAt, 'yyyy-MM-dd'),
    purpose: r.purpose,
    doctorId: r.doctorId,
    doctorName: r.doctorId ? (doctors.get(r.doctorId) ?? null) : null,
    status: displayStatus(oneOf(APPOINTMENT_STATUSES, r.status), r.startsAt, now),
    receptionNumber: r.visit?.receptionNumber ?? null,
    movedFrom: r.movedFrom ? formatInTimeZone(r.movedFrom.startsAt, 'yyyy-MM-dd HH:mm') : null,
    movedTo: r.movedTo ? formatInTimeZone(r.movedTo.startsAt, 'yyyy-MM-dd HH:mm') : null,
    patient: {
      id: r.patient.id,
      patientNumber: r.patient.patientNumber,
      name: `${r.patient.familyName} ${r.patient.givenName}`,
      kana: `${r.patient.familyNameKana} ${r.patient.givenNameKana}`,
    },
    ...(r.orcaLink ? { orca: { state: oneOf(ORCA_APPOINTMENT_STATES, r.orcaLink.state), message: r.orcaLink.message } } : {}),
  };
}

/** A day's appointments (default today, JST) with 未来院 derived; audited as a read with the patients listed. */
export async function listAppointmentsForDay(raw: ListAppointmentsInput, actor: Principal, now = new Date()): Promise<AppointmentDayDto> {
  await requirePermission(actor, 'reception.read');
  const input = parseInput(listAppointmentsSchema, raw);
  const date = input.date ?? todayJst(now);
  const { from, to } = jstDayRange(date);
  const rows = await appointmentRepository.listBetween(actor.clinicId, from, to);
  await recordAuditEventNow({ clinicId: actor.clinicId, actor, action: 'read', resourceType: 'appointment_list', detail: { date, patientIds: [...new Set(rows.map((r) => r.patientId))] }, ctx: actor.ctx });
  const doctors = await staffNames(actor.clinicId, rows.map((r) => r.doctorId));
  return { date, dateLabel: dayLabel(date), entries: rows.map((r) => toAppointmentDto(r, doctors, now)) };
}

/** One doctor's column of one day in the 予約表 (doctorId null: 医師指定なし). */
export type ScheduleColumnDto = {
  doctorId: string | null;
  doctorName: string;
  entries: AppointmentDto[];
  slots: DaySlotDto[];
  /** appointments not cancelled */
  booked: number;
  /** free places in the slots that have not begun; null when the column has no slots */
  free: number | null;
  noShow: number;
};
export type ScheduleDayDto = { date: string; label: string; weekday: number; isToday: boolean; columns: ScheduleColumnDto[] };
export type ScheduleDto = {
  view: ScheduleView;
  date: string;
  /** label of the range: the day, or the week's first and last day */
  label: string;
  today: string;
  previous: string;
  next: string;
  days: ScheduleDayDto[];
};

const addDays = (date: string, n: number) => isoDate(new Date(dateOnly(date).getTime() + n * 86_400_000));

/**
 * 予約表: the appointments of a day or of a week (月曜から日曜) in a column per doctor, with the 予約枠 of each
 * column (booked / free places) and 未来院 derived. Audited as one read with the patients listed.
 */
export async function listAppointmentSchedule(raw: ScheduleInput, actor: Principal, now = new Date()): Promise<ScheduleDto> {
  await requirePermission(actor, 'reception.read');
  const input = parseInput(scheduleSchema, raw);
  const view = input.view ?? 'day';
  const today = todayJst(now);
  const date = input.date ?? today;
  const first = view === 'day' ? date : addDays(date, -((weekdayOf(date) + 6) % 7));
  const dates = Array.from({ length: view === 'day' ? 1 : 7 }, (_, i) => addDays(first, i));
  const from = jstDayRange(dates[0]!).from;
  const to = jstDayRange(dates[dates.length - 1]!).to;
  const rows = await appointmentRepository.listBetween(actor.clinicId, from, to);
  await recordAuditEventNow({ clinicId: actor.clinicId, actor, action: 'read', resourceType: 'appointment_list', detail: { from: dates[0], to: dates[dates.length - 1], view, patientIds: [...new Set(rows.map((r) => r.patientId))] }, ctx: actor.ctx });
  const [active, slotsByDay] = await Promise.all([
    staffRepository.listActiveDoctors(db(), actor.clinicId),
    slotsForDays(actor.clinicId, dates, rows.filter((r) => !RELEASED_STATUSES.includes(oneOf(APPOINTMENT_STATUSES, r.status))), now),
  ]);
  const names = await staffNames(actor.clinicId, rows.map((r) => r.doctorId));
  for (const d of active) names.set(d.id, d.displayName);
  // every active doctor, then a doctor who left but still has appointments here, then 医師指定なし
  const doctorIds: (string | null)[] = [...new Set([...active.map((d) => d.id), ...rows.map((r) => r.doctorId).filter((x): x is string => !!x)]), null];
  const entries = rows.map((r) => toAppointmentDto(r, names, now));
  const days = dates.map((d) => ({
    date: d,
    label: `${d.slice(5).replace('-', '/')}（${WEEKDAY_LABELS[weekdayOf(d)]}）`,
    weekday: weekdayOf(d),
    isToday: d === today,
    columns: doctorIds.map((doctorId) => {
      const mine = entries.filter((e) => e.date === d && e.doctorId === doctorId);
      const slots = (slotsByDay.get(d) ?? []).filter((s) => s.doctorId === doctorId);
      return {
        doctorId,
        doctorName: doctorId ? (names.get(doctorId) ?? '（退職した医師）') : '医師指定なし',
        entries: mine,
        slots,
        booked: mine.filter((e) => e.status !== 'cancelled' && e.status !== 'moved').length,
        free: slots.length ? slots.filter((s) => !s.past).reduce((n, s) => n + Math.max(0, s.capacity - s.booked), 0) : null,
        noShow: mine.filter((e) => e.status === 'no_show').length,
      };
    }),
  }));
  return {
    view,
    date,
    label: view === 'day' ? dayLabel(date) : `${dates[0]!.replaceAll('-', '/')}〜${dates[6]!.slice(5).replace('-', '/')}`,
    today,
    previous: addDays(date, view === 'day' ? -1 : -7),
    next: addDays(date, view === 'day' ? 1 : 7),
    days,
  };
}

/** The patient's upcoming booked appointments, for the chart's 次回予約 panel (audited read). */
export async function listUpcomingForPatient(patientId: string, actor: Principal, now = new Date()) {
  await requirePermission(actor, 'reception.read');
  const patient = await patientRepository.findById(db(), { clinicId: actor.clinicId, patientId });
  if (!patient) throw notFound();
  const rows = await appointmentRepository.listForPatientFrom(actor.clinicId, patientId, fromJstLocal(`${todayJst(now)}T00:00`));
  await recordAuditEventNow({ clinicId: actor.clinicId, actor, action: 'read', resourceType: 'appointment', patientId, detail: { count: rows.length }, ctx: actor.ctx });
  const doctors = await staffNames(actor.clinicId, rows.map((r) => r.doctorId));
  return rows.map((r) => ({
    appointmentId: r.id,
    date: formatInTimeZone(r.startsAt, 'yyyy-MM-dd'),
    time: formatInTimeZone(r.startsAt, 'HH:mm'),
    purpose: r.purpose,
    doctorId: r.doctorId,
    doctorName: r.doctorId ? (doctors.get(r.doctorId) ?? null) : null,
  }));
}
