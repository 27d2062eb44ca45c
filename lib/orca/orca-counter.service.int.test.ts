/**
 * 受付 made at the ORCA counter, over real HTTP against the sandbox ORCA with a real database (issue 15): the day's
 * acceptlstv2 poll (job `orca.counter`) finds the 受付 the EHR did not send, the board lists them, and the receptionist
 * takes one over into the EHR queue linked to ORCA's 受付 id — no second 受付 goes to ORCA, and the 会計 comes back.
 * ORCA down is a retry of the poll; a 受付 ORCA cancels leaves the board; an unlinked patient is refused with a way out.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { db, runInTransaction } from '@/lib/core/db';
import { todayJst } from '@/lib/core/dates';
import { checkIn, listQueue } from '@/lib/reception/visit.service';
import { auditEventsFor, clinicWithStaff, createPatient } from '@/tests/helpers/factories';
import { findJobByKey } from '@/lib/jobs/job.repository';
import { drainJobs } from '@/lib/jobs/job-worker';
import type { OrcaClient } from './orca-client';
import { orcaLinkRepository } from './orca-link.repository';
import { makeOrcaJobQueues } from './orca-jobs';
import { ORCA_COUNTER_QUEUE } from './orca-queues';
import { listOrcaCounterAcceptances, pollOrcaCounter, takeOverOrcaAcceptance } from './orca-counter.service';
import { ensureOrcaPatient, queueOrcaMedical, refreshOrcaBilling, syncOrcaAcceptance, syncOrcaMedical } from './orca-sync.service';
import { startOrcaHarness, type OrcaHarness } from '@/tests/helpers/orca-sandbox';

let orca: OrcaHarness;
let link: OrcaClient;
let staff: Awaited<ReturnType<typeof clinicWithStaff>>;
const today = todayJst();

const control = (action: string, body: unknown = {}) => orca.control(action, body);
const sandboxLog = async () => (await orca.state<{ log: { path: string }[] }>()).log;
let n = 0;
const newPatient = () => createPatient(staff.receptionist, { givenName: `窓口${++n}`, givenNameKana: `マドグチ${'ア'.repeat(n)}` });
/** an EHR patient registered in ORCA (linked), and ORCA's 患者番号 */
async function linkedPatient() {
  const p = await newPatient();
  const r = await ensureOrcaPatient(staff.clinic.id, p.id, { link });
  return { patient: p, orcaId: r.orcaPatientId! };
}

beforeAll(async () => {
  orca = await startOrcaHarness();
  link = orca.link;
});
afterAll(() => orca.close());
beforeEach(async () => {
  await control('reset');
  staff = await clinicWithStaff();
  await orcaLinkRepository.saveSettings(db(), staff.clinic.id, { numberingMaster: 'orca', defaultPhysicianCode: '10001', physicianCodes: { [staff.doctor.userId]: '10002' } }, new Date());
});

describe('受付 made at the ORCA counter', () => {
  it('is found by the poll, listed on the board, and taken over into the EHR queue without a second 受付 in ORCA; its 会計 comes back', async () => {
    const { patient, orcaId } = await linkedPatient();
    // one 受付 of our own (sent by the EHR): never listed as a counter 受付
    const own = await linkedPatient();
    const ownVisit = await checkIn({ patientId: own.patient.id }, staff.receptionist);
    expect((await syncOrcaAcceptance(staff.clinic.id, ownVisit.visitId, { link })).kind).toBe('done');
    const { acceptanceId } = (await control('accept', { patientId: orcaId, physicianCode: '10002' })) as { acceptanceId: string };

    expect(await pollOrcaCounter(staff.clinic.id, today, { link })).toMatchObject({ kind: 'done', open: 1, added: 1 });
    // polling again adds nothing
    expect(await pollOrcaCounter(staff.clinic.id, today, { link })).toMatchObject({ kind: 'done', open: 1, added: 0 });
    const rows = (await listOrcaCounterAcceptances(staff.receptionist, { link }))!;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ acceptanceId, orcaPatientId: orcaId, patient: { id: patient.id }, physicianCode: '10002' });
    expect((await auditEventsFor(staff.clinic.id, { resourceType: 'orca_acceptance', action: 'read' })).length).toBeGreaterThanOrEqual(2);

    const before = (await sandboxLog()).filter((l) => l.path === '/orca11/acceptmodv2').length;
    const taken = await takeOverOrcaAcceptance({ counterId: rows[0]!.id }, staff.receptionist);
    const visitLink = await orcaLinkRepository.visitLink(db(), staff.clinic.id, taken.visitId);
    expect(visitLink).toMatchObject({ acceptanceState: 'sent', acceptanceId, physicianCode: '10002' });
    const visit = await db().visit.findUnique({ where: { clinicId_id: { clinicId: staff.clinic.id, id: taken.visitId } } });
    // ORCA's ドクターコード maps back to the clinic's doctor
    expect(visit).toMatchObject({ patientId: patient.id, doctorId: staff.doctor.userId, status: 'received' });
    expect((await listQueue(staff.receptionist)).entries.some((q) => q.visitId === taken.visitId && q.orca?.acceptance === 'sent')).toBe(true);
    expect((await auditEventsFor(staff.clinic.id, { resourceType: 'orca_acceptance', resourceId: taken.visitId, action: 'update' })).length).toBe(1);
    // no job sends a 受付, and ORCA got none
    expect(await findJobByKey(staff.clinic.id, 'orca.acceptance', taken.visitId)).toBeNull();
    await drainJobs({ queues: makeOrcaJobQueues(link), clinicIds: [staff.clinic.id] });
    expect((await sandboxLog()).filter((l) => l.path === '/orca11/acceptmodv2').length).toBe(before);
    expect(await listOrcaCounterAcceptances(staff.receptionist, { link })).toEqual([]);
    await expect(takeOverOrcaAcceptance({ counterId: rows[0]!.id }, staff.receptionist)).rejects.toThrow('すでに取り込まれています');

    // the doctor's orders go as 中途データ on the taken-over 受付, ORCA's staff do the 会計: it comes back like any other
    await runInTransaction((tx) => queueOrcaMedical(tx, staff.clinic.id, taken.visitId));
    expect((await syncOrcaMedical(staff.clinic.id, taken.visitId, { link })).kind).toBe('done');
    await control('confirm', { patientId: orcaId });
    expect(await refreshOrcaBilling(staff.clinic.id, today, { link })).toMatchObject({ kind: 'done' });
    expect((await orcaLinkRepository.visitLink(db(), staff.clinic.id, taken.visitId))?.billingState).toBe('paid');
  });

  it('ORCA down is a retry of the poll; a 受付 cancelled in ORCA leaves the board; an unlinked patient is refused with the way to take them in', async () => {
    const { orcaId } = await linkedPatient();
    const { acceptanceId } = (await control('accept', { patientId: orcaId })) as { acceptanceId: string };
    // a patient registered at the ORCA counter only (fixture 00002): not in the EHR
    await control('accept', { patientId: '00002' });

    await control('fault', { path: '/api01rv2/acceptlstv2', kind: 'http503' });
    expect((await pollOrcaCounter(staff.clinic.id, today, { link })).kind).toBe('retry');
    await control('clear-faults');
    // the day's poll job: started by the board, polls again later by design
    expect(await listOrcaCounterAcceptances(staff.receptionist, { link })).toEqual([]);
    expect((await findJobByKey(staff.clinic.id, ORCA_COUNTER_QUEUE, today))?.state).toBe('queued');
    await drainJobs({ queues: makeOrcaJobQueues(link), clinicIds: [staff.clinic.id], maxRounds: 1 });
    const job = await findJobByKey(staff.clinic.id, ORCA_COUNTER_QUEUE, today);
    expect(job).toMatchObject({ state: 'queued', lastError: 'ORCA窓口受付 2件' });

    const rows = (await listOrcaCounterAcceptances(staff.receptionist, { link }))!;
    expect(rows.map((r) => r.patient === null)).toEqual([false, true]);
    await expect(takeOverOrcaAcceptance({ counterId: rows[1]!.id }, staff.receptionist)).rejects.toThrow('ORCAで登録された患者');

    // ORCA's staff cancel the first 受付 at their counter
    await link.cancelAcceptance({ patientId: orcaId, date: today, acceptanceId });
    expect(await pollOrcaCounter(staff.clinic.id, today, { link })).toMatchObject({ kind: 'done', open: 1 });
    expect((await listOrcaCounterAcceptances(staff.receptionist, { link }))!.map((r) => r.orcaPatientId)).toEqual(['00002']);
    await expect(takeOverOrcaAcceptance({ counterId: rows[0]!.id }, staff.receptionist)).rejects.toThrow('ORCAで取消または会計済');
  });

  it('one poll of the ORCA 受付一覧 with 20 counter 受付 and one 受付に取込 lists all 20 and takes them over one by one (timings printed, not asserted)', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push((await linkedPatient()).orcaId);
    for (const id of ids) await control('accept', { patientId: id });
    const polls: number[] = [];
    for (let i = 0; i < 10; i++) {
      const t0 = performance.now();
      expect(await pollOrcaCounter(staff.clinic.id, today, { link })).toMatchObject({ kind: 'done', open: 20 });
      polls.push(performance.now() - t0);
    }
    const rows = (await listOrcaCounterAcceptances(staff.receptionist, { link }))!;
    const takes: number[] = [];
    for (const r of rows.slice(0, 5)) {
      const t0 = performance.now();
      await takeOverOrcaAcceptance({ counterId: r.id }, staff.receptionist);
      takes.push(performance.now() - t0);
    }
    polls.sort((a, b) => a - b);
    takes.sort((a, b) => a - b);
    console.log(`orca counter: poll (20 受付) p50 ${polls[4]!.toFixed(1)} ms, max ${polls[9]!.toFixed(1)} ms; 受付に取込 p50 ${takes[2]!.toFixed(1)} ms, max ${takes[4]!.toFixed(1)} ms`);
    // timings are printed for docs/benchmarks.md, never asserted; what is asserted is that all 20 are listed and 5 taken over
    expect(rows).toHaveLength(20);
    expect((await listOrcaCounterAcceptances(staff.receptionist, { link }))!).toHaveLength(15);
  });
});
