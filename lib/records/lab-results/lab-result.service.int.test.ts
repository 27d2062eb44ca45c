import { beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '@/lib/core/app-error';
import { db } from '@/lib/core/db';
import { auditEventsFor, auditMark, clinicWithStaff, createPatient } from '@/tests/helpers/factories';
import { labEntrySchema, type LabEntryInput } from './lab-entry.schema';
import {
  correctLabResult,
  getLabResultHistory,
  getLabTable,
  getLabTrend,
  importLabCsv,
  listLatestLabs,
  markLabResultEnteredInError,
  recordLabResults,
} from './lab-result.service';

type Staff = Awaited<ReturnType<typeof clinicWithStaff>>;
type Patient = Awaited<ReturnType<typeof createPatient>>;
let a: Staff;
let b: Staff;
let male: Patient;
let female: Patient;

beforeAll(async () => {
  [a, b] = await Promise.all([clinicWithStaff(), clinicWithStaff()]);
  male = await createPatient(a.receptionist, { sex: 'male' });
  female = await createPatient(a.receptionist, { familyName: '佐藤', givenName: '花子', familyNameKana: 'サトウ', givenNameKana: 'ハナコ', sex: 'female' });
});

const expectCode = async (p: Promise<unknown>, code: string) => {
  await expect(p).rejects.toBeInstanceOf(AppError);
  await expect(p).rejects.toMatchObject({ code });
};

const entry = (input: Omit<LabEntryInput, 'collectedAt' | 'specimen'> & Partial<Pick<LabEntryInput, 'collectedAt' | 'specimen'>>) =>
  labEntrySchema.parse({ collectedAt: '2025-04-01T09:30', specimen: '血清', ...input });

const rowsOf = (patientId: string) => db().labResult.findMany({ where: { patientId }, orderBy: [{ itemKey: 'asc' }, { version: 'asc' }] });

describe('recordLabResults (manual entry)', () => {
  it('flags Hb by sex and stores JLAC10, local code, range, specimen and JST→UTC time', async () => {
    const [m] = await recordLabResults(entry({ patientId: male.id, items: [{ itemKey: 'Hb', value: '13.0', specimen: '全血' }] }), a.nurse);
    const [f] = await recordLabResults(entry({ patientId: female.id, items: [{ itemKey: 'Hb', value: '13.0', specimen: '全血' }] }), a.nurse);
    expect(m).toMatchObject({ flag: 'L', referenceLow: 13.7, referenceHigh: 16.8, jlac10: '2A030000001930901', localCode: 'Hb', itemName: 'ヘモグロビン', unit: 'g/dL', specimen: '全血', specimenCode: '019', source: 'manual', status: 'final', version: 1 });
    expect(f).toMatchObject({ flag: 'N', referenceLow: 11.6, referenceHigh: 14.8 });
    expect(m!.clinsDisplay).toBe('Hb');
    expect(m!.collectedAt).toBe('2025-04-01T00:30:00.000Z');
    const stored = await db().labResult.findFirstOrThrow({ where: { id: m!.id } });
    expect(stored.recordedById).toBe(a.nurse.userId);
    expect(stored.lineageId).toBe(stored.id);
    expect(Number(stored.valueNumber)).toBe(13);
    const audit = await auditEventsFor(a.clinic.id, { action: 'create', patientId: male.id, resourceType: 'lab_result' });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ resourceId: m!.id, detail: { intent: 'create', lineageId: m!.id, version: 1, status: 'final', previousId: null, source: 'manual' } });
    // The audit names what was recorded, never the result value itself.
    expect(Object.keys(audit[0]!.detail as object).sort()).toEqual(['intent', 'lineageId', 'previousId', 'source', 'status', 'version', 'visitId']);
    expect(JSON.stringify(audit[0]!.detail)).not.toContain('13.0');
  });

  it('stores several items of one collection, qualitative infection items normalised and flagged', async () => {
    const p = await createPatient(a.receptionist);
    const saved = await recordLabResults(
      entry({ patientId: p.id, collectedAt: '2025-05-10T08:00', items: [{ itemKey: 'AST', value: '45' }, { itemKey: 'HBsAg', value: '(+)' }, { itemKey: 'HCVAb', value: '-' }] }),
      a.doctor,
    );
    expect(saved.map((s) => [s.itemKey, s.valueNumber, s.valueText, s.flag])).toEqual([
      ['AST', 45, null, 'H'],
      ['HBsAg', null, '陽性', 'H'],
      ['HCVAb', null, '陰性', 'N'],
    ]);
    expect(saved[1]).toMatchObject({ jlac10: '5F016141002399811', referenceText: '陰性', clinsDisplay: 'HBs抗原(定性)' });
    expect(new Set(saved.map((s) => s.collectedAt))).toEqual(new Set(['2025-05-09T23:00:00.000Z']));
  });

  it('rejects a bad value with a Japanese message and writes nothing of the batch', async () => {
    const p = await createPatient(a.receptionist);
    const bad = labEntrySchema.safeParse({ patientId: p.id, collectedAt: '2025-04-01T09:30', specimen: '血清', items: [{ itemKey: 'AST', value: 'abc' }] });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0]!.message).toContain('数値で入力してください');
    // the second item fails inside the transaction, after the first was inserted
    const e = entry({ patientId: p.id, items: [{ itemKey: 'AST', value: '20' }, { itemKey: 'ALT', value: '-5' }] });
    const err = await recordLabResults(e, a.nurse).catch((x) => x);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: 'INVALID_INPUT', fieldErrors: { 'items.1.value': 'ALT(GPT)の結果値は0以上で入力してください' } });
    const urine = entry({ patientId: p.id, items: [{ itemKey: 'Hb', value: '14', specimen: '尿' }] });
    await expectCode(recordLabResults(urine, a.nurse), 'INVALID_INPUT');
    const future = entry({ patientId: p.id, collectedAt: '2099-01-01T00:00', items: [{ itemKey: 'AST', value: '20' }] });
    await expect(recordLabResults(future, a.nurse)).rejects.toThrow('未来');
    expect(await rowsOf(p.id)).toHaveLength(0);
  });

  it('is refused to a receptionist and to another clinic', async () => {
    const since = await auditMark(a.clinic.id);
    const e = entry({ patientId: male.id, items: [{ itemKey: 'AST', value: '20' }] });
    await expectCode(recordLabResults(e, a.receptionist), 'FORBIDDEN');
    await expectCode(recordLabResults(e, b.nurse), 'NOT_FOUND');
    const denied = await auditEventsFor(a.clinic.id, { action: 'permission_denied' }, since);
    expect(denied.some((d) => d.userId === a.receptionist.userId)).toBe(true);
    expect(await db().labResult.count({ where: { patientId: male.id, itemKey: 'AST' } })).toBe(0);
  });
});

describe('versions (訂正・取消)', () => {
  it('correction creates v2 keeping v1; entered-in-error is v3; final rows are immutable', async () => {
    const p = await createPatient(a.receptionist);
    const [v1] = await recordLabResults(entry({ patientId: p.id, items: [{ itemKey: 'CRE', value: '1.50' }] }), a.nurse);
    expect(v1!.flag).toBe('H');
    const v2 = await correctLabResult({ id: v1!.id, value: '0.95', reason: '転記ミス' }, a.doctor);
    expect(v2).toMatchObject({ lineageId: v1!.lineageId, version: 2, isLatest: true, valueNumber: 0.95, flag: 'N', changeReason: '転記ミス', referenceLow: 0.65 });
    const old = await db().labResult.findFirstOrThrow({ where: { id: v1!.id } });
    expect(old.isLatest).toBe(false);
    expect(old.supersededAt).not.toBeNull();
    expect(Number(old.valueNumber)).toBe(1.5);
    await expectCode(correctLabResult({ id: v1!.id, value: '1.0', reason: '再訂正' }, a.doctor), 'CONFLICT');
    await expectCode(correctLabResult({ id: v2.id, value: 'abc', reason: 'x' }, a.doctor), 'INVALID_INPUT');

    const v3 = await markLabResultEnteredInError({ id: v2.id, reason: '別患者の結果' }, a.nurse);
    expect(v3).toMatchObject({ version: 3, status: 'entered_in_error', valueNumber: 0.95 });
    const history = await getLabResultHistory(v1!.id, a.doctor);
    expect(history.map((h) => [h.version, h.status, h.isLatest])).toEqual([[3, 'entered_in_error', true], [2, 'final', false], [1, 'final', false]]);
    expect(await listLatestLabs(p.id, a.doctor)).toEqual([]);
    await expectCode(markLabResultEnteredInError({ id: v3.id, reason: 'x' }, a.nurse), 'PRECONDITION_FAILED');

    await expect(db().labResult.update({ where: { clinicId_id: { clinicId: a.clinic.id, id: v2.id } }, data: { valueNumber: 2 } })).rejects.toThrow(/is final \(確定\) and cannot be modified/);
    await expect(db().labResult.delete({ where: { clinicId_id: { clinicId: a.clinic.id, id: v2.id } } })).rejects.toThrow(/is not a draft and cannot be deleted/);
    expect(Number((await db().labResult.findFirstOrThrow({ where: { id: v2.id } })).valueNumber)).toBe(0.95);

    const updates = await auditEventsFor(a.clinic.id, { patientId: p.id, resourceType: 'lab_result' });
    expect(updates.map((u) => u.action)).toEqual(expect.arrayContaining(['create', 'update', 'delete']));
    await expectCode(correctLabResult({ id: v2.id, value: '1', reason: 'x' }, b.doctor), 'NOT_FOUND');
    await expectCode(correctLabResult({ id: v2.id, value: '1', reason: 'x' }, a.receptionist), 'FORBIDDEN');
  });
});

describe('reads: latest, trend, table', () => {
  let p: Patient;
  beforeAll(async () => {
    p = await createPatient(a.receptionist, { sex: 'female' });
    await recordLabResults(entry({ patientId: p.id, collectedAt: '2025-01-10T09:00', items: [{ itemKey: 'HbA1c', value: '6.5', specimen: '全血' }, { itemKey: 'ALT', value: '30' }] }), a.nurse);
    await recordLabResults(entry({ patientId: p.id, collectedAt: '2025-02-10T09:00', items: [{ itemKey: 'HbA1c', value: '6.0', specimen: '全血' }] }), a.nurse);
    await recordLabResults(entry({ patientId: p.id, collectedAt: '2025-03-10T09:00', items: [{ itemKey: 'HbA1c', value: '5.8', specimen: '全血' }, { itemKey: 'ALT', value: '5' }] }), a.nurse);
  });

  it('latest per item with flags, in code-set order', async () => {
    const latest = await listLatestLabs(p.id, a.nurse);
    expect(latest.map((l) => [l.itemKey, l.valueDisplay, l.flag, l.collectedDate])).toEqual([
      ['ALT', '5', 'L', '2025-03-10'],
      ['HbA1c', '5.8', 'N', '2025-03-10'],
    ]);
    const reads = await auditEventsFor(a.clinic.id, { action: 'read', patientId: p.id, resourceType: 'lab_result' });
    expect(reads.some((r) => (r.detail as { view?: string }).view === 'latest')).toBe(true);
  });

  it('trend: series per item with the range for the patient sex', async () => {
    const trend = await getLabTrend(p.id, ['ALT', 'HbA1c', 'CRP'], a.doctor);
    expect(trend.map((t) => t.itemKey)).toEqual(['ALT', 'HbA1c', 'CRP']);
    expect(trend[0]).toMatchObject({ itemName: 'ALT(GPT)', unitDisplay: 'U/L', numeric: true, reference: { low: 7, high: 23 }, referenceLabel: '7–23' });
    expect(trend[0]!.points.map((x) => [x.value, x.flag])).toEqual([[30, 'H'], [5, 'L']]);
    expect(trend[1]!.points.map((x) => x.value)).toEqual([6.5, 6.0, 5.8]);
    expect(trend[2]!.points).toEqual([]);
  });

  it('table: dates newest first × items, limited', async () => {
    const table = await getLabTable(p.id, undefined, a.doctor, { limitDates: 2 });
    expect(table.dates).toEqual(['2025-03-10', '2025-02-10']);
    expect(table.rows.map((r) => [r.itemKey, r.cells.map((c) => c?.valueDisplay ?? null)])).toEqual([
      ['ALT', ['5', null]],
      ['HbA1c', ['5.8', '6.0']],
    ]);
    const only = await getLabTable(p.id, ['ALT'], a.doctor);
    expect(only.dates).toEqual(['2025-03-10', '2025-01-10']);
    expect(only.rows[0]!.cells.map((c) => c?.flag)).toEqual(['L', 'H']);
  });

  it('another clinic gets NOT_FOUND, a receptionist FORBIDDEN', async () => {
    await expectCode(getLabTrend(p.id, ['ALT'], b.doctor), 'NOT_FOUND');
    await expectCode(getLabTable(p.id, undefined, b.doctor), 'NOT_FOUND');
    await expectCode(listLatestLabs(p.id, b.nurse), 'NOT_FOUND');
    await expectCode(listLatestLabs(p.id, a.receptionist), 'FORBIDDEN');
    await expectCode(getLabTrend(p.id, ['ALT'], a.admin), 'FORBIDDEN');
  });
});

describe('importLabCsv', () => {
  const header = '患者番号,採取日時,項目コード,項目名,結果値,単位,基準値下限,基準値上限,材料,検査会社';

  it('previews without writing, then commits only the clinic’s patients; clinic B is untouched', async () => {
    const pa = await createPatient(a.receptionist, { sex: 'male' });
    const pb = await createPatient(b.receptionist, { sex: 'male' });
    // a number that exists only in clinic B
    const onlyInB = pb.patientNumber + 1000;
    const pbOnly = await db().patient.update({ where: { clinicId_id: { clinicId: b.clinic.id, id: pb.id } }, data: { patientNumber: onlyInB } });
    const csv = [
      header,
      `${pa.patientNumber},2025-04-01 09:30,3B035000002327201,AST(GOT),25,U/L,13,30,血清,サンプル検査センター`,
      `${pa.patientNumber},2025-04-01 09:30,L0102,GPT,45,U/L,,,血清,サンプル検査センター`,
      `${pa.patientNumber},2025-04-01 09:30,L0900,eGFR,65.2,mL/min/1.73m2,60,,血清,サンプル検査センター`,
      `${pa.patientNumber},2025-04-01 09:30,5F016141002399811,HBs抗原,(-),,,,血清,サンプル検査センター`,
      `${pbOnly.patientNumber},2025-04-01 09:30,3B035000002327201,AST(GOT),99,U/L,13,30,血清,サンプル検査センター`,
      `${pa.patientNumber},2025-04-31 09:30,3B035000002327201,AST(GOT),25,U/L,13,30,血清,サンプル検査センター`,
      `${pa.patientNumber},2025-04-01 09:30,3A015000002327101,アルブミン,40,g/L,,,血清,サンプル検査センター`,
    ].join('\r\n');
    const content = Buffer.from(csv, 'utf8').toString('base64');

    const preview = await importLabCsv({ fileName: 'result.csv', content, contentEncoding: 'base64', mode: 'preview' }, a.nurse);
    expect(preview.mode).toBe('preview');
    expect(preview.writtenCount).toBe(0);
    expect(preview.rows.map((r) => [r.line, r.itemKey, r.valueDisplay, r.flag])).toEqual([
      [2, 'AST', '25', 'N'],
      [3, 'ALT', '45', 'H'],
      [4, 'local:L0900', '65.2', 'N'],
      [5, 'HBsAg', '陰性', 'N'],
    ]);
    expect(preview.rows[1]).toMatchObject({ matchedBy: 'name', jlac10: '3B045000002327201', localCode: 'L0102', referenceLabel: '10–42', patientName: `${pa.familyName} ${pa.givenName}` });
    expect(preview.errors.map((e) => e.line)).toEqual([6, 7, 8]);
    expect(preview.errors[0]!.message).toBe(`6行目: 患者番号「${pbOnly.patientNumber}」の患者がこの医療機関に見つかりません`);
    expect(preview.errors[2]!.message).toContain('単位「g/L」');
    expect(await rowsOf(pa.id)).toHaveLength(0);

    const beforeB = await db().labResult.count({ where: { clinicId: b.clinic.id } });
    const committed = await importLabCsv({ fileName: 'result.csv', content, contentEncoding: 'base64', mode: 'commit' }, a.nurse);
    expect(committed.writtenCount).toBe(4);
    expect(committed.importBatchId).toBeTruthy();
    const stored = await rowsOf(pa.id);
    expect(stored).toHaveLength(4);
    expect(stored.every((r) => r.source === 'csv' && r.importBatchId === committed.importBatchId && r.performer === 'サンプル検査センター' && r.visitId === null)).toBe(true);
    const egfr = stored.find((r) => r.itemKey === 'local:L0900')!;
    expect(egfr).toMatchObject({ jlac10: null, localCode: 'L0900', itemName: 'eGFR', unit: 'mL/min/1.73m2' });
    expect(await db().labResult.count({ where: { clinicId: b.clinic.id } })).toBe(beforeB);
    expect(await rowsOf(pbOnly.id)).toHaveLength(0);

    const imports = await auditEventsFor(a.clinic.id, { action: 'import' });
    expect(imports.at(-1)).toMatchObject({ resourceType: 'lab_result_import', resourceId: committed.importBatchId });
    expect(imports.at(-1)!.detail).toMatchObject({ written: 4, errorRows: 3 });
    const creates = await auditEventsFor(a.clinic.id, { action: 'create', patientId: pa.id, resourceType: 'lab_result' });
    expect(creates).toHaveLength(4);
    expect(creates.at(-1)!.detail).toMatchObject({ intent: 'create', source: 'csv', importBatchId: committed.importBatchId });

    // importing the same file again writes nothing new
    const again = await importLabCsv({ fileName: 'result.csv', content, contentEncoding: 'base64', mode: 'preview' }, a.nurse);
    expect(again.rows).toHaveLength(0);
    expect(again.errors.filter((e) => e.message.includes('既に登録されています'))).toHaveLength(4);
    await expectCode(importLabCsv({ fileName: 'result.csv', content, contentEncoding: 'base64', mode: 'commit' }, a.nurse), 'INVALID_INPUT');
    expect(await rowsOf(pa.id)).toHaveLength(4);
  });

  it('applies the patient-sex range when the lab sends none, reads Shift_JIS, and is refused to a receptionist', async () => {
    const pf = await createPatient(a.receptionist, { sex: 'female' });
    const csv = `${header}\r\n${pf.patientNumber},2025/04/02,3C015000002327101,クレアチニン,0.90,mg/dL,,,,\r\n`;
    const { default: iconv } = await import('iconv-lite');
    const sjis = iconv.encode(csv, 'cp932').toString('base64');
    const res = await importLabCsv({ fileName: 'sjis.csv', content: sjis, contentEncoding: 'base64', mode: 'commit' }, a.doctor);
    expect(res.encoding).toBe('shift_jis');
    expect(res.rows[0]).toMatchObject({ itemKey: 'CRE', flag: 'H', referenceLabel: '0.46–0.79', specimen: '血清' });
    await expectCode(importLabCsv({ fileName: 'x.csv', content: csv, contentEncoding: 'text', mode: 'preview' }, a.receptionist), 'FORBIDDEN');
  });
});
