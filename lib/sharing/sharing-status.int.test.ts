/**
 * What the clinic sees of its sharing (issue 10 §4–5) over real HTTP to the sandbox service: the chart's state per unit
 * (未送信 from the outbox, 送信済, 再送待ち, エラー with reason and record), 再送 through the same delivery job (audited,
 * role-checked, a waiting job made due, a stopped one revived), the clinic's attention list, and the pre-send preview
 * (exactly what delivery would build, validated, audited). Another clinic sees none of it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '@/lib/auth/actor';
import { AppError } from '@/lib/core/app-error';
import { db } from '@/lib/core/db';
import { findJobByKey } from '@/lib/jobs/job.repository';
import { drainJobs } from '@/lib/jobs/job-worker';
import { recordDiagnosis } from '@/lib/records/diagnoses/diagnosis.service';
import { recordAllergy } from '@/lib/records/allergies/allergy.service';
import { recordLabResults } from '@/lib/records/lab-results/lab-result.service';
import { labEntrySchema } from '@/lib/records/lab-results/lab-entry.schema';
import { actorFor, auditEventsFor, auditMark, clinicWithStaff, createPatient, createStaffUser } from '@/tests/helpers/factories';
import { HttpSharingService } from './adapters/http-sharing-service';
import { deliverUnit } from './deliver-unit.service';
import { relayClinicOutbox } from './outbox-relay.repository';
import { startSharingSandboxServer, type SandboxSharingServer } from './sandbox/sandbox-server';
import { previewPatientSharing } from './sharing-preview.service';
import { getPatientSharingStatus, listSharingAttention, resendSharingUnit } from './sharing-status.service';
import { findUnit } from './sharing-unit.repository';
import { DELIVER_QUEUE } from './sharing.constants';

const ADDRESS = { postalCode: '160-0023', address: '東京都新宿区西新宿2-8-1' };
let sandbox: SandboxSharingServer;
let service: HttpSharingService;
let a: Awaited<ReturnType<typeof clinicWithStaff>>;
let b: Awaited<ReturnType<typeof clinicWithStaff>>;

beforeAll(async () => {
  sandbox = await startSharingSandboxServer({ port: 0 });
  service = new HttpSharingService({ baseUrl: sandbox.url, timeoutMs: 2000 });
  a = await clinicWithStaff();
  b = await clinicWithStaff();
  // JP-CLINS wants the 診療科 on every record; clinic B is left without one on purpose (a validation error)
  await db().department.create({ data: { clinicId: a.clinic.id, code: '01', name: '内科' } });
});
afterAll(async () => {
  await sandbox.close();
});

const deliver = (clock?: () => Date) =>
  drainJobs({ queues: { [DELIVER_QUEUE]: async (job) => void (await deliverUnit(job, { service, clock })) }, clock, clinicIds: [a.clinic.id, b.clinic.id] });
const code = (p: Promise<unknown>) => p.then(() => 'ok', (e: unknown) => (e instanceof AppError ? e.code : String(e)));
const stateOf = async (actor: Actor, patientId: string, kind: string) => (await getPatientSharingStatus(patientId, actor)).units.find((u) => u.kind === kind);

// the first delivery loads the FHIR profiles; on a loaded 2-core machine that alone can take most of 30 s
describe('the chart\'s sharing state', { timeout: 120_000 }, () => {
  it('shows 未送信 from the outbox, then 送信済 after the worker, audits each read, and hides it from another clinic', async () => {
    const patient = await createPatient(a.doctor, ADDRESS);
    await recordDiagnosis({ patientId: patient.id, freeText: '本態性高血圧症', isPrimary: true, startDate: '2025-04-01' }, a.doctor);
    const mark = await auditMark(a.clinic.id);

    let unit = await stateOf(a.nurse, patient.id, 'diagnoses');
    expect(unit).toMatchObject({ unitId: null, state: 'pending', stateLabel: '未送信', title: '傷病名', resendable: false });
    expect(await auditEventsFor(a.clinic.id, { action: 'read', resourceType: 'sharing_status', patientId: patient.id }, mark)).toHaveLength(1);

    await relayClinicOutbox(a.clinic.id, new Date());
    unit = await stateOf(a.doctor, patient.id, 'diagnoses');
    expect(unit).toMatchObject({ state: 'pending', stateLabel: '未送信' });
    expect(unit!.unitId).toMatch(/^[0-9a-f-]{36}$/);

    await deliver();
    unit = await stateOf(a.doctor, patient.id, 'diagnoses');
    expect(unit).toMatchObject({ state: 'sent', stateLabel: '送信済', resendable: false, reason: null });
    expect(unit!.sentAt).not.toBeNull();

    // the screen's polling is audited too, but at most once a minute per user and patient
    const other = actorFor(await createStaffUser(a.clinic.id, 'doctor'));
    const polled = await auditMark(a.clinic.id);
    await getPatientSharingStatus(patient.id, other, { background: true });
    await getPatientSharingStatus(patient.id, other, { background: true });
    expect(await auditEventsFor(a.clinic.id, { action: 'read', resourceType: 'sharing_status' }, polled)).toHaveLength(1);
    await getPatientSharingStatus(patient.id, other);
    expect(await auditEventsFor(a.clinic.id, { action: 'read', resourceType: 'sharing_status' }, polled)).toHaveLength(2);

    expect(await code(getPatientSharingStatus(patient.id, b.doctor))).toBe('NOT_FOUND');
    expect(await code(resendSharingUnit(unit!.unitId!, b.doctor))).toBe('NOT_FOUND');
    expect(await code(getPatientSharingStatus(patient.id, a.admin))).toBe('FORBIDDEN');
    // a 送信済 unit is not resent by hand: a change sends it
    expect(await code(resendSharingUnit(unit!.unitId!, a.doctor))).toBe('CONFLICT');
  });

  it('shows a refusal as エラー with the reason, and 再送 (doctor only, audited) revives the stopped job and delivers after the fix', async () => {
    const patient = await createPatient(a.doctor, ADDRESS);
    await recordAllergy({ patientId: patient.id, category: 'food', substanceName: 'そば', reaction: '蕁麻疹' }, a.doctor);
    await relayClinicOutbox(a.clinic.id, new Date());
    sandbox.store.setControl({ reject: { code: 'E-INSURANCE', message: '資格情報が確認できません', expression: 'Patient.identifier' } });
    await deliver();
    sandbox.store.setControl({ reject: null });

    const unit = (await stateOf(a.doctor, patient.id, 'allergies'))!;
    expect(unit).toMatchObject({ state: 'error', stateLabel: 'エラー', resendable: true });
    expect(unit.reason).toContain('資格情報が確認できません');
    expect(unit.issues).toEqual([expect.objectContaining({ message: '資格情報が確認できません', record: '患者情報', field: '保険証（保険者番号・記号・番号・枝番）', href: `/patients/${patient.id}/edit` })]);
    expect(await findJobByKey(a.clinic.id, DELIVER_QUEUE, unit.unitId!)).toMatchObject({ state: 'dead' });

    // on the attention list of the clinic (not of another clinic), with the patient named
    const attention = await listSharingAttention(a.admin);
    expect(attention.rows.find((r) => r.unitId === unit.unitId)).toMatchObject({ state: 'error', jobStopped: true, patient: { id: patient.id, name: '山田 太郎' } });
    expect(attention.counts.error).toBeGreaterThanOrEqual(1);
    expect((await listSharingAttention(b.admin)).rows.some((r) => r.unitId === unit.unitId)).toBe(false);
    expect(await code(listSharingAttention(a.nurse))).toBe('FORBIDDEN');

    const mark = await auditMark(a.clinic.id);
    expect(await code(resendSharingUnit(unit.unitId!, a.nurse))).toBe('FORBIDDEN');
    expect(await auditEventsFor(a.clinic.id, { action: 'permission_denied' }, mark)).toHaveLength(1);
    const resent = await resendSharingUnit(unit.unitId!, a.doctor);
    expect(resent).toMatchObject({ state: 'pending', reason: null });
    expect(await findJobByKey(a.clinic.id, DELIVER_QUEUE, unit.unitId!)).toMatchObject({ state: 'queued', attempts: 0 });
    expect(await auditEventsFor(a.clinic.id, { action: 'resend', resourceType: 'sharing_unit', resourceId: unit.unitId!, patientId: patient.id }, mark)).toHaveLength(1);

    await deliver();
    expect(await stateOf(a.doctor, patient.id, 'allergies')).toMatchObject({ state: 'sent' });
    expect((await listSharingAttention(a.admin)).rows.some((r) => r.unitId === unit.unitId)).toBe(false);
  });

  it('shows 再送待ち during an outage; 再送 makes the waiting job due at once', async () => {
    const patient = await createPatient(a.doctor, ADDRESS);
    await recordDiagnosis({ patientId: patient.id, freeText: '気管支喘息', startDate: '2020-06-01' }, a.doctor);
    await relayClinicOutbox(a.clinic.id, new Date());
    sandbox.store.setControl({ down: true });
    await deliver();
    const unit = (await stateOf(a.doctor, patient.id, 'diagnoses'))!;
    expect(unit).toMatchObject({ state: 'retry_wait', stateLabel: '再送待ち', resendable: true });
    expect(unit.reason).toContain('自動で再送');
    const waiting = (await findJobByKey(a.clinic.id, DELIVER_QUEUE, unit.unitId!))!;
    expect(waiting.state).toBe('queued');
    expect(waiting.runAt.getTime()).toBeGreaterThan(Date.now());

    sandbox.store.setControl({ down: false });
    const at = new Date();
    await resendSharingUnit(unit.unitId!, a.admin, () => at);
    expect((await findJobByKey(a.clinic.id, DELIVER_QUEUE, unit.unitId!))!.runAt.getTime()).toBe(at.getTime());
    await deliver();
    expect(await stateOf(a.doctor, patient.id, 'diagnoses')).toMatchObject({ state: 'sent' });
    expect((await findUnit(a.clinic.id, unit.unitId!))!.state).toBe('sent');
  });

  it('names each lab report by its collection date and items, in the chart and in the preview', async () => {
    const patient = await createPatient(a.doctor, ADDRESS);
    await recordLabResults(labEntrySchema.parse({ patientId: patient.id, collectedAt: '2026-11-02T09:30', specimen: '血清', items: [{ itemKey: 'AST', value: '30' }, { itemKey: 'ALT', value: '25' }] }), a.nurse);
    const lab = await stateOf(a.doctor, patient.id, 'lab_report');
    expect(lab).toMatchObject({ state: 'pending', title: expect.stringMatching(/^検査 2026\/11\/02（.+・.+）$/) });
    const preview = await previewPatientSharing(patient.id, a.doctor);
    expect(preview.units.map((u) => u.title)).toEqual([lab!.title]);
    expect(preview.units[0]!.rendered!.records).toHaveLength(2);
  });
});

describe('the pre-send preview', { timeout: 120_000 }, () => {
  it('shows exactly what delivery would send, readable and as JSON, for doctors and clinic admins, audited', async () => {
    const patient = await createPatient(a.doctor, ADDRESS);
    const dx = await recordDiagnosis({ patientId: patient.id, freeText: '2型糖尿病', isPrimary: true, startDate: '2024-01-10' }, a.doctor);
    const mark = await auditMark(a.clinic.id);
    const preview = await previewPatientSharing(patient.id, a.admin);
    expect(preview.units).toHaveLength(1);
    const unit = preview.units[0]!;
    expect(unit).toMatchObject({ kind: 'diagnoses', title: '傷病名', action: 'register', sendable: true, memberId: '06131239:1234:567890:00', state: null });
    expect(unit.identifier).toMatch(/^\d{10}\^\d{4}\^C[0-9a-f]{32}$/);
    expect(unit.rendered!.records.map((r) => r.id)).toEqual([dx.lineageId]);
    expect(JSON.parse(unit.rendered!.json)).toMatchObject({ resourceType: 'Bundle', identifier: { value: unit.identifier } });
    expect(await auditEventsFor(a.clinic.id, { action: 'read', resourceType: 'sharing_preview', patientId: patient.id }, mark)).toHaveLength(1);

    // after delivery the same content is what the service holds: nothing to send
    await relayClinicOutbox(a.clinic.id, new Date());
    await deliver();
    const sent = await previewPatientSharing(patient.id, a.doctor);
    expect(sent.units[0]).toMatchObject({ action: 'unchanged', state: 'sent', identifier: unit.identifier });

    expect(await code(previewPatientSharing(patient.id, a.nurse))).toBe('FORBIDDEN');
    expect(await code(previewPatientSharing(patient.id, b.doctor))).toBe('NOT_FOUND');
  });

  it('names the record and field of a validation error, with a link to the record, and a missing member ID', async () => {
    const patient = await createPatient(b.doctor, { ...ADDRESS, insurance: undefined });
    const dx = await recordDiagnosis({ patientId: patient.id, freeText: '急性上気道炎', startDate: '2026-11-30' }, b.doctor);
    const preview = await previewPatientSharing(patient.id, b.doctor);
    const unit = preview.units[0]!;
    expect(unit.sendable).toBe(false);
    expect(unit.issues[0]).toMatchObject({ severity: 'error', record: '患者情報', message: expect.stringContaining('被保険者個人識別子') });
    // clinic B has no 診療科: the diagnosis is named, with the field and a link to it
    expect(unit.issues).toContainEqual(expect.objectContaining({ severity: 'error', record: '傷病名', field: '診療科・主病名', href: `/patients/${patient.id}/diagnoses#record-${dx.lineageId}` }));
  });
});
