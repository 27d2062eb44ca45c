import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/lib/core/db';
import { todayJst } from '@/lib/core/dates';
import { formatInTimeZone, fromJstLocal } from '@/lib/core/tz';
import { errorCode } from '@/tests/helpers/error-code';
import { auditEventsFor, clinicWithStaff, createPatient } from '@/tests/helpers/factories';
import { bookAppointment, cancelAppointment, checkInAppointment, listAppointmentsForDay, listUpcomingForPatient } from './appointment.service';
import { listQueue } from './visit.service';

type Staff = Awaited<ReturnType<typeof clinicWithStaff>>;
let a: Staff;
let b: Staff;
beforeAll(async () => {
  [a, b] = await Promise.all([clinicWithStaff(), clinicWithStaff()]);
});

const code = errorCode;
/** A day a week from today (JST), 'YYYY-MM-DD'. */
const nextWeek = () => formatInTimeZone(new Date(Date.now() + 7 * 86_400_000), 'yyyy-MM-dd');
const nowTime = () => formatInTimeZone(new Date(), 'HH:mm');

describe('次回予約', () => {
  it('a doctor books from the chart; the day list shows it with the doctor, and the booking is audited', async () => {
    const p = await createPatient(a.receptionist);
    const date = nextWeek();
    const r = await bookAppointment({ patientId: p.id, date, time: '10:30', purpose: '再診・採血', doctorId: a.doctor.userId }, a.doctor);
    const day = await listAppointmentsForDay({ date }, a.receptionist, fromJstLocal(`${date}T09:00`));
    const entry = day.entries.find((e) => e.appointmentId === r.appointmentId);
    expect(entry).toMatchObject({ time: '10:30', date, purpose: '再診・採血', doctorId: a.doctor.userId, status: 'booked', receptionNumber: null, patient: { id: p.id } });
    expect(entry?.doctorName).toBeTruthy();
    expect(await listUpcomingForPatient(p.id, a.doctor)).toEqual([expect.objectContaining({ appointmentId: r.appointmentId, date, time: '10:30' })]);
    const created = await auditEventsFor(a.clinic.id, { action: 'create', resourceType: 'appointment' });
    const mine = created.find((e) => e.resourceId === r.appointmentId);
    expect(mine).toMatchObject({ patientId: p.id, userId: a.doctor.userId });
    expect(JSON.stringify(mine?.detail)).not.toContain('採血');
    const reads = await auditEventsFor(a.clinic.id, { action: 'read', resourceType: 'appointment_list' });
    expect(reads.some((e) => JSON.stringify(e.detail).includes(p.id))).toBe(true);
  });

  it('shows a booked appointment more than 60 minutes past its time as 未来院 (derived, nothing stored)', async () => {
    const p = await createPatient(a.receptionist);
    const date = nextWeek();
    const r = await bookAppointment({ patientId: p.id, date, time: '09:00', purpose: '再診' }, a.receptionist);
    const at = async (hhmm: string) => (await listAppointmentsForDay({ date }, a.receptionist, fromJstLocal(`${date}T${hhmm}`))).entries.find((e) => e.appointmentId === r.appointmentId)?.status;
    expect(await at('09:59')).toBe('booked');
    expect(await at('10:01')).toBe('no_show');
    expect((await db().appointment.findUnique({ where: { clinicId_id: { clinicId: a.clinic.id, id: r.appointmentId } } }))?.status).toBe('booked');
  });

  it('checks a booked patient in with one action: the visit (with the appointment doctor) is on the board and linked', async () => {
    const p = await createPatient(a.receptionist);
    const r = await bookAppointment({ patientId: p.id, date: todayJst(), time: nowTime(), purpose: '血圧フォロー', doctorId: a.doctor.userId }, a.doctor);
    const visit = await checkInAppointment({ appointmentId: r.appointmentId }, a.receptionist);
    const board = (await listQueue(a.receptionist)).entries.find((e) => e.visitId === visit.visitId);
    expect(board).toMatchObject({ status: 'received', doctorId: a.doctor.userId, patient: { id: p.id } });
    expect(board?.memo).toContain('血圧フォロー');
    const row = await db().appointment.findUnique({ where: { clinicId_id: { clinicId: a.clinic.id, id: r.appointmentId } } });
    expect(row).toMatchObject({ status: 'checked_in', visitId: visit.visitId });
    const day = await listAppointmentsForDay({}, a.receptionist);
    expect(day.entries.find((e) => e.appointmentId === r.appointmentId)).toMatchObject({ status: 'checked_in', receptionNumber: visit.receptionNumber });
    // the ordinary check-in ran: its audit event and the ORCA/sharing side are the check-in's own
    expect((await auditEventsFor(a.clinic.id, { action: 'create', resourceType: 'visit' })).some((e) => e.resourceId === visit.visitId)).toBe(true);
    expect((await auditEventsFor(a.clinic.id, { action: 'update', resourceType: 'appointment' })).some((e) => e.resourceId === r.appointmentId)).toBe(true);
    // twice: refused
    expect(await code(checkInAppointment({ appointmentId: r.appointmentId }, a.receptionist))).toBe('CONFLICT');
  });

  it('creates no visit when the appointment cannot be checked in (already checked in today by the desk)', async () => {
    const p = await createPatient(a.receptionist);
    const r = await bookAppointment({ patientId: p.id, date: todayJst(), time: nowTime(), purpose: '再診' }, a.receptionist);
    const first = await bookAppointment({ patientId: p.id, date: todayJst(), time: nowTime(), purpose: '再診（重複）' }, a.receptionist);
    await checkInAppointment({ appointmentId: first.appointmentId }, a.receptionist);
    // the patient already has an active visit: the check-in refuses and the appointment stays booked
    expect(await code(checkInAppointment({ appointmentId: r.appointmentId }, a.receptionist))).toBe('CONFLICT');
    expect((await db().appointment.findUnique({ where: { clinicId_id: { clinicId: a.clinic.id, id: r.appointmentId } } }))?.status).toBe('booked');
  });

  it('cancels a booked appointment once; a cancelled or another day’s appointment cannot be checked in', async () => {
    const p = await createPatient(a.receptionist);
    const date = nextWeek();
    const later = await bookAppointment({ patientId: p.id, date, time: '11:00', purpose: '再診' }, a.doctor);
    expect(await code(checkInAppointment({ appointmentId: later.appointmentId }, a.receptionist))).toBe('PRECONDITION_FAILED');
    await cancelAppointment({ appointmentId: later.appointmentId }, a.receptionist);
    expect(await code(cancelAppointment({ appointmentId: later.appointmentId }, a.receptionist))).toBe('CONFLICT');
    expect(await code(checkInAppointment({ appointmentId: later.appointmentId }, a.receptionist))).toBe('CONFLICT');
    const day = await listAppointmentsForDay({ date }, a.receptionist);
    expect(day.entries.find((e) => e.appointmentId === later.appointmentId)?.status).toBe('cancelled');
    expect(await listUpcomingForPatient(p.id, a.doctor)).toEqual([]);
    expect((await auditEventsFor(a.clinic.id, { action: 'update', resourceType: 'appointment' })).some((e) => e.resourceId === later.appointmentId)).toBe(true);
  });

  it('validates input in Japanese and refuses past days and unknown doctors', async () => {
    const p = await createPatient(a.receptionist);
    expect(await code(bookAppointment({ patientId: p.id, date: '2020-01-01', time: '10:00', purpose: '再診' }, a.doctor))).toBe('INVALID_INPUT');
    expect(await code(bookAppointment({ patientId: p.id, date: nextWeek(), time: '25:00', purpose: '再診' }, a.doctor))).toBe('INVALID_INPUT');
    expect(await code(bookAppointment({ patientId: p.id, date: nextWeek(), time: '10:00', purpose: ' ' }, a.doctor))).toBe('INVALID_INPUT');
    expect(await code(bookAppointment({ patientId: p.id, date: nextWeek(), time: '10:00', purpose: '再診', doctorId: b.doctor.userId }, a.doctor))).toBe('INVALID_INPUT');
    expect(await code(bookAppointment({ patientId: p.id, date: nextWeek(), time: '10:00', purpose: '再診' }, a.admin))).toBe('FORBIDDEN');
  });

  it('another clinic can neither see nor touch an appointment', async () => {
    const p = await createPatient(a.receptionist);
    const r = await bookAppointment({ patientId: p.id, date: todayJst(), time: nowTime(), purpose: '再診' }, a.doctor);
    expect((await listAppointmentsForDay({}, b.receptionist)).entries.map((e) => e.appointmentId)).not.toContain(r.appointmentId);
    expect(await code(checkInAppointment({ appointmentId: r.appointmentId }, b.receptionist))).toBe('NOT_FOUND');
    expect(await code(cancelAppointment({ appointmentId: r.appointmentId }, b.receptionist))).toBe('NOT_FOUND');
    expect(await code(bookAppointment({ patientId: p.id, date: nextWeek(), time: '10:00', purpose: '再診' }, b.doctor))).toBe('NOT_FOUND');
    expect(await code(listUpcomingForPatient(p.id, b.doctor))).toBe('NOT_FOUND');
    expect((await db().appointment.findUnique({ where: { clinicId_id: { clinicId: a.clinic.id, id: r.appointmentId } } }))?.status).toBe('booked');
  });
});
