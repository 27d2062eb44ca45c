/**
 * 入院 (issue 11, docs/decisions/0087): 入院登録 → 退院登録 → 修正 / 取消 as versions on the write path, the rules
 * (退院日 ≥ 入院日, one open admission per patient, the patient's own diagnoses, an active doctor), the permission
 * matrix, tenancy, the audit trail without clinical text, the database refusing changes to old versions, and the
 * 退院時サマリー pre-filled from an admission and naming the version it was written from.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '@/lib/core/app-error';
import { db } from '@/lib/core/db';
import { runAction } from '@/lib/actions/define-action';
import { loadDemoMasters } from '@/lib/masters/demo-masters';
import { auditEventsFor, auditMark, clinicWithStaff, createPatient } from '@/tests/helpers/factories';
import { neverLogged } from '@/tests/helpers/never-logged';
import { recordDiagnosis, retractDiagnosis, setDiagnosisFlag } from '@/lib/records/diagnoses/diagnosis.service';
import { prefillDischargeSummary, saveDischargeSummary } from '@/lib/records/documents/discharge-summary.service';
import { confirmDocument, getDocument } from '@/lib/records/documents/document.service';
import { getDocumentFhir } from '@/lib/records/documents/document-fhir.service';
import { asDischargeSummary } from '@/lib/records/documents/document.dto';
import { dischargeSeedFromPrefill } from '@/components/documents/discharge-summary-seed';
import { admitPatient, cancelAdmission, dischargePatient, getAdmissionHistory, getAdmissionPanel, reviseAdmission } from './admission.service';
import { admitPatientSchema } from './admission.schema';
import { stayDays } from './admission.dto';

const REASON = '肺炎の点滴加療のため入院';
const DESTINATION = '特別養護老人ホームさくら苑';
const WARD = '2階 201号室';
neverLogged(REASON, DESTINATION);

type Staff = Awaited<ReturnType<typeof clinicWithStaff>>;
let a: Staff;
let b: Staff;

beforeAll(async () => {
  await loadDemoMasters();
  [a, b] = await Promise.all([clinicWithStaff(), clinicWithStaff()]);
  // the 診療科 JP-CLINS wants on every diagnosis (the summary's bundle is validated below)
  await db().department.create({ data: { clinicId: a.clinic.id, code: '01', name: '内科' } });
}, 120_000);

const expectCode = async (p: Promise<unknown>, code: string) => {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).code).toBe(code);
  return err as AppError;
};

/** A patient with a primary diagnosis and another one. */
async function patientWithDiagnoses() {
  const p = await createPatient(a.receptionist, { address: '東京都新宿区西新宿2-8-1' });
  const pneumonia = await recordDiagnosis({ patientId: p.id, diseaseCode: '8833421', startDate: '2025-03-01', isPrimary: true }, a.doctor);
  const other = await recordDiagnosis({ patientId: p.id, diseaseCode: '8830417', startDate: '2024-04-01' }, a.doctor);
  return { p, pneumonia, other };
}

const admit = (patientId: string, over: Record<string, unknown> = {}) =>
  admitPatient({ patientId, admittedOn: '2025-03-01', reason: REASON, admissionDiagnosisIds: [], attendingDoctorId: a.doctor.userId, ward: WARD, ...over }, a.doctor);

describe('入院', () => {
  it('入院登録 (入院中, days counted), 退院登録 (退院済), each a version with one audit event and no clinical text in it', async () => {
    const { p, pneumonia, other } = await patientWithDiagnoses();
    const mark = await auditMark(a.clinic.id);
    const adm = await admit(p.id, { admissionDiagnosisIds: [pneumonia.lineageId, pneumonia.lineageId] });
    expect(adm).toMatchObject({ status: 'admitted', statusLabel: '入院中', version: 1, admittedOn: '2025-03-01', dischargedOn: null, reason: REASON, ward: WARD, attendingDoctorName: a.doctor.displayName });
    expect(adm.admissionDiagnoses).toEqual([{ lineageId: pneumonia.lineageId, name: pneumonia.displayName }]);
    expect(adm.days).toBeGreaterThan(300);

    const out = await dischargePatient({ admissionId: adm.id, dischargedOn: '2025-03-10', dischargeDiagnosisIds: [pneumonia.lineageId, other.lineageId], outcome: '1', destination: DESTINATION }, a.nurse);
    expect(out).toMatchObject({ lineageId: adm.lineageId, version: 2, status: 'discharged', statusLabel: '退院済', dischargedOn: '2025-03-10', days: 10, outcome: '1', outcomeLabel: '治癒・軽快', destination: DESTINATION, recordedById: a.nurse.userId });
    expect(out.dischargeDiagnoses.map((d) => d.lineageId)).toEqual([pneumonia.lineageId, other.lineageId]);

    const events = await auditEventsFor(a.clinic.id, { resourceType: 'admission' }, mark);
    expect(events.map((e) => [e.action, (e.detail as { intent: string }).intent, e.patientId])).toEqual([
      ['create', 'create', p.id],
      ['update', 'version', p.id],
    ]);
    expect(events[1]!.detail).toMatchObject({ lineageId: adm.lineageId, version: 2, status: 'discharged', previousId: adm.id, transition: 'discharge' });
    const text = JSON.stringify(events.map((e) => e.detail));
    for (const secret of [REASON, DESTINATION, WARD, pneumonia.displayName]) expect(text).not.toContain(secret);

    const panel = await getAdmissionPanel(p.id, a.nurse);
    expect(panel.admissions.map((x) => [x.id, x.status])).toEqual([[out.id, 'discharged']]);
    expect(panel.diagnoses.map((d) => d.lineageId)).toEqual(expect.arrayContaining([pneumonia.lineageId, other.lineageId]));
    expect(panel.doctors.map((d) => d.id)).toContain(a.doctor.userId);
    expect((await getAdmissionHistory(adm.lineageId, a.doctor)).map((v) => v.version)).toEqual([2, 1]);
    expect((await auditEventsFor(a.clinic.id, { action: 'read', resourceType: 'admission_list' }, mark)).length).toBe(1);
  });

  it('counts both 入院日 and 退院日', () => {
    expect(stayDays('2025-03-01', '2025-03-01', '2025-12-01')).toBe(1);
    expect(stayDays('2025-03-30', '2025-04-02', '2025-12-01')).toBe(4);
    expect(stayDays('2025-03-01', null, '2025-03-03')).toBe(3);
  });

  it('refuses in Japanese: 退院日 before 入院日, future dates, a missing reason or 転帰; the action returns field errors', async () => {
    const { p } = await patientWithDiagnoses();
    const future = `${new Date().getFullYear() + 1}-01-01`;
    expect((await expectCode(admit(p.id, { admittedOn: future }), 'INVALID_INPUT')).message).toBe('入院日に未来の日付は指定できません。');
    expect((await expectCode(admit(p.id, { reason: '  ' }), 'INVALID_INPUT')).message).toBe('入院理由を入力してください。');
    expect((await expectCode(admit(p.id, { admittedOn: '2025-02-30' }), 'INVALID_INPUT')).message).toBe('入院日は正しい日付で入力してください。');
    const r = await runAction(admitPatientSchema, (input, actor) => admitPatient(input, actor), { patientId: p.id, admittedOn: '', reason: REASON, attendingDoctorId: a.doctor.userId }, async () => a.doctor);
    expect(r).toMatchObject({ ok: false, code: 'INVALID_INPUT', fieldErrors: { admittedOn: '入院日を入力してください。' } });
    const adm = await admit(p.id, { admittedOn: '2025-03-05' });
    const early = await expectCode(dischargePatient({ admissionId: adm.id, dischargedOn: '2025-03-04', outcome: '1' }, a.doctor), 'INVALID_INPUT');
    expect(early.message).toBe('退院日は入院日以降の日付にしてください。');
    expect(early.fieldErrors).toMatchObject({ dischargedOn: '退院日は入院日以降の日付にしてください。' });
    expect((await expectCode(dischargePatient({ admissionId: adm.id, dischargedOn: '2025-03-06' } as never, a.doctor), 'INVALID_INPUT')).message).toBe('退院時転帰を選択してください。');
    expect((await expectCode(dischargePatient({ admissionId: adm.id, dischargedOn: '2025-03-06', outcome: '2' as never }, a.doctor), 'INVALID_INPUT')).message).toBe('退院時転帰を選択してください。');
    expect((await expectCode(dischargePatient({ admissionId: adm.id, dischargedOn: future, outcome: '1' }, a.doctor), 'INVALID_INPUT')).message).toBe('退院日に未来の日付は指定できません。');
    // the same day is a stay of one day
    expect((await dischargePatient({ admissionId: adm.id, dischargedOn: '2025-03-05', outcome: '9' }, a.doctor)).days).toBe(1);
    // and the database itself refuses a 退院日 before the 入院日
    await expect(
      db().admission.create({ data: { clinicId: a.clinic.id, lineageId: adm.lineageId, version: 99, patientId: p.id, status: 'discharged', admittedOn: new Date('2025-03-05'), dischargedOn: new Date('2025-03-01'), outcome: '1', reason: 'x', attendingDoctorId: a.doctor.userId, recordedById: a.doctor.userId } }),
    ).rejects.toThrow();
  });

  it('one open admission per patient: a second 入院登録 waits for the 退院登録, also when both are sent at once', async () => {
    const { p } = await patientWithDiagnoses();
    const both = await Promise.allSettled([admit(p.id), admit(p.id)]);
    expect(both.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = both.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect((refused.reason as AppError).code).toBe('CONFLICT');
    expect((refused.reason as AppError).message).toBe('この患者は入院中です。退院登録をしてから新しい入院を登録してください。');
    const open = (both.find((r) => r.status === 'fulfilled') as PromiseFulfilledResult<Awaited<ReturnType<typeof admit>>>).value;
    await dischargePatient({ admissionId: open.id, dischargedOn: '2025-03-08', outcome: '1' }, a.doctor);
    await expectCode(dischargePatient({ admissionId: open.id, dischargedOn: '2025-03-08', outcome: '1' }, a.doctor), 'CONFLICT');
    const again = await admit(p.id, { admittedOn: '2025-06-01' });
    expect(again).toMatchObject({ status: 'admitted', version: 1 });
    const panel = await getAdmissionPanel(p.id, a.doctor);
    expect(panel.admissions.map((x) => x.admittedOn)).toEqual(['2025-06-01', '2025-03-01']);
  });

  it('diagnoses must be the patient\'s own current ones; the 担当医 an active doctor of the clinic', async () => {
    const { p } = await patientWithDiagnoses();
    const { pneumonia: someoneElses } = await patientWithDiagnoses();
    const bad = await expectCode(admit(p.id, { admissionDiagnosisIds: [someoneElses.lineageId] }), 'INVALID_INPUT');
    expect(bad.message).toBe('この患者の傷病名から選んでください。');
    expect(bad.fieldErrors).toMatchObject({ admissionDiagnosisIds: 'この患者の傷病名から選んでください。' });
    const gone = await recordDiagnosis({ patientId: p.id, diseaseCode: '8830417', startDate: '2024-01-01' }, a.doctor);
    await retractDiagnosis({ diagnosisId: gone.id, reason: '誤登録' }, a.doctor);
    await expectCode(admit(p.id, { admissionDiagnosisIds: [gone.lineageId] }), 'INVALID_INPUT');
    expect((await expectCode(admit(p.id, { attendingDoctorId: a.nurse.userId }), 'INVALID_INPUT')).message).toBe('担当医はこの医療機関の医師から選んでください。');
    await expectCode(admit(p.id, { attendingDoctorId: b.doctor.userId }), 'INVALID_INPUT');
    const adm = await admit(p.id);
    await expectCode(dischargePatient({ admissionId: adm.id, dischargedOn: '2025-03-02', dischargeDiagnosisIds: [someoneElses.lineageId], outcome: '1' }, a.doctor), 'INVALID_INPUT');
    expect(await db().admission.count({ where: { clinicId: a.clinic.id, patientId: p.id } })).toBe(1);
  });

  it('修正 is a new version with its reason; 取消 (doctors only) a version with status 取消 and frees the patient for a new 入院', async () => {
    const { p, pneumonia } = await patientWithDiagnoses();
    const adm = await admit(p.id);
    const base = { admissionId: adm.id, admittedOn: '2025-02-28', reason: REASON, admissionDiagnosisIds: [pneumonia.lineageId], attendingDoctorId: a.doctor.userId, ward: '3階' };
    expect((await expectCode(reviseAdmission({ ...base, changeReason: '' }, a.nurse), 'INVALID_INPUT')).message).toBe('修正理由を入力してください。');
    const v2 = await reviseAdmission({ ...base, changeReason: '入院日の誤り' }, a.nurse);
    expect(v2).toMatchObject({ version: 2, status: 'admitted', admittedOn: '2025-02-28', ward: '3階', changeReason: '入院日の誤り' });
    // a stale form (opened on version 1) is refused
    await expectCode(reviseAdmission({ ...base, changeReason: '再修正' }, a.nurse), 'CONFLICT');
    await expectCode(cancelAdmission({ admissionId: v2.id, reason: '別患者' }, a.nurse), 'FORBIDDEN');
    expect((await expectCode(cancelAdmission({ admissionId: v2.id, reason: ' ' }, a.doctor), 'INVALID_INPUT')).message).toBe('取消の理由を入力してください。');
    const v3 = await cancelAdmission({ admissionId: v2.id, reason: '別患者' }, a.doctor);
    expect(v3).toMatchObject({ version: 3, status: 'entered_in_error', statusLabel: '取消', changeReason: '別患者' });
    await expectCode(cancelAdmission({ admissionId: v3.id, reason: '別患者' }, a.doctor), 'CONFLICT');
    await expectCode(dischargePatient({ admissionId: v3.id, dischargedOn: '2025-03-02', outcome: '1' }, a.doctor), 'CONFLICT');
    expect((await admit(p.id)).status).toBe('admitted');
  });

  it('permission matrix: doctors and nurses write, only doctors cancel, receptionists and admins neither write nor read', async () => {
    const { p } = await patientWithDiagnoses();
    for (const who of [a.receptionist, a.admin]) {
      await expectCode(admitPatient({ patientId: p.id, admittedOn: '2025-03-01', reason: REASON, attendingDoctorId: a.doctor.userId }, who), 'FORBIDDEN');
      await expectCode(getAdmissionPanel(p.id, who), 'FORBIDDEN');
    }
    const byNurse = await admitPatient({ patientId: p.id, admittedOn: '2025-03-01', reason: REASON, attendingDoctorId: a.doctor.userId }, a.nurse);
    expect(byNurse.recordedById).toBe(a.nurse.userId);
    for (const who of [a.receptionist, a.admin, a.nurse]) await expectCode(cancelAdmission({ admissionId: byNurse.id, reason: '誤り' }, who), 'FORBIDDEN');
    for (const who of [a.receptionist, a.admin]) await expectCode(dischargePatient({ admissionId: byNurse.id, dischargedOn: '2025-03-02', outcome: '1' }, who), 'FORBIDDEN');
  });

  it('another clinic gets NOT_FOUND for our patient and our admission, and sees nothing', async () => {
    const { p } = await patientWithDiagnoses();
    const adm = await admit(p.id);
    await expectCode(admitPatient({ patientId: p.id, admittedOn: '2025-03-01', reason: REASON, attendingDoctorId: b.doctor.userId }, b.doctor), 'NOT_FOUND');
    await expectCode(getAdmissionPanel(p.id, b.doctor), 'NOT_FOUND');
    await expectCode(dischargePatient({ admissionId: adm.id, dischargedOn: '2025-03-02', outcome: '1' }, b.doctor), 'NOT_FOUND');
    await expectCode(cancelAdmission({ admissionId: adm.id, reason: '誤り' }, b.doctor), 'NOT_FOUND');
    await expectCode(getAdmissionHistory(adm.lineageId, b.doctor), 'NOT_FOUND');
    expect(await db().admission.count({ where: { clinicId: b.clinic.id } })).toBe(0);
  });

  it('the database keeps every version: no change of content, no un-superseding, no DELETE', async () => {
    const { p } = await patientWithDiagnoses();
    const adm = await admit(p.id);
    const v2 = await dischargePatient({ admissionId: adm.id, dischargedOn: '2025-03-03', outcome: '1' }, a.doctor);
    const where = (id: string) => ({ clinicId_id: { clinicId: a.clinic.id, id } });
    await expect(db().admission.update({ where: where(adm.id), data: { reason: '改ざん' } })).rejects.toThrow();
    await expect(db().admission.update({ where: where(adm.id), data: { isLatest: true } })).rejects.toThrow();
    await expect(db().admission.update({ where: where(v2.id), data: { outcome: '6' } })).rejects.toThrow();
    await expect(db().admission.delete({ where: where(adm.id) })).rejects.toThrow();
    await expect(db().admission.delete({ where: where(v2.id) })).rejects.toThrow();
    expect((await db().admission.findMany({ where: { clinicId: a.clinic.id, lineageId: adm.lineageId }, orderBy: { version: 'asc' } })).map((r) => [r.version, r.isLatest, r.reason])).toEqual([
      [1, false, REASON],
      [2, true, REASON],
    ]);
  });
});

describe('退院時サマリー from an admission', () => {
  it('prefills the stay, diagnoses, 転帰, 退院先, 担当医 and 入院理由; the saved summary names the admission version; its bundle stays valid', async () => {
    const { p, pneumonia, other } = await patientWithDiagnoses();
    const hidden = await recordDiagnosis({ patientId: p.id, freeText: '告知前の病名', startDate: '2025-03-02' }, a.doctor);
    await setDiagnosisFlag({ diagnosisId: hidden.id, flag: 'uninformed', value: true }, a.doctor);
    const adm = await admit(p.id, { admissionDiagnosisIds: [pneumonia.lineageId, hidden.lineageId] });
    // while 入院中 the current stay is offered, without 退院日
    expect((await prefillDischargeSummary(p.id, a.doctor)).admission).toMatchObject({ id: adm.id, status: 'admitted', dischargedOn: null });
    const out = await dischargePatient({ admissionId: adm.id, dischargedOn: '2025-03-12', dischargeDiagnosisIds: [pneumonia.lineageId, other.lineageId], outcome: '3', destination: DESTINATION }, a.doctor);

    const pre = await prefillDischargeSummary(p.id, a.doctor, { admissionId: out.id });
    expect(pre.admission).toMatchObject({ id: out.id, version: 2, status: 'discharged' });
    const seed = dischargeSeedFromPrefill(pre);
    expect(seed).toMatchObject({
      admissionId: out.id,
      outcome: '3',
      admissionDiagnosisIds: [pneumonia.lineageId],
      dischargeDiagnosisIds: [pneumonia.lineageId, other.lineageId],
      sections: { admissionDate: '2025-03-01', dischargeDate: '2025-03-12', destination: DESTINATION, attendingDoctor: a.doctor.displayName, reasonForAdmission: REASON },
    });
    // without an id, the latest 退院済 one
    expect((await prefillDischargeSummary(p.id, a.doctor)).admission?.id).toBe(out.id);

    const { sourceStatus: _s, sections, ...choices } = seed;
    const draft = await saveDischargeSummary({ patientId: p.id, ...sections, ...choices, outcome: '3', allergyIds: [], hospitalCourse: '抗菌薬で軽快した。' }, a.doctor);
    const saved = asDischargeSummary((await getDocument({ patientId: p.id, lineageId: draft.lineageId }, a.doctor)).latest);
    expect(saved.content).toMatchObject({ admission: { id: out.id, lineageId: adm.lineageId, version: 2 }, admissionDate: '2025-03-01', dischargeDate: '2025-03-12', outcome: '3', destination: DESTINATION });
    await confirmDocument({ documentId: draft.id }, a.doctor);
    const fhir = await getDocumentFhir({ patientId: p.id, lineageId: draft.lineageId }, a.doctor);
    expect(fhir.issues.filter((i) => i.severity === 'error')).toEqual([]);
    const encounter = (JSON.parse(fhir.json) as { entry: { resource: { resourceType: string; period?: { start: string; end: string } } }[] }).entry.find((e) => e.resource.resourceType === 'Encounter')!;
    expect(encounter.resource.period).toMatchObject({ start: expect.stringContaining('2025-03-01'), end: expect.stringContaining('2025-03-12') });

    // an admission of another patient, or a cancelled one, cannot be named
    const { p: q } = await patientWithDiagnoses();
    await expectCode(saveDischargeSummary({ patientId: q.id, admissionId: out.id, hospitalCourse: 'x' }, a.doctor), 'INVALID_INPUT');
    await expectCode(prefillDischargeSummary(q.id, a.doctor, { admissionId: out.id }), 'INVALID_INPUT');
    expect((await prefillDischargeSummary(q.id, a.doctor)).admission).toBeNull();
  });
});

describe('stays of one patient', () => {
  it('may touch (a same-day readmission) but not overlap, whether admitted, discharged or revised', async () => {
    const p = await createPatient(a.receptionist, { familyName: '重複', givenName: '確認' });
    const first = await admit(p.id, { admittedOn: '2025-05-01' });
    await dischargePatient({ admissionId: first.id, dischargedOn: '2025-05-08', outcome: '1' }, a.doctor);
    // a past stay inside the first one is refused, with the dates it collides with
    const inside = await expectCode(admit(p.id, { admittedOn: '2025-05-05' }), 'INVALID_INPUT');
    expect(inside.message).toBe('ほかの入院（2025/05/01〜2025/05/08）と期間が重なっています。日付を確かめてください。');
    // readmitted on the day of the 退院
    const second = await admit(p.id, { admittedOn: '2025-05-08' });
    await dischargePatient({ admissionId: second.id, dischargedOn: '2025-05-20', outcome: '1' }, a.doctor);
    // the first stay's 退院日 moved into the second one is refused
    const v1 = (await getAdmissionPanel(p.id, a.doctor)).admissions.find((x) => x.lineageId === first.lineageId)!;
    const moved = { admissionId: v1.id, admittedOn: '2025-05-01', reason: REASON, admissionDiagnosisIds: [], attendingDoctorId: a.doctor.userId, dischargedOn: '2025-05-10', dischargeDiagnosisIds: [], outcome: '1' as const, changeReason: '退院日の誤り' };
    expect((await expectCode(reviseAdmission(moved, a.doctor), 'INVALID_INPUT')).message).toContain('2025/05/08〜2025/05/20');
    // a cancelled stay no longer blocks its days
    await cancelAdmission({ admissionId: (await getAdmissionPanel(p.id, a.doctor)).admissions.find((x) => x.lineageId === second.lineageId)!.id, reason: '別患者の入力' }, a.doctor);
    expect(await reviseAdmission(moved, a.doctor)).toMatchObject({ version: 3, dischargedOn: '2025-05-10' });
  });
});

describe('a clinic without beds', () => {
  it('is told so by the panel (the chart then hides 入院) until its admin sets 有床診療所', async () => {
    const { updateClinicSettings } = await import('@/lib/staff/staff.service');
    const c = await clinicWithStaff();
    const patient = await createPatient(c.receptionist, { familyName: '無床', givenName: '一郎' });
    expect((await getAdmissionPanel(patient.id, c.doctor)).clinicHasBeds).toBe(false);
    await updateClinicSettings({ mfaRequired: true, idleTimeoutMinutes: 30, autoPrintPrescription: false, prescribeByGenericDefault: false, hasBeds: true }, c.admin);
    expect((await getAdmissionPanel(patient.id, c.doctor)).clinicHasBeds).toBe(true);
  });
});
