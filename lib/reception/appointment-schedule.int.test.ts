import { beforeAll, describe, expect, it } from 'vitest';
import { fromJstLocal } from '@/lib/core/tz';
import { auditEventsFor, clinicWithStaff, createPatient } from '@/tests/helpers/factories';
import { errorCode } from '@/tests/helpers/error-code';
import { bookAppointment, cancelAppointment, listAppointmentSchedule } from './appointment.service';
import { addSlotRule } from './appointment-slot.service';

type Staff = Awaited<ReturnType<typeof clinicWithStaff>>;
let a: Staff;
let b: Staff;
// fixed days far ahead (2030-01-09 is a Wednesday; its week runs 01-07 月 … 01-13 日): no dependence on the clock
const WED = '2030-01-09';
const THU = '2030-01-10';
const ids: Record<string, string> = {};
beforeAll(async () => {
  [a, b] = await Promise.all([clinicWithStaff(), clinicWithStaff()]);
  await addSlotRule({ weekday: 3, doctorId: a.doctor.userId, startTime: '09:00', endTime: '10:00', slotMinutes: 30, capacity: 2 }, a.admin);
  const [p1, p2, p3, p4] = await Promise.all([1, 2, 3, 4].map(() => createPatient(a.receptionist)));
  ids.p1 = p1!.id;
  ids.p3 = p3!.id;
  ids.first = (await bookAppointment({ patientId: p1!.id, date: WED, time: '09:00', purpose: '再診', doctorId: a.doctor.userId }, a.doctor)).appointmentId;
  await bookAppointment({ patientId: p2!.id, date: WED, time: '09:30', purpose: '採血', doctorId: a.doctor.userId }, a.doctor);
  await bookAppointment({ patientId: p3!.id, date: WED, time: '11:00', purpose: '健診' }, a.receptionist);
  const cancelled = await bookAppointment({ patientId: p4!.id, date: THU, time: '10:00', purpose: '再診', doctorId: a.doctor.userId }, a.receptionist);
  await cancelAppointment({ appointmentId: cancelled.appointmentId }, a.receptionist);
});

describe('予約表', () => {
  it('a day shows a column per doctor with its slots, booked and free places, and 未来院 once an hour has passed', async () => {
    const early = await listAppointmentSchedule({ date: WED }, a.receptionist, fromJstLocal(`${WED}T09:15`));
    expect(early).toMatchObject({ view: 'day', date: WED, previous: '2030-01-08', next: THU });
    const day = early.days[0]!;
    expect(day).toMatchObject({ date: WED, weekday: 3, isToday: true });
    const doctor = day.columns.find((c) => c.doctorId === a.doctor.userId)!;
    expect(doctor.entries.map((e) => [e.time, e.purpose, e.status])).toEqual([['09:00', '再診', 'booked'], ['09:30', '採血', 'booked']]);
    expect(doctor.slots.map((s) => [s.time, s.booked, s.past])).toEqual([['09:00', 1, true], ['09:30', 1, false]]);
    // free places count only slots that have not begun
    expect(doctor).toMatchObject({ booked: 2, free: 1, noShow: 0 });
    const none = day.columns.find((c) => c.doctorId === null)!;
    expect(none).toMatchObject({ doctorName: '医師指定なし', booked: 1, free: null, slots: [] });
    expect(none.entries[0]?.patient.id).toBe(ids.p3);

    const later = (await listAppointmentSchedule({ date: WED, view: 'day' }, a.receptionist, fromJstLocal(`${WED}T10:10`))).days[0]!;
    const doctorLater = later.columns.find((c) => c.doctorId === a.doctor.userId)!;
    expect(doctorLater.entries.map((e) => e.status)).toEqual(['no_show', 'booked']);
    expect(doctorLater).toMatchObject({ booked: 2, free: 0, noShow: 1 });
  });

  it('a week runs Monday to Sunday with the counts per doctor and day; a cancelled appointment is shown but not counted', async () => {
    const week = await listAppointmentSchedule({ date: WED, view: 'week' }, a.doctor, fromJstLocal('2030-01-01T09:00'));
    expect(week.days.map((d) => d.date)).toEqual(['2030-01-07', '2030-01-08', WED, THU, '2030-01-11', '2030-01-12', '2030-01-13']);
    expect(week.days.map((d) => d.label)).toEqual(['01/07（月）', '01/08（火）', '01/09（水）', '01/10（木）', '01/11（金）', '01/12（土）', '01/13（日）']);
    expect(week).toMatchObject({ previous: '2030-01-02', next: '2030-01-16', label: '2030/01/07〜01/13' });
    const col = (date: string, doctorId: string | null) => week.days.find((d) => d.date === date)!.columns.find((c) => c.doctorId === doctorId)!;
    expect(col(WED, a.doctor.userId)).toMatchObject({ booked: 2, free: 2, noShow: 0 });
    expect(col(THU, a.doctor.userId)).toMatchObject({ booked: 0, free: null });
    expect(col(THU, a.doctor.userId).entries.map((e) => e.status)).toEqual(['cancelled']);
    expect(col('2030-01-07', a.doctor.userId)).toMatchObject({ booked: 0, free: null, entries: [] });
  });

  it('is audited as one read naming the patients listed', async () => {
    await listAppointmentSchedule({ date: WED, view: 'week' }, a.nurse);
    const reads = await auditEventsFor(a.clinic.id, { action: 'read', resourceType: 'appointment_list' });
    const last = reads.filter((e) => e.userId === a.nurse.userId).at(-1);
    expect(last?.detail).toMatchObject({ from: '2030-01-07', to: '2030-01-13', view: 'week' });
    expect((last?.detail as { patientIds: string[] }).patientIds).toEqual(expect.arrayContaining([ids.p1, ids.p3]));
  });

  it('another clinic sees none of it, and bad input is refused in Japanese', async () => {
    const other = await listAppointmentSchedule({ date: WED, view: 'week' }, b.receptionist);
    expect(other.days.flatMap((d) => d.columns.flatMap((c) => c.entries))).toEqual([]);
    expect(other.days[0]!.columns.map((c) => c.doctorId)).not.toContain(a.doctor.userId);
    expect(other.days.flatMap((d) => d.columns.flatMap((c) => c.slots))).toEqual([]);
    await expect(listAppointmentSchedule({ date: '2030-02-30' }, a.receptionist)).rejects.toMatchObject({ code: 'INVALID_INPUT', fieldErrors: { date: '日付を正しく入力してください。' } });
    expect(await errorCode(listAppointmentSchedule({ view: 'month' } as never, a.receptionist))).toBe('INVALID_INPUT');
  });
});
