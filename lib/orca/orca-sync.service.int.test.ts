/**
 * The ORCA flows over real HTTP against the sandbox ORCA, with a real database (issue 15): check-in queues the 受付
 * and never waits for ORCA; the background step registers the patient and the 受付, survives outages, 90 and a
 * timeout after ORCA stored the 受付 without sending anything twice; 取消 cancels in ORCA; 会計 comes back.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { db } from '@/lib/core/db';
import { randomUUID } from 'node:crypto';
import { dateOnly, todayJst } from '@/lib/core/dates';
import { changeVisitStatus, checkIn, listQueue } from '@/lib/reception/visit.service';
import { auditEventsFor, clinicWithStaff, createPatient } from '@/tests/helpers/factories';
import type { OrcaClient } from './orca-client';
import { orcaLinkRepository } from './orca-link.repository';
import { getOrcaPatientLink, previewOrcaCharge } from './orca-link.service';
import { findJobByKey } from '@/lib/jobs/job.repository';
import { drainJobs } from '@/lib/jobs/job-worker';
import { makeOrcaJobQueues } from './orca-jobs';
import { ORCA_ACCEPTANCE_QUEUE, ORCA_BILLING_QUEUE } from './orca-queues';
import { ensureOrcaPatient, refreshOrcaBilling, syncOrcaAcceptance, syncOrcaDiseases, syncOrcaMedical } from './orca-sync.service';
import { startOrcaHarness, type OrcaHarness } from '@/tests/helpers/orca-sandbox';

let orca: OrcaHarness;
let link: OrcaClient;
let staff: Awaited<ReturnType<typeof clinicWithStaff>>;
const today = todayJst();

const control = (action: string, body: unknown = {}) => orca.control(action, body);
const sandboxState = async () => orca.state<{ acceptances: { patientId: string; id: string }[]; patients: { patientId: string; name: string }[] }>();
const visitLink = (visitId: string) => orcaLinkRepository.visitLink(db(), staff.clinic.id, visitId);
let n = 0;
/** a patient no other test (or fixture) has: unique given name */
const newPatient = (overrides: Record<string, unknown> = {}) => createPatient(staff.receptionist, { givenName: `連携${++n}`, givenNameKana: `レンケイ${'ア'.repeat(n)}`, ...overrides });

beforeAll(async () => {
  orca = await startOrcaHarness();
  link = orca.link;
});
afterAll(() => orca.close());
// a fresh ORCA and a fresh clinic linked to it for each test
beforeEach(async () => {
  await control('reset');
  staff = await clinicWithStaff();
  await orcaLinkRepository.saveSettings(db(), staff.clinic.id, { numberingMaster: 'orca', defaultPhysicianCode: '10001', physicianCodes: { [staff.doctor.userId]: '10002' } }, new Date());
});

describe('受付 to ORCA', () => {
  it('check-in succeeds while ORCA is down; the queued 受付 is sent once ORCA is back, with the patient registered first', async () => {
    await control('fault', { kind: 'http503' });
    const p = await newPatient();
    const visit = await checkIn({ patientId: p.id }, staff.receptionist);
    expect((await visitLink(visit.visitId))?.acceptanceState).toBe('queued');

    const down = await syncOrcaAcceptance(staff.clinic.id, visit.visitId, { link });
    expect(down.kind).toBe('retry');
    expect(await visitLink(visit.visitId)).toMatchObject({ acceptanceState: 'queued', acceptanceId: null });
    expect((await visitLink(visit.visitId))?.message).toContain('ORCAに接続できません');

    await control('clear-faults');
    expect((await syncOrcaAcceptance(staff.clinic.id, visit.visitId, { link })).kind).toBe('done');
    const row = await visitLink(visit.visitId);
    expect(row).toMatchObject({ acceptanceState: 'sent', acceptanceId: '00001', departmentCode: '01', physicianCode: '10001', insuranceCombinationNumber: '0001', message: null });
    const patientLink = await orcaLinkRepository.patientLink(db(), staff.clinic.id, p.id);
    expect(patientLink).toMatchObject({ state: 'linked', orcaPatientId: '00006' });
    expect((await sandboxState()).acceptances).toMatchObject([{ patientId: '00006', id: '00001' }]);
    expect((await auditEventsFor(staff.clinic.id, { resourceType: 'orca_acceptance', resourceId: visit.visitId })).length).toBe(1);
    expect((await auditEventsFor(staff.clinic.id, { resourceType: 'orca_patient', patientId: p.id })).length).toBe(1);
    // running the step again sends nothing
    expect((await syncOrcaAcceptance(staff.clinic.id, visit.visitId, { link })).kind).toBe('done');
    expect((await sandboxState()).acceptances).toHaveLength(1);
  });

  it('after a timeout once ORCA stored the 受付, the next run reads it and links it instead of sending again', async () => {
    const p = await newPatient();
    const visit = await checkIn({ patientId: p.id }, staff.receptionist);
    await control('fault', { path: '/orca11/acceptmodv2', kind: 'delay_after_apply', delayMs: 4000, times: 1 });
    expect((await syncOrcaAcceptance(staff.clinic.id, visit.visitId, { link })).kind).toBe('retry');
    expect((await visitLink(visit.visitId))?.acceptanceState).toBe('sending');
    expect((await sandboxState()).acceptances).toHaveLength(1);

    expect((await syncOrcaAcceptance(staff.clinic.id, visit.visitId, { link })).kind).toBe('done');
    expect(await visitLink(visit.visitId)).toMatchObject({ acceptanceState: 'sent', acceptanceId: '00001' });
    expect((await sandboxState()).acceptances).toHaveLength(1);
    const log = (await (await fetch(`${orca.url}/__sandbox/state`)).json()).log as { path: string }[];
    expect(log.filter((l) => l.path === '/orca11/acceptmodv2')).toHaveLength(1);
  });

  it('90 (the patient open on an ORCA terminal) is retried, not failed; the doctor mapping picks the ドクターコード', async () => {
    const p = await newPatient();
    const visit = await checkIn({ patientId: p.id, departmentId: undefined }, staff.receptionist);
    await db().visit.update({ where: { clinicId_id: { clinicId: staff.clinic.id, id: visit.visitId } }, data: { doctorId: staff.doctor.userId } });
    expect((await ensureOrcaPatient(staff.clinic.id, p.id, { link })).kind).toBe('done');
    const orcaId = (await orcaLinkRepository.patientLink(db(), staff.clinic.id, p.id))!.orcaPatientId!;
    await control('lock', { patientId: orcaId });
    const locked = await syncOrcaAcceptance(staff.clinic.id, visit.visitId, { link });
    expect(locked).toMatchObject({ kind: 'retry' });
    expect((await visitLink(visit.visitId))).toMatchObject({ acceptanceState: 'queued' });
    expect((await visitLink(visit.visitId))?.message).toContain('他端末使用中');
    await control('unlock', { patientId: orcaId });
    expect((await syncOrcaAcceptance(staff.clinic.id, visit.visitId, { link })).kind).toBe('done');
    expect(await visitLink(visit.visitId)).toMatchObject({ acceptanceState: 'sent', physicianCode: '10002' });
  });

  it('取消 of the visit cancels the 受付 in ORCA; a 受付 that never reached ORCA is simply dropped', async () => {
    const p = await newPatient();
    const visit = await checkIn({ patientId: p.id }, staff.receptionist);
    await syncOrcaAcceptance(staff.clinic.id, visit.visitId, { link });
    expect((await sandboxState()).acceptances).toHaveLength(1);
    await changeVisitStatus({ visitId: visit.visitId, status: 'cancelled' }, staff.receptionist);
    expect((await visitLink(visit.visitId))?.acceptanceState).toBe('cancel_queued');
    expect((await syncOrcaAcceptance(staff.clinic.id, visit.visitId, { link })).kind).toBe('done');
    expect((await visitLink(visit.visitId))?.acceptanceState).toBe('cancelled');
    expect((await sandboxState()).acceptances).toHaveLength(0);

    const q = await newPatient();
    const never = await checkIn({ patientId: q.id }, staff.receptionist);
    await changeVisitStatus({ visitId: never.visitId, status: 'cancelled' }, staff.receptionist);
    expect((await syncOrcaAcceptance(staff.clinic.id, never.visitId, { link })).kind).toBe('done');
    expect((await visitLink(never.visitId))?.acceptanceState).toBe('cancelled');
  });

  it('a refusal by ORCA is failed with its message (here: an unknown ドクター, 14)', async () => {
    const p = await newPatient();
    const visit = await checkIn({ patientId: p.id }, staff.receptionist);
    await orcaLinkRepository.saveSettings(db(), staff.clinic.id, { defaultPhysicianCode: '99999' }, new Date());
    const out = await syncOrcaAcceptance(staff.clinic.id, visit.visitId, { link });
    expect(out).toMatchObject({ kind: 'failed' });
    expect(await visitLink(visit.visitId)).toMatchObject({ acceptanceState: 'failed' });
    expect((await visitLink(visit.visitId))?.message).toContain('14');
  });

  it('a clinic without an ORCA link queues nothing', async () => {
    await db().orcaSettings.delete({ where: { clinicId: staff.clinic.id } });
    const p = await newPatient();
    const visit = await checkIn({ patientId: p.id }, staff.receptionist);
    expect(await visitLink(visit.visitId)).toBeNull();
  });
});

describe('patients in ORCA', () => {
  it('links an ORCA patient with the same name, sex and birth date instead of registering; two such patients need review', async () => {
    const p = await newPatient({ familyName: '鈴木', givenName: '一郎', familyNameKana: 'スズキ', givenNameKana: 'イチロウ', birthDate: '1972-02-20' });
    expect(await ensureOrcaPatient(staff.clinic.id, p.id, { link })).toMatchObject({ kind: 'done', orcaPatientId: '00003' });
    await control('patients', { patientId: '*', name: '佐藤　花子', kana: 'サトウ　ハナコ', birthDate: '1985-11-03', sex: '2', insurances: [] });
    const q = await newPatient({ familyName: '佐藤', givenName: '花子', familyNameKana: 'サトウ', givenNameKana: 'ハナコ', sex: 'female', birthDate: '1985-11-03' });
    const out = await ensureOrcaPatient(staff.clinic.id, q.id, { link });
    expect(out.kind).toBe('failed');
    expect(await orcaLinkRepository.patientLink(db(), staff.clinic.id, q.id)).toMatchObject({ state: 'needs_review', orcaPatientId: null });
    expect((await orcaLinkRepository.patientLink(db(), staff.clinic.id, q.id))?.message).toContain('2人');
    // the patient page shows both
    expect(await getOrcaPatientLink(p.id, staff.receptionist)).toMatchObject({ state: 'linked', label: 'ORCA連携済', orcaPatientId: '00003', numberingMaster: 'orca' });
    expect(await getOrcaPatientLink(q.id, staff.receptionist)).toMatchObject({ state: 'needs_review', orcaPatientId: null });
    const fresh = await newPatient();
    expect(await getOrcaPatientLink(fresh.id, staff.receptionist)).toMatchObject({ state: 'pending', orcaPatientId: null });
  });

  it('with the EHR as numbering master, registers the EHR 患者番号 as ORCA 患者番号, and refuses a number ORCA gave someone else', async () => {
    await orcaLinkRepository.saveSettings(db(), staff.clinic.id, { numberingMaster: 'ehr' }, new Date());
    const taken = await createPatient(staff.receptionist, { givenName: '番号' });
    expect((await db().patient.findUniqueOrThrow({ where: { clinicId_id: { clinicId: staff.clinic.id, id: taken.id } } })).patientNumber).toBe(1);
    // the fixture ORCA already has 00001 (山田 太郎)
    expect((await ensureOrcaPatient(staff.clinic.id, taken.id, { link })).kind).toBe('failed');
    expect(await orcaLinkRepository.patientLink(db(), staff.clinic.id, taken.id)).toMatchObject({ state: 'needs_review', orcaPatientId: null });

    await control('reset', { patients: [] });
    const out = await ensureOrcaPatient(staff.clinic.id, taken.id, { link });
    expect(out).toMatchObject({ kind: 'done', orcaPatientId: '00001' });
    expect((await link.getPatient('1'))?.name).toBe('山田　番号');
  });
});

describe('会計 back from ORCA', () => {
  it('会計待ち while ORCA has not billed; then the 請求額 and 会計済 once ORCA staff confirm', async () => {
    const p = await newPatient();
    const visit = await checkIn({ patientId: p.id }, staff.receptionist);
    await syncOrcaAcceptance(staff.clinic.id, visit.visitId, { link });
    const orcaId = (await orcaLinkRepository.patientLink(db(), staff.clinic.id, p.id))!.orcaPatientId!;
    for (const status of ['in_consultation', 'billing'] as const) await changeVisitStatus({ visitId: visit.visitId, status }, staff.receptionist);
    expect(await refreshOrcaBilling(staff.clinic.id, today, { link })).toMatchObject({ kind: 'done', updated: 1 });
    expect((await visitLink(visit.visitId))?.billingState).toBe('waiting');

    await link.sendMedical({ patientId: orcaId, performDate: today, performTime: '10:00:00', departmentCode: '01', physicianCode: '10001', insuranceCombinationNumber: '0001', bundles: [{ medicalClass: '120', count: 1, lines: [{ code: '112007410', quantity: '1' }] }] });
    await control('confirm', { patientId: orcaId, date: today, paid: false });
    await refreshOrcaBilling(staff.clinic.id, today, { link });
    expect(await visitLink(visit.visitId)).toMatchObject({ billingState: 'billed', totalPoints: 75, billedYen: 230, paidYen: 0, invoiceNumber: '0000001' });
    // the reception board carries it
    const entry = (await listQueue(staff.receptionist)).entries.find((e) => e.visitId === visit.visitId);
    expect(entry?.orca).toEqual({ acceptance: 'sent', billing: 'billed', totalPoints: 75, billedYen: 230, paidYen: 0, message: null });
    expect((await auditEventsFor(staff.clinic.id, { resourceType: 'orca_income', resourceId: visit.visitId })).length).toBe(1);

    const q = await newPatient();
    const paidVisit = await checkIn({ patientId: q.id }, staff.receptionist);
    await syncOrcaAcceptance(staff.clinic.id, paidVisit.visitId, { link });
    const orcaQ = (await orcaLinkRepository.patientLink(db(), staff.clinic.id, q.id))!.orcaPatientId!;
    await link.sendMedical({ patientId: orcaQ, performDate: today, performTime: '10:10:00', departmentCode: '01', physicianCode: '10001', insuranceCombinationNumber: '0001', bundles: [{ medicalClass: '120', count: 1, lines: [{ code: '112007410', quantity: '1' }] }] });
    await control('confirm', { patientId: orcaQ, date: today });
    await refreshOrcaBilling(staff.clinic.id, today, { link });
    expect(await visitLink(paidVisit.visitId)).toMatchObject({ billingState: 'paid', billedYen: 230, paidYen: 230 });
    expect((await visitLink(paidVisit.visitId))?.accountTime).toMatch(/^\d\d:\d\d:\d\d$/);
  });
});

describe('through the job queue', () => {
  it('check-in enqueues the 受付; the worker retries while ORCA is down, sends once, then polls the day\'s 会計 until 会計済', async () => {
    const queues = makeOrcaJobQueues(link);
    const p = await newPatient();
    await control('fault', { kind: 'http503' });
    const visit = await checkIn({ patientId: p.id }, staff.receptionist);
    let clock = Date.now();
    // only this clinic's jobs: other test files running beside this one queue jobs of their own clinics
    const run = () => drainJobs({ queues, clock: () => new Date(clock), maxRounds: 5, clinicIds: [staff.clinic.id] });
    expect(await run()).toMatchObject({ claimed: 1, retried: 1 });
    expect(await findJobByKey(staff.clinic.id, ORCA_ACCEPTANCE_QUEUE, visit.visitId)).toMatchObject({ state: 'queued', attempts: 1 });
    expect((await visitLink(visit.visitId))?.acceptanceState).toBe('queued');

    await control('clear-faults');
    clock += 10 * 60_000;
    const sent = await run();
    expect(sent.done).toBeGreaterThanOrEqual(1);
    expect((await visitLink(visit.visitId))?.acceptanceState).toBe('sent');
    expect((await sandboxState()).acceptances).toHaveLength(1);
    // the billing poll is queued and retries while nothing is billed
    const billingJob = await findJobByKey(staff.clinic.id, ORCA_BILLING_QUEUE, today);
    expect(billingJob?.state).toBe('queued');

    const orcaId = (await orcaLinkRepository.patientLink(db(), staff.clinic.id, p.id))!.orcaPatientId!;
    await link.sendMedical({ patientId: orcaId, performDate: today, performTime: '10:00:00', departmentCode: '01', physicianCode: '10001', insuranceCombinationNumber: '0001', bundles: [{ medicalClass: '120', count: 1, lines: [{ code: '112007410', quantity: '1' }] }] });
    await control('confirm', { patientId: orcaId, date: today });
    clock += 10 * 60_000;
    await run();
    expect(await visitLink(visit.visitId)).toMatchObject({ billingState: 'paid', billedYen: 230 });
    expect((await findJobByKey(staff.clinic.id, ORCA_BILLING_QUEUE, today))?.state).toBe('done');
    expect((await findJobByKey(staff.clinic.id, ORCA_ACCEPTANCE_QUEUE, visit.visitId))?.state).toBe('done');
    // nothing was sent twice
    expect((await sandboxState()).acceptances).toHaveLength(1);
  });
});

describe('診療行為 as 中途データ and the 算定 preview', () => {
  /** a prescription of today: カロナール 3錠/日 × 5日 (院外), final unless `draft` */
  async function prescribe(patientId: string, status: 'final' | 'draft' = 'final') {
    const p = await db().prescription.create({
      data: { clinicId: staff.clinic.id, lineageId: randomUUID(), patientId, status: 'draft', outOfHouse: true, issuedDate: dateOnly(today), authorId: staff.doctor.userId, entererId: staff.doctor.userId },
    });
    await db().prescriptionItem.create({
      data: { clinicId: staff.clinic.id, prescriptionId: p.id, rpNumber: 1, sortOrder: 1, kind: 'internal', drugCodeSystem: 'none', receiptCode: '620000033', drugName: 'カロナール錠２００', dose: 3, doseUnit: '錠', usageText: '毎食後', days: 5 },
    });
    if (status === 'final') await db().prescription.update({ where: { clinicId_id: { clinicId: staff.clinic.id, id: p.id } }, data: { status: 'final' } });
  }
  async function checkedInAndSent() {
    const p = await newPatient();
    const visit = await checkIn({ patientId: p.id }, staff.receptionist);
    expect((await syncOrcaAcceptance(staff.clinic.id, visit.visitId, { link })).kind).toBe('done');
    const orcaId = (await orcaLinkRepository.patientLink(db(), staff.clinic.id, p.id))!.orcaPatientId!;
    return { p, visit, orcaId };
  }
  const pending = async () => ((await (await fetch(`${orca.url}/__sandbox/state`)).json()).medical as { uid: string; patientId: string; bundles: { medicalClass: string; count: number; codes: string[] }[] }[]);

  it('会計へ sends the day\'s 確定 orders (初診 first, then each Rp) once; going back and 会計へ again replaces them', async () => {
    const { p, visit, orcaId } = await checkedInAndSent();
    await prescribe(p.id);
    await changeVisitStatus({ visitId: visit.visitId, status: 'in_consultation' }, staff.doctor);
    await changeVisitStatus({ visitId: visit.visitId, status: 'billing' }, staff.doctor);
    expect((await visitLink(visit.visitId))?.medicalState).toBe('queued');
    expect((await syncOrcaMedical(staff.clinic.id, visit.visitId, { link })).kind).toBe('done');
    const first = await visitLink(visit.visitId);
    expect(first).toMatchObject({ medicalState: 'sent', billingState: 'waiting' });
    expect(await pending()).toMatchObject([
      { uid: first!.medicalUid, patientId: orcaId, bundles: [{ medicalClass: '110', count: 1, codes: ['111000110'] }, { medicalClass: '212', count: 5, codes: ['620000033'] }] },
    ]);
    expect((await auditEventsFor(staff.clinic.id, { resourceType: 'orca_medical', resourceId: visit.visitId })).length).toBe(1);

    // re-確定: back to the doctor, 会計へ again → replaced, one 中途データ with a new UID
    await changeVisitStatus({ visitId: visit.visitId, status: 'in_consultation' }, staff.doctor);
    await changeVisitStatus({ visitId: visit.visitId, status: 'billing' }, staff.doctor);
    await syncOrcaMedical(staff.clinic.id, visit.visitId, { link });
    const second = await visitLink(visit.visitId);
    expect(second?.medicalUid).not.toBe(first!.medicalUid);
    expect((await pending()).map((m) => m.uid)).toEqual([second!.medicalUid]);

    // ORCA staff opened it: it cannot be replaced any more, the visit says so
    await control('open-medical', { medicalUid: second!.medicalUid });
    await changeVisitStatus({ visitId: visit.visitId, status: 'in_consultation' }, staff.doctor);
    await changeVisitStatus({ visitId: visit.visitId, status: 'billing' }, staff.doctor);
    expect((await syncOrcaMedical(staff.clinic.id, visit.visitId, { link })).kind).toBe('failed');
    expect(await visitLink(visit.visitId)).toMatchObject({ medicalState: 'failed' });
    expect((await visitLink(visit.visitId))?.message).toContain('ORCAで修正してください');
  });

  it('after a timeout once ORCA stored the 中途データ, the next run reads tmedicalgetv2 and does not send it again', async () => {
    const { p, visit } = await checkedInAndSent();
    await prescribe(p.id);
    for (const status of ['in_consultation', 'billing'] as const) await changeVisitStatus({ visitId: visit.visitId, status }, staff.doctor);
    await control('fault', { path: '/api21/medicalmodv2', kind: 'delay_after_apply', delayMs: 4000, times: 1 });
    expect((await syncOrcaMedical(staff.clinic.id, visit.visitId, { link })).kind).toBe('retry');
    expect((await visitLink(visit.visitId))?.medicalState).toBe('sending');
    expect((await syncOrcaMedical(staff.clinic.id, visit.visitId, { link })).kind).toBe('done');
    const row = await visitLink(visit.visitId);
    expect((await pending()).map((m) => m.uid)).toEqual([row!.medicalUid]);
  });

  it('the preview shows ORCA\'s points and the patient\'s charge for today\'s orders, drafts included, and stores nothing', async () => {
    const { p } = await checkedInAndSent();
    await prescribe(p.id, 'draft');
    const preview = await previewOrcaCharge(p.id, staff.doctor, { link });
    // 初診 291 + カロナール 0.59 × 3 = 1.77 → 2 points × 5 days = 10 → 301 points; 30 % of 3,010 yen → 900 yen
    expect(preview).toMatchObject({ kind: 'ok', totalPoints: 301, billedYen: 900, burdenLabel: '３割', unsendable: [] });
    expect(await pending()).toEqual([]);
    expect((await auditEventsFor(staff.clinic.id, { resourceType: 'orca_simulation', patientId: p.id })).length).toBe(1);
    await control('fault', { kind: 'http503', times: 1 });
    expect(await previewOrcaCharge(p.id, staff.doctor, { link })).toEqual({ kind: 'unavailable', message: 'ORCAに接続できないため算定できません。' });
  });

  it('check-in and 会計へ never wait for ORCA: they call nothing at ORCA and leave the 受付 and 中途データ queued (timings: bench/orca.bench.ts)', async () => {
    const p = await newPatient();
    await control('fault', { kind: 'delay_after_apply', delayMs: 5000 });
    const calls = async () => (await orca.state<{ log: unknown[] }>()).log.length;
    const before = await calls();
    const visit = await checkIn({ patientId: p.id }, staff.receptionist);
    await changeVisitStatus({ visitId: visit.visitId, status: 'in_consultation' }, staff.doctor);
    await changeVisitStatus({ visitId: visit.visitId, status: 'billing' }, staff.doctor);
    expect(await calls()).toBe(before);
    expect(await visitLink(visit.visitId)).toMatchObject({ acceptanceState: 'queued', medicalState: 'queued' });
    expect(await findJobByKey(staff.clinic.id, ORCA_ACCEPTANCE_QUEUE, visit.visitId)).toMatchObject({ state: 'queued' });
    await control('clear-faults');
  });
});

describe('病名 to ORCA', () => {
  const diagnose = (patientId: string, d: { code: string; name: string; start: string; suspected?: boolean; status?: string; outcome?: string; end?: string }) =>
    db().diagnosis.create({
      data: {
        clinicId: staff.clinic.id,
        lineageId: randomUUID(),
        patientId,
        status: d.status ?? 'final',
        diseaseCode: d.code,
        baseName: d.name,
        displayName: d.suspected ? `${d.name}の疑い` : d.name,
        modifiers: d.suspected ? [{ code: '8002', name: 'の疑い', position: 'suffix' }] : [],
        isSuspected: d.suspected ?? false,
        startDate: dateOnly(d.start),
        outcome: d.outcome ?? null,
        endDate: d.end ? dateOnly(d.end) : null,
        recordedById: staff.doctor.userId,
      },
    });

  it('会計へ also sends the month\'s 病名 (疑い as ZZZ8002, 転帰, withdrawn ones deleted); ORCA-only 病名 and W01 are kept for review', async () => {
    const p = await newPatient();
    const visit = await checkIn({ patientId: p.id }, staff.receptionist);
    await syncOrcaAcceptance(staff.clinic.id, visit.visitId, { link });
    const orcaId = (await orcaLinkRepository.patientLink(db(), staff.clinic.id, p.id))!.orcaPatientId!;
    await diagnose(p.id, { code: '8830417', name: '胃炎', start: today, suspected: true });
    await diagnose(p.id, { code: '4659007', name: '急性上気道炎', start: today, outcome: 'cured', end: today });
    await diagnose(p.id, { code: '7840024', name: '頭痛', start: today, status: 'entered_in_error' });
    await control('disease', { patientId: orcaId, code: '4011001', startDate: `${today.slice(0, 7)}-01` });
    for (const status of ['in_consultation', 'billing'] as const) await changeVisitStatus({ visitId: visit.visitId, status }, staff.doctor);
    expect((await findJobByKey(staff.clinic.id, 'orca.diseases', p.id))?.state).toBe('queued');

    expect((await syncOrcaDiseases(staff.clinic.id, p.id, today, { link })).kind).toBe('done');
    const inOrca = await link.readDiseases({ patientId: orcaId, baseMonth: today.slice(0, 7), all: true });
    expect(inOrca.find((d) => d.singleCodes[0] === '8830417')).toMatchObject({ singleCodes: ['8830417', 'ZZZ8002'], suspected: true, outcome: null });
    expect(inOrca.find((d) => d.singleCodes[0] === '4659007')).toMatchObject({ outcome: 'cured', endDate: today });
    expect(inOrca.find((d) => d.singleCodes[0] === '7840024')).toBeUndefined();
    const patientLink = await orcaLinkRepository.patientLink(db(), staff.clinic.id, p.id);
    expect(patientLink?.state).toBe('needs_review');
    expect(patientLink?.message).toContain('ORCAにだけある病名: 本態性高血圧症');
    expect((await auditEventsFor(staff.clinic.id, { resourceType: 'orca_diseases', patientId: p.id })).length).toBe(1);

    // sending again changes nothing in ORCA
    await syncOrcaDiseases(staff.clinic.id, p.id, today, { link });
    expect(await link.readDiseases({ patientId: orcaId, baseMonth: today.slice(0, 7), all: true })).toHaveLength(inOrca.length);

    await control('lock', { patientId: orcaId });
    expect((await syncOrcaDiseases(staff.clinic.id, p.id, today, { link })).kind).toBe('retry');
  });
});
