/**
 * Delivery of 報告単位 over real HTTP to the sandbox sharing service (issue 10 §3–4): register, unchanged content is not
 * sent again, a change resends under the same identifier (replacing), a 未告知 diagnosis goes out tagged, an emptied
 * unit is deleted with the stored identifier and member ID, an outage is retried and delivered exactly once, a worker
 * killed mid-send loses nothing and sends nothing twice, a refusal is dead-lettered, visible and resendable.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '@/lib/auth/actor';
import { db } from '@/lib/core/db';
import { findJobByKey } from '@/lib/jobs/job.repository';
import { drainJobs } from '@/lib/jobs/job-worker';
import { recordDiagnosis, retractDiagnosis, setDiagnosisFlag } from '@/lib/records/diagnoses/diagnosis.service';
import { auditEventsFor, clinicWithStaff, createPatient } from '@/tests/helpers/factories';
import { HttpSharingService } from './adapters/http-sharing-service';
import { deliverUnits } from './deliver-batch.service';
import { startSharingSandboxServer, type SandboxSharingServer } from './sandbox/sandbox-server';
import { DELIVER_QUEUE } from './sharing.constants';
import { findUnit, listAttempts, listUnitsForPatient, markUnitChanged } from './sharing-unit.repository';
import { relayClinicOutbox } from './outbox-relay.repository';

const ADDRESS = { postalCode: '160-0023', address: '東京都新宿区西新宿2-8-1' };
let sandbox: SandboxSharingServer;
let service: HttpSharingService;
let doctor: Actor;
let clinicId: string;

beforeAll(async () => {
  sandbox = await startSharingSandboxServer({ port: 0 });
  service = new HttpSharingService({ baseUrl: sandbox.url, timeoutMs: 2000 });
  const staff = await clinicWithStaff();
  doctor = staff.doctor;
  clinicId = staff.clinic.id;
  // JP-CLINS wants the 診療科 on every record; the factory's clinic has none
  await db().department.create({ data: { clinicId, code: '01', name: '内科' } });
});
afterAll(async () => {
  await sandbox.close();
});

function clockAt(start = new Date()) {
  let now = start.getTime();
  return { clock: () => new Date(now), advance: (ms: number) => (now += ms) };
}
// the worker's handler: a claimed batch at a time (ADR 0079), which hands every unit but a plain send to deliverUnit
const queues = (clock?: () => Date) => ({ [DELIVER_QUEUE]: { batch: (jobs: Parameters<typeof deliverUnits>[0]) => deliverUnits(jobs, { service, clock }) } });
const deliver = (clock?: () => Date) => drainJobs({ queues: queues(clock), clock, clinicIds: [clinicId] });
const changed = (patientId: string, now = new Date()) => markUnitChanged(db(), { clinicId, patientId, kind: 'diagnoses' }, now);
const receiptsFor = (identifier: string) => sandbox.store.receipts.filter((r) => r.identifier === identifier);
const conditionsHeld = (identifier: string) =>
  ((sandbox.store.units.get(identifier)?.bundle as { entry: { resource: { resourceType: string; meta?: { tag?: { code: string }[] }; code?: { text?: string } } }[] }) ?? { entry: [] }).entry
    .map((e) => e.resource)
    .filter((r) => r.resourceType === 'Condition');

describe('delivering a patient\'s diagnoses', () => {
  it('registers, skips unchanged content, resends a change under the same identifier, tags 未告知, deletes an emptied unit', async () => {
    const patient = await createPatient(doctor, ADDRESS);
    const first = await recordDiagnosis({ patientId: patient.id, freeText: '本態性高血圧症', isPrimary: true, startDate: '2025-04-01' }, doctor);
    const { unitId } = await changed(patient.id);
    expect(await findUnit(clinicId, unitId)).toMatchObject({ state: 'pending' });

    await deliver();
    let unit = (await findUnit(clinicId, unitId))!;
    expect(unit).toMatchObject({ state: 'sent', memberIdSent: '06131239:1234:567890:00', removed: false });
    expect(unit.identifier).toMatch(/^\d{10}\^\d{4}\^C[0-9a-f]{32}$/);
    const identifier = unit.identifier!;
    expect(sandbox.store.status(identifier)).toMatchObject({ held: true, contentHash: unit.lastSentHash });
    expect(receiptsFor(identifier)).toHaveLength(1);
    expect((await auditEventsFor(clinicId, { action: 'export', resourceType: 'sharing_unit', resourceId: unitId })).length).toBe(1);

    // the same content again: nothing leaves
    await changed(patient.id);
    await deliver();
    expect(receiptsFor(identifier)).toHaveLength(1);
    expect(await findUnit(clinicId, unitId)).toMatchObject({ state: 'sent' });

    // a second diagnosis: the whole unit is resent under the same identifier and replaces what the service held
    await recordDiagnosis({ patientId: patient.id, freeText: '逆流性食道炎', startDate: '2026-11-01' }, doctor);
    await changed(patient.id);
    await deliver();
    unit = (await findUnit(clinicId, unitId))!;
    expect(unit.identifier).toBe(identifier);
    expect(receiptsFor(identifier)).toHaveLength(2);
    expect(conditionsHeld(identifier).map((c) => c.code?.text).sort()).toEqual(['本態性高血圧症', '逆流性食道炎']);

    // 未告知: sent, with its tag
    await setDiagnosisFlag({ diagnosisId: first.id, flag: 'uninformed', value: true }, doctor);
    await changed(patient.id);
    await deliver();
    const tagged = conditionsHeld(identifier).find((c) => c.meta?.tag?.some((t) => t.code === 'UNINFORMED'));
    expect(tagged).toBeDefined();

    // every diagnosis withdrawn: the unit is deleted with the stored identifier and member ID
    const current = await db().diagnosis.findMany({ where: { clinicId, patientId: patient.id, isLatest: true } });
    for (const d of current) await retractDiagnosis({ diagnosisId: d.id, reason: '登録誤り' }, doctor);
    await changed(patient.id);
    await deliver();
    expect(sandbox.store.status(identifier)).toEqual({ held: false });
    expect(await findUnit(clinicId, unitId)).toMatchObject({ state: 'sent', removed: true });
    const ledger = await listAttempts(clinicId, unitId);
    expect(ledger[0]).toMatchObject({ action: 'delete', outcome: 'accepted', memberId: '06131239:1234:567890:00', identifier });
    // every request has its pending row, settled by its answer
    const pending = ledger.filter((a) => a.outcome === 'pending');
    expect(pending.every((p) => ledger.some((a) => a.settles === p.id))).toBe(true);
  });

  it('queues during an outage, honours Retry-After, and delivers exactly once after the service returns', async () => {
    const t = clockAt();
    const patient = await createPatient(doctor, ADDRESS);
    await recordDiagnosis({ patientId: patient.id, freeText: '気管支喘息', startDate: '2020-06-01' }, doctor);
    sandbox.store.setControl({ down: true });
    const { unitId } = await changed(patient.id, t.clock());
    await deliver(t.clock);
    expect(await findUnit(clinicId, unitId)).toMatchObject({ state: 'retry_wait', reason: expect.stringContaining('自動で再送') });
    let job = await findJobByKey(clinicId, DELIVER_QUEUE, unitId);
    expect(job).toMatchObject({ state: 'queued', attempts: 1 });

    // the service answers 503 with Retry-After 120 s: the next try waits exactly that long
    sandbox.store.setControl({ down: false, failWith: { status: 503, retryAfterSec: 120 } });
    t.advance(10 * 60_000);
    await deliver(t.clock);
    job = await findJobByKey(clinicId, DELIVER_QUEUE, unitId);
    expect(job!.runAt.getTime() - t.clock().getTime()).toBe(120_000);
    expect(await findUnit(clinicId, unitId)).toMatchObject({ state: 'retry_wait' });

    sandbox.store.setControl({ failWith: null });
    t.advance(120_000);
    await deliver(t.clock);
    const unit = (await findUnit(clinicId, unitId))!;
    expect(unit).toMatchObject({ state: 'sent', reason: null });
    expect(receiptsFor(unit.identifier!)).toHaveLength(1);
  });

  it('dead-letters a refusal as エラー with the reason, and delivers after the fix and a resend', async () => {
    const patient = await createPatient(doctor, ADDRESS);
    await recordDiagnosis({ patientId: patient.id, freeText: '脂質異常症', startDate: '2024-01-10' }, doctor);
    sandbox.store.setControl({ reject: { code: 'E-INSURANCE', message: '資格情報が確認できません' } });
    const { unitId } = await changed(patient.id);
    await deliver();
    expect(await findUnit(clinicId, unitId)).toMatchObject({
      state: 'error',
      reason: expect.stringContaining('資格情報が確認できません'),
      issues: [{ code: 'E-INSURANCE', message: '資格情報が確認できません' }],
    });
    expect(await findJobByKey(clinicId, DELIVER_QUEUE, unitId)).toMatchObject({ state: 'dead' });
    // not retried by itself: a later round leaves it dead and sends nothing
    const receiptsBefore = sandbox.store.receipts.length;
    expect((await deliver()).claimed).toBe(0);
    expect(sandbox.store.receipts.length).toBe(receiptsBefore);

    sandbox.store.setControl({ reject: null });
    await changed(patient.id); // 再送 (the chart's resend button does exactly this)
    await deliver();
    const unit = (await findUnit(clinicId, unitId))!;
    expect(unit).toMatchObject({ state: 'sent', issues: null });
    expect(receiptsFor(unit.identifier!)).toHaveLength(1);
  });

  it('a patient without insurance is an エラー that says what to fix', async () => {
    const patient = await createPatient(doctor, { ...ADDRESS, insurance: undefined });
    await recordDiagnosis({ patientId: patient.id, freeText: '急性上気道炎', startDate: '2026-12-01' }, doctor);
    const { unitId } = await changed(patient.id);
    await deliver();
    expect(await findUnit(clinicId, unitId)).toMatchObject({ state: 'error', reason: expect.stringContaining('保険情報を登録') });
  });
});

describe('from the write path\'s outbox', () => {
  it('coalesces a doctor\'s quick edits into one send of the unit, and marks the outbox rows processed', async () => {
    const patient = await createPatient(doctor, ADDRESS);
    await recordDiagnosis({ patientId: patient.id, freeText: '高血圧症', startDate: '2024-05-01' }, doctor);
    await recordDiagnosis({ patientId: patient.id, freeText: '脂質異常症', startDate: '2024-05-01' }, doctor);
    const rows = await db().sharingOutbox.count({ where: { clinicId, patientId: patient.id, processedAt: null } });
    expect(rows).toBeGreaterThanOrEqual(2);
    expect(await relayClinicOutbox(clinicId, new Date())).toMatchObject({ units: expect.any(Number) });
    expect(await db().sharingOutbox.count({ where: { clinicId, patientId: patient.id, processedAt: null } })).toBe(0);
    await deliver();
    const [unit] = (await listUnitsForPatient(clinicId, patient.id)).filter((u) => u.kind === 'diagnoses');
    expect(unit).toMatchObject({ state: 'sent' });
    expect(receiptsFor(unit!.identifier!)).toHaveLength(1);
    expect(conditionsHeld(unit!.identifier!)).toHaveLength(2);
  });
});

describe('a worker killed in the middle of a send', () => {
  it('loses nothing and sends nothing twice: the next worker asks the service and settles the ledger', async () => {
    const patient = await createPatient(doctor, ADDRESS);
    await recordDiagnosis({ patientId: patient.id, freeText: '２型糖尿病', startDate: '2021-09-03' }, doctor);
    const { unitId } = await changed(patient.id);
    // the service is slow: the worker's request is in flight when the worker is killed
    sandbox.store.setControl({ latencyMs: 1500 });
    const root = path.resolve(import.meta.dirname, '../..');
    // node itself runs the worker (tsx as a loader), so SIGKILL hits the worker and not a wrapper around it
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/worker.ts'], {
      cwd: root,
      // only this file's clinic: the other test files' jobs and outbox rows are theirs
      env: { ...process.env, WORKER_CLINIC_IDS: clinicId, SHARING_MODE: 'http', SHARING_URL: sandbox.url, JOB_LEASE_MS: '1000', JOB_POLL_INTERVAL_MS: '50', LOG_LEVEL: 'error' },
      stdio: 'ignore',
    });
    try {
      // a worker process starts by compiling the app with tsx: on a loaded 2-core machine that alone can take 40 s
      const deadline = Date.now() + 100_000;
      const before = sandbox.store.receivedFor.length;
      // the worker's register of THIS unit has reached the service, which answers only after 1.5 s (another unit's
      // request arriving while this one is only marked 'sending' does not count: the worker may send several at once)
      const arrived = async () => {
        const unit = (await findUnit(clinicId, unitId))!;
        return unit.state === 'sending' && unit.identifier !== null && sandbox.store.receivedFor.slice(before).includes(unit.identifier);
      };
      while (!(await arrived())) {
        if (Date.now() > deadline) {
          const job = await findJobByKey(clinicId, DELIVER_QUEUE, unitId);
          throw new Error(`the worker never started sending: unit ${(await findUnit(clinicId, unitId))!.state}, job ${job?.state}/${job?.attempts}, received ${sandbox.store.receivedFor.length - before}`);
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    } finally {
      child.kill('SIGKILL');
    }
    await new Promise((r) => setTimeout(r, 1700)); // the request reaches the service after all; the lease runs out
    sandbox.store.setControl({ latencyMs: 0 });
    expect((await findUnit(clinicId, unitId))!.state).toBe('sending');

    await deliver();
    const unit = (await findUnit(clinicId, unitId))!;
    expect(unit.state).toBe('sent');
    expect(receiptsFor(unit.identifier!)).toHaveLength(1);
    const ledger = await listAttempts(clinicId, unitId);
    expect(ledger.map((a) => a.outcome)).toContain('reconciled');
  }, 180_000);
});
