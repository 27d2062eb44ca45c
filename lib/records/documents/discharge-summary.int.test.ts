/**
 * 退院時サマリー (issue 11, ADR 0065): prefilled from the chart, saved as a snapshot (未告知 refused), 確定 freezes it
 * (hash, the DB refuses a change, a later edit is a new version with a reason), it prints, it becomes a valid
 * JP_Bundle_eDischargeSummary, and it is sent through the document sharing unit to the sandbox over real HTTP
 * (registered under its own identifier with no addressee; 取消 deletes it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '@/lib/core/app-error';
import { db } from '@/lib/core/db';
import { drainJobs } from '@/lib/jobs/job-worker';
import { recordDiagnosis, setDiagnosisFlag } from '@/lib/records/diagnoses/diagnosis.service';
import { recordAllergy } from '@/lib/records/allergies/allergy.service';
import { confirmNote, createNote } from '@/lib/records/notes/note.service';
import { createNoteSchema } from '@/lib/records/notes/note.schema';
import { deliverUnit } from '@/lib/sharing/deliver-unit.service';
import { DELIVER_QUEUE } from '@/lib/sharing/sharing.constants';
import { findDocumentUnit } from '@/lib/sharing/sharing-unit.repository';
import { auditEventsFor, auditMark, clinicWithStaff, createPatient } from '@/tests/helpers/factories';
import { aDischargeSummaryInput, confirmedPrescription, documentSharingSetup } from '@/tests/helpers/documents';
import { neverLogged } from '@/tests/helpers/never-logged';
import { cancelDocument, confirmDocument, getDocument, getDocumentForPrint, listDocumentsForPatient, saveReferral } from './document.service';
import { prefillDischargeSummary, saveDischargeSummary } from './discharge-summary.service';
import { getDocumentFhir } from './document-fhir.service';
import { sendDocument } from './document-send.service';
import { asDischargeSummary } from './document.dto';

neverLogged('肺炎で入院加療', '抗菌薬点滴で解熱');

type Staff = Awaited<ReturnType<typeof clinicWithStaff>>;
let sandbox: Awaited<ReturnType<typeof documentSharingSetup>>['sandbox'];
let service: Awaited<ReturnType<typeof documentSharingSetup>>['service'];
let a: Staff;
let b: Staff;

beforeAll(async () => {
  ({ sandbox, service, a, b } = await documentSharingSetup());
});
afterAll(async () => {
  await sandbox?.close();
});

const expectCode = async (p: Promise<unknown>, code: string) => {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).code).toBe(code);
  return err as AppError;
};

const deliver = (clinicId: string) => drainJobs({ queues: { [DELIVER_QUEUE]: async (job) => void (await deliverUnit(job, { service })) }, clinicIds: [clinicId] });

/** A patient admitted for pneumonia: two diagnoses (one primary), one 未告知, an allergy and a 確定 note. */
async function admittedPatient() {
  const p = await createPatient(a.receptionist, { address: '東京都新宿区西新宿2-8-1' });
  const pneumonia = await recordDiagnosis({ patientId: p.id, diseaseCode: '8833421', startDate: '2026-03-01', isPrimary: true }, a.doctor);
  const other = await recordDiagnosis({ patientId: p.id, diseaseCode: '8830417', startDate: '2024-04-01' }, a.doctor);
  const hidden = await recordDiagnosis({ patientId: p.id, freeText: '告知前の病名', startDate: '2026-03-02' }, a.doctor);
  await setDiagnosisFlag({ diagnosisId: hidden.id, flag: 'uninformed', value: true }, a.doctor);
  const allergy = await recordAllergy({ patientId: p.id, category: 'food', substanceName: 'そば', reaction: '蕁麻疹' }, a.doctor);
  const note = await createNote(createNoteSchema.parse({ patientId: p.id, subjective: '発熱と咳嗽', assessment: '肺炎', plan: '抗菌薬点滴で解熱を確認' }), a.doctor);
  await confirmNote({ noteId: note.id }, a.doctor);
  return { p, pneumonia, other, hidden, allergy };
}

const summary = aDischargeSummaryInput;

describe('退院時サマリー', () => {
  it('prefills from the chart: diagnoses without 未告知, allergies, 主訴 and 入院中の経過 from 確定 notes, the doctor as 担当医', async () => {
    const { p, pneumonia } = await admittedPatient();
    const pre = await prefillDischargeSummary(p.id, a.doctor);
    expect(pre.diagnoses[0]!.id).toBe(pneumonia.lineageId);
    expect(pre.diagnoses.map((d) => d.label)).not.toContain('告知前の病名');
    expect(pre.uninformedOmitted).toBe(1);
    expect(pre.allergies.map((x) => x.label)).toEqual(['そば']);
    expect(pre.sections.chiefComplaint).toBe('発熱と咳嗽');
    expect(pre.sections.hospitalCourse).toContain('肺炎 / 抗菌薬点滴で解熱を確認');
    expect(pre.sections.attendingDoctor).toBe(a.doctor.displayName);
    await expectCode(prefillDischargeSummary(p.id, a.nurse), 'FORBIDDEN');
  });

  it('saves a snapshot, refuses 未告知 and a discharge before admission; 確定 needs the stay, 転帰 and a 退院時診断, then freezes', async () => {
    const { p, pneumonia, other, hidden, allergy } = await admittedPatient();
    const ids = { admission: [pneumonia.lineageId], discharge: [pneumonia.lineageId, other.lineageId], allergies: [allergy.lineageId] };
    expect((await expectCode(saveDischargeSummary(summary(p.id, { ...ids, discharge: [hidden.lineageId] }), a.doctor), 'INVALID_INPUT')).message).toContain('未告知');
    expect((await expectCode(saveDischargeSummary(summary(p.id, ids, { dischargeDate: '2026-02-28' }), a.doctor), 'INVALID_INPUT')).fieldErrors).toMatchObject({ dischargeDate: '退院日は入院日以降の日付にしてください。' });

    const incomplete = await saveDischargeSummary(summary(p.id, { ...ids, discharge: [] }, { outcome: '' }), a.doctor);
    expect(incomplete).toMatchObject({ kind: 'discharge_summary', status: 'draft', version: 1 });
    const refused = await expectCode(confirmDocument({ documentId: incomplete.id }, a.doctor), 'INVALID_INPUT');
    expect(Object.values(refused.fieldErrors ?? {})).toEqual(expect.arrayContaining(['退院時転帰を選択してください。', '退院時診断を1つ以上選んでください。']));

    const draft = await saveDischargeSummary(summary(p.id, ids, { documentId: incomplete.id }), a.doctor);
    expect(draft.id).toBe(incomplete.id);
    expect(draft.content.dischargeDiagnoses.map((d) => [d.lineageId, d.primary])).toEqual([[pneumonia.lineageId, true], [other.lineageId, false]]);
    expect(draft.content.allergies[0]).toMatchObject({ name: 'そば', reaction: '蕁麻疹' });
    const final = asDischargeSummary(await confirmDocument({ documentId: draft.id }, a.doctor));
    expect(final).toMatchObject({ status: 'final', hashVerified: true });
    expect(final.contentHash).toMatch(/^[0-9a-f]{64}$/);
    // the database refuses a change to a 確定 version
    await expect(db().clinicalDocument.updateMany({ where: { clinicId: a.clinic.id, id: final.id }, data: { content: { ...final.content, hospitalCourse: '改ざん' } } })).rejects.toThrow();
    // an edit of a 確定 summary needs a reason and is a new version; the 確定 one is unchanged
    await expectCode(saveDischargeSummary(summary(p.id, ids, { documentId: final.id, instructions: '2週間後に再診' }), a.doctor), 'INVALID_INPUT');
    const v2 = await saveDischargeSummary(summary(p.id, ids, { documentId: final.id, instructions: '2週間後に再診', changeReason: '再診日の変更' }), a.doctor);
    expect(v2).toMatchObject({ version: 2, status: 'draft', changeReason: '再診日の変更' });
    const history = await getDocument({ patientId: p.id, lineageId: final.lineageId }, a.doctor);
    expect(history.versions.map((v) => [v.version, v.status])).toEqual([[2, 'draft'], [1, 'final']]);
    expect(asDischargeSummary(history.versions[1]!).content.instructions).toBe('1週間後に外来再診');
    expect(history.versions[1]!.hashVerified).toBe(true);
    // a referral save cannot touch a summary, nor can another clinic
    await expectCode(saveReferral({ patientId: p.id, documentId: v2.id, destination: { institutionId: null, name: '某病院', department: '', doctor: '' }, purpose: '相談' }, a.doctor), 'NOT_FOUND');
    await expectCode(saveDischargeSummary(summary(p.id, ids, { documentId: v2.id }), b.doctor), 'NOT_FOUND');
    expect((await listDocumentsForPatient(p.id, a.doctor)).map((d) => [d.kind, d.version])).toEqual([['discharge_summary', 2]]);
  });

  it('prints only when 確定, audited; the FHIR document is a valid JP_Bundle_eDischargeSummary', async () => {
    const { p, pneumonia, allergy } = await admittedPatient();
    const draft = await saveDischargeSummary(summary(p.id, { admission: [pneumonia.lineageId], discharge: [pneumonia.lineageId], allergies: [allergy.lineageId] }), a.doctor);
    const mark = await auditMark(a.clinic.id);
    await expectCode(getDocumentForPrint({ patientId: p.id, lineageId: draft.lineageId }, a.doctor), 'PRECONDITION_FAILED');
    await expectCode(getDocumentFhir({ patientId: p.id, lineageId: draft.lineageId }, a.doctor), 'PRECONDITION_FAILED');
    await confirmDocument({ documentId: draft.id }, a.doctor);
    const printed = await getDocumentForPrint({ patientId: p.id, lineageId: draft.lineageId }, a.doctor);
    expect(printed.document).toMatchObject({ kind: 'discharge_summary', status: 'final', version: 1 });
    expect(printed.doctor.name).toBe(a.doctor.displayName);
    expect((await auditEventsFor(a.clinic.id, { action: 'print', resourceType: 'clinical_document' }, mark)).map((e) => e.outcome)).toEqual(['failure', 'success']);

    const fhir = await getDocumentFhir({ patientId: p.id, lineageId: draft.lineageId }, a.doctor);
    expect(fhir.issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(fhir.sendable).toBe(true);
    expect(fhir.identifier).toMatch(new RegExp(`^${a.clinic.institutionNumber}\\^\\d{4}\\^D[0-9a-f]{32}$`));
    const bundle = JSON.parse(fhir.json) as { entry: { resource: { resourceType: string; type?: { coding: { code: string }[] } } }[] };
    expect(bundle.entry[0]!.resource.type!.coding[0]!.code).toBe('18842-5');
    expect(bundle.entry.map((e) => e.resource.resourceType)).toEqual(expect.arrayContaining(['Encounter', 'DocumentReference', 'Condition', 'AllergyIntolerance']));
  });

  it('the 退院時処方 chosen from the 確定 prescriptions become MedicationRequest entries of 444, valid against JP_MedicationRequest_eCS', async () => {
    const { p, pneumonia } = await admittedPatient();
    const rx = await confirmedPrescription(a, p.id);
    const pre = await prefillDischargeSummary(p.id, a.doctor);
    expect(pre.prescriptions).toEqual([expect.objectContaining({ id: rx.id, checked: true, label: expect.stringContaining('28日分') })]);
    const ids = { admission: [pneumonia.lineageId], discharge: [pneumonia.lineageId], allergies: [] };
    await expectCode(saveDischargeSummary(summary(p.id, ids, { prescriptionIds: ['00000000-0000-4000-8000-000000000000'] }), a.doctor), 'INVALID_INPUT');
    const draft = await saveDischargeSummary(summary(p.id, ids, { prescriptionIds: [rx.id] }), a.doctor);
    expect(draft.content.prescriptions).toEqual([expect.objectContaining({ id: rx.id, version: 1, lines: [expect.stringContaining('1日1回朝食後 28日分')] })]);
    await confirmDocument({ documentId: draft.id }, a.doctor);
    const fhir = await getDocumentFhir({ patientId: p.id, lineageId: draft.lineageId }, a.doctor);
    expect(fhir.issues).toEqual([]);
    type Entry = { fullUrl: string; resource: { resourceType: string; meta?: { profile?: string[] }; medicationCodeableConcept?: { coding: { system: string }[]; text: string }; section?: { section?: { code: { coding: { code: string }[] }; entry?: { reference: string }[] }[] }[] } };
    const bundle = JSON.parse(fhir.json) as { entry: Entry[] };
    const meds = bundle.entry.filter((e) => e.resource.resourceType === 'MedicationRequest');
    expect(meds).toHaveLength(1);
    expect(meds[0]!.resource.meta!.profile![0]).toBe('http://jpfhir.jp/fhir/eCS/StructureDefinition/JP_MedicationRequest_eCS');
    expect(meds[0]!.resource.medicationCodeableConcept!.coding[0]!.system).toBe('http://capstandard.jp/iyaku.info/CodeSystem/YJ-code');
    const s444 = bundle.entry[0]!.resource.section![0]!.section!.find((s) => s.code.coding[0]!.code === '444')!;
    expect(s444.entry).toEqual([{ reference: meds[0]!.fullUrl }]);
  });

  it('is sent through the document sharing unit to the sandbox over HTTP: registered, 差替 by a new 確定 version, 取消 deletes', async () => {
    const { p, pneumonia } = await admittedPatient();
    const ids = { admission: [pneumonia.lineageId], discharge: [pneumonia.lineageId], allergies: [] };
    const draft = await saveDischargeSummary(summary(p.id, ids), a.doctor);
    await expectCode(sendDocument({ documentId: draft.id }, a.doctor), 'PRECONDITION_FAILED');
    const final = await confirmDocument({ documentId: draft.id }, a.doctor);
    expect(await sendDocument({ documentId: final.id }, a.doctor)).toMatchObject({ label: '送信待ち' });
    await deliver(a.clinic.id);
    const unit = (await findDocumentUnit(a.clinic.id, p.id, final.lineageId))!;
    expect(unit).toMatchObject({ state: 'sent', removed: false });
    const identifier = unit.identifier!;
    expect(sandbox.store.documentStatus(identifier)).toMatchObject({ held: true, version: 1 });
    const held = sandbox.store.documents.get(identifier)!;
    expect(held.addressee).toBeNull();
    expect(held.senderInstitution).toBe(a.clinic.institutionNumber);

    const v2 = await saveDischargeSummary(summary(p.id, ids, { documentId: final.id, dischargeCondition: 'ADL自立、食事摂取良好', changeReason: '状態の追記' }), a.doctor);
    await confirmDocument({ documentId: v2.id }, a.doctor);
    await deliver(a.clinic.id);
    expect(sandbox.store.documentStatus(identifier)).toMatchObject({ held: true, version: 2 });

    await cancelDocument({ documentId: v2.id, reason: '記載誤り' }, a.doctor);
    await deliver(a.clinic.id);
    expect(sandbox.store.documentStatus(identifier)).toEqual({ held: false });
    expect(await findDocumentUnit(a.clinic.id, p.id, final.lineageId)).toMatchObject({ state: 'sent', removed: true });
    expect((await getDocument({ patientId: p.id, lineageId: final.lineageId }, a.doctor)).latest.sending).toMatchObject({ label: '取消送信済' });
  });
});
