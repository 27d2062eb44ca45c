/**
 * The batched delivery (docs/decisions/0079) over real HTTP to the sandbox service: one claimed batch (in chunks, validated
 * on a thread) with a refusal, an outage answer and a unit that cannot be sent among units that go through — each settled on its own, the others sent
 * once with their ledger rows and audit events; and a batch whose requests left but whose answers were never written
 * (the worker died) is settled by the next run by asking the service, nothing sent twice.
 */
import type { Bundle } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '@/lib/auth/actor';
import { db } from '@/lib/core/db';
import { startValidationThreads } from '@/lib/fhir/validation-threads';
import { claimJobs, findJobByKey } from '@/lib/jobs/job.repository';
import { drainJobs } from '@/lib/jobs/job-worker';
import { PermanentJobError, RetryJobError } from '@/lib/jobs/job-errors';
import { recordDiagnosis } from '@/lib/records/diagnoses/diagnosis.service';
import { auditEventsFor, clinicWithStaff, createPatient } from '@/tests/helpers/factories';
import { HttpSharingService } from './adapters/http-sharing-service';
import { deliverUnits } from './deliver-batch.service';
import { startSharingSandboxServer, type SandboxSharingServer } from './sandbox/sandbox-server';
import { DELIVER_QUEUE } from './sharing.constants';
import { SharingRejectedError, type RegisterUnitRequest, type SharingService } from './sharing-service';
import { findUnit, listAttempts, markUnitChanged } from './sharing-unit.repository';

const ADDRESS = { postalCode: '160-0023', address: '東京都新宿区西新宿2-8-1' };
let sandbox: SandboxSharingServer;
let service: HttpSharingService;
let doctor: Actor;
let clinicId: string;

beforeAll(async () => {
  sandbox = await startSharingSandboxServer({ port: 0 });
  service = new HttpSharingService({ baseUrl: sandbox.url, timeoutMs: 5000 });
  const staff = await clinicWithStaff();
  doctor = staff.doctor;
  clinicId = staff.clinic.id;
  await db().department.create({ data: { clinicId, code: '01', name: '内科' } });
});
afterAll(async () => {
  await sandbox.close();
});

async function patientWithDiagnosis(i: number, insured = true) {
  const insurance = { insurerNumber: '06131239', symbol: '1234', number: String(700000 + i), branch: '00', relationship: 'self' as const };
  const patient = await createPatient(doctor, insured ? { ...ADDRESS, insurance } : { ...ADDRESS, insurance: undefined });
  await recordDiagnosis({ patientId: patient.id, freeText: `本態性高血圧症${i}`, startDate: '2025-04-01', isPrimary: true }, doctor);
  return (await markUnitChanged(db(), { clinicId, patientId: patient.id, kind: 'diagnoses' }, new Date())).unitId;
}
const receiptsFor = (identifier: string) => sandbox.store.receipts.filter((r) => r.identifier === identifier);

describe('one claimed batch', () => {
  it('settles a refusal, an outage and an unsendable unit each on its own, and sends the others once', async () => {
    const ok: string[] = [];
    for (let i = 0; i < 6; i++) ok.push(await patientWithDiagnosis(i));
    const refused = await patientWithDiagnosis(10);
    const uninsured = await patientWithDiagnosis(11, false);
    const outage = await patientWithDiagnosis(12);
    // the refused unit's request is refused by the service (as for unknown insurance), the outage unit's answered 503
    const picky: SharingService = Object.assign(Object.create(service) as SharingService, {
      registerUnit: async (r: RegisterUnitRequest) => {
        if (r.memberId.includes(':700010:')) throw new SharingRejectedError([{ code: 'E-INSURANCE', message: '資格情報が確認できません' }]);
        if (r.memberId.includes(':700012:')) sandbox.store.setControl({ failWith: { status: 503, retryAfterSec: 30, count: 1 } });
        return service.registerUnit(r);
      },
    });

    const jobs = await claimJobs(clinicId, [DELIVER_QUEUE], { now: new Date(), limit: 100, leaseMs: 60_000 });
    expect(jobs).toHaveLength(9);
    // in chunks of 4 (a chunk prepared while the previous one's requests are out), validated on a thread
    const threads = startValidationThreads(1);
    let validated = 0;
    const validateAsync = (bundle: Bundle) => {
      validated++;
      return threads.validate(bundle);
    };
    const outcomes = await deliverUnits(jobs, { service: picky, sendConcurrency: 1, chunkSize: 4, validateAsync }).finally(() => threads.close());
    expect(validated).toBe(8); // all but the uninsured unit, which has no member ID to send with
    const outcomeOf = (unitId: string) => outcomes[jobs.findIndex((j) => (j.payload as { unitId: string }).unitId === unitId)];

    for (const unitId of ok) {
      expect(outcomeOf(unitId)).toBeNull();
      const unit = (await findUnit(clinicId, unitId))!;
      expect(unit).toMatchObject({ state: 'sent', removed: false, reason: null });
      expect(receiptsFor(unit.identifier!)).toHaveLength(1);
      expect(sandbox.store.status(unit.identifier!)).toMatchObject({ held: true, contentHash: unit.lastSentHash });
      const ledger = await listAttempts(clinicId, unitId);
      expect(ledger.map((a) => a.outcome).sort()).toEqual(['accepted', 'pending']);
      // the rows of the batch's multi-row INSERTs carry each unit's own request and answer
      const sent = { action: 'register', identifier: unit.identifier, memberId: unit.memberIdSent, payloadHash: unit.lastSentHash };
      const pending = ledger.find((a) => a.outcome === 'pending')!;
      expect(pending).toMatchObject({ ...sent, settles: null, answer: null });
      expect(ledger.find((a) => a.outcome === 'accepted')).toMatchObject({ ...sent, settles: pending.id, answer: { receiptId: receiptsFor(unit.identifier!)[0]!.receiptId, replaced: false } });
      const events = await auditEventsFor(clinicId, { action: 'export', resourceType: 'sharing_unit', resourceId: unitId });
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ patientId: unit.patientId, outcome: 'success', userId: null, detail: { kind: 'diagnoses', identifier: unit.identifier, contentHash: unit.lastSentHash } });
    }
    expect(outcomeOf(refused)).toBeInstanceOf(PermanentJobError);
    expect(await findUnit(clinicId, refused)).toMatchObject({ state: 'error', reason: expect.stringContaining('資格情報が確認できません') });
    expect((await listAttempts(clinicId, refused)).map((a) => a.outcome).sort()).toEqual(['pending', 'rejected']);
    expect(outcomeOf(uninsured)).toBeInstanceOf(PermanentJobError);
    expect(await findUnit(clinicId, uninsured)).toMatchObject({ state: 'error', reason: expect.stringContaining('保険情報を登録') });
    expect(outcomeOf(outage)).toBeInstanceOf(RetryJobError);
    expect(await findUnit(clinicId, outage)).toMatchObject({ state: 'retry_wait' });
    expect((await listAttempts(clinicId, outage)).map((a) => a.outcome).sort()).toEqual(['pending', 'unavailable']);
    expect(await auditEventsFor(clinicId, { action: 'export', resourceType: 'sharing_unit', resourceId: refused })).toHaveLength(0);

    // the worker settles the jobs by those outcomes: the outage unit is retried and delivered once
    sandbox.store.setControl({ failWith: null });
    await db().job.updateMany({ where: { clinicId, key: outage }, data: { state: 'queued', runAt: new Date(), lockToken: null } });
    await drainJobs({ queues: { [DELIVER_QUEUE]: { batch: (js) => deliverUnits(js, { service }) } }, clinicIds: [clinicId] });
    const delivered = (await findUnit(clinicId, outage))!;
    expect(delivered).toMatchObject({ state: 'sent' });
    expect(receiptsFor(delivered.identifier!)).toHaveLength(1);
  }, 120_000);

  it('a batch whose answers were never written is settled by asking the service: nothing sent twice, nothing lost', async () => {
    const units: string[] = [];
    for (let i = 0; i < 4; i++) units.push(await patientWithDiagnosis(20 + i));
    // the requests reach the service, then the worker dies before any answer is written
    const dying: SharingService = Object.assign(Object.create(service) as SharingService, {
      registerUnit: async (r: RegisterUnitRequest) => {
        await service.registerUnit(r);
        return new Promise<never>(() => {});
      },
    });
    const first = await claimJobs(clinicId, [DELIVER_QUEUE], { now: new Date(), limit: 100, leaseMs: 1 });
    expect(first).toHaveLength(4);
    void deliverUnits(first, { service: dying });
    const deadline = Date.now() + 20_000;
    const arrived = async () => (await Promise.all(units.map((u) => findUnit(clinicId, u)))).every((u) => u!.identifier && receiptsFor(u!.identifier).length === 1);
    while (!(await arrived())) {
      if (Date.now() > deadline) throw new Error('the requests never reached the service');
      await new Promise((r) => setTimeout(r, 20));
    }
    for (const unitId of units) expect(await findUnit(clinicId, unitId)).toMatchObject({ state: 'sending' });

    // the lease has run out: the next worker claims the jobs again
    await new Promise((r) => setTimeout(r, 5));
    const result = await drainJobs({ queues: { [DELIVER_QUEUE]: { batch: (js) => deliverUnits(js, { service }) } }, clinicIds: [clinicId] });
    expect(result).toMatchObject({ done: 4, dead: 0 });
    for (const unitId of units) {
      const unit = (await findUnit(clinicId, unitId))!;
      expect(unit).toMatchObject({ state: 'sent' });
      expect(receiptsFor(unit.identifier!)).toHaveLength(1);
      expect((await listAttempts(clinicId, unitId)).map((a) => a.outcome)).toContain('reconciled');
      expect(await findJobByKey(clinicId, DELIVER_QUEUE, unitId)).toMatchObject({ state: 'done' });
    }
  }, 120_000);
});
