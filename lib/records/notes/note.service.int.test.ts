import { beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '@/lib/core/app-error';
import { db } from '@/lib/core/db';
import { contentHash } from '@/lib/records/record-version';
import { checkIn } from '@/lib/reception/visit.service';
import { auditEventsFor, auditMark, clinicWithStaff, createPatient, createStaffUser, actorFor } from '@/tests/helpers/factories';
import { createNoteSchema, updateNoteSchema, type CreateNoteInput } from './note.schema';
import { noteContent } from './note.dto';
import {
  approveNote,
  confirmNote,
  createNote,
  getNoteHistory,
  listDoctorsForProxy,
  listNotesForChart,
  listNotesPage,
  listPendingApprovalsForDoctor,
  markNoteEnteredInError,
  updateNote,
} from './note.service';
import { neverLogged } from '@/tests/helpers/never-logged';

// note text must never reach a log line (checked for the whole file by tests/setup-env.ts)
neverLogged('咽頭痛 2日前から', '咽頭痛 3日前から', '咽頭発赤あり', '発症日の聞き違い');

type Staff = Awaited<ReturnType<typeof clinicWithStaff>>;
let a: Staff;
let b: Staff;
let otherDoctorA: ReturnType<typeof actorFor>;

beforeAll(async () => {
  [a, b] = await Promise.all([clinicWithStaff(), clinicWithStaff()]);
  otherDoctorA = actorFor(await createStaffUser(a.clinic.id, 'doctor'));
});

const expectCode = async (p: Promise<unknown>, code: string) => {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).code).toBe(code);
  return err as AppError;
};

const soap = (patientId: string, overrides: Record<string, unknown> = {}): CreateNoteInput =>
  createNoteSchema.parse({
    patientId,
    subjective: '咽頭痛 2日前から',
    objective: '咽頭発赤あり',
    assessment: '急性咽頭炎',
    plan: '対症療法、3日後再診',
    heightCm: '170',
    weightKg: '65.0',
    systolicBp: '128',
    diastolicBp: '76',
    pulse: '72',
    bodyTempC: '37.2',
    spo2: '98',
    ...overrides,
  });

const edit = (noteId: string, overrides: Record<string, unknown> = {}) =>
  updateNoteSchema.parse({ noteId, subjective: '咽頭痛 3日前から', objective: '咽頭発赤あり', assessment: '急性咽頭炎', plan: '対症療法', ...overrides });

describe('doctor notes: draft → 確定', () => {
  it('creates a draft attached to today\'s visit, edits it in place, and 確定 sets hash and confirmedBy', async () => {
    const patient = await createPatient(a.receptionist);
    const visit = await checkIn({ patientId: patient.id }, a.receptionist);
    const draft = await createNote(soap(patient.id), a.doctor);
    expect(draft).toMatchObject({ status: 'draft', version: 1, visitId: visit.visitId, author: { id: a.doctor.userId }, enterer: { id: a.doctor.userId }, isProxyEntry: false, bmi: 22.5, contentHash: null });
    expect(draft.vitals).toEqual({ heightCm: 170, weightKg: 65, systolicBp: 128, diastolicBp: 76, pulse: 72, bodyTempC: 37.2, spo2: 98 });

    const edited = await updateNote(edit(draft.id, { bodyTempC: '36.8' }), a.doctor);
    expect(edited.id).toBe(draft.id);
    expect(edited.version).toBe(1);
    expect(edited.vitals.bodyTempC).toBe(36.8);
    expect(edited.subjective).toBe('咽頭痛 3日前から');

    const before = Date.now();
    const final = await confirmNote({ noteId: draft.id }, a.doctor);
    expect(final.status).toBe('final');
    expect(final.confirmedBy?.id).toBe(a.doctor.userId);
    expect(new Date(final.confirmedAt!).getTime()).toBeGreaterThanOrEqual(before - 1000);
    const row = await db().clinicalNote.findUniqueOrThrow({ where: { clinicId_id: { clinicId: a.clinic.id, id: draft.id } } });
    expect(row.contentHash).toBe(contentHash(noteContent(row)));
    expect(final.hashVerified).toBe(true);

    // a second 確定 is refused
    await expectCode(confirmNote({ noteId: draft.id }, a.doctor), 'PRECONDITION_FAILED');
    // and another doctor cannot 確定 someone else's draft
    const other = await createNote(soap(patient.id), a.doctor);
    await expectCode(confirmNote({ noteId: other.id }, otherDoctorA), 'FORBIDDEN');
    await expectCode(updateNote(edit(other.id), otherDoctorA), 'FORBIDDEN');

    const events = await auditEventsFor(a.clinic.id, { patientId: patient.id, resourceType: 'clinical_note' });
    expect(events.map((e) => e.action)).toEqual(expect.arrayContaining(['create', 'update', 'confirm']));
    expect(JSON.stringify(events.map((e) => e.detail))).not.toContain('咽頭');
  });

  it('a final row cannot be UPDATEd (trigger); an edit makes v2 and v1 stays unchanged and readable', async () => {
    const patient = await createPatient(a.receptionist);
    const v1 = await confirmNote({ noteId: (await createNote(soap(patient.id), a.doctor)).id }, a.doctor);

    await expect(
      db().clinicalNote.update({ where: { clinicId_id: { clinicId: a.clinic.id, id: v1.id } }, data: { subjective: '改ざん' } }),
    ).rejects.toThrow(/is final \(確定\) and cannot be modified/);
    await expect(db().clinicalNote.delete({ where: { clinicId_id: { clinicId: a.clinic.id, id: v1.id } } })).rejects.toThrow(/is not a draft and cannot be deleted/);

    // changeReason is required for an edit of a final note
    const missing = await expectCode(updateNote(edit(v1.id), a.doctor), 'INVALID_INPUT');
    expect(missing.fieldErrors?.changeReason).toBe('修正理由を入力してください。');

    const v2 = await updateNote(edit(v1.id, { changeReason: '発症日の訂正' }), a.doctor);
    expect(v2).toMatchObject({ lineageId: v1.lineageId, version: 2, status: 'draft', supersedesId: v1.id, changeReason: '発症日の訂正', subjective: '咽頭痛 3日前から' });
    expect(v2.id).not.toBe(v1.id);

    const old = await db().clinicalNote.findUniqueOrThrow({ where: { clinicId_id: { clinicId: a.clinic.id, id: v1.id } } });
    expect(old).toMatchObject({ isLatest: false, status: 'final', subjective: '咽頭痛 2日前から', contentHash: v1.contentHash });
    expect(old.supersededAt).not.toBeNull();

    // editing the superseded version again is a conflict
    await expectCode(updateNote(edit(v1.id, { changeReason: 'x' }), a.doctor), 'CONFLICT');

    const v2final = await confirmNote({ noteId: v2.id }, a.doctor);
    expect(v2final.status).toBe('final');

    const history = await getNoteHistory({ patientId: patient.id, lineageId: v1.lineageId }, a.nurse);
    expect(history.map((h) => [h.version, h.status, h.isLatest])).toEqual([
      [2, 'final', true],
      [1, 'final', false],
    ]);
    expect(history[1]!.subjective).toBe('咽頭痛 2日前から');
    expect(history[1]!.hashVerified).toBe(true);

    const timeline = await listNotesForChart(patient.id, a.doctor);
    expect(timeline).toHaveLength(1);
    expect(timeline[0]!.version).toBe(2);
    expect(timeline[0]!.earlierVersions.map((v) => v.version)).toEqual([1]);
  });

  it('entered in error is a new version with the reason; every version stays; nurses cannot do it', async () => {
    const patient = await createPatient(a.receptionist);
    const v1 = await confirmNote({ noteId: (await createNote(soap(patient.id), a.doctor)).id }, a.doctor);
    await expectCode(markNoteEnteredInError({ noteId: v1.id, reason: '別患者のカルテに記載' }, a.nurse), 'FORBIDDEN');

    const cancelled = await markNoteEnteredInError({ noteId: v1.id, reason: '別患者のカルテに記載' }, a.doctor);
    expect(cancelled).toMatchObject({ status: 'entered_in_error', version: 2, changeReason: '別患者のカルテに記載', supersedesId: v1.id, subjective: v1.subjective });
    expect(cancelled.hashVerified).toBe(true);

    const rows = await db().clinicalNote.findMany({ where: { clinicId: a.clinic.id, lineageId: v1.lineageId }, orderBy: { version: 'asc' } });
    expect(rows.map((r) => [r.version, r.status, r.isLatest])).toEqual([
      [1, 'final', false],
      [2, 'entered_in_error', true],
    ]);
    await expect(db().clinicalNote.update({ where: { clinicId_id: { clinicId: a.clinic.id, id: cancelled.id } }, data: { changeReason: '変更' } })).rejects.toThrow(/is final \(確定\) and cannot be modified/);
    await expectCode(updateNote(edit(cancelled.id, { changeReason: 'x' }), a.doctor), 'PRECONDITION_FAILED');
    await expectCode(markNoteEnteredInError({ noteId: cancelled.id, reason: 'x' }, a.doctor), 'PRECONDITION_FAILED');

    const timeline = await listNotesForChart(patient.id, a.nurse);
    expect(timeline[0]).toMatchObject({ status: 'entered_in_error', changeReason: '別患者のカルテに記載' });
    expect(timeline[0]!.earlierVersions).toHaveLength(1);
    const deletes = await auditEventsFor(a.clinic.id, { action: 'delete', patientId: patient.id });
    expect(deletes).toHaveLength(1);
    expect(deletes[0]!.resourceId).toBe(cancelled.id);
  });
});

describe('代行入力 (nurse on behalf of a named doctor)', () => {
  it('is pending_approval, cannot be 確定d, and only the named doctor approves', async () => {
    const patient = await createPatient(a.receptionist);
    await expectCode(createNote(soap(patient.id), a.nurse), 'INVALID_INPUT'); // no doctor chosen
    await expectCode(createNote(soap(patient.id, { authorId: b.doctor.userId }), a.nurse), 'INVALID_INPUT'); // another clinic's doctor

    const doctors = await listDoctorsForProxy(a.nurse);
    expect(doctors.map((d) => d.id).sort()).toEqual([a.doctor.userId, otherDoctorA.userId].sort());

    const pending = await createNote(soap(patient.id, { authorId: a.doctor.userId }), a.nurse);
    expect(pending).toMatchObject({ status: 'pending_approval', author: { id: a.doctor.userId }, enterer: { id: a.nurse.userId }, isProxyEntry: true, approvedBy: null });

    await expectCode(confirmNote({ noteId: pending.id }, a.doctor), 'PRECONDITION_FAILED');
    await expectCode(confirmNote({ noteId: pending.id }, otherDoctorA), 'PRECONDITION_FAILED');
    await expectCode(confirmNote({ noteId: pending.id }, a.nurse), 'FORBIDDEN');

    await expectCode(approveNote({ noteId: pending.id }, otherDoctorA), 'FORBIDDEN');
    await expectCode(approveNote({ noteId: pending.id }, a.nurse), 'FORBIDDEN');
    await expectCode(approveNote({ noteId: pending.id }, b.doctor), 'NOT_FOUND');
    expect((await db().clinicalNote.findUniqueOrThrow({ where: { clinicId_id: { clinicId: a.clinic.id, id: pending.id } } })).status).toBe('pending_approval');

    const dashboard = await listPendingApprovalsForDoctor(a.doctor);
    expect(dashboard.find((p) => p.noteId === pending.id)).toMatchObject({ patient: { id: patient.id }, enterer: { id: a.nurse.userId } });
    expect((await listPendingApprovalsForDoctor(otherDoctorA)).find((p) => p.noteId === pending.id)).toBeUndefined();
    await expectCode(listPendingApprovalsForDoctor(a.nurse), 'FORBIDDEN');

    const approved = await approveNote({ noteId: pending.id }, a.doctor);
    expect(approved).toMatchObject({ status: 'final', approvedBy: { id: a.doctor.userId }, confirmedBy: { id: a.doctor.userId }, enterer: { id: a.nurse.userId }, hashVerified: true });
    expect(approved.approvedAt).not.toBeNull();
    expect((await listPendingApprovalsForDoctor(a.doctor)).find((p) => p.noteId === pending.id)).toBeUndefined();

    const approvals = await auditEventsFor(a.clinic.id, { action: 'approve', patientId: patient.id });
    expect(approvals).toHaveLength(1);
    expect(approvals[0]).toMatchObject({ userId: a.doctor.userId, resourceType: 'clinical_note', resourceId: pending.id });
    const creates = await auditEventsFor(a.clinic.id, { action: 'create', patientId: patient.id, resourceType: 'clinical_note' });
    expect(creates[0]).toMatchObject({ userId: a.nurse.userId });
  });

  it('the named doctor may correct the pending content first (new version, still awaiting approval)', async () => {
    const patient = await createPatient(a.receptionist);
    const pending = await createNote(soap(patient.id, { authorId: a.doctor.userId }), a.nurse);
    await expectCode(updateNote(edit(pending.id), otherDoctorA), 'FORBIDDEN');
    await expectCode(updateNote(edit(pending.id), actorFor(await createStaffUser(a.clinic.id, 'nurse'))), 'FORBIDDEN');

    const v2 = await updateNote(edit(pending.id, { plan: '抗菌薬なし、経過観察' }), a.doctor);
    expect(v2).toMatchObject({ version: 2, status: 'pending_approval', supersedesId: pending.id, plan: '抗菌薬なし、経過観察', author: { id: a.doctor.userId }, enterer: { id: a.doctor.userId } });
    const v1row = await db().clinicalNote.findUniqueOrThrow({ where: { clinicId_id: { clinicId: a.clinic.id, id: pending.id } } });
    expect(v1row).toMatchObject({ isLatest: false, plan: '対症療法、3日後再診', entererId: a.nurse.userId });

    await expectCode(approveNote({ noteId: pending.id }, a.doctor), 'CONFLICT');
    const approved = await approveNote({ noteId: v2.id }, a.doctor);
    expect(approved).toMatchObject({ status: 'final', version: 2, approvedBy: { id: a.doctor.userId } });

    // a nurse edit of a final note goes back to the doctor for approval and needs a reason
    await expectCode(updateNote(edit(v2.id, { authorId: a.doctor.userId }), a.nurse), 'INVALID_INPUT');
    const v3 = await updateNote(edit(v2.id, { authorId: a.doctor.userId, changeReason: '体温の転記ミス', bodyTempC: '36.9' }), a.nurse);
    expect(v3).toMatchObject({ version: 3, status: 'pending_approval', enterer: { id: a.nurse.userId }, author: { id: a.doctor.userId } });
  });
});

describe("a nurse's vitals are her own record, not 代行入力 (issue 13)", () => {
  const vitalsOnly = (patientId: string, overrides: Record<string, unknown> = {}) =>
    createNoteSchema.parse({ patientId, systolicBp: '128', diastolicBp: '76', pulse: '72', bodyTempC: '36.5', spo2: '98', ...overrides });

  it('vitals without S/O/A/P are 確定 at once with the nurse as author, never waiting for approval', async () => {
    const patient = await createPatient(a.receptionist);
    const visit = await checkIn({ patientId: patient.id }, a.receptionist);
    const mark = await auditMark(a.clinic.id);
    // no doctor is chosen, and none is needed
    const note = await createNote(vitalsOnly(patient.id), a.nurse);
    expect(note).toMatchObject({ status: 'final', visitId: visit.visitId, author: { id: a.nurse.userId }, enterer: { id: a.nurse.userId }, confirmedBy: { id: a.nurse.userId }, isProxyEntry: false, hashVerified: true });
    expect(note.vitals).toMatchObject({ systolicBp: 128, diastolicBp: 76, pulse: 72, bodyTempC: 36.5, spo2: 98 });
    expect((await listPendingApprovalsForDoctor(a.doctor)).find((p) => p.noteId === note.id)).toBeUndefined();
    const events = await auditEventsFor(a.clinic.id, { patientId: patient.id, resourceType: 'clinical_note' }, mark);
    expect(events.map((e) => e.action).sort()).toEqual(['confirm', 'create']);
    expect(events.every((e) => e.userId === a.nurse.userId)).toBe(true);

    // the doctor and the nurse both see it in the timeline; another clinic cannot touch it
    expect((await listNotesPage(patient.id, a.doctor)).notes.map((n) => n.id)).toContain(note.id);
    await expectCode(updateNote(edit(note.id, { changeReason: 'x' }), b.nurse), 'NOT_FOUND');
    await expectCode(createNote(vitalsOnly(patient.id), b.nurse), 'NOT_FOUND');

    // she corrects her own vitals: a new 確定 version, with a reason, still hers
    const v2 = await updateNote(updateNoteSchema.parse({ noteId: note.id, bodyTempC: '36.8', systolicBp: '128', diastolicBp: '76', changeReason: '体温の転記ミス' }), a.nurse);
    expect(v2).toMatchObject({ version: 2, status: 'final', author: { id: a.nurse.userId }, changeReason: '体温の転記ミス', hashVerified: true });
    expect(v2.vitals).toMatchObject({ bodyTempC: 36.8, pulse: null });
    // another nurse's correction is 代行入力 like any other edit of a 確定 note
    const other = actorFor(await createStaffUser(a.clinic.id, 'nurse'));
    const v3 = await updateNote(updateNoteSchema.parse({ noteId: v2.id, bodyTempC: '36.9', changeReason: '再検', authorId: a.doctor.userId }), other);
    expect(v3).toMatchObject({ status: 'pending_approval', author: { id: a.doctor.userId } });
  });

  it('a nurse writing S/O/A/P text is still 代行入力 and needs the doctor', async () => {
    const patient = await createPatient(a.receptionist);
    await expectCode(createNote(vitalsOnly(patient.id, { subjective: '咽頭痛 2日前から' }), a.nurse), 'INVALID_INPUT');
    const pending = await createNote(vitalsOnly(patient.id, { subjective: '咽頭痛 2日前から', authorId: a.doctor.userId }), a.nurse);
    expect(pending).toMatchObject({ status: 'pending_approval', author: { id: a.doctor.userId } });
  });
});

describe("a nurse's 予診 is her own 確定 record, shown to the doctor (issue 13, 0064)", () => {
  const intake = (patientId: string, overrides: Record<string, unknown> = {}) =>
    createNoteSchema.parse({ patientId, kind: 'intake', subjective: '主訴: 咽頭痛 2日前から\n問診: 発熱なし、服薬変更なし', bodyTempC: '37.4', pulse: '88', ...overrides });

  it('is 確定 at once under the nurse, for today\'s visit, without a doctor, an approval or a visit move', async () => {
    const patient = await createPatient(a.receptionist);
    const visit = await checkIn({ patientId: patient.id }, a.receptionist);
    const mark = await auditMark(a.clinic.id);
    const note = await createNote(intake(patient.id), a.nurse);
    expect(note).toMatchObject({
      kind: 'intake', status: 'final', visitId: visit.visitId, author: { id: a.nurse.userId }, enterer: { id: a.nurse.userId },
      confirmedBy: { id: a.nurse.userId }, isProxyEntry: false, hashVerified: true, subjective: '主訴: 咽頭痛 2日前から\n問診: 発熱なし、服薬変更なし',
    });
    expect(note.vitals).toMatchObject({ bodyTempC: 37.4, pulse: 88 });
    const events = await auditEventsFor(a.clinic.id, { patientId: patient.id, resourceType: 'clinical_note' }, mark);
    expect(events.map((e) => e.action).sort()).toEqual(['confirm', 'create']);
    expect(events.every((e) => (e.detail as Record<string, unknown>).intake === true)).toBe(true);
    // the audit never holds the text
    expect(JSON.stringify(events.map((e) => e.detail))).not.toContain('咽頭痛');
    // nothing waits for a doctor; the visit stays where reception left it (a nurse's record does not end the consultation)
    expect((await listPendingApprovalsForDoctor(a.doctor)).find((p) => p.noteId === note.id)).toBeUndefined();
    expect((await db().visit.findFirst({ where: { clinicId: a.clinic.id, id: visit.visitId } }))!.status).toBe('received');
    // the doctor sees it in the chart, as a 予診
    const [entry] = (await listNotesPage(patient.id, a.doctor)).notes;
    expect(entry).toMatchObject({ id: note.id, kind: 'intake', status: 'final' });
    // the hash covers the kind: the same row read as a 診療録 would not verify
    const row = (await db().clinicalNote.findFirst({ where: { clinicId: a.clinic.id, id: note.id } }))!;
    expect(note.contentHash).toBe(contentHash(noteContent(row)));
    expect(contentHash(noteContent({ ...row, kind: 'soap' }))).not.toBe(note.contentHash);
    await expectCode(createNote(intake(patient.id), b.nurse), 'NOT_FOUND');
  });

  it('holds 主訴・問診 and vitals only; a doctor writes in his own note; only its nurse corrects it, with a reason', async () => {
    const patient = await createPatient(a.receptionist);
    await expectCode(createNote({ patientId: patient.id, kind: 'intake', subjective: '主訴: 咳', assessment: '上気道炎' } as CreateNoteInput, a.nurse), 'INVALID_INPUT');
    expect(() => createNoteSchema.parse({ patientId: patient.id, kind: 'intake' })).toThrow();
    await expectCode(createNote(intake(patient.id), a.doctor), 'FORBIDDEN');
    const note = await createNote(intake(patient.id), a.nurse);

    await expectCode(updateNote(updateNoteSchema.parse({ noteId: note.id, subjective: '主訴: 咽頭痛', changeReason: '追記' }), a.doctor), 'FORBIDDEN');
    const other = actorFor(await createStaffUser(a.clinic.id, 'nurse'));
    await expectCode(updateNote(updateNoteSchema.parse({ noteId: note.id, subjective: '主訴: 咽頭痛', changeReason: '追記' }), other), 'FORBIDDEN');
    await expectCode(updateNote(updateNoteSchema.parse({ noteId: note.id, subjective: '主訴: 咽頭痛' }), a.nurse), 'INVALID_INPUT');
    await expectCode(updateNote(updateNoteSchema.parse({ noteId: note.id, subjective: '主訴: 咽頭痛', plan: '経過観察', changeReason: '追記' }), a.nurse), 'INVALID_INPUT');
    const v2 = await updateNote(updateNoteSchema.parse({ noteId: note.id, subjective: '主訴: 咽頭痛 3日前から', bodyTempC: '37.4', changeReason: '発症日の聞き違い' }), a.nurse);
    expect(v2).toMatchObject({ kind: 'intake', version: 2, status: 'final', author: { id: a.nurse.userId }, changeReason: '発症日の聞き違い', hashVerified: true });

    // a 取消 keeps it a 予診; the database refuses O/A/P on one
    const cancelled = await markNoteEnteredInError({ noteId: v2.id, reason: '別の患者の予診' }, a.doctor);
    expect(cancelled).toMatchObject({ kind: 'intake', status: 'entered_in_error' });
    await expect(
      db().clinicalNote.create({ data: { clinicId: a.clinic.id, lineageId: crypto.randomUUID(), patientId: patient.id, kind: 'intake', plan: 'x', authorId: a.nurse.userId, entererId: a.nurse.userId } }),
    ).rejects.toThrow();
  });
});

describe("a nurse's edit of a 確定 note (issue 9 item 9)", () => {
  it('waits for the doctor like any 代行入力: the chart keeps showing the 確定 version, with the revision beside it, until approved', async () => {
    const patient = await createPatient(a.receptionist);
    const v1 = await confirmNote({ noteId: (await createNote(soap(patient.id), a.doctor)).id }, a.doctor);
    const v2 = await updateNote(edit(v1.id, { changeReason: '体温の転記ミス', bodyTempC: '36.9', plan: '看護師の修正案' }), a.nurse);
    expect(v2).toMatchObject({ version: 2, status: 'pending_approval', author: { id: a.doctor.userId }, enterer: { id: a.nurse.userId } });

    // what the chart shows (the data of the 診療録 panel): the 確定 version, not the nurse's text
    for (const viewer of [a.doctor, a.nurse]) {
      const [entry] = (await listNotesPage(patient.id, viewer)).notes;
      expect(entry).toMatchObject({ id: v1.id, version: 1, status: 'final', plan: '対症療法、3日後再診', vitals: { bodyTempC: 37.2 }, confirmedBy: { id: a.doctor.userId } });
      expect(entry!.pendingRevision).toMatchObject({ id: v2.id, status: 'pending_approval', plan: '看護師の修正案', changeReason: '体温の転記ミス' });
      expect(entry!.earlierVersions).toEqual([]);
    }
    expect((await listNotesPage(patient.id, a.doctor)).pendingApprovalCount).toBe(1);
    // nobody 確定s it but the doctor it names; the 確定 version cannot be edited around it
    await expectCode(confirmNote({ noteId: v2.id }, a.doctor), 'PRECONDITION_FAILED');
    await expectCode(approveNote({ noteId: v2.id }, otherDoctorA), 'FORBIDDEN');
    await expectCode(updateNote(edit(v1.id, { changeReason: 'x' }), a.doctor), 'CONFLICT');

    await approveNote({ noteId: v2.id }, a.doctor);
    const [after] = (await listNotesPage(patient.id, a.nurse)).notes;
    expect(after).toMatchObject({ id: v2.id, status: 'final', plan: '看護師の修正案', approvedBy: { id: a.doctor.userId }, pendingRevision: null });
    expect(after!.earlierVersions.map((v) => [v.id, v.status])).toEqual([[v1.id, 'final']]);
  });
});

describe('access', () => {
  it('receptionist and clinic admin are FORBIDDEN on read and write', async () => {
    const since = await auditMark(a.clinic.id);
    const patient = await createPatient(a.receptionist);
    const note = await createNote(soap(patient.id), a.doctor);
    for (const actor of [a.receptionist, a.admin]) {
      await expectCode(listNotesForChart(patient.id, actor), 'FORBIDDEN');
      await expectCode(createNote(soap(patient.id), actor), 'FORBIDDEN');
      await expectCode(updateNote(edit(note.id), actor), 'FORBIDDEN');
      await expectCode(getNoteHistory({ patientId: patient.id, lineageId: note.lineageId }, actor), 'FORBIDDEN');
      await expectCode(confirmNote({ noteId: note.id }, actor), 'FORBIDDEN');
    }
    const denied = await auditEventsFor(a.clinic.id, { action: 'permission_denied' }, since);
    expect(denied.some((e) => e.userId === a.receptionist.userId)).toBe(true);
  });

  it('clinic B gets NOT_FOUND for clinic A\'s patient and notes, and changes nothing', async () => {
    const patient = await createPatient(a.receptionist);
    const note = await createNote(soap(patient.id), a.doctor);
    await expectCode(listNotesForChart(patient.id, b.doctor), 'NOT_FOUND');
    await expectCode(createNote(soap(patient.id), b.doctor), 'NOT_FOUND');
    await expectCode(updateNote(edit(note.id), b.doctor), 'NOT_FOUND');
    await expectCode(confirmNote({ noteId: note.id }, b.doctor), 'NOT_FOUND');
    await expectCode(markNoteEnteredInError({ noteId: note.id, reason: 'x' }, b.doctor), 'NOT_FOUND');
    await expectCode(getNoteHistory({ patientId: patient.id, lineageId: note.lineageId }, b.doctor), 'NOT_FOUND');
    const missing = await expectCode(listNotesForChart('00000000-0000-4000-8000-000000000000', b.doctor), 'NOT_FOUND');
    expect(missing.message).toBe('対象が見つかりません。');

    const row = await db().clinicalNote.findUniqueOrThrow({ where: { clinicId_id: { clinicId: a.clinic.id, id: note.id } } });
    expect(row).toMatchObject({ status: 'draft', version: 1, subjective: '咽頭痛 2日前から' });
    expect(await db().clinicalNote.count({ where: { clinicId: b.clinic.id } })).toBe(0);
  });

  it('listing a chart\'s notes writes one read event', async () => {
    const patient = await createPatient(a.receptionist);
    const older = await confirmNote({ noteId: (await createNote(soap(patient.id), a.doctor)).id }, a.doctor);
    const newer = await createNote(soap(patient.id, { subjective: '2件目' }), a.doctor);
    // an edit of the older note keeps it in its original place (newest first by when the note was written)
    await updateNote(edit(older.id, { changeReason: '追記' }), a.doctor);
    const notes = await listNotesForChart(patient.id, a.nurse);
    expect(notes.map((n) => [n.lineageId, n.version])).toEqual([
      [newer.lineageId, 1],
      [older.lineageId, 2],
    ]);
    const reads = await auditEventsFor(a.clinic.id, { action: 'read', patientId: patient.id, resourceType: 'clinical_note' });
    expect(reads).toHaveLength(1);
    expect(reads[0]).toMatchObject({ userId: a.nurse.userId, outcome: 'success' });
  });
});

describe('timeline paging', () => {
  it('pages the timeline by (createdAt, id): every note once, the 承認待ち count on the first page, one read event per page', async () => {
    const patient = await createPatient(a.receptionist);
    const created = [];
    for (let i = 0; i < 5; i++) created.push(await createNote(soap(patient.id, { subjective: `所見${i}` }), a.doctor));
    await createNote(soap(patient.id, { subjective: '代行', authorId: a.doctor.userId }), a.nurse);

    const first = await listNotesPage(patient.id, a.doctor, { limit: 4 });
    expect(first.notes).toHaveLength(4);
    expect(first.pendingApprovalCount).toBe(1);
    expect(first.nextCursor).not.toBeNull();
    const second = await listNotesPage(patient.id, a.doctor, { cursor: first.nextCursor!, limit: 4 });
    expect(second.notes).toHaveLength(2);
    expect(second.nextCursor).toBeNull();
    expect(second.pendingApprovalCount).toBeNull();
    const ids = [...first.notes, ...second.notes].map((n) => n.lineageId);
    expect(new Set(ids).size).toBe(6);
    for (const n of created) expect(ids).toContain(n.lineageId);

    const reads = await auditEventsFor(a.clinic.id, { action: 'read', patientId: patient.id, resourceType: 'clinical_note' });
    expect(reads).toHaveLength(2);
    expect(reads.map((r) => (r.detail as { page?: string } | null)?.page ?? null).sort()).toEqual(['more', null].sort());
  });

  it('another clinic gets NOT_FOUND for a page of the timeline', async () => {
    const patient = await createPatient(a.receptionist);
    const note = await createNote(soap(patient.id), a.doctor);
    await expectCode(listNotesPage(patient.id, b.doctor, { cursor: { createdAt: note.createdAt, id: note.id } }), 'NOT_FOUND');
    await expectCode(listNotesPage(patient.id, a.receptionist), 'FORBIDDEN');
  });
});

describe('vitals validation', () => {
  const errorsOf = (input: Record<string, unknown>) => {
    const r = createNoteSchema.safeParse({ patientId: '00000000-0000-4000-8000-000000000000', subjective: 'x', ...input });
    expect(r.success).toBe(false);
    return Object.fromEntries(r.error!.issues.map((i) => [i.path.join('.'), i.message]));
  };

  it('gives Japanese messages for implausible values', () => {
    expect(errorsOf({ bodyTempC: '365' }).bodyTempC).toBe('体温は30.0〜45.0℃の範囲で入力してください。');
    expect(errorsOf({ bodyTempC: '36.55' }).bodyTempC).toBe('体温は小数第1位までで入力してください。');
    expect(errorsOf({ spo2: '101' }).spo2).toBe('SpO2は50〜100%の範囲で入力してください。');
    expect(errorsOf({ systolicBp: '400', diastolicBp: '80' }).systolicBp).toBe('収縮期血圧は40〜300mmHgの範囲で入力してください。');
    expect(errorsOf({ systolicBp: '70', diastolicBp: '90' }).systolicBp).toBe('収縮期血圧は拡張期血圧より高い値を入力してください。');
    expect(errorsOf({ systolicBp: '120' }).diastolicBp).toBe('血圧は収縮期と拡張期の両方を入力してください。');
    expect(errorsOf({ pulse: 'abc' }).pulse).toBe('脈拍は数値で入力してください。');
    expect(errorsOf({ pulse: '72.5' }).pulse).toBe('脈拍は整数で入力してください。');
    expect(errorsOf({ subjective: '', heightCm: '' }).subjective).toBe('S・O・A・P またはバイタルのいずれかを入力してください。');
  });

  it('accepts full-width digits and empty fields', () => {
    const parsed = createNoteSchema.parse({ patientId: '00000000-0000-4000-8000-000000000000', bodyTempC: '３６．５', spo2: '', pulse: 72 });
    expect(parsed).toMatchObject({ bodyTempC: 36.5, spo2: null, pulse: 72, subjective: '', heightCm: null });
  });
});

describe('承認待ち: the count on the menu and the whole record (issue 13)', () => {
  it('counts the notes and prescriptions waiting for this doctor only, and lists each note whole', async () => {
    const { countMyPendingApprovals } = await import('@/lib/records/approvals.service');
    const doctor = actorFor(await createStaffUser(a.clinic.id, 'doctor'));
    expect(await countMyPendingApprovals(doctor)).toBe(0);
    const patient = await createPatient(a.receptionist);
    await createNote(createNoteSchema.parse({ patientId: patient.id, subjective: '咽頭痛 2日前から', objective: '咽頭発赤あり', bodyTempC: '37.8', authorId: doctor.userId }), a.nurse);
    expect(await countMyPendingApprovals(doctor)).toBe(1);
    expect(await countMyPendingApprovals(a.nurse)).toBe(0);
    expect(await countMyPendingApprovals(b.doctor)).toBe(0);
    const [pending] = await listPendingApprovalsForDoctor(doctor);
    expect(pending).toMatchObject({
      sections: [
        { short: 'S', text: '咽頭痛 2日前から' },
        { short: 'O', text: '咽頭発赤あり' },
      ],
      vitals: 'BT 37.8℃',
    });
  });
});
