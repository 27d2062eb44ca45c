import { beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '@/lib/core/app-error';
import { db } from '@/lib/core/db';
import { todayJst } from '@/lib/core/dates';
import { loadDemoMasters } from '@/lib/masters/demo-masters';
import { auditEventsFor, auditMark, clinicWithStaff, createPatient } from '@/tests/helpers/factories';
import { recordDiagnosisSchema } from './diagnosis.schema';
import {
  listDiagnosesForPatient,
  listDiagnosisHistory,
  recordDiagnosis,
  recordDiagnosisOutcome,
  retractDiagnosis,
  reviseDiagnosis,
  searchDiseaseMaster,
  searchModifierMaster,
  setDiagnosisFlag,
} from './diagnosis.service';

type Staff = Awaited<ReturnType<typeof clinicWithStaff>>;
let a: Staff;
let b: Staff;

// codes from the demo masters (支払基金 b / z)
const HYPERTENSION = '8833421'; // 高血圧症
const BRONCHITIS = '4660009'; // 急性気管支炎
const GASTRITIS = '8830417'; // 胃炎
const ACUTE = '4012'; // 急性 (prefix)
const LEFT = '2049'; // 左 (prefix)
const SUSPECTED = '8002'; // の疑い (suffix)

beforeAll(async () => {
  await loadDemoMasters();
  [a, b] = await Promise.all([clinicWithStaff(), clinicWithStaff()]);
});

const expectCode = async (p: Promise<unknown>, code: string) => {
  const error = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  expect(error).toMatchObject({ code });
};

describe('master search', () => {
  it('finds diseases by kanji and kana and modifiers by name', async () => {
    const byKanji = await searchDiseaseMaster({ q: '高血圧' }, a.doctor);
    expect(byKanji.map((d) => d.code)).toContain(HYPERTENSION);
    const byKana = await searchDiseaseMaster({ q: 'こうけつあつ' }, a.nurse);
    expect(byKana.map((d) => d.code)).toContain(HYPERTENSION);
    const mods = await searchModifierMaster({ q: '疑い' }, a.doctor);
    expect(mods.find((m) => m.code === SUSPECTED)?.position).toBe('suffix');
    await expectCode(searchDiseaseMaster({ q: '高血圧' }, a.receptionist), 'FORBIDDEN');
  });
});

describe('recordDiagnosis', () => {
  it('keeps the codes of a coded diagnosis from the master, defaults the start date to today, and audits', async () => {
    const p = await createPatient(a.receptionist);
    const d = await recordDiagnosis({ patientId: p.id, diseaseCode: HYPERTENSION, isPrimary: true }, a.doctor);
    const master = await db().diseaseMaster.findUnique({ where: { code: HYPERTENSION } });
    expect(d).toMatchObject({
      diseaseCode: HYPERTENSION,
      medisKeyNumber: master!.keyNumber,
      exchangeCode: master!.exchangeCode,
      icd10: master!.icd10,
      baseName: '高血圧症',
      displayName: '高血圧症',
      isCoded: true,
      isPrimary: true,
      isSuspected: false,
      startDate: todayJst(),
      version: 1,
      status: 'final',
      uninformed: false,
      longTermStorage: false,
    });
    expect(master!.keyNumber).toBeTruthy();
    const audit = await auditEventsFor(a.clinic.id, { action: 'create', patientId: p.id, resourceType: 'diagnosis' });
    expect(audit).toHaveLength(1);
    expect(audit[0]!.resourceId).toBe(d.id);
  });

  it('composes the name from prefix and suffix modifiers and keeps 疑い and the 8002 modifier in step', async () => {
    const p = await createPatient(a.receptionist);
    const d = await recordDiagnosis({ patientId: p.id, diseaseCode: GASTRITIS, modifierCodes: [ACUTE, SUSPECTED] }, a.doctor);
    expect(d.displayName).toBe('急性胃炎の疑い');
    expect(d.isSuspected).toBe(true);
    expect(d.modifiers.map((m) => [m.code, m.position])).toEqual([[ACUTE, 'prefix'], [SUSPECTED, 'suffix']]);
    expect(d.modifiers[0]!.keyNumber).toBeTruthy();

    const flagged = await recordDiagnosis({ patientId: p.id, diseaseCode: HYPERTENSION, modifierCodes: [LEFT], isSuspected: true }, a.doctor);
    expect(flagged.displayName).toBe('左高血圧症の疑い');
    expect(flagged.modifiers.map((m) => m.code)).toContain(SUSPECTED);

    const revised = await reviseDiagnosis({ diagnosisId: flagged.id, diseaseCode: HYPERTENSION, modifierCodes: [], isSuspected: false, changeReason: '確定診断' }, a.doctor);
    expect(revised.isSuspected).toBe(false);
    expect(revised.displayName).toBe('高血圧症');
  });

  it('stores free text uncoded', async () => {
    const p = await createPatient(a.receptionist);
    const d = await recordDiagnosis({ patientId: p.id, freeText: '謎の発疹症候群', isSuspected: true }, a.doctor);
    expect(d).toMatchObject({ diseaseCode: null, medisKeyNumber: null, exchangeCode: null, icd10: null, isCoded: false, baseName: '謎の発疹症候群', displayName: '謎の発疹症候群の疑い' });
  });

  it('needs an end date with an outcome, not before the start date, and rejects unknown codes', async () => {
    const p = await createPatient(a.receptionist);
    await expectCode(recordDiagnosis({ patientId: p.id, diseaseCode: BRONCHITIS, outcome: 'cured' }, a.doctor), 'INVALID_INPUT');
    await expectCode(recordDiagnosis({ patientId: p.id, diseaseCode: BRONCHITIS, outcome: 'cured', startDate: '2025-05-10', endDate: '2025-05-01' }, a.doctor), 'INVALID_INPUT');
    await expectCode(recordDiagnosis({ patientId: p.id, diseaseCode: '0000001' }, a.doctor), 'INVALID_INPUT');
    await expectCode(recordDiagnosis({ patientId: p.id }, a.doctor), 'INVALID_INPUT');
    const parsed = recordDiagnosisSchema.safeParse({ patientId: p.id, diseaseCode: BRONCHITIS, outcome: 'cured' });
    expect(parsed.error?.issues[0]?.message).toContain('転帰日');
    const ok = await recordDiagnosis({ patientId: p.id, diseaseCode: BRONCHITIS, startDate: '2025-05-01', outcome: 'cured', endDate: '2025-05-10' }, a.doctor);
    expect(ok).toMatchObject({ outcome: 'cured', outcomeLabel: '治癒', endDate: '2025-05-10', isActive: false });
    expect(await db().diagnosis.count({ where: { clinicId: a.clinic.id, patientId: p.id } })).toBe(1);
  });

  it('cannot be set with flags by the client (strict schema)', async () => {
    const p = await createPatient(a.receptionist);
    await expectCode(recordDiagnosis({ patientId: p.id, diseaseCode: HYPERTENSION, uninformed: true } as never, a.doctor), 'INVALID_INPUT');
    await expectCode(reviseDiagnosis({ diagnosisId: p.id, diseaseCode: HYPERTENSION, changeReason: 'x', longTermStorage: true } as never, a.doctor), 'INVALID_INPUT');
  });

  it('is for doctors only: nurse and receptionist get FORBIDDEN (audited)', async () => {
    const since = await auditMark(a.clinic.id);
    const p = await createPatient(a.receptionist);
    await expectCode(recordDiagnosis({ patientId: p.id, diseaseCode: HYPERTENSION }, a.nurse), 'FORBIDDEN');
    await expectCode(recordDiagnosis({ patientId: p.id, diseaseCode: HYPERTENSION }, a.receptionist), 'FORBIDDEN');
    await expectCode(listDiagnosesForPatient(p.id, a.receptionist), 'FORBIDDEN');
    expect(await db().diagnosis.count({ where: { clinicId: a.clinic.id, patientId: p.id } })).toBe(0);
    const denied = await auditEventsFor(a.clinic.id, { action: 'permission_denied' }, since);
    expect(denied.some((e) => e.userId === a.nurse.userId)).toBe(true);
    expect(await listDiagnosesForPatient(p.id, a.nurse)).toEqual([]);
  });
});

describe('versions', () => {
  it('an edit is a new version; the old one stays, superseded; 取消 is a version with a reason', async () => {
    const p = await createPatient(a.receptionist);
    const v1 = await recordDiagnosis({ patientId: p.id, diseaseCode: BRONCHITIS }, a.doctor);
    const v2 = await reviseDiagnosis({ diagnosisId: v1.id, diseaseCode: BRONCHITIS, isPrimary: true, startDate: '2025-01-02', changeReason: '主病名に変更' }, a.doctor);
    expect(v2).toMatchObject({ lineageId: v1.lineageId, version: 2, isLatest: true, isPrimary: true, changeReason: '主病名に変更' });
    await expectCode(reviseDiagnosis({ diagnosisId: v1.id, diseaseCode: BRONCHITIS, changeReason: '古い画面' }, a.doctor), 'CONFLICT');
    await expectCode(reviseDiagnosis({ diagnosisId: v2.id, diseaseCode: BRONCHITIS, changeReason: '' }, a.doctor), 'INVALID_INPUT');

    const v3 = await recordDiagnosisOutcome({ diagnosisId: v2.id, outcome: 'cured', endDate: '2025-01-20' }, a.doctor);
    expect(v3).toMatchObject({ version: 3, outcome: 'cured', endDate: '2025-01-20' });
    await expectCode(recordDiagnosisOutcome({ diagnosisId: v3.id, outcome: 'cured', endDate: '2024-12-31' }, a.doctor), 'INVALID_INPUT');

    await expectCode(retractDiagnosis({ diagnosisId: v3.id, reason: ' ' }, a.doctor), 'INVALID_INPUT');
    const v4 = await retractDiagnosis({ diagnosisId: v3.id, reason: '別患者への入力' }, a.doctor);
    expect(v4).toMatchObject({ version: 4, status: 'entered_in_error', changeReason: '別患者への入力' });
    await expectCode(reviseDiagnosis({ diagnosisId: v4.id, diseaseCode: BRONCHITIS, changeReason: '復活' }, a.doctor), 'PRECONDITION_FAILED');

    expect(await listDiagnosesForPatient(p.id, a.doctor)).toEqual([]);
    const history = await listDiagnosisHistory(p.id, a.nurse);
    expect(history).toHaveLength(1);
    expect(history[0]!.versions.map((v) => [v.version, v.isLatest])).toEqual([[4, true], [3, false], [2, false], [1, false]]);
    expect(history[0]!.versions[3]!.supersededAt).not.toBeNull();
    const deleted = await auditEventsFor(a.clinic.id, { action: 'delete', patientId: p.id });
    expect(deleted).toHaveLength(1);
  });

  it('audits each version change with the lineage, the version, the previous id and never the values', async () => {
    const p = await createPatient(a.receptionist);
    const v1 = await recordDiagnosis({ patientId: p.id, diseaseCode: GASTRITIS, startDate: '2025-02-01' }, a.doctor);
    const v2 = await reviseDiagnosis({ diagnosisId: v1.id, diseaseCode: GASTRITIS, modifierCodes: [ACUTE], startDate: '2025-02-01', note: '内視鏡予定', changeReason: '修飾語の追加' }, a.doctor);
    const v3 = await recordDiagnosisOutcome({ diagnosisId: v2.id, outcome: 'cured', endDate: '2025-03-01' }, a.doctor);
    const v4 = await setDiagnosisFlag({ diagnosisId: v3.id, flag: 'longTermStorage', value: true }, a.doctor);
    const v5 = await retractDiagnosis({ diagnosisId: v4.id, reason: '誤登録' }, a.doctor);
    const events = await auditEventsFor(a.clinic.id, { patientId: p.id, resourceType: 'diagnosis' });
    const L = v1.lineageId;
    expect(events.map((e) => [e.action, e.resourceId, e.userId, e.detail])).toEqual([
      ['create', v1.id, a.doctor.userId, { intent: 'create', lineageId: L, version: 1, status: 'final', previousId: null, coded: true }],
      ['update', v2.id, a.doctor.userId, { intent: 'version', lineageId: L, version: 2, status: 'final', previousId: v1.id, changedFields: ['displayName', 'modifiers', 'note'] }],
      ['update', v3.id, a.doctor.userId, { intent: 'version', lineageId: L, version: 3, status: 'final', previousId: v2.id, outcome: 'cured' }],
      ['update', v4.id, a.doctor.userId, { intent: 'flag', lineageId: L, version: 4, status: 'final', previousId: v3.id, flag: 'longTermStorage', value: true }],
      ['delete', v5.id, a.doctor.userId, { intent: 'cancel', lineageId: L, version: 5, status: 'entered_in_error', previousId: v4.id }],
    ]);
    expect([v2.recordedById, v5.recordedById, v5.longTermStorage, v5.outcome]).toEqual([a.doctor.userId, a.doctor.userId, true, 'cured']);
    expect(v2.modifiers.map((m) => m.code)).toEqual([ACUTE]);
    expect(v5.modifiers.map((m) => m.code)).toEqual([ACUTE]);
    await expect(retractDiagnosis({ diagnosisId: v4.id, reason: '古い画面' }, a.doctor)).rejects.toThrow('この傷病名は他の職員が先に更新しました。画面を再読み込みしてから操作し直してください。');
    await expect(retractDiagnosis({ diagnosisId: v5.id, reason: 'もう一度' }, a.doctor)).rejects.toThrow('この傷病名は取り消されています。');

    await listDiagnosisHistory(p.id, a.doctor);
    const reads = await auditEventsFor(a.clinic.id, { action: 'read', patientId: p.id, resourceType: 'diagnosis_history' });
    expect(reads.map((e) => e.detail)).toEqual([{ count: 5 }]);
  });

  it('a final row cannot be changed in place (DB trigger)', async () => {
    const p = await createPatient(a.receptionist);
    const d = await recordDiagnosis({ patientId: p.id, diseaseCode: HYPERTENSION }, a.doctor);
    await expect(db().diagnosis.update({ where: { clinicId_id: { clinicId: a.clinic.id, id: d.id } }, data: { displayName: '改ざん' } })).rejects.toThrow(/is final \(確定\) and cannot be modified/);
    await expect(db().diagnosis.update({ where: { clinicId_id: { clinicId: a.clinic.id, id: d.id } }, data: { uninformed: true } })).rejects.toThrow(/is final \(確定\) and cannot be modified/);
    await expect(db().diagnosis.delete({ where: { clinicId_id: { clinicId: a.clinic.id, id: d.id } } })).rejects.toThrow(/is not a draft and cannot be deleted/);
    const row = await db().diagnosis.findFirst({ where: { id: d.id } });
    expect(row).toMatchObject({ displayName: '高血圧症', uninformed: false });
  });

  it('lists active diagnoses first with 主病名 on top, then resolved ones', async () => {
    const p = await createPatient(a.receptionist);
    const resolved = await recordDiagnosis({ patientId: p.id, diseaseCode: BRONCHITIS, startDate: '2025-01-01', outcome: 'cured', endDate: '2025-01-15' }, a.doctor);
    const other = await recordDiagnosis({ patientId: p.id, diseaseCode: GASTRITIS }, a.doctor);
    const primary = await recordDiagnosis({ patientId: p.id, diseaseCode: HYPERTENSION, isPrimary: true, startDate: '2020-01-01' }, a.doctor);
    const list = await listDiagnosesForPatient(p.id, a.doctor);
    expect(list.map((d) => d.id)).toEqual([primary.id, other.id, resolved.id]);
    const reads = await auditEventsFor(a.clinic.id, { action: 'read', patientId: p.id, resourceType: 'diagnosis' });
    expect(reads.length).toBeGreaterThan(0);
  });
});

describe('flags (未告知 / 長期保存)', () => {
  it('default false on create and on edit; only a doctor sets them, as a new version with an audit event', async () => {
    const p = await createPatient(a.receptionist);
    const v1 = await recordDiagnosis({ patientId: p.id, diseaseCode: HYPERTENSION }, a.doctor);
    expect([v1.uninformed, v1.longTermStorage]).toEqual([false, false]);
    const v2 = await reviseDiagnosis({ diagnosisId: v1.id, diseaseCode: HYPERTENSION, note: '家庭血圧高め', changeReason: 'メモ追加' }, a.doctor);
    expect([v2.uninformed, v2.longTermStorage, v2.flagsChangedAt]).toEqual([false, false, null]);

    await expectCode(setDiagnosisFlag({ diagnosisId: v2.id, flag: 'uninformed', value: true }, a.nurse), 'FORBIDDEN');
    await expectCode(setDiagnosisFlag({ diagnosisId: v2.id, flag: 'longTermStorage', value: true }, a.nurse), 'FORBIDDEN');
    expect((await listDiagnosesForPatient(p.id, a.doctor))[0]!.id).toBe(v2.id);

    const v3 = await setDiagnosisFlag({ diagnosisId: v2.id, flag: 'uninformed', value: true }, a.doctor);
    expect(v3).toMatchObject({ version: 3, uninformed: true, longTermStorage: false, flagsChangedById: a.doctor.userId });
    expect(v3.flagsChangedAt).not.toBeNull();
    const v4 = await setDiagnosisFlag({ diagnosisId: v3.id, flag: 'longTermStorage', value: true }, a.doctor);
    expect(v4).toMatchObject({ version: 4, uninformed: true, longTermStorage: true });
    const flagEvents = (await auditEventsFor(a.clinic.id, { action: 'update', patientId: p.id })).filter((e) => (e.detail as { flag?: string }).flag);
    expect(flagEvents.map((e) => e.detail)).toEqual([
      expect.objectContaining({ flag: 'uninformed', value: true }),
      expect.objectContaining({ flag: 'longTermStorage', value: true }),
    ]);

    // an ordinary edit keeps what the doctor decided (dropping 未告知 would expose the diagnosis to the patient)
    const v5 = await reviseDiagnosis({ diagnosisId: v4.id, diseaseCode: HYPERTENSION, isPrimary: true, changeReason: '主病名' }, a.doctor);
    expect([v5.uninformed, v5.longTermStorage]).toEqual([true, true]);
    const v6 = await setDiagnosisFlag({ diagnosisId: v5.id, flag: 'uninformed', value: false }, a.doctor);
    expect(v6).toMatchObject({ version: 6, uninformed: false });
  });
});

describe('tenancy', () => {
  it("another clinic's staff get NOT_FOUND and change nothing", async () => {
    const p = await createPatient(a.receptionist);
    const d = await recordDiagnosis({ patientId: p.id, diseaseCode: HYPERTENSION }, a.doctor);
    await expectCode(recordDiagnosis({ patientId: p.id, diseaseCode: HYPERTENSION }, b.doctor), 'NOT_FOUND');
    await expectCode(reviseDiagnosis({ diagnosisId: d.id, diseaseCode: GASTRITIS, changeReason: '越境' }, b.doctor), 'NOT_FOUND');
    await expectCode(recordDiagnosisOutcome({ diagnosisId: d.id, outcome: 'cured', endDate: todayJst() }, b.doctor), 'NOT_FOUND');
    await expectCode(retractDiagnosis({ diagnosisId: d.id, reason: '越境' }, b.doctor), 'NOT_FOUND');
    await expectCode(setDiagnosisFlag({ diagnosisId: d.id, flag: 'uninformed', value: true }, b.doctor), 'NOT_FOUND');
    await expectCode(listDiagnosesForPatient(p.id, b.doctor), 'NOT_FOUND');
    await expectCode(listDiagnosisHistory(p.id, b.doctor), 'NOT_FOUND');
    await expectCode(reviseDiagnosis({ diagnosisId: '00000000-0000-4000-8000-000000000000', diseaseCode: GASTRITIS, changeReason: 'x' }, a.doctor), 'NOT_FOUND');
    const rows = await db().diagnosis.findMany({ where: { lineageId: d.lineageId } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ version: 1, uninformed: false, displayName: '高血圧症' });
  });
});
