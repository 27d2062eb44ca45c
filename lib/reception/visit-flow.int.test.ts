/**
 * The visit follows the work (issue 13): opening the chart starts the consultation, the note's 確定 moves the visit to
 * 会計待ち (and queues the ORCA 中途データ), 会計待ち → 完了, 取消 and its undo; each move audited, none across clinics.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '@/lib/core/app-error';
import { db } from '@/lib/core/db';
import { changeVisitStatus, checkIn, getVisitSlip, listMyWorklist, listQueue, listVisitsForPatient, startConsultation } from './visit.service';
import { searchPatients } from '@/lib/records/patients/patient.service';
import { approveNote, confirmNote, createNote } from '@/lib/records/notes/note.service';
import { orcaLinkRepository } from '@/lib/orca/orca-link.repository';
import { findJobByKey } from '@/lib/jobs/job.repository';
import { ORCA_MEDICAL_QUEUE } from '@/lib/orca/orca-queues';
import { orcaBundlesForVisit } from '@/lib/orca/orca-sync.service';
import { FIRST_VISIT_CODE } from '@/lib/orca/orca-orders';
import { actorFor, auditEventsFor, clinicWithStaff, createPatient, createStaffUser } from '@/tests/helpers/factories';

type Staff = Awaited<ReturnType<typeof clinicWithStaff>>;
let a: Staff;
let b: Staff;
beforeAll(async () => {
  [a, b] = await Promise.all([clinicWithStaff(), clinicWithStaff()]);
});

const soap = { subjective: '頭痛', objective: '', assessment: '', plan: '', heightCm: null, weightKg: null, systolicBp: null, diastolicBp: null, pulse: null, bodyTempC: null, spo2: null };
const code = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    return (e as AppError).code;
  }
  return 'OK';
};
const statusOf = async (clinicId: string, visitId: string) => (await db().visit.findUniqueOrThrow({ where: { clinicId_id: { clinicId, id: visitId } } })).status;
const historyOf = async (clinicId: string, visitId: string) =>
  (await db().visitStatusChange.findMany({ where: { clinicId, visitId }, orderBy: { changedAt: 'asc' } })).map((h) => h.toStatus);

describe('the visit follows the work', () => {
  it('opening the chart → 診察中, 確定 of the note → 会計待ち (ORCA 中途データ queued), 会計待ち → 完了, each audited', async () => {
    await orcaLinkRepository.saveSettings(db(), a.clinic.id, { numberingMaster: 'orca', defaultPhysicianCode: '10001', physicianCodes: {} }, new Date());
    const p = await createPatient(a.receptionist);
    const { visitId } = await checkIn({ patientId: p.id }, a.receptionist);

    expect(await startConsultation({ visitId }, a.doctor)).toEqual({ patientId: p.id, status: 'in_consultation' });
    expect(await statusOf(a.clinic.id, visitId)).toBe('in_consultation');
    // opening it again changes nothing
    expect((await startConsultation({ visitId }, a.doctor)).status).toBe('in_consultation');

    const note = await createNote({ patientId: p.id, ...soap }, a.doctor);
    expect(await statusOf(a.clinic.id, visitId)).toBe('in_consultation'); // a draft is not the end of the consultation
    await confirmNote({ noteId: note.id }, a.doctor);
    expect(await statusOf(a.clinic.id, visitId)).toBe('billing');
    expect((await orcaLinkRepository.visitLink(db(), a.clinic.id, visitId))?.medicalState).toBe('queued');
    expect(await findJobByKey(a.clinic.id, ORCA_MEDICAL_QUEUE, visitId)).toMatchObject({ state: 'queued' });

    await changeVisitStatus({ visitId, status: 'done' }, a.receptionist);
    expect(await historyOf(a.clinic.id, visitId)).toEqual(['received', 'in_consultation', 'billing', 'done']);
    const events = await auditEventsFor(a.clinic.id, { resourceType: 'visit', resourceId: visitId, action: 'update' });
    expect(events.map((e) => e.detail)).toEqual([
      expect.objectContaining({ from: 'received', to: 'in_consultation', via: 'chart_open' }),
      expect.objectContaining({ from: 'in_consultation', to: 'billing', via: 'note_confirm' }),
      expect.objectContaining({ from: 'billing', to: 'done' }),
    ]);
    expect(events[0]!.userId).toBe(a.doctor.userId);
    // a later 確定 (a second note of the finished visit) does not move it back
    const late = await createNote({ patientId: p.id, ...soap }, a.doctor);
    expect(late.visitId).toBeNull(); // the visit is finished: nothing attaches to it any more
    await db().orcaSettings.delete({ where: { clinicId: a.clinic.id } });
  });

  it("the 承認 of a 代行入力 note moves the visit to 会計待ち too (a nurse's own vitals record does not); a visit already further along stays", async () => {
    const p = await createPatient(a.receptionist);
    const { visitId } = await checkIn({ patientId: p.id }, a.receptionist);
    const vitals = await createNote({ patientId: p.id, ...soap, subjective: '', systolicBp: 128, diastolicBp: 76 }, a.nurse);
    expect(vitals.status).toBe('final'); // her own 確定 record (ADR 0052)
    expect(await statusOf(a.clinic.id, visitId)).toBe('received');
    const note = await createNote({ patientId: p.id, ...soap, authorId: a.doctor.userId }, a.nurse);
    expect(await statusOf(a.clinic.id, visitId)).toBe('received');
    await approveNote({ noteId: note.id }, a.doctor);
    expect(await statusOf(a.clinic.id, visitId)).toBe('billing');
    expect(await historyOf(a.clinic.id, visitId)).toEqual(['received', 'billing']);
    // opening the chart of a visit in 会計待ち does not take it back to 診察中
    expect((await startConsultation({ visitId }, a.doctor)).status).toBe('billing');
    expect(await statusOf(a.clinic.id, visitId)).toBe('billing');
  });

  it('取消 can be undone (audited), but not once the patient was checked in again', async () => {
    const p = await createPatient(a.receptionist);
    const { visitId } = await checkIn({ patientId: p.id }, a.receptionist);
    await changeVisitStatus({ visitId, status: 'cancelled' }, a.receptionist);
    await changeVisitStatus({ visitId, status: 'received' }, a.receptionist);
    expect(await statusOf(a.clinic.id, visitId)).toBe('received');
    const events = await auditEventsFor(a.clinic.id, { resourceType: 'visit', resourceId: visitId, action: 'update' });
    expect(events.map((e) => e.detail)).toEqual([expect.objectContaining({ from: 'received', to: 'cancelled' }), expect.objectContaining({ from: 'cancelled', to: 'received' })]);

    await changeVisitStatus({ visitId, status: 'cancelled' }, a.receptionist);
    await checkIn({ patientId: p.id }, a.receptionist);
    expect(await code(changeVisitStatus({ visitId, status: 'received' }, a.receptionist))).toBe('CONFLICT');
    expect(await statusOf(a.clinic.id, visitId)).toBe('cancelled');
  });

  it("the doctor's 診察待ち: their own and unassigned visits of today, not another doctor's, not finished ones", async () => {
    const other = actorFor(await createStaffUser(a.clinic.id, 'doctor'));
    const [p1, p2, p3, p4] = await Promise.all([1, 2, 3, 4].map(() => createPatient(a.receptionist)));
    const mine = await checkIn({ patientId: p1!.id, doctorId: a.doctor.userId }, a.receptionist);
    const nobody = await checkIn({ patientId: p2!.id }, a.receptionist);
    const theirs = await checkIn({ patientId: p3!.id, doctorId: other.userId }, a.receptionist);
    const billed = await checkIn({ patientId: p4!.id, doctorId: a.doctor.userId }, a.receptionist);
    await changeVisitStatus({ visitId: billed.visitId, status: 'in_consultation' }, a.doctor);
    await changeVisitStatus({ visitId: billed.visitId, status: 'billing' }, a.doctor);
    const ids = (await listMyWorklist(a.doctor)).entries.map((e) => e.visitId);
    expect(ids).toEqual(expect.arrayContaining([mine.visitId, nobody.visitId]));
    expect(ids).not.toContain(theirs.visitId);
    expect(ids).not.toContain(billed.visitId);
    expect((await listMyWorklist(other)).entries.map((e) => e.visitId)).toContain(theirs.visitId);
    expect(await code(listMyWorklist(a.receptionist))).toBe('FORBIDDEN');
  });

  it("another clinic cannot start, move or see the visit", async () => {
    const pB = await createPatient(b.receptionist);
    const vB = await checkIn({ patientId: pB.id }, b.receptionist);
    expect(await code(startConsultation({ visitId: vB.visitId }, a.doctor))).toBe('NOT_FOUND');
    expect(await code(changeVisitStatus({ visitId: vB.visitId, status: 'cancelled' }, a.receptionist))).toBe('NOT_FOUND');
    expect((await listMyWorklist(a.doctor)).entries.map((e) => e.visitId)).not.toContain(vB.visitId);
    expect(await statusOf(b.clinic.id, vB.visitId)).toBe('received');
    expect(await auditEventsFor(b.clinic.id, { resourceType: 'visit', resourceId: vB.visitId, action: 'update' })).toHaveLength(0);
    // a receptionist cannot start a consultation (no chart access)
    expect(await code(startConsultation({ visitId: vB.visitId }, b.receptionist))).toBe('FORBIDDEN');
  });
});

describe('reception details at check-in', () => {
  it('stores 診療科, 初診/再診 (suggested from the history unless stated) and the 受付メモ; the board and the 受付票 show them', async () => {
    const dept = await db().department.create({ data: { clinicId: a.clinic.id, code: '01', name: '内科' } });
    const [newcomer, regular] = await Promise.all([createPatient(a.receptionist), createPatient(a.receptionist)]);
    // the regular came last month (a finished visit)
    await db().visit.create({ data: { clinicId: a.clinic.id, patientId: regular.id, visitDate: new Date(Date.now() - 30 * 86_400_000), receptionNumber: 9, status: 'done', createdById: a.receptionist.userId } });

    const v1 = await checkIn({ patientId: newcomer.id, departmentId: dept.id, doctorId: a.doctor.userId, memo: '発熱あり・別室待機' }, a.receptionist);
    const v2 = await checkIn({ patientId: regular.id }, a.receptionist);
    expect(v1.firstVisit).toBe(true);
    expect(v2.firstVisit).toBe(false);
    const queue = (await listQueue(a.receptionist)).entries;
    expect(queue.find((e) => e.visitId === v1.visitId)).toMatchObject({ departmentName: '内科', firstVisit: true, memo: '発熱あり・別室待機', doctorId: a.doctor.userId });
    expect(queue.find((e) => e.visitId === v2.visitId)).toMatchObject({ departmentName: null, firstVisit: false, memo: null });
    const [created] = await auditEventsFor(a.clinic.id, { resourceType: 'visit', resourceId: v1.visitId, action: 'create' });
    expect(created!.detail).toMatchObject({ departmentId: dept.id, firstVisit: true, memo: true }); // the memo's text stays out of the log

    // reception states it: a 再診 for a new illness can be 初診
    await changeVisitStatus({ visitId: v2.visitId, status: 'cancelled' }, a.receptionist);
    const v3 = await checkIn({ patientId: regular.id, firstVisit: true }, a.receptionist);
    expect(v3.firstVisit).toBe(true);

    const slip = await getVisitSlip({ visitId: v1.visitId }, a.receptionist);
    expect(slip).toMatchObject({ receptionNumber: v1.receptionNumber, departmentName: '内科', firstVisit: true, memo: '発熱あり・別室待機', cancelled: false });
    expect(slip.doctorName).toBeTruthy();
    expect(slip.patient.patientNumber).toBe(newcomer.patientNumber);
    expect(slip.dateLabel).toMatch(/令和/);
    expect(await auditEventsFor(a.clinic.id, { resourceType: 'visit_slip', resourceId: v1.visitId, action: 'print' })).toHaveLength(1);
  });

  it("ORCA's 診察料 follows the 初診/再診 reception stated, else the history", async () => {
    const p = await createPatient(a.receptionist);
    await db().visit.create({ data: { clinicId: a.clinic.id, patientId: p.id, visitDate: new Date(Date.UTC(2025, 0, 10)), receptionNumber: 1, status: 'done', createdById: a.receptionist.userId } });
    const { visitId } = await checkIn({ patientId: p.id, firstVisit: true }, a.receptionist);
    const visit = await db().visit.findUniqueOrThrow({ where: { clinicId_id: { clinicId: a.clinic.id, id: visitId } } });
    const code = async (v: { patientId: string; visitDate: Date; firstVisit?: boolean | null }) => (await orcaBundlesForVisit(a.clinic.id, v)).bundles[0]!.lines[0]!.code;
    expect(await code(visit)).toBe(FIRST_VISIT_CODE); // stated 初診 despite the earlier visit
    expect(await code({ ...visit, firstVisit: null })).not.toBe(FIRST_VISIT_CODE); // an old visit: the history says 再診
  });

  it("refuses another clinic's 診療科, and another clinic cannot print the slip", async () => {
    const deptB = await db().department.create({ data: { clinicId: b.clinic.id, code: '02', name: '外科' } });
    const p = await createPatient(a.receptionist);
    expect(await code(checkIn({ patientId: p.id, departmentId: deptB.id }, a.receptionist))).toBe('INVALID_INPUT');
    const { visitId } = await checkIn({ patientId: p.id }, a.receptionist);
    expect(await code(getVisitSlip({ visitId }, b.receptionist))).toBe('NOT_FOUND');
    expect(await auditEventsFor(b.clinic.id, { resourceType: 'visit_slip', resourceId: visitId })).toHaveLength(0);
  });
});

describe('the patient list pages, the patient page shows 来院履歴', () => {
  it('pages beyond 30: each page is the next slice of the same order, and the last one is short', async () => {
    const c = await clinicWithStaff();
    for (let i = 0; i < 35; i++) await createPatient(c.receptionist, { familyName: '頁', familyNameKana: 'ページ', givenNameKana: `ア${'イ'.repeat(i)}` });
    const first = await searchPatients({ q: 'ページ', limit: 31 }, c.receptionist);
    const second = await searchPatients({ q: 'ページ', limit: 31, offset: 30 }, c.receptionist);
    expect(first).toHaveLength(31); // one more than the page: there is a next page
    expect(second).toHaveLength(5);
    const all = await searchPatients({ q: 'ページ', limit: 100 }, c.receptionist);
    expect([...first.slice(0, 30), ...second].map((p) => p.id)).toEqual(all.map((p) => p.id));
    // the recent list (empty query) pages too
    expect(await searchPatients({ q: '', limit: 30, offset: 30 }, c.receptionist)).toHaveLength(5);
    const [event] = await auditEventsFor(c.clinic.id, { action: 'search', resourceType: 'patient' }).then((e) => e.filter((x) => (x.detail as { offset?: number }).offset === 30));
    expect((event!.detail as { resultPatientIds: string[] }).resultPatientIds).toEqual(second.map((p) => p.id));
  });

  it('来院履歴: newest first with 診療科, 担当医, 初診/再診 and the state; audited; not for another clinic', async () => {
    const p = await createPatient(a.receptionist);
    await db().visit.create({ data: { clinicId: a.clinic.id, patientId: p.id, visitDate: new Date(Date.UTC(2025, 3, 1)), receptionNumber: 3, status: 'done', firstVisit: true, createdById: a.receptionist.userId } });
    const today = await checkIn({ patientId: p.id, doctorId: a.doctor.userId, memo: '定期' }, a.receptionist);
    const visits = await listVisitsForPatient(p.id, a.receptionist);
    expect(visits.map((v) => [v.visitId === today.visitId, v.status, v.firstVisit])).toEqual([
      [true, 'received', false],
      [false, 'done', true],
    ]);
    expect(visits[0]).toMatchObject({ memo: '定期' });
    expect(visits[0]!.doctorName).toBeTruthy();
    expect(visits[1]!.dateLabel).toBe('2025/04/01（令和7年4月1日）');
    expect(await auditEventsFor(a.clinic.id, { action: 'read', resourceType: 'visit_history', patientId: p.id })).toHaveLength(1);
    expect(await code(listVisitsForPatient(p.id, b.receptionist))).toBe('NOT_FOUND');
  });
});
