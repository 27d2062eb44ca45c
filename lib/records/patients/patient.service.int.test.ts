import { describe, expect, it, beforeAll } from 'vitest';
import { AppError } from '@/lib/core/app-error';
import { db } from '@/lib/core/db';
import { registerPatientSchema, withdrawPatientSchema } from './patient.schema';
import { createNoteSchema } from '@/lib/records/notes/note.schema';
import { createNote } from '@/lib/records/notes/note.service';
import { changeVisitStatus, checkIn } from '@/lib/reception/visit.service';
import { findLikelyDuplicates, getPatient, listPatientRevisions, parsePatientQuery, registerPatient, searchPatients, updatePatient, withdrawPatientRegistration } from './patient.service';
import { auditEventsFor, auditMark, clinicWithStaff, createPatient, patientInput } from '@/tests/helpers/factories';

type Staff = Awaited<ReturnType<typeof clinicWithStaff>>;
let a: Staff;
let b: Staff;

beforeAll(async () => {
  [a, b] = await Promise.all([clinicWithStaff(), clinicWithStaff()]);
});

const expectCode = async (p: Promise<unknown>, code: string) => {
  await expect(p).rejects.toBeInstanceOf(AppError);
  await expect(p).rejects.toMatchObject({ code });
};

describe('registerPatient', () => {
  it('allocates consecutive 患者番号 per clinic and stores kana as katakana', async () => {
    const p1 = await createPatient(a.receptionist, { familyNameKana: 'すずき', givenNameKana: 'はなこ', familyName: '鈴木', givenName: '花子', sex: 'female' });
    const p2 = await createPatient(a.receptionist);
    expect(p2.patientNumber).toBe(p1.patientNumber + 1);
    expect(p1.familyNameKana).toBe('スズキ');
    expect(p1.insurance?.insurerNumber).toBe('06131239');
    const revisions = await listPatientRevisions(p1.id, a.receptionist);
    expect(revisions).toHaveLength(1);
    const audit = await auditEventsFor(a.clinic.id, { action: 'create', patientId: p1.id });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ userId: a.receptionist.userId, userRole: 'receptionist', resourceType: 'patient', outcome: 'success', ip: '127.0.0.1' });
  });

  it('numbers patients independently in each clinic', async () => {
    const other = await clinicWithStaff();
    const first = await createPatient(other.receptionist);
    expect(first.patientNumber).toBe(1);
  });

  it('is refused to a nurse, and the denial is audited', async () => {
    const since = await auditMark(a.clinic.id);
    await expectCode(createPatient(a.nurse), 'FORBIDDEN');
    const denied = await auditEventsFor(a.clinic.id, { action: 'permission_denied' }, since);
    expect(denied.some((e) => e.userId === a.nurse.userId)).toBe(true);
  });
});

describe('validation', () => {
  it('explains bad input in Japanese and accepts good input', () => {
    const bad = registerPatientSchema.safeParse({ ...patientInput(), familyNameKana: '山田', insurance: { ...patientInput().insurance!, insurerNumber: '1234' } });
    expect(bad.success).toBe(false);
    const messages = bad.error!.issues.map((i) => i.message).join('\n');
    expect(messages).toContain('カタカナまたはひらがな');
    expect(messages).toContain('保険者番号は8桁');
    expect(registerPatientSchema.safeParse(patientInput()).success).toBe(true);
  });

  it('rejects fields the client must not set (mass assignment)', () => {
    const r = registerPatientSchema.safeParse({ ...patientInput(), clinicId: b.clinic.id });
    expect(r.success).toBe(false);
  });
});

describe('searchPatients', () => {
  it('finds by kana in hiragana, katakana and half-width, by kanji, number, birth date and phone', async () => {
    const p = await createPatient(a.receptionist, { familyName: '長谷川', givenName: '陽菜', familyNameKana: 'ハセガワ', givenNameKana: 'ヒナ', sex: 'female', birthDate: '1988-07-15', phone: '03-5555-0101' });
    const ids = async (q: string) => (await searchPatients({ q, limit: 50 }, a.receptionist)).map((x) => x.id);
    expect(await ids('はせがわ')).toContain(p.id);
    expect(await ids('ハセガワ ヒナ')).toContain(p.id);
    expect(await ids('ﾊｾｶﾞﾜ')).toContain(p.id);
    expect(await ids('ガワヒ')).toContain(p.id); // partial, inside the name
    expect(await ids('谷川')).toContain(p.id);
    expect(await ids(String(p.patientNumber))).toContain(p.id);
    expect(await ids('1988-07-15')).toContain(p.id);
    expect(await ids('S63.7.15')).toContain(p.id);
    expect(await ids('0355550101')).toContain(p.id);
    expect(await ids('さとうじろう')).not.toContain(p.id);
  });

  it('audits the search with the query and the patients it returned', async () => {
    const p = await createPatient(a.receptionist, { familyName: '検索', familyNameKana: 'ケンサク' });
    await searchPatients({ q: 'ケンサク', limit: 10 }, a.doctor);
    const events = await auditEventsFor(a.clinic.id, { action: 'search' });
    const last = events.at(-1)!;
    expect(last.userId).toBe(a.doctor.userId);
    expect((last.detail as { resultPatientIds: string[] }).resultPatientIds).toContain(p.id);
  });

  it('understands what a receptionist types', () => {
    expect(parsePatientQuery('')).toEqual({ kind: 'recent' });
    expect(parsePatientQuery('１２３').kind).toBe('number');
    expect(parsePatientQuery('19750401')).toMatchObject({ kind: 'birthDate' });
    expect(parsePatientQuery('昭和50年4月1日')).toMatchObject({ kind: 'birthDate' });
    expect(parsePatientQuery('やまだ')).toEqual({ kind: 'text', key: 'ヤマダ' });
  });
});

describe('tenancy', () => {
  it("gives another clinic's patient the same 404 as an id that never existed, and never lists it", async () => {
    const p = await createPatient(b.receptionist, { familyName: '越境', familyNameKana: 'エッキョウ' });
    await expectCode(getPatient(p.id, a.doctor), 'NOT_FOUND');
    await expectCode(getPatient('00000000-0000-4000-8000-000000000000', a.doctor), 'NOT_FOUND');
    await expectCode(updatePatient({ ...patientInput(), patientId: p.id, expectedVersion: 1 }, a.receptionist), 'NOT_FOUND');
    await expectCode(listPatientRevisions(p.id, a.receptionist), 'NOT_FOUND');
    expect((await searchPatients({ q: 'エッキョウ', limit: 10 }, a.receptionist)).map((x) => x.id)).not.toContain(p.id);
    expect((await searchPatients({ q: 'エッキョウ', limit: 10 }, b.receptionist)).map((x) => x.id)).toContain(p.id);
    const stored = await db().patient.findFirst({ where: { id: p.id } });
    expect(stored?.version).toBe(1);
  });
});

describe('updatePatient', () => {
  it('creates a new version, keeps the old one, and ends the previous insurance', async () => {
    const p = await createPatient(a.receptionist);
    const updated = await updatePatient(
      { ...patientInput(), address: '東京都港区1-1', insurance: { insurerNumber: '01130012', number: '999', relationship: 'family' }, patientId: p.id, expectedVersion: 1, reason: '保険証の更新' },
      a.receptionist,
    );
    expect(updated.version).toBe(2);
    expect(updated.insurance?.insurerNumber).toBe('01130012');
    const revisions = await listPatientRevisions(p.id, a.receptionist);
    expect(revisions.map((r) => r.version)).toEqual([2, 1]);
    expect((revisions[1]!.snapshot as { insurance: { insurerNumber: string } }).insurance.insurerNumber).toBe('06131239');
    expect(revisions[0]!.reason).toBe('保険証の更新');
    const insurances = await db().patientInsurance.findMany({ where: { clinicId: a.clinic.id, patientId: p.id } });
    expect(insurances).toHaveLength(2);
    expect(insurances.filter((i) => i.endedAt === null)).toHaveLength(1);
    const audit = await auditEventsFor(a.clinic.id, { action: 'update', patientId: p.id });
    expect((audit[0]!.detail as { changedFields: string[] }).changedFields).toEqual(expect.arrayContaining(['address', 'insurance']));
  });

  it('refuses to overwrite a newer edit (stale version) and changes nothing', async () => {
    const p = await createPatient(a.receptionist);
    await updatePatient({ ...patientInput(), address: '一回目', patientId: p.id, expectedVersion: 1 }, a.receptionist);
    await expectCode(updatePatient({ ...patientInput(), address: '古い画面から', patientId: p.id, expectedVersion: 1 }, a.doctor), 'CONFLICT');
    const now = await getPatient(p.id, a.receptionist);
    expect(now.address).toBe('一回目');
    expect(now.version).toBe(2);
  });
});

describe('registerPatient is all-or-nothing', () => {
  it('leaves no patient behind when a later step fails', async () => {
    const before = await db().patient.count({ where: { clinicId: a.clinic.id } });
    // a 枝番 longer than the column allows fails the insurance insert inside the transaction
    const input = patientInput();
    await expect(registerPatient({ ...input, duplicateAcknowledged: true, insurance: { ...input.insurance!, branch: '123' as string } }, a.receptionist)).rejects.toThrow(/too long/);
    expect(await db().patient.count({ where: { clinicId: a.clinic.id } })).toBe(before);
  });
});

describe('withdrawPatientRegistration (登録の取消)', () => {
  it('withdraws a duplicate registration: gone from search and charts, kept in the history and the audit trail', async () => {
    const dup = await createPatient(a.receptionist, { familyName: '重複', givenName: '登録', familyNameKana: 'ジュウフク', givenNameKana: 'トウロク' });
    expect((await searchPatients({ q: 'ジュウフクトウロク', limit: 20 }, a.receptionist)).map((p) => p.id)).toEqual([dup.id]);
    await withdrawPatientRegistration({ patientId: dup.id, expectedVersion: dup.version, reason: '二重登録' }, a.receptionist);

    expect(await searchPatients({ q: 'ジュウフクトウロク', limit: 20 }, a.receptionist)).toEqual([]);
    await expectCode(getPatient(dup.id, a.doctor), 'NOT_FOUND');
    const row = await db().patient.findFirstOrThrow({ where: { clinicId: a.clinic.id, id: dup.id } });
    expect(row.deletedAt).not.toBeNull();
    expect(row.deletedById).toBe(a.receptionist.userId);
    const revision = await db().patientRevision.findFirstOrThrow({ where: { clinicId: a.clinic.id, patientId: dup.id, changeType: 'delete' } });
    expect(revision).toMatchObject({ version: 2, reason: '二重登録', changedById: a.receptionist.userId });
    const audit = await auditEventsFor(a.clinic.id, { action: 'delete', patientId: dup.id });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ resourceType: 'patient', resourceId: dup.id, outcome: 'success' });
  });

  it('is refused once the patient has a clinical record or a visit that was not cancelled', async () => {
    const charted = await createPatient(a.receptionist);
    await createNote(createNoteSchema.parse({ patientId: charted.id, subjective: '頭痛' }), a.doctor);
    await expectCode(withdrawPatientRegistration({ patientId: charted.id, expectedVersion: charted.version, reason: '誤登録' }, a.receptionist), 'PRECONDITION_FAILED');

    const visited = await createPatient(a.receptionist);
    const { visitId } = await checkIn({ patientId: visited.id }, a.receptionist);
    await expectCode(withdrawPatientRegistration({ patientId: visited.id, expectedVersion: visited.version, reason: '誤登録' }, a.receptionist), 'PRECONDITION_FAILED');
    // a mistaken check-in is cancelled first; then the registration can go
    await changeVisitStatus({ visitId, status: 'cancelled' }, a.receptionist);
    await withdrawPatientRegistration({ patientId: visited.id, expectedVersion: visited.version, reason: '誤登録' }, a.receptionist);
    await expectCode(getPatient(visited.id, a.receptionist), 'NOT_FOUND');
    expect((await getPatient(charted.id, a.doctor)).id).toBe(charted.id);
  });

  it('refuses a stale version, another clinic, a clinic_admin, and an empty reason; nothing changes', async () => {
    const p = await createPatient(a.receptionist);
    await updatePatient({ ...patientInput(), patientId: p.id, expectedVersion: p.version, phone: '03-0000-1111' }, a.receptionist);
    await expectCode(withdrawPatientRegistration({ patientId: p.id, expectedVersion: p.version, reason: '誤登録' }, a.receptionist), 'CONFLICT');
    await expectCode(withdrawPatientRegistration({ patientId: p.id, expectedVersion: p.version + 1, reason: '誤登録' }, b.receptionist), 'NOT_FOUND');
    await expectCode(withdrawPatientRegistration({ patientId: p.id, expectedVersion: p.version + 1, reason: '誤登録' }, a.admin), 'FORBIDDEN');
    expect(withdrawPatientSchema.safeParse({ patientId: p.id, expectedVersion: 2, reason: ' ' }).error?.issues[0]?.message).toBe('取消理由を入力してください。');
    expect((await getPatient(p.id, a.receptionist)).version).toBe(p.version + 1);
    expect(await auditEventsFor(a.clinic.id, { action: 'delete', patientId: p.id })).toEqual([]);
  });
});

describe('likely duplicates at registration', () => {
  const endo = { familyName: '遠藤', givenName: '恵子', familyNameKana: 'エンドウ', givenNameKana: 'ケイコ', sex: 'female' as const, birthDate: '1961-08-20', phone: '03-5555-0101' };

  it('refuses a second 遠藤 恵子 with the same kana and birth date until the desk confirms it is another person', async () => {
    const clinic = await clinicWithStaff();
    const first = await createPatient(clinic.receptionist, { ...endo, duplicateAcknowledged: false });
    await expect(registerPatient({ ...patientInput(endo) }, clinic.receptionist)).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining(`No.${first.patientNumber} 遠藤 恵子`) });
    // the same birth date and phone under a misspelt name is caught too
    await expect(registerPatient({ ...patientInput({ ...endo, familyNameKana: 'エントウ', familyName: '遠東' }) }, clinic.receptionist)).rejects.toMatchObject({ code: 'CONFLICT' });
    const found = await findLikelyDuplicates({ ...endo, familyNameKana: 'えんどう', givenNameKana: 'けいこ' }, clinic.receptionist);
    expect(found.map((p) => p.id)).toEqual([first.id]);
    // another birth date is another person; a confirmed second registration goes through
    expect(await findLikelyDuplicates({ ...endo, birthDate: '1961-08-21', phone: undefined }, clinic.receptionist)).toEqual([]);
    const second = await registerPatient({ ...patientInput(endo), duplicateAcknowledged: true }, clinic.receptionist);
    expect(second.patientNumber).toBe(first.patientNumber + 1);
  });
});
