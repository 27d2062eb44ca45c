import { beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '@/lib/core/app-error';
import { db } from '@/lib/core/db';
import { loadDemoMasters } from '@/lib/masters/demo-masters';
import { recordDiagnosis, setDiagnosisFlag } from '@/lib/records/diagnoses/diagnosis.service';
import { recordAllergy } from '@/lib/records/allergies/allergy.service';
import { confirmNote, createNote } from '@/lib/records/notes/note.service';
import { createNoteSchema } from '@/lib/records/notes/note.schema';
import { auditEventsFor, auditMark, clinicWithStaff, createPatient, createStaffUser, actorFor } from '@/tests/helpers/factories';
import { neverLogged } from '@/tests/helpers/never-logged';
import { cancelDocument, confirmDocument, documentContentHash, getDocument, getDocumentForPrint, listDocumentsForPatient, prefillReferral, saveReferral } from './document.service';
import { saveInstitution, searchInstitutions } from './referral-institution.service';
import { getDocumentFhir } from './document-fhir.service';
import type { SaveReferralInput } from './referral.schema';
import { DOCUMENT_KINDS } from './document.constants';
import { confirmedPrescription } from '@/tests/helpers/documents';
import { RECORD_STATUSES } from '@/lib/records/record-version.constants';

neverLogged('精査目的でご紹介いたします', '労作時胸痛');

type Staff = Awaited<ReturnType<typeof clinicWithStaff>>;
let a: Staff;
let b: Staff;

beforeAll(async () => {
  await loadDemoMasters();
  [a, b] = await Promise.all([clinicWithStaff(), clinicWithStaff()]);
});

const expectCode = async (p: Promise<unknown>, code: string) => {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).code).toBe(code);
  return err as AppError;
};

const letter = (patientId: string, overrides: Partial<SaveReferralInput> = {}): SaveReferralInput => ({
  patientId,
  destination: { institutionId: null, name: '市立総合病院', department: '循環器内科', doctor: '佐藤 一郎' },
  purpose: '精査目的でご紹介いたします',
  chiefComplaint: '労作時胸痛',
  ...overrides,
});

describe('紹介先医療機関 directory', () => {
  it('creates, edits, searches as you type (recent first), refuses a duplicate code and another clinic', async () => {
    const one = await saveInstitution({ code: '1312345678', name: '市立総合病院', nameKana: 'しりつそうごうびょういん', departments: ['循環器内科', '消化器内科'], doctors: ['佐藤 一郎'] }, a.doctor);
    const two = await saveInstitution({ code: '１３１２３４５６７９', name: '港中央クリニック', phone: '03-1234-5678' }, a.admin);
    expect(two.code).toBe('1312345679');
    await expectCode(saveInstitution({ code: '1312345678', name: '重複' }, a.doctor), 'CONFLICT');
    await expectCode(saveInstitution({ code: '12345', name: '桁不足' }, a.doctor), 'INVALID_INPUT');
    await expectCode(saveInstitution({ code: '1312345670', name: '看護師' }, a.nurse), 'FORBIDDEN');
    expect((await searchInstitutions({ query: '市立' }, a.doctor)).map((i) => i.id)).toEqual([one.id]);
    expect((await searchInstitutions({ query: 'しりつ' }, a.doctor)).map((i) => i.id)).toEqual([one.id]);
    expect((await searchInstitutions({ query: '131234567' }, a.doctor)).length).toBe(2);
    // another clinic sees none of them and cannot edit them
    expect(await searchInstitutions({ query: '' }, b.doctor)).toEqual([]);
    await expectCode(saveInstitution({ id: one.id, code: '1312345678', name: '乗っ取り' }, b.doctor), 'NOT_FOUND');
    const edited = await saveInstitution({ id: two.id, code: '1312345679', name: '港中央クリニック', departments: ['内科'] }, a.doctor);
    expect(edited.departments).toEqual(['内科']);
    // using one in a letter puts it first
    const p = await createPatient(a.receptionist);
    await saveReferral(letter(p.id, { destination: { institutionId: two.id, name: '', department: '内科', doctor: '' } }), a.doctor);
    expect((await searchInstitutions({ query: '' }, a.doctor))[0]!.id).toBe(two.id);
  });
});

describe('診療情報提供書', () => {
  it('prefills from the chart: 主病名 first, 未告知 left out and counted, allergies, 治療経過 from 確定 notes', async () => {
    const p = await createPatient(a.receptionist);
    await recordDiagnosis({ patientId: p.id, diseaseCode: '8833421', startDate: '2025-02-01' }, a.doctor);
    const primary = await recordDiagnosis({ patientId: p.id, diseaseCode: '8830417', startDate: '2024-04-01', isPrimary: true }, a.doctor);
    const hidden = await recordDiagnosis({ patientId: p.id, freeText: '告知前の病名', startDate: '2025-03-01' }, a.doctor);
    await setDiagnosisFlag({ diagnosisId: hidden.id, flag: 'uninformed', value: true }, a.doctor);
    await recordAllergy({ patientId: p.id, category: 'food', substanceName: 'そば', reaction: '蕁麻疹' }, a.doctor);
    const note = await createNote(createNoteSchema.parse({ patientId: p.id, subjective: '労作時胸痛', assessment: '狭心症疑い', plan: '紹介' }), a.doctor);
    await confirmNote({ noteId: note.id }, a.doctor);

    const pre = await prefillReferral(p.id, a.doctor);
    expect(pre.diagnoses[0]!.id).toBe(primary.lineageId);
    expect(pre.diagnoses.map((d) => d.label)).not.toContain('告知前の病名');
    expect(pre.uninformedOmitted).toBe(1);
    expect(pre.allergies.map((x) => x.label)).toEqual(['そば']);
    expect(pre.sections.chiefComplaint).toBe('労作時胸痛');
    expect(pre.sections.clinicalCourse).toContain('狭心症疑い / 紹介');

    // a 未告知 diagnosis cannot be put in by id either
    await expectCode(saveReferral(letter(p.id, { diagnosisIds: [hidden.lineageId] }), a.doctor), 'INVALID_INPUT');
    const doc = await saveReferral(letter(p.id, { diagnosisIds: pre.diagnoses.map((d) => d.id), allergyIds: pre.allergies.map((x) => x.id) }), a.doctor);
    expect(doc.content.diagnoses[0]).toMatchObject({ lineageId: primary.lineageId, primary: true });
    expect(doc.content.allergies[0]).toMatchObject({ name: 'そば', reaction: '蕁麻疹' });
  });

  it('draft → 確定 (hash, frozen) → new version with a reason → 取消; every step one audit event; the trigger guards 確定', async () => {
    const p = await createPatient(a.receptionist);
    const mark = await auditMark(a.clinic.id);
    const draft = await saveReferral(letter(p.id, { purpose: '' }), a.doctor);
    expect(draft).toMatchObject({ status: 'draft', version: 1, contentHash: null });
    // 確定 needs 紹介目的
    const err = await expectCode(confirmDocument({ documentId: draft.id }, a.doctor), 'INVALID_INPUT');
    expect(err.message).toBe('紹介目的を入力してください。');
    const edited = await saveReferral(letter(p.id, { documentId: draft.id }), a.doctor);
    expect(edited).toMatchObject({ id: draft.id, version: 1, status: 'draft' });
    // only the author edits or confirms a draft; a nurse cannot at all
    const other = actorFor(await createStaffUser(a.clinic.id, 'doctor'));
    await expectCode(saveReferral(letter(p.id, { documentId: draft.id }), other), 'FORBIDDEN');
    await expectCode(confirmDocument({ documentId: draft.id }, other), 'FORBIDDEN');
    await expectCode(saveReferral(letter(p.id), a.nurse), 'FORBIDDEN');

    const final = await confirmDocument({ documentId: draft.id }, a.doctor);
    expect(final).toMatchObject({ status: 'final', hashVerified: true });
    const row = await db().clinicalDocument.findUniqueOrThrow({ where: { clinicId_id: { clinicId: a.clinic.id, id: draft.id } } });
    expect(row.contentHash).toBe(documentContentHash(row));
    await expect(db().clinicalDocument.updateMany({ where: { clinicId: a.clinic.id, id: draft.id }, data: { content: { tampered: true } } })).rejects.toThrow();

    await expectCode(saveReferral(letter(p.id, { documentId: final.id, remarks: '追記' }), a.doctor), 'INVALID_INPUT');
    const v2 = await saveReferral(letter(p.id, { documentId: final.id, remarks: '追記', changeReason: '備考の追記' }), a.doctor);
    expect(v2).toMatchObject({ version: 2, status: 'draft', lineageId: final.lineageId, changeReason: '備考の追記' });
    await expectCode(saveReferral(letter(p.id, { documentId: final.id, changeReason: 'x' }), a.doctor), 'CONFLICT');
    const v3 = await confirmDocument({ documentId: v2.id }, a.doctor);
    const cancelled = await cancelDocument({ documentId: v3.id, reason: '患者希望により中止' }, a.doctor);
    expect(cancelled).toMatchObject({ version: 3, status: 'entered_in_error' });
    await expectCode(saveReferral(letter(p.id, { documentId: cancelled.id, changeReason: 'x' }), a.doctor), 'PRECONDITION_FAILED');

    const history = await getDocument({ patientId: p.id, lineageId: draft.lineageId }, a.doctor);
    expect(history.versions.map((v) => [v.version, v.status])).toEqual([[3, 'entered_in_error'], [2, 'final'], [1, 'final']]);
    expect(history.versions[2]!.hashVerified).toBe(true);

    const events = await auditEventsFor(a.clinic.id, { resourceType: 'clinical_document', patientId: p.id }, mark);
    expect(events.filter((e) => e.outcome === 'success').map((e) => (e.detail as { intent?: string }).intent ?? e.action)).toEqual(['create', 'draft', 'confirm', 'version', 'confirm', 'cancel', 'read']);
    for (const e of events.filter((x) => x.action !== 'read')) expect(Object.keys(e.detail as object)).toEqual(expect.arrayContaining(['intent', 'lineageId', 'version', 'status', 'previousId']));
  });

  it('the kind and status columns accept only the TypeScript lists (TEXT + CHECK)', async () => {
    const allowed = async (table: string, column: string) => {
      const name = `${table}_${column}_check`;
      const rows = await db().$queryRaw<{ def: string }[]>`SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conname = ${name}`;
      return [...rows[0]!.def.matchAll(/'([^']+)'/g)].map((m) => m[1]).sort();
    };
    expect(await allowed('ClinicalDocument', 'kind')).toEqual([...DOCUMENT_KINDS].sort());
    expect(await allowed('ClinicalDocument', 'status')).toEqual([...RECORD_STATUSES].sort());
  });

  it('prints only the latest 確定 version, with the clinic as 紹介元 and the signing doctor; every attempt audited', async () => {
    const p = await createPatient(a.receptionist);
    const draft = await saveReferral(letter(p.id), a.doctor);
    const mark = await auditMark(a.clinic.id);
    const refused = await expectCode(getDocumentForPrint({ patientId: p.id, lineageId: draft.lineageId }, a.doctor), 'PRECONDITION_FAILED');
    expect(refused.message).toContain('確定していない文書は印刷できません');
    await confirmDocument({ documentId: draft.id }, a.doctor);
    const printed = await getDocumentForPrint({ patientId: p.id, lineageId: draft.lineageId }, a.doctor);
    expect(printed.document).toMatchObject({ status: 'final', version: 1 });
    expect(printed.clinic.institutionNumber).toBe(a.clinic.institutionNumber);
    expect(printed.doctor.name).toBe(a.doctor.displayName);
    expect(printed.dateWareki).toMatch(/^令和/);
    expect(printed.patient.fullName).toBe('山田 太郎');
    const events = await auditEventsFor(a.clinic.id, { action: 'print', resourceType: 'clinical_document' }, mark);
    expect(events.map((e) => e.outcome)).toEqual(['failure', 'success']);
    await expectCode(getDocumentForPrint({ patientId: p.id, lineageId: draft.lineageId }, b.doctor), 'NOT_FOUND');
  });

  it('the 確定 letter becomes a valid JP_Bundle_eReferral from the records as they stood at 確定; a gap is named in Japanese', async () => {
    // JP-CLINS wants the 診療科 on every record and the patient's address; the factory's clinic and patient have none
    const c = await clinicWithStaff();
    await db().department.create({ data: { clinicId: c.clinic.id, code: '01', name: '内科' } });
    const a = c;
    const p = await createPatient(a.receptionist, { address: '東京都新宿区西新宿2-8-1' });
    const dx = await recordDiagnosis({ patientId: p.id, diseaseCode: '8833421', startDate: '2025-02-01', isPrimary: true }, a.doctor);
    const al = await recordAllergy({ patientId: p.id, category: 'food', substanceName: 'そば', reaction: '蕁麻疹' }, a.doctor);
    const inst = await saveInstitution({ code: '0019990037', name: '港南大学病院', departments: ['腎臓内科'] }, a.doctor);
    const rx = await confirmedPrescription(a, p.id, { days: 14, genericSubstitutionAllowed: false, substitutionReason: 'patient' }, false);
    expect((await prefillReferral(p.id, a.doctor)).prescriptions).toEqual([expect.objectContaining({ id: rx.id, checked: true, detail: expect.stringContaining('処方（院内）') })]);
    const draft = await saveReferral(letter(p.id, { destination: { institutionId: inst.id, name: '', department: '腎臓内科', doctor: '' }, diagnosisIds: [dx.lineageId], allergyIds: [al.lineageId], prescriptionIds: [rx.id] }), a.doctor);
    await expectCode(getDocumentFhir({ patientId: p.id, lineageId: draft.lineageId }, a.doctor), 'PRECONDITION_FAILED');
    await confirmDocument({ documentId: draft.id }, a.doctor);
    const fhir = await getDocumentFhir({ patientId: p.id, lineageId: draft.lineageId }, a.doctor);
    expect(fhir.issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(fhir.sendable).toBe(true);
    const bundle = JSON.parse(fhir.json) as { type: string; entry: { resource: { resourceType: string; identifier?: { value: string }[] } }[] };
    expect(bundle.type).toBe('document');
    const orgCodes = bundle.entry.filter((e) => e.resource.resourceType === 'Organization').map((e) => e.resource.identifier?.[0]?.value);
    expect(orgCodes).toEqual([a.clinic.institutionNumber, '0019990037']);
    expect(bundle.entry.filter((e) => e.resource.resourceType === 'Condition')).toHaveLength(1);
    // the 処方 as a 430 entry, from the MedicationRequest mapping (変更不可・患者希望 as the 処方箋 writes it)
    const med = bundle.entry.find((e) => e.resource.resourceType === 'MedicationRequest')!.resource as unknown as { substitution: { reason: { text: string } }; category: { coding: { code: string }[] }[] };
    expect(med.substitution.reason.text).toBe('患者希望');
    expect(med.category[0]!.coding[0]!.code).toBe('OHI');
    // nurses and other clinics do not get it
    await expectCode(getDocumentFhir({ patientId: p.id, lineageId: draft.lineageId }, a.nurse), 'FORBIDDEN');
    await expectCode(getDocumentFhir({ patientId: p.id, lineageId: draft.lineageId }, b.doctor), 'NOT_FOUND');

    const typed = await saveReferral(letter(p.id), a.doctor);
    await confirmDocument({ documentId: typed.id }, a.doctor);
    const gaps = await getDocumentFhir({ patientId: p.id, lineageId: typed.lineageId }, a.doctor);
    expect(gaps.sendable).toBe(false);
    expect(gaps.issues.map((i) => i.message)).toEqual(expect.arrayContaining(['傷病名を1つ以上記載してください（傷病名・主訴セクションは必須）。', expect.stringContaining('紹介先の医療機関コード（10桁）がありません。')]));
  });

  it('another clinic can neither see nor touch a letter', async () => {
    const p = await createPatient(a.receptionist);
    const doc = await saveReferral(letter(p.id), a.doctor);
    await expectCode(getDocument({ patientId: p.id, lineageId: doc.lineageId }, b.doctor), 'NOT_FOUND');
    await expectCode(listDocumentsForPatient(p.id, b.doctor), 'NOT_FOUND');
    await expectCode(confirmDocument({ documentId: doc.id }, b.doctor), 'NOT_FOUND');
    await expectCode(cancelDocument({ documentId: doc.id, reason: 'x' }, b.doctor), 'NOT_FOUND');
    const pb = await createPatient(b.receptionist);
    await expectCode(saveReferral(letter(pb.id, { documentId: doc.id }), b.doctor), 'NOT_FOUND');
    await expectCode(prefillReferral(p.id, b.doctor), 'NOT_FOUND');
    expect((await listDocumentsForPatient(p.id, a.doctor)).map((d) => d.id)).toEqual([doc.id]);
  });
});
