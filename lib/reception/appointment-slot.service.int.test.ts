import { beforeAll, describe, expect, it } from 'vitest';
import { fromJstLocal } from '@/lib/core/tz';
import { errorCode } from '@/tests/helpers/error-code';
import { auditEventsFor, clinicWithStaff, createPatient } from '@/tests/helpers/factories';
import { bookAppointment, cancelAppointment } from './appointment.service';
import { addSlotRule, daySlots, listDaySlots, listSlotRules, removeSlotRule, slotTimes } from './appointment-slot.service';

type Staff = Awaited<ReturnType<typeof clinicWithStaff>>;
let a: Staff;
let b: Staff;
beforeAll(async () => {
  [a, b] = await Promise.all([clinicWithStaff(), clinicWithStaff()]);
});

const code = errorCode;
// fixed days far ahead: no dependence on the time of day or the zone (2030-01-07 is a Monday)
const MONDAY = '2030-01-07';
const TUESDAY = '2030-01-08';
const NEXT_MONDAY = '2030-01-14';

describe('予約枠', () => {
  it('slot times run from the start every slot length and end by the end', () => {
    expect(slotTimes({ startTime: '09:00', endTime: '10:00', slotMinutes: 30 })).toEqual(['09:00', '09:30']);
    expect(slotTimes({ startTime: '09:00', endTime: '10:10', slotMinutes: 20 })).toEqual(['09:00', '09:20', '09:40']);
    const rule = { weekday: 1, doctorId: null, startTime: '09:00', endTime: '10:00', slotMinutes: 30, capacity: 1 };
    // an appointment at 09:00 JST takes the 09:00 slot; on the day itself, a slot that has begun is past
    const slots = daySlots(MONDAY, [rule], [{ startsAt: fromJstLocal(`${MONDAY}T09:00`), doctorId: null }], fromJstLocal(`${MONDAY}T09:10`));
    expect(slots).toEqual([
      { time: '09:00', doctorId: null, capacity: 1, booked: 1, full: true, past: true },
      { time: '09:30', doctorId: null, capacity: 1, booked: 0, full: false, past: false },
    ]);
  });

  it('the admin sets slots per weekday and doctor; booking takes a free place and a full slot is refused', async () => {
    const rule = await addSlotRule({ weekday: 1, doctorId: a.doctor.userId, startTime: '09:00', endTime: '10:00', slotMinutes: 30, capacity: 2 }, a.admin);
    expect(rule).toMatchObject({ weekdayLabel: '月', slotCount: 2, capacity: 2, doctorId: a.doctor.userId });
    expect(rule.doctorName).toBeTruthy();
    expect((await listSlotRules(a.admin)).map((r) => r.ruleId)).toContain(rule.ruleId);
    const audit = (await auditEventsFor(a.clinic.id, { action: 'settings_changed', resourceType: 'appointment_slot', resourceId: rule.ruleId }))[0];
    expect(audit?.detail).toMatchObject({ before: null, after: { weekday: 1, startTime: '09:00', endTime: '10:00', slotMinutes: 30, capacity: 2 } });

    const day = await listDaySlots({ date: MONDAY, doctorId: a.doctor.userId }, a.receptionist);
    expect(day).toMatchObject({ hasSlots: true, slots: [{ time: '09:00', booked: 0, full: false }, { time: '09:30', booked: 0, full: false }] });
    // another weekday, or no doctor named: no slots, any time may be booked
    expect(await listDaySlots({ date: TUESDAY, doctorId: a.doctor.userId }, a.receptionist)).toEqual({ date: TUESDAY, hasSlots: false, slots: [] });
    expect((await listDaySlots({ date: MONDAY }, a.receptionist)).hasSlots).toBe(false);

    const [p1, p2, p3] = await Promise.all([createPatient(a.receptionist), createPatient(a.receptionist), createPatient(a.receptionist)]);
    const first = await bookAppointment({ patientId: p1.id, date: MONDAY, time: '09:00', purpose: '再診', doctorId: a.doctor.userId }, a.doctor);
    await bookAppointment({ patientId: p2.id, date: MONDAY, time: '09:00', purpose: '再診', doctorId: a.doctor.userId }, a.receptionist);
    expect((await listDaySlots({ date: MONDAY, doctorId: a.doctor.userId }, a.receptionist)).slots[0]).toMatchObject({ time: '09:00', booked: 2, full: true });
    expect(await code(bookAppointment({ patientId: p3.id, date: MONDAY, time: '09:00', purpose: '再診', doctorId: a.doctor.userId }, a.doctor))).toBe('CONFLICT');
    // a time between the slots is refused while the day has slots; without a doctor any time is fine
    expect(await code(bookAppointment({ patientId: p3.id, date: MONDAY, time: '09:15', purpose: '再診', doctorId: a.doctor.userId }, a.doctor))).toBe('INVALID_INPUT');
    expect(await code(bookAppointment({ patientId: p3.id, date: MONDAY, time: '09:15', purpose: '再診' }, a.doctor))).toBe('OK');
    // a cancellation frees its place
    await cancelAppointment({ appointmentId: first.appointmentId }, a.receptionist);
    expect((await listDaySlots({ date: MONDAY, doctorId: a.doctor.userId }, a.receptionist)).slots[0]).toMatchObject({ booked: 1, full: false });
    expect(await code(bookAppointment({ patientId: p3.id, date: MONDAY, time: '09:00', purpose: '再診', doctorId: a.doctor.userId }, a.doctor))).toBe('OK');

    // removing the rule keeps the appointments and frees the times again
    await removeSlotRule({ ruleId: rule.ruleId }, a.admin);
    expect((await listDaySlots({ date: MONDAY, doctorId: a.doctor.userId }, a.receptionist)).hasSlots).toBe(false);
    expect(await code(bookAppointment({ patientId: p1.id, date: MONDAY, time: '09:15', purpose: '再診', doctorId: a.doctor.userId }, a.doctor))).toBe('OK');
    expect((await auditEventsFor(a.clinic.id, { action: 'settings_changed', resourceType: 'appointment_slot', resourceId: rule.ruleId })).map((e) => (e.detail as { after: unknown }).after)).toEqual([expect.anything(), null]);
  });

  it('two terminals cannot both take the last place of a slot', async () => {
    const rule = await addSlotRule({ weekday: 1, doctorId: a.doctor.userId, startTime: '14:00', endTime: '14:30', slotMinutes: 30, capacity: 1 }, a.admin);
    const [p1, p2] = await Promise.all([createPatient(a.receptionist), createPatient(a.receptionist)]);
    const results = await Promise.all([p1, p2].map((p) => code(bookAppointment({ patientId: p.id, date: NEXT_MONDAY, time: '14:00', purpose: '再診', doctorId: a.doctor.userId }, a.receptionist))));
    expect(results.sort()).toEqual(['CONFLICT', 'OK']);
    await removeSlotRule({ ruleId: rule.ruleId }, a.admin);
  });

  it('refuses overlapping, empty and invalid slots in Japanese; only the clinic admin sets them', async () => {
    const rule = await addSlotRule({ weekday: 3, startTime: '09:00', endTime: '12:00', slotMinutes: 15, capacity: 3 }, a.admin);
    const overlapping = addSlotRule({ weekday: 3, startTime: '11:00', endTime: '13:00', slotMinutes: 15, capacity: 3 }, a.admin);
    await expect(overlapping).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('重なって') });
    // the same hours for a doctor are another column: allowed
    expect(await code(addSlotRule({ weekday: 3, doctorId: a.doctor.userId, startTime: '11:00', endTime: '13:00', slotMinutes: 15, capacity: 3 }, a.admin))).toBe('OK');
    await expect(addSlotRule({ weekday: 3, startTime: '13:00', endTime: '12:00', slotMinutes: 15, capacity: 1 }, a.admin)).rejects.toMatchObject({ code: 'INVALID_INPUT', fieldErrors: { endTime: '終了時刻は開始時刻より後にしてください。' } });
    expect(await code(addSlotRule({ weekday: 3, startTime: '13:00', endTime: '13:20', slotMinutes: 30, capacity: 1 }, a.admin))).toBe('INVALID_INPUT');
    expect(await code(addSlotRule({ weekday: 7, startTime: '13:00', endTime: '14:00', slotMinutes: 30, capacity: 1 }, a.admin))).toBe('INVALID_INPUT');
    expect(await code(addSlotRule({ weekday: 3, startTime: '13:00', endTime: '14:00', slotMinutes: 30, capacity: 0 }, a.admin))).toBe('INVALID_INPUT');
    expect(await code(addSlotRule({ weekday: 3, doctorId: b.doctor.userId, startTime: '13:00', endTime: '14:00', slotMinutes: 30, capacity: 1 }, a.admin))).toBe('INVALID_INPUT');
    expect(await code(addSlotRule({ weekday: 4, startTime: '13:00', endTime: '14:00', slotMinutes: 30, capacity: 1 }, a.receptionist))).toBe('FORBIDDEN');
    expect(await code(removeSlotRule({ ruleId: rule.ruleId }, a.doctor))).toBe('FORBIDDEN');
    expect(await code(listSlotRules(a.doctor))).toBe('FORBIDDEN');
  });

  it('another clinic neither sees nor removes a clinic’s slots, and its bookings are not bound by them', async () => {
    const rule = await addSlotRule({ weekday: 5, startTime: '09:00', endTime: '09:30', slotMinutes: 30, capacity: 1 }, a.admin);
    expect((await listSlotRules(b.admin)).map((r) => r.ruleId)).not.toContain(rule.ruleId);
    expect(await code(removeSlotRule({ ruleId: rule.ruleId }, b.admin))).toBe('NOT_FOUND');
    expect((await listDaySlots({ date: '2030-01-11' }, b.receptionist)).hasSlots).toBe(false);
    const pb = await createPatient(b.receptionist);
    expect(await code(bookAppointment({ patientId: pb.id, date: '2030-01-11', time: '09:10', purpose: '再診' }, b.receptionist))).toBe('OK');
    expect((await listDaySlots({ date: '2030-01-11' }, a.receptionist)).slots).toEqual([expect.objectContaining({ time: '09:00', booked: 0 })]);
  });
});
