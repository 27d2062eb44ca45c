import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/lib/core/db';
import { auditEventsFor, clinicWithStaff, createPatient } from '@/tests/helpers/factories';
import { errorCode } from '@/tests/helpers/error-code';
import { adoptEligibilityInsurance, changeVisitStatus, checkIn, listQueue, updateVisitDetails } from './visit.service';
import { getPatient, updatePatient } from '@/lib/records/patients/patient.service';

type Staff = Awaited<ReturnType<typeof clinicWithStaff>>;
let a: Staff;
let b: Staff;
let naika: string;
let geka: string;
beforeAll(async () => {
  [a, b] = await Promise.all([clinicWithStaff(), clinicWithStaff()]);
  naika = (await db().department.create({ data: { clinicId: a.clinic.id, code: '01', name: '内科' } })).id;
  geka = (await db().department.create({ data: { clinicId: b.clinic.id, code: '02', name: '外科' } })).id;
});

describe('受付の詳細の変更', () => {
  it('changes 診療科, 担当医, 初診/再診 and the memo after check-in; the board shows them; the audit names what changed, never the memo text', async () => {
    const p = await createPatient(a.receptionist);
    const visit = await checkIn({ patientId: p.id, firstVisit: true, memo: '発熱あり' }, a.receptionist);
    const r = await updateVisitDetails({ visitId: visit.visitId, departmentId: naika, doctorId: a.doctor.userId, firstVisit: false, memo: '別室で待機' }, a.receptionist);
    expect(r.changed.sort()).toEqual(['departmentId', 'doctorId', 'firstVisit', 'memo']);
    const row = (await listQueue(a.receptionist)).entries.find((e) => e.visitId === visit.visitId);
    expect(row).toMatchObject({ departmentId: naika, departmentName: '内科', doctorId: a.doctor.userId, firstVisit: false, memo: '別室で待機' });
    const event = (await auditEventsFor(a.clinic.id, { action: 'update', resourceType: 'visit', resourceId: visit.visitId })).at(-1);
    expect(event?.detail).toMatchObject({ intent: 'details', before: { departmentId: null, doctorId: null, firstVisit: true, memo: true }, after: { departmentId: naika, doctorId: a.doctor.userId, firstVisit: false, memo: true } });
    expect(JSON.stringify(event?.detail)).not.toContain('別室');
    expect(JSON.stringify(event?.detail)).not.toContain('発熱');

    // clearing back to 指定なし and an empty memo; the same values again write nothing
    const cleared = await updateVisitDetails({ visitId: visit.visitId, departmentId: null, doctorId: null, firstVisit: false, memo: ' ' }, a.nurse);
    expect(cleared.changed.sort()).toEqual(['departmentId', 'doctorId', 'memo']);
    const count = (await auditEventsFor(a.clinic.id, { action: 'update', resourceType: 'visit', resourceId: visit.visitId })).length;
    expect(await updateVisitDetails({ visitId: visit.visitId, departmentId: null, doctorId: null, firstVisit: false, memo: '' }, a.receptionist)).toEqual({ changed: [] });
    expect((await auditEventsFor(a.clinic.id, { action: 'update', resourceType: 'visit', resourceId: visit.visitId })).length).toBe(count);
    expect((await db().visit.findUnique({ where: { clinicId_id: { clinicId: a.clinic.id, id: visit.visitId } } }))).toMatchObject({ departmentId: null, doctorId: null, memo: null });
  });

  it('is refused once the visit is 完了 or 取消, and for another clinic’s 診療科 or doctor', async () => {
    const [p1, p2, p3] = await Promise.all([createPatient(a.receptionist), createPatient(a.receptionist), createPatient(a.receptionist)]);
    const done = await checkIn({ patientId: p1.id }, a.receptionist);
    for (const s of ['in_consultation', 'billing', 'done'] as const) await changeVisitStatus({ visitId: done.visitId, status: s }, a.receptionist);
    expect(await errorCode(updateVisitDetails({ visitId: done.visitId, departmentId: null, doctorId: null, firstVisit: true, memo: '' }, a.receptionist))).toBe('PRECONDITION_FAILED');
    const cancelled = await checkIn({ patientId: p2.id }, a.receptionist);
    await changeVisitStatus({ visitId: cancelled.visitId, status: 'cancelled' }, a.receptionist);
    expect(await errorCode(updateVisitDetails({ visitId: cancelled.visitId, departmentId: null, doctorId: null, firstVisit: true, memo: '' }, a.receptionist))).toBe('PRECONDITION_FAILED');

    const open = await checkIn({ patientId: p3.id }, a.receptionist);
    // 診察中 may still be changed (the doctor is named late, the memo grows)
    await changeVisitStatus({ visitId: open.visitId, status: 'in_consultation' }, a.receptionist);
    expect(await errorCode(updateVisitDetails({ visitId: open.visitId, departmentId: null, doctorId: a.doctor.userId, firstVisit: true, memo: '' }, a.receptionist))).toBe('OK');
    expect(await errorCode(updateVisitDetails({ visitId: open.visitId, departmentId: geka, doctorId: null, firstVisit: true, memo: '' }, a.receptionist))).toBe('INVALID_INPUT');
    expect(await errorCode(updateVisitDetails({ visitId: open.visitId, departmentId: null, doctorId: b.doctor.userId, firstVisit: true, memo: '' }, a.receptionist))).toBe('INVALID_INPUT');
    await expect(updateVisitDetails({ visitId: open.visitId, departmentId: null, doctorId: null, firstVisit: true, memo: 'あ'.repeat(201) }, a.receptionist)).rejects.toMatchObject({ code: 'INVALID_INPUT', fieldErrors: { memo: '受付メモは200文字以内で入力してください。' } });
    expect(await errorCode(updateVisitDetails({ visitId: open.visitId, departmentId: null, doctorId: null, firstVisit: true, memo: '' }, a.admin))).toBe('FORBIDDEN');
  });

  it('another clinic gets NOT_FOUND and changes nothing', async () => {
    const p = await createPatient(a.receptionist);
    const visit = await checkIn({ patientId: p.id, memo: 'そのまま' }, a.receptionist);
    expect(await errorCode(updateVisitDetails({ visitId: visit.visitId, departmentId: null, doctorId: null, firstVisit: true, memo: '' }, b.receptionist))).toBe('NOT_FOUND');
    expect((await db().visit.findUnique({ where: { clinicId_id: { clinicId: a.clinic.id, id: visit.visitId } } }))?.memo).toBe('そのまま');
  });

  it('the board shows 保険者名 and 負担割合 as the オンライン資格確認 answered, and nothing when it found no 資格', async () => {
    const insured = await createPatient(a.receptionist);
    const unknown = await createPatient(a.receptionist, { insurance: { insurerNumber: '06131239', symbol: '1234', number: '560000', branch: '00', relationship: 'self' } });
    const v1 = await checkIn({ patientId: insured.id }, a.receptionist);
    const v2 = await checkIn({ patientId: unknown.id }, a.receptionist);
    const board = (await listQueue(a.receptionist)).entries;
    // the sandbox: 06… is a 健康保険組合, a 50-year-old pays 3割
    expect(board.find((e) => e.visitId === v1.visitId)?.insurance).toEqual({ insurerName: '健康保険組合', copaymentRate: 30, validUntil: null, differs: true });
    expect(board.find((e) => e.visitId === v2.visitId)).toMatchObject({ eligibility: 'unknown', insurance: null });
  });

  it('takes the answer over into the patient’s insurance once confirmed: a new version with a revision and an audit event', async () => {
    const p = await createPatient(a.receptionist);
    const visit = await checkIn({ patientId: p.id }, a.receptionist);
    expect(await adoptEligibilityInsurance({ visitId: visit.visitId }, a.receptionist)).toEqual({ changed: true });
    const patient = await getPatient(p.id, a.receptionist);
    expect(patient.version).toBe(p.version + 1);
    expect(patient.insurance).toMatchObject({ insurerNumber: '06131239', number: '567890', insurerName: '健康保険組合', copaymentRate: 30 });
    const revisions = await db().patientRevision.findMany({ where: { clinicId: a.clinic.id, patientId: p.id }, orderBy: { version: 'asc' } });
    expect(revisions.map((r) => [r.version, r.reason])).toEqual([[1, null], [2, 'オンライン資格確認の結果を反映']]);
    expect((revisions[1]!.snapshot as { familyName: string; insurance: { copaymentRate: number } })).toMatchObject({ familyName: p.familyName, insurance: { copaymentRate: 30 } });
    expect((await auditEventsFor(a.clinic.id, { action: 'update', resourceType: 'patient', resourceId: p.id })).at(-1)?.detail).toMatchObject({ version: 2, changedFields: ['insurance'], source: 'eligibility' });
    // now the same: nothing to take over, nothing written
    expect((await listQueue(a.receptionist)).entries.find((e) => e.visitId === visit.visitId)?.insurance?.differs).toBe(false);
    expect(await adoptEligibilityInsurance({ visitId: visit.visitId }, a.receptionist)).toEqual({ changed: false });
    expect((await getPatient(p.id, a.receptionist)).version).toBe(p.version + 1);
    // an unrelated edit of the patient keeps what was taken over
    const { id: _i, version, insurance, publicExpense: _pe, ...rest } = await getPatient(p.id, a.receptionist, 'edit');
    await updatePatient({ patientId: p.id, expectedVersion: version, familyName: rest.familyName, givenName: rest.givenName, familyNameKana: rest.familyNameKana, givenNameKana: rest.givenNameKana, sex: rest.sex, birthDate: rest.birthDate, phone: '090-0000-1111', insurance: { insurerNumber: insurance!.insurerNumber, symbol: insurance!.symbol ?? undefined, number: insurance!.number, branch: insurance!.branch ?? undefined, relationship: insurance!.relationship } }, a.receptionist);
    expect((await getPatient(p.id, a.receptionist)).insurance).toMatchObject({ insurerName: '健康保険組合', copaymentRate: 30 });
  });

  it('refuses a visit whose answer was not 有効, a role without patient.write and another clinic', async () => {
    const unknown = await createPatient(a.receptionist, { insurance: { insurerNumber: '06131239', symbol: '1234', number: '770000', branch: '00', relationship: 'self' } });
    const v = await checkIn({ patientId: unknown.id }, a.receptionist);
    expect(await errorCode(adoptEligibilityInsurance({ visitId: v.visitId }, a.receptionist))).toBe('PRECONDITION_FAILED');
    const p = await createPatient(a.receptionist);
    const visit = await checkIn({ patientId: p.id }, a.receptionist);
    expect(await errorCode(adoptEligibilityInsurance({ visitId: visit.visitId }, a.nurse))).toBe('FORBIDDEN');
    expect(await errorCode(adoptEligibilityInsurance({ visitId: visit.visitId }, b.receptionist))).toBe('NOT_FOUND');
    expect((await getPatient(p.id, a.receptionist)).insurance).toMatchObject({ insurerName: null, copaymentRate: null });
  });
});
