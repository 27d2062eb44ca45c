/**
 * 健診入力 (issue 11, ADR 0086): a nurse's own 確定 record of a 健診 visit's items and 問診, on the one write path;
 * a correction is a new version; the 健康診断結果報告書 starts from it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '@/lib/core/app-error';
import { db } from '@/lib/core/db';
import { checkIn } from '@/lib/reception/visit.service';
import { prefillCheckupReport } from '@/lib/records/documents/checkup-report.service';
import { auditEventsFor, auditMark, clinicWithStaff, createPatient } from '@/tests/helpers/factories';
import type { SaveCheckupEntryInput } from './checkup-entry.schema';
import { getCheckupEntryPage, saveCheckupEntry } from './checkup-entry.service';

type Staff = Awaited<ReturnType<typeof clinicWithStaff>>;
let a: Staff;
let b: Staff;

beforeAll(async () => {
  [a, b] = await Promise.all([clinicWithStaff(), clinicWithStaff()]);
});

const expectCode = async (p: Promise<unknown>, code: string) => {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).code).toBe(code);
  return err as AppError;
};

const entry = (patientId: string) => ({
  patientId,
  values: { height: '162.0', weight: '60.5', waist: '82.0', systolic: '128', diastolic: '78', hba1c: '5.6' },
  urineGlucose: '1' as const,
  urineProtein: '2' as const,
  questionnaire: { medBp: '2', smoking: '3', drinking: '5' },
}) satisfies SaveCheckupEntryInput;

describe('健診入力', () => {
  it('is recorded 確定 under the nurse on a 健診 visit, audited without values, and read back with BMI', async () => {
    const p = await createPatient(a.receptionist);
    const visit = await checkIn({ patientId: p.id, visitType: 'checkup' }, a.receptionist);
    expect((await getCheckupEntryPage({ patientId: p.id }, a.nurse))).toMatchObject({ visit: { id: visit.visitId, visitType: 'checkup' }, entry: null });
    const mark = await auditMark(a.clinic.id);
    const saved = await saveCheckupEntry(entry(p.id), a.nurse);
    expect(saved).toMatchObject({
      version: 1, hashVerified: true, bmi: '23.1', urineGlucose: '1', urineProtein: '2', questionnaire: { medBp: '2', smoking: '3', drinking: '5' },
      values: { height: '162', weight: '60.5', waist: '82.0', systolic: '128', diastolic: '78', hba1c: '5.6' },
    });
    const row = (await db().clinicalNote.findFirst({ where: { clinicId: a.clinic.id, id: saved.id } }))!;
    expect(row).toMatchObject({ kind: 'checkup', status: 'final', visitId: visit.visitId, authorId: a.nurse.userId, confirmedById: a.nurse.userId, systolicBp: 128, subjective: '' });
    const events = await auditEventsFor(a.clinic.id, { patientId: p.id, resourceType: 'clinical_note' }, mark);
    expect(events.map((e) => e.action).sort()).toEqual(['confirm', 'create']);
    expect(events.every((e) => (e.detail as Record<string, unknown>).checkup === true)).toBe(true);
    expect(JSON.stringify(events.map((e) => e.detail))).not.toContain('60.5');

    const readMark = await auditMark(a.clinic.id);
    const page = await getCheckupEntryPage({ patientId: p.id }, a.nurse);
    expect(page.entry).toMatchObject({ id: saved.id, bmi: '23.1' });
    expect((await auditEventsFor(a.clinic.id, { patientId: p.id, action: 'read' }, readMark)).length).toBe(1);

    // one entry per 健診 visit: a second one is refused; the recorded one is corrected instead
    await expectCode(saveCheckupEntry(entry(p.id), a.nurse), 'CONFLICT');
  });

  it('refuses invalid values in Japanese, a non-健診 visit, no visit, and another clinic', async () => {
    const p = await createPatient(a.receptionist);
    await expectCode(saveCheckupEntry(entry(p.id), a.nurse), 'PRECONDITION_FAILED');
    await checkIn({ patientId: p.id }, a.receptionist);
    const refused = await expectCode(saveCheckupEntry(entry(p.id), a.nurse), 'PRECONDITION_FAILED');
    expect(refused.message).toContain('健診');

    const q = await createPatient(a.receptionist);
    await checkIn({ patientId: q.id, visitType: 'checkup' }, a.receptionist);
    const invalid = await expectCode(saveCheckupEntry({ patientId: q.id, values: { systolic: '120' } }, a.nurse), 'INVALID_INPUT');
    expect(Object.values(invalid.fieldErrors ?? {})).toContain('血圧は収縮期と拡張期の両方を入力してください。');
    const empty = await expectCode(saveCheckupEntry({ patientId: q.id }, a.nurse), 'INVALID_INPUT');
    expect(Object.values(empty.fieldErrors ?? {})).toContain('健診の項目または問診を1つ以上入力してください。');
    await expectCode(saveCheckupEntry(entry(q.id), b.nurse), 'NOT_FOUND');
    await expectCode(getCheckupEntryPage({ patientId: q.id }, b.nurse), 'NOT_FOUND');
  });

  it('a correction is a new 確定 version with a reason; the report is prefilled from the latest entry', async () => {
    const p = await createPatient(a.receptionist);
    const visit = await checkIn({ patientId: p.id, visitType: 'checkup' }, a.receptionist);
    const v1 = await saveCheckupEntry(entry(p.id), a.nurse);
    const withoutReason = await expectCode(saveCheckupEntry({ ...entry(p.id), noteId: v1.id }, a.nurse), 'INVALID_INPUT');
    expect(withoutReason.message).toContain('修正理由');
    await expectCode(saveCheckupEntry({ ...entry(p.id), noteId: v1.id, changeReason: '再測定' }, b.nurse), 'NOT_FOUND');

    const mark = await auditMark(a.clinic.id);
    const v2 = await saveCheckupEntry({ ...entry(p.id), values: { ...entry(p.id).values, weight: '61.0' }, noteId: v1.id, changeReason: '再測定' }, a.nurse);
    expect(v2).toMatchObject({ lineageId: v1.lineageId, version: 2, changeReason: '再測定', hashVerified: true, values: { weight: '61' } });
    expect((await auditEventsFor(a.clinic.id, { patientId: p.id, resourceType: 'clinical_note' }, mark)).map((e) => e.action).sort()).toEqual(['confirm', 'update']);
    const rows = await db().clinicalNote.findMany({ where: { clinicId: a.clinic.id, lineageId: v1.lineageId }, orderBy: { version: 'asc' } });
    expect(rows.map((r) => [r.version, r.isLatest, Number(r.weightKg)])).toEqual([[1, false, 60.5], [2, true, 61]]);
    // the old version is not corrected again
    await expectCode(saveCheckupEntry({ ...entry(p.id), noteId: v1.id, changeReason: 'x' }, a.nurse), 'CONFLICT');

    const pre = await prefillCheckupReport(p.id, a.doctor);
    expect(pre).toMatchObject({
      examDate: (await db().visit.findFirst({ where: { clinicId: a.clinic.id, id: visit.visitId } }))!.visitDate.toISOString().slice(0, 10),
      entryLineageId: v1.lineageId, urineGlucose: '1', urineProtein: '2', questionnaire: { medBp: '2', smoking: '3', drinking: '5' },
      values: { height: '162', weight: '61', bmi: '23.2', waist: '82.0', systolic: '128', diastolic: '78', hba1c: '5.6' },
    });
    expect(pre.sources.weight).toMatch(/^健診入力（\d{4}\/\d{2}\/\d{2}）$/);
  });
});
