/**
 * 予約 via ORCA, over real HTTP against the sandbox ORCA with a real database (issue 15): for a clinic that keeps its
 * 予約 in ORCA, booking, moving and cancelling in the EHR are sent through the job queue (appointmodv2); ORCA down and
 * 90 are retries, a timeout after ORCA stored the 予約 is read back (appointlst2v2) instead of booking twice, K4 comes
 * back as a warning, and a clinic without the setting sends nothing.
 */
import { addDays } from 'date-fns';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { db } from '@/lib/core/db';
import { dateOnly, isoDate, todayJst } from '@/lib/core/dates';
import { bookAppointment, cancelAppointment, listAppointmentsForDay, moveAppointment } from '@/lib/reception/appointment.service';
import { auditEventsFor, clinicWithStaff, createPatient } from '@/tests/helpers/factories';
import { findJobByKey } from '@/lib/jobs/job.repository';
import { drainJobs } from '@/lib/jobs/job-worker';
import type { OrcaClient } from './orca-client';
import { orcaAppointmentRepository, orcaLinkRepository } from './orca-link.repository';
import { makeOrcaJobQueues } from './orca-jobs';
import { ORCA_APPOINTMENT_QUEUE } from './orca-queues';
import { syncOrcaAppointment } from './orca-appointments.service';
import { startOrcaHarness, type OrcaHarness } from '@/tests/helpers/orca-sandbox';

let orca: OrcaHarness;
let link: OrcaClient;
let staff: Awaited<ReturnType<typeof clinicWithStaff>>;
/** a fixed weekday well ahead of today (JST), so no run depends on the time of day */
const day = isoDate(addDays(dateOnly(todayJst()), 30));

const control = (action: string, body: unknown = {}) => orca.control(action, body);
type SandboxState = { appointments: { id: string; patientId: string; date: string; time: string; physicianCode: string }[]; log: { path: string }[] };
const sandboxState = async () => orca.state<SandboxState>();
const linkOf = (appointmentId: string) => orcaAppointmentRepository.link(db(), staff.clinic.id, appointmentId);
let n = 0;
const newPatient = () => createPatient(staff.receptionist, { givenName: `予約${++n}`, givenNameKana: `ヨヤク${'ア'.repeat(n)}` });

beforeAll(async () => {
  orca = await startOrcaHarness();
  link = orca.link;
});
afterAll(() => orca.close());
beforeEach(async () => {
  await control('reset');
  staff = await clinicWithStaff();
  await orcaLinkRepository.saveSettings(db(), staff.clinic.id, { numberingMaster: 'orca', defaultPhysicianCode: '10001', physicianCodes: { [staff.doctor.userId]: '10002' }, useOrcaAppointments: true }, new Date());
});

describe('予約 via ORCA', () => {
  it('book → ORCA 予約 (after an outage), move → old cancelled and new booked, cancel → cancelled in ORCA; audited', async () => {
    const p = await newPatient();
    const booked = await bookAppointment({ patientId: p.id, date: day, time: '10:30', purpose: '血液検査', doctorId: staff.doctor.userId }, staff.receptionist);
    expect(await linkOf(booked.appointmentId)).toMatchObject({ state: 'queued' });
    expect((await findJobByKey(staff.clinic.id, ORCA_APPOINTMENT_QUEUE, booked.appointmentId))?.state).toBe('queued');

    await control('fault', { path: '/orca14/appointmodv2', kind: 'http503' });
    expect((await syncOrcaAppointment(staff.clinic.id, booked.appointmentId, { link })).kind).toBe('retry');
    expect((await linkOf(booked.appointmentId))?.message).toContain('ORCAに接続できません');
    await control('clear-faults');
    // the job's retry after the outage (an hour later on the worker's clock)
    await drainJobs({ queues: makeOrcaJobQueues(link), clinicIds: [staff.clinic.id], clock: () => new Date(Date.now() + 3_600_000) });
    const sent = await linkOf(booked.appointmentId);
    expect(sent).toMatchObject({ state: 'sent', orcaAppointmentId: '01', appointmentTime: '10:30:00', message: null });
    expect((await sandboxState()).appointments).toMatchObject([{ id: '01', date: day, time: '10:30:00', physicianCode: '10002' }]);

    const moved = await moveAppointment({ appointmentId: booked.appointmentId, date: day, time: '11:00', doctorId: staff.doctor.userId }, staff.receptionist);
    expect((await linkOf(booked.appointmentId))?.state).toBe('cancel_queued');
    expect((await syncOrcaAppointment(staff.clinic.id, booked.appointmentId, { link })).kind).toBe('done');
    expect((await syncOrcaAppointment(staff.clinic.id, moved.appointmentId, { link })).kind).toBe('done');
    expect((await sandboxState()).appointments.map((a) => a.time)).toEqual(['11:00:00']);

    await cancelAppointment({ appointmentId: moved.appointmentId }, staff.receptionist);
    expect((await syncOrcaAppointment(staff.clinic.id, moved.appointmentId, { link })).kind).toBe('done');
    expect((await sandboxState()).appointments).toEqual([]);
    expect(await linkOf(moved.appointmentId)).toMatchObject({ state: 'cancelled' });
    expect((await auditEventsFor(staff.clinic.id, { resourceType: 'orca_appointment', patientId: p.id })).length).toBe(4);
  });

  it('a timeout after ORCA stored the 予約 is read back, not booked twice; 90 is retried; K4 is kept as a warning; without the setting nothing is sent', async () => {
    const p = await newPatient();
    const a = await bookAppointment({ patientId: p.id, date: day, time: '09:00', purpose: '再診' }, staff.receptionist);
    await control('fault', { path: '/orca14/appointmodv2', kind: 'delay_after_apply', delayMs: 4000, times: 1 });
    expect((await syncOrcaAppointment(staff.clinic.id, a.appointmentId, { link })).kind).toBe('retry');
    expect((await linkOf(a.appointmentId))?.state).toBe('sending');
    expect((await syncOrcaAppointment(staff.clinic.id, a.appointmentId, { link })).kind).toBe('done');
    expect(await linkOf(a.appointmentId)).toMatchObject({ state: 'sent', orcaAppointmentId: '01' });
    const state = await sandboxState();
    expect(state.appointments).toHaveLength(1);
    expect(state.log.filter((l) => l.path === '/orca14/appointmodv2')).toHaveLength(1);

    // 90: the patient open on an ORCA terminal
    const b = await bookAppointment({ patientId: p.id, date: day, time: '09:10', purpose: '再診' }, staff.receptionist);
    const orcaId = (await orcaLinkRepository.patientLink(db(), staff.clinic.id, p.id))!.orcaPatientId!;
    await control('lock', { patientId: orcaId });
    expect(await syncOrcaAppointment(staff.clinic.id, b.appointmentId, { link })).toMatchObject({ kind: 'retry' });
    expect(await linkOf(b.appointmentId)).toMatchObject({ state: 'queued' });
    await control('unlock', { patientId: orcaId });
    expect((await syncOrcaAppointment(staff.clinic.id, b.appointmentId, { link })).kind).toBe('done');

    // K4: more than the doctor's hour holds — booked, and the warning is kept to be shown
    for (const t of ['09:20', '09:30']) {
      const c = await bookAppointment({ patientId: (await newPatient()).id, date: day, time: t, purpose: '再診' }, staff.receptionist);
      await syncOrcaAppointment(staff.clinic.id, c.appointmentId, { link });
      if (t === '09:30') expect(await linkOf(c.appointmentId)).toMatchObject({ state: 'sent', message: expect.stringContaining('K4') });
    }
    // … and shown with the 予約 on reception's list
    const listed = (await listAppointmentsForDay({ date: day }, staff.receptionist)).entries.find((e) => e.time === '09:30');
    expect(listed?.orca).toMatchObject({ state: 'sent', message: expect.stringContaining('K4') });

    // a clinic without the setting: nothing queued
    await orcaLinkRepository.saveSettings(db(), staff.clinic.id, { useOrcaAppointments: false }, new Date());
    const off = await bookAppointment({ patientId: p.id, date: day, time: '15:00', purpose: '再診' }, staff.receptionist);
    expect(await linkOf(off.appointmentId)).toBeNull();
  });
});
