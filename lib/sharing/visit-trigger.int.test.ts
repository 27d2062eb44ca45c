/**
 * The outpatient-visit trigger of issue 10 §3 (ADR 0042): a check-in writes outbox rows for the patient's diagnoses and
 * allergies in its transaction, the relay makes them deliveries due by the next morning 06:00 JST, and the worker sends
 * them over real HTTP to the sandbox service; content the service already holds is not sent again. Before the deadline
 * an outage is retried however many attempts it took, and never scheduled after the deadline; after it the unit is エラー.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '@/lib/auth/actor';
import { db, runInTransaction } from '@/lib/core/db';
import { enqueueJob, findJobByKey } from '@/lib/jobs/job.repository';
import { drainJobs } from '@/lib/jobs/job-worker';
import { PermanentJobError, RetryJobError } from '@/lib/jobs/job-errors';
import { recordAllergy } from '@/lib/records/allergies/allergy.service';
import { recordDiagnosis } from '@/lib/records/diagnoses/diagnosis.service';
import { recordVisitForSharing } from '@/lib/records/write-path';
import { checkIn } from '@/lib/reception/visit.service';
import { clinicWithStaff, createPatient } from '@/tests/helpers/factories';
import { HttpSharingService } from './adapters/http-sharing-service';
import { deliverUnit } from './deliver-unit.service';
import { relayClinicOutbox } from './outbox-relay.repository';
import { startSharingSandboxServer, type SandboxSharingServer } from './sandbox/sandbox-server';
import { DELIVER_QUEUE } from './sharing.constants';
import { findUnit, listUnitsForPatient, nextMorningJst } from './sharing-unit.repository';

const ADDRESS = { postalCode: '160-0023', address: '東京都新宿区西新宿2-8-1' };
let sandbox: SandboxSharingServer;
let service: HttpSharingService;
let staff: Awaited<ReturnType<typeof clinicWithStaff>>;
let other: Awaited<ReturnType<typeof clinicWithStaff>>;
let clinicId: string;

beforeAll(async () => {
  sandbox = await startSharingSandboxServer({ port: 0 });
  service = new HttpSharingService({ baseUrl: sandbox.url, timeoutMs: 2000 });
  staff = await clinicWithStaff();
  other = await clinicWithStaff();
  clinicId = staff.clinic.id;
  await db().department.create({ data: { clinicId, code: '01', name: '内科' } });
});
afterAll(async () => {
  await sandbox.close();
});

const deliver = () => drainJobs({ queues: { [DELIVER_QUEUE]: async (job) => void (await deliverUnit(job, { service })) }, clinicIds: [clinicId] });
const receiptsFor = (identifier: string) => sandbox.store.receipts.filter((r) => r.identifier === identifier);

/** A patient whose diagnosis and allergy were recorded and whose record outbox rows are already relayed and sent. */
async function patientWithSentRecords(doctor: Actor) {
  const patient = await createPatient(doctor, ADDRESS);
  await recordDiagnosis({ patientId: patient.id, freeText: '本態性高血圧症', isPrimary: true, startDate: '2025-04-01' }, doctor);
  await recordAllergy({ patientId: patient.id, category: 'food', substanceName: 'そば', onsetDate: '2020-01-01' }, doctor);
  return patient;
}

describe('an outpatient visit sends the patient\'s diagnoses and allergies', () => {
  it('check-in → outbox (reason visit) → units due by the next morning → delivered over HTTP; unchanged content is not resent', async () => {
    const patient = await patientWithSentRecords(staff.doctor);
    // the records' own outbox rows are taken as handled long ago (records older than the link to the service)
    await db().sharingOutbox.updateMany({ where: { clinicId, patientId: patient.id }, data: { processedAt: new Date() } });

    const before = Date.now();
    const { visitId } = await checkIn({ patientId: patient.id }, staff.receptionist);
    const rows = await db().sharingOutbox.findMany({ where: { clinicId, patientId: patient.id, processedAt: null } });
    expect(rows.map((r) => [r.unitKind, r.reason, r.recordId]).sort()).toEqual([['allergies', 'visit', visitId], ['diagnoses', 'visit', visitId]]);
    // the other clinic sees none of it
    expect(await db().sharingOutbox.count({ where: { clinicId: other.clinic.id } })).toBe(0);

    const relayNow = new Date();
    expect(await relayClinicOutbox(clinicId, relayNow)).toMatchObject({ units: 2 });
    const units = await listUnitsForPatient(clinicId, patient.id);
    expect(units.map((u) => [u.kind, u.state]).sort()).toEqual([['allergies', 'pending'], ['diagnoses', 'pending']]);
    for (const u of units) {
      expect(u.dueBy).toEqual(nextMorningJst(relayNow));
      // 06:00 JST = 21:00 UTC of the day after the visit's JST date: at most 30 hours away (a visit just after midnight JST)
      expect(u.dueBy!.getUTCHours()).toBe(21);
      expect(u.dueBy!.getTime()).toBeGreaterThan(before);
      expect(u.dueBy!.getTime() - before).toBeLessThanOrEqual(30 * 3600_000);
    }

    await deliver();
    const sent = await listUnitsForPatient(clinicId, patient.id);
    expect(sent.map((u) => u.state)).toEqual(['sent', 'sent']);
    for (const u of sent) {
      expect(sandbox.store.status(u.identifier!)).toMatchObject({ held: true, contentHash: u.lastSentHash });
      expect(receiptsFor(u.identifier!)).toHaveLength(1);
    }
    const held = sent.map((u) => (sandbox.store.units.get(u.identifier!)!.bundle as { entry: { resource: { resourceType: string } }[] }).entry.map((e) => e.resource.resourceType));
    expect(held.flat()).toEqual(expect.arrayContaining(['Condition', 'AllergyIntolerance']));

    // the next visit with nothing changed: the units are checked again, nothing leaves twice
    await runInTransaction((tx) => recordVisitForSharing(tx, staff.receptionist, { id: 'next-visit', patientId: patient.id }));
    await relayClinicOutbox(clinicId, new Date());
    await deliver();
    for (const u of sent) expect(receiptsFor(u.identifier!)).toHaveLength(1);
    expect((await listUnitsForPatient(clinicId, patient.id)).map((u) => u.state)).toEqual(['sent', 'sent']);
  }, 120_000); // the first delivery loads the FHIR profiles (seconds on a loaded machine)

  it('a new change after a delivery starts a new deadline; an undelivered one keeps the oldest', async () => {
    const patient = await patientWithSentRecords(staff.doctor);
    const day1 = new Date('2026-12-01T03:00:00Z'); // 12:00 JST → due 2026-12-02 06:00 JST
    await relayClinicOutbox(clinicId, day1);
    const unit = (await listUnitsForPatient(clinicId, patient.id)).find((u) => u.kind === 'diagnoses')!;
    expect(unit.dueBy).toEqual(new Date('2026-12-01T21:00:00Z'));
    // another change the next day, not delivered yet: the earlier deadline stays
    await runInTransaction((tx) => recordVisitForSharing(tx, staff.receptionist, { id: 'v2', patientId: patient.id }));
    await relayClinicOutbox(clinicId, new Date('2026-12-02T03:00:00Z'));
    expect((await findUnit(clinicId, unit.id))!.dueBy).toEqual(new Date('2026-12-01T21:00:00Z'));
    // delivered; a change after that is due the morning after it
    await deliver();
    expect((await findUnit(clinicId, unit.id))!.state).toBe('sent');
    await runInTransaction((tx) => recordVisitForSharing(tx, staff.receptionist, { id: 'v3', patientId: patient.id }));
    await relayClinicOutbox(clinicId, new Date('2026-12-03T03:00:00Z'));
    expect((await findUnit(clinicId, unit.id))!.dueBy).toEqual(new Date('2026-12-03T21:00:00Z'));
  });

  it('before the deadline an outage is retried even past maxAttempts and never scheduled after it; after it the unit is エラー', async () => {
    const patient = await patientWithSentRecords(staff.doctor);
    const now = new Date();
    await relayClinicOutbox(clinicId, now);
    const unit = (await listUnitsForPatient(clinicId, patient.id)).find((u) => u.kind === 'allergies')!;
    const down = new HttpSharingService({ baseUrl: 'http://127.0.0.1:9', timeoutMs: 500 });
    const job = { clinicId, payload: { unitId: unit.id }, attempts: 30, maxAttempts: 30 };

    const error = await deliverUnit(job, { service: down, clock: () => now }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryJobError);
    expect((error as RetryJobError).deadline).toEqual(unit.dueBy);
    expect(await findUnit(clinicId, unit.id)).toMatchObject({ state: 'retry_wait' });

    const late = new Date(unit.dueBy!.getTime() + 60_000);
    const after = await deliverUnit(job, { service: down, clock: () => late }).catch((e: unknown) => e);
    expect(after).toBeInstanceOf(PermanentJobError);
    expect(await findUnit(clinicId, unit.id)).toMatchObject({ state: 'error' });
    expect((await findUnit(clinicId, unit.id))!.reason).toContain('再送の上限');
  });

  it('the job worker caps a retry at the deadline and does not dead-letter before it', async () => {
    const t0 = new Date();
    const deadline = new Date(t0.getTime() + 1500);
    const queue = `test.deadline.${t0.getTime()}.${process.pid}`;
    await enqueueJob(db(), { clinicId, queue, key: 'k', now: t0, maxAttempts: 1 });
    const r = await drainJobs({
      queues: { [queue]: async () => { throw new RetryJobError('down', undefined, deadline); } },
      clock: () => t0,
      backoff: { baseMs: 60_000, capMs: 60_000, maxRetryAfterMs: 60_000 },
      maxRounds: 1,
      clinicIds: [clinicId],
    });
    expect(r).toMatchObject({ retried: 1, dead: 0 });
    const job = (await findJobByKey(clinicId, queue, 'k'))!;
    expect(job.state).toBe('queued');
    expect(job.runAt.getTime()).toBe(deadline.getTime());
  });
});
