/** Issue 9 item 23: the reception board's day is the JST day, and the previous day's unfinished visits stay on it. */
import { describe, expect, it } from 'vitest';
import { db } from '@/lib/core/db';
import { dateOnly, previousDay, todayJst } from '@/lib/core/dates';
import { clinicWithStaff, createPatient } from '@/tests/helpers/factories';
import { checkIn, listQueue } from './visit.service';

describe('reception board day', () => {
  it('carries unfinished visits of the previous day over (marked), leaves finished ones behind, and names its day', async () => {
    const a = await clinicWithStaff();
    const today = todayJst();
    const yesterday = previousDay(today);
    const [waiting, done, fresh] = await Promise.all([createPatient(a.receptionist), createPatient(a.receptionist), createPatient(a.receptionist)]);
    // yesterday evening: one still waiting at midnight, one finished
    const visitYesterday = (patientId: string, receptionNumber: number, status: 'waiting' | 'done') =>
      db().visit.create({ data: { clinicId: a.clinic.id, patientId, visitDate: dateOnly(yesterday), receptionNumber, status, createdById: a.receptionist.userId } });
    const carried = await visitYesterday(waiting.id, 41, 'waiting');
    await visitYesterday(done.id, 42, 'done');
    const todays = await checkIn({ patientId: fresh.id }, a.receptionist);

    const queue = await listQueue(a.receptionist);
    expect(queue.date).toBe(today);
    expect(queue.dateLabel).toContain(today.replaceAll('-', '/'));
    expect(queue.entries.map((e) => [e.visitId, e.carriedOver, e.visitDate])).toEqual([
      [carried.id, true, yesterday],
      [todays.visitId, false, today],
    ]);
    // two days back is not carried
    const dayAfter = await listQueue(a.receptionist, isoNextDay(today));
    expect(dayAfter.entries.map((e) => e.visitId)).toEqual([todays.visitId]);
  });
});

function isoNextDay(iso: string): string {
  return new Date(dateOnly(iso).getTime() + 86_400_000).toISOString().slice(0, 10);
}
