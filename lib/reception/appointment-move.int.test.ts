/** 予約変更 (issue 13): another date, time, doctor or purpose, with the 予約枠 check, audited, the old appointment kept. */
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/lib/core/db';
import { fromJstLocal } from '@/lib/core/tz';
import { auditEventsFor, auditMark, clinicWithStaff, createPatient } from '@/tests/helpers/factories';
import { errorCode } from '@/tests/helpers/error-code';
import { bookAppointment, listAppointmentSchedule, listAppointmentsForDay, moveAppointment } from './appointment.service';
import { addSlotRule } from './appointment-slot.service';

type Staff = Awaited<ReturnType<typeof clinicWithStaff>>;
let a: Staff;
let b: Staff;
// fixed days far ahead (2030-02-06 is a Wednesday): no dependence on the clock
const WED = '2030-02-06';
const THU = '2030-02-07';
let p1: string;
let p2: string;

beforeAll(async () => {
  [a, b] = await Promise.all([clinicWithStaff(), clinicWithStaff()]);
  await addSlotRule({ weekday: 3, doctorId: a.doctor.userId, startTime: '09:00', endTime: '10:00', slotMinutes: 30, capacity: 1 }, a.admin);
  p1 = (await createPatient(a.receptionist)).id;
  p2 = (await createPatient(a.receptionist)).id;
});

describe('予約変更', () => {
  it('moves within the 予約枠 rules: a full slot and a time outside the slots are refused and nothing changes', async () => {
    const first = await bookAppointment({ patientId: p1, date: WED, time: '09:00', purpose: '再診', doctorId: a.doctor.userId }, a.receptionist);
    const second = await bookAppointment({ patientId: p2, date: WED, time: '09:30', purpose: '採血', doctorId: a.doctor.userId }, a.receptionist);
    expect(await errorCode(moveAppointment({ appointmentId: first.appointmentId, date: WED, time: '09:30', doctorId: a.doctor.userId }, a.receptionist))).toBe('CONFLICT');
    expect(await errorCode(moveAppointment({ appointmentId: first.appointmentId, date: WED, time: '10:15', doctorId: a.doctor.userId }, a.receptionist))).toBe('INVALID_INPUT');
    expect(await errorCode(moveAppointment({ appointmentId: first.appointmentId, date: WED, time: '09:00', doctorId: a.doctor.userId }, a.receptionist))).toBe('INVALID_INPUT');
    expect(await errorCode(moveAppointment({ appointmentId: first.appointmentId, date: '2020-01-08', time: '09:00' }, a.receptionist))).toBe('INVALID_INPUT');
    expect(await errorCode(moveAppointment({ appointmentId: first.appointmentId, date: THU, time: '14:00' }, b.receptionist))).toBe('NOT_FOUND');
    const rows = await db().appointment.findMany({ where: { clinicId: a.clinic.id, patientId: { in: [p1, p2] } } });
    expect(rows.map((r) => r.status)).toEqual(['booked', 'booked']);

    // to another day without slots: the old one stays as 変更済 with its time, the new one names it; audited once
    const mark = await auditMark(a.clinic.id);
    const moved = await moveAppointment({ appointmentId: first.appointmentId, date: THU, time: '14:00' }, a.receptionist);
    expect(moved).toMatchObject({ date: THU, time: '14:00' });
    const [event] = await auditEventsFor(a.clinic.id, { resourceType: 'appointment', patientId: p1 }, mark);
    expect(event).toMatchObject({ action: 'update', resourceId: first.appointmentId });
    expect(event!.detail).toMatchObject({ status: 'moved', movedTo: moved.appointmentId, from: fromJstLocal(`${WED}T09:00`).toISOString(), to: fromJstLocal(`${THU}T14:00`).toISOString(), fromDoctorId: a.doctor.userId, doctorId: null });
    expect(JSON.stringify(event!.detail)).not.toContain('再診'); // the purpose is free text

    const wed = await listAppointmentsForDay({ date: WED }, a.receptionist, fromJstLocal(`${WED}T08:00`));
    expect(wed.entries.find((e) => e.appointmentId === first.appointmentId)).toMatchObject({ status: 'moved', time: '09:00', movedTo: `${THU} 14:00`, movedFrom: null });
    const thu = await listAppointmentsForDay({ date: THU }, a.receptionist, fromJstLocal(`${THU}T08:00`));
    expect(thu.entries.find((e) => e.appointmentId === moved.appointmentId)).toMatchObject({ status: 'booked', time: '14:00', purpose: '再診', doctorId: null, movedFrom: `${WED} 09:00` });

    // its place is free again: the 09:30 patient moves into 09:00; the slot counts only what is still booked
    await moveAppointment({ appointmentId: second.appointmentId, date: WED, time: '09:00', doctorId: a.doctor.userId }, a.receptionist);
    const day = (await listAppointmentSchedule({ date: WED }, a.receptionist, fromJstLocal(`${WED}T08:00`))).days[0]!;
    const column = day.columns.find((c) => c.doctorId === a.doctor.userId)!;
    expect(column.slots.map((s) => [s.time, s.booked])).toEqual([['09:00', 1], ['09:30', 0]]);
    expect(column.booked).toBe(1);

    // a moved appointment is history: it cannot move, be checked in or cancelled again
    expect(await errorCode(moveAppointment({ appointmentId: first.appointmentId, date: THU, time: '15:00' }, a.receptionist))).toBe('CONFLICT');
  });

  it('changes the purpose too (alone or with the time): a new appointment with it, the old one 変更済; the text is not audited', async () => {
    const booked = await bookAppointment({ patientId: p2, date: THU, time: '11:00', purpose: '再診' }, a.receptionist);
    expect(await errorCode(moveAppointment({ appointmentId: booked.appointmentId, date: THU, time: '11:00', purpose: '   ' }, a.receptionist))).toBe('INVALID_INPUT');
    const mark = await auditMark(a.clinic.id);
    const moved = await moveAppointment({ appointmentId: booked.appointmentId, date: THU, time: '11:00', purpose: '採血結果の説明' }, a.receptionist);
    const thu = await listAppointmentsForDay({ date: THU }, a.receptionist, fromJstLocal(`${THU}T08:00`));
    expect(thu.entries.find((e) => e.appointmentId === moved.appointmentId)).toMatchObject({ status: 'booked', time: '11:00', purpose: '採血結果の説明' });
    expect(thu.entries.find((e) => e.appointmentId === booked.appointmentId)).toMatchObject({ status: 'moved', purpose: '再診' });
    const [event] = await auditEventsFor(a.clinic.id, { resourceType: 'appointment', patientId: p2 }, mark);
    expect(event!.detail).toMatchObject({ purposeChanged: true });
    expect(JSON.stringify(event!.detail)).not.toContain('採血結果');
  });

  it('is for staff who book: the clinic admin (no reception.write) is refused', async () => {
    const booked = await bookAppointment({ patientId: p1, date: THU, time: '16:00', purpose: '再診' }, a.receptionist);
    expect(await errorCode(moveAppointment({ appointmentId: booked.appointmentId, date: THU, time: '16:30' }, a.admin))).toBe('FORBIDDEN');
    expect(await errorCode(moveAppointment({ appointmentId: booked.appointmentId, date: THU, time: '16:30' }, a.nurse))).toBe('OK');
  });
});
