/**
 * 投与日数 limits (issue 9 item 4, docs/decisions/0044 and 0045) against real rows of the 支払基金 医薬品マスター
 * (the demo master: rows of y_ALL20240321 as published), on a real database.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '@/lib/core/app-error';
import { db } from '@/lib/core/db';
import { loadDemoMasters } from '@/lib/masters/demo-masters';
import { getDrugsByCodes } from '@/lib/masters/master-search.repository';
import { auditEventsFor, auditMark, clinicWithStaff, createPatient } from '@/tests/helpers/factories';
import { checkDrugOnAdd } from './drug-check.service';
import { listClinicDrugLimits, removeClinicDrugLimit, saveClinicDrugLimit } from './clinic-drug-limit.service';
import { checkItemLimits, newDrugLimitEnds } from './duration-limits';
import { loadDrugLimitInfos } from './limit-check';
import { approvePrescription, confirmPrescription, savePrescription } from './prescription.service';
import type { PrescriptionItemInput } from './prescription.schema';
import { SafetyCheckError } from './safety-check';

// real master rows (医薬品コード): 麻毒区分, 剤形, 薬価基準収載医薬品コード, 薬価基準収載年月日 as in y_ALL20240321
const DEPAS = '611170513'; // デパス錠０．５ｍｇ: 向精神薬, エチゾラム 1179025 → 30日
const SANOREX = '611190062'; // サノレックス錠０．５ｍｇ: 向精神薬, マジンドール (not listed) → 14日
const LANDSEN = '620007132'; // ランドセン錠０．５ｍｇ: 向精神薬, クロナゼパム 1139003 → 90日
const PHENOBAL = '611120063'; // フェノバール錠３０ｍｇ: 向精神薬, フェノバルビタール 1125004 → 90日
const OXYCONTIN = '622576301'; // オキシコンチンＴＲ錠５ｍｇ: 麻薬, オキシコドン 内服 → 30日
const ABSTRAL = '622293501'; // アブストラル舌下錠１００μｇ: 麻薬, フェンタニルクエン酸塩 内服 (30日 only as 外用/注射) → 14日
const FOZEBEL = '622951201'; // フォゼベル錠５ｍｇ: 先発品, new ingredient 2190045, 収載 2023-11-22
const TARLIGE_OD = '622927301'; // タリージェＯＤ錠５ｍｇ: 収載 2023-05-24, a new form of タリージェ (1190026, listed earlier)
const NORVASC = '612170710'; // ノルバスク錠５ｍｇ: no limit

type Staff = Awaited<ReturnType<typeof clinicWithStaff>>;
let a: Staff;
let b: Staff;

beforeAll(async () => {
  await loadDemoMasters();
  [a, b] = await Promise.all([clinicWithStaff(), clinicWithStaff()]);
});

async function legalOn(code: string, asOf: string) {
  const drugs = await getDrugsByCodes([code]);
  expect(drugs).toHaveLength(1);
  return (await loadDrugLimitInfos(db(), a.clinic.id, drugs, asOf)).get(code)!.legal;
}

const item = (receiptCode: string, overrides: Partial<PrescriptionItemInput> = {}): PrescriptionItemInput => ({
  rpNumber: 1, kind: 'internal', receiptCode, prescribeByGeneric: false, drugName: '', dose: 1, doseUnit: '錠', doseBasis: 'per_day',
  usageText: '1日1回就寝前', days: 14, genericSubstitutionAllowed: true, ...overrides,
});

describe('the drug master import carries 麻毒区分 and 薬価基準収載年月日', () => {
  it('stores them from the official columns', async () => {
    const rows = Object.fromEntries((await getDrugsByCodes([DEPAS, OXYCONTIN, TARLIGE_OD, NORVASC, '622669801'])).map((d) => [d.code, d]));
    expect(rows[DEPAS]).toMatchObject({ narcoticClass: '5', listedOn: null });
    expect(rows[OXYCONTIN]).toMatchObject({ narcoticClass: '1' });
    expect(rows[NORVASC]).toMatchObject({ narcoticClass: '0', listedOn: null });
    expect(rows[TARLIGE_OD]).toMatchObject({ narcoticClass: '0', listedOn: '2023-05-24', isGeneric: false });
    expect(rows['622669801']).toMatchObject({ listedOn: null }); // タリージェ錠５ｍｇ: listed before the master's window
  });
});

describe('legal limits (療担規則 第20条, 掲示事項等告示 第十 二)', () => {
  it('向精神薬 and 麻薬: 30 or 90 days for the listed substances by route, 14 for the others', async () => {
    const asOf = '2026-12-05';
    expect(await legalOn(DEPAS, asOf)).toMatchObject({ days: 30, rule: 'psychotropic', label: expect.stringContaining('エチゾラム') });
    expect(await legalOn(SANOREX, asOf)).toMatchObject({ days: 14, rule: 'psychotropic', label: '向精神薬は14日分が上限です' });
    expect(await legalOn(LANDSEN, asOf)).toMatchObject({ days: 90, label: expect.stringContaining('クロナゼパム') });
    expect(await legalOn(PHENOBAL, asOf)).toMatchObject({ days: 90, label: expect.stringContaining('フェノバルビタール') });
    expect(await legalOn(OXYCONTIN, asOf)).toMatchObject({ days: 30, rule: 'narcotic', label: expect.stringContaining('麻薬（オキシコドン塩酸塩を含有する内服薬）') });
    expect(await legalOn(ABSTRAL, asOf)).toMatchObject({ days: 14, rule: 'narcotic', label: '麻薬は14日分が上限です' });
    expect(await legalOn(NORVASC, asOf)).toBeNull();
  });

  it('新医薬品: 14 days until one year from the 1st of the month after 収載, only for a new ingredient', async () => {
    expect(newDrugLimitEnds('2023-11-22')).toBe('2024-11-30');
    expect(newDrugLimitEnds('2023-12-08')).toBe('2024-12-31');
    expect(await legalOn(FOZEBEL, '2023-11-22')).toMatchObject({ days: 14, rule: 'new_drug', label: expect.stringContaining('新医薬品（薬価収載後1年以内') });
    expect(await legalOn(FOZEBEL, '2024-11-30')).toMatchObject({ days: 14, rule: 'new_drug' });
    expect(await legalOn(FOZEBEL, '2024-12-01')).toBeNull();
    // a new form of an ingredient already listed is not taken for a new drug
    expect(await legalOn(TARLIGE_OD, '2023-06-01')).toBeNull();
  });

  it('compares the 日数 of 内服; 頓服 and 全量 without days are shown as not comparable', () => {
    const info = { legal: { days: 30, rule: 'psychotropic' as const, label: '向精神薬は30日分が上限です' }, clinic: null };
    const base = { kind: 'internal', dose: 1, doseBasis: 'per_day', doseUnit: '錠', times: null };
    expect(checkItemLimits(0, 'デパス', { ...base, days: 30 }, info)).toEqual([]);
    expect(checkItemLimits(0, 'デパス', { ...base, days: 31 }, info)).toEqual([expect.objectContaining({ kind: 'exceeds', source: 'legal', message: '向精神薬は30日分が上限です（31日分）。' })]);
    expect(checkItemLimits(0, 'デパス', { ...base, kind: 'as_needed', doseBasis: 'per_time', days: null, times: 60 }, info)).toEqual([expect.objectContaining({ kind: 'unchecked' })]);
  });
});

describe('save, 確定 and add time', () => {
  it('a 確定 over the legal limit needs a reason, which is stored and audited; within the limit nothing is asked', async () => {
    const patient = await createPatient(a.receptionist);
    const over = { patientId: patient.id, intent: 'confirm' as const, outOfHouse: true, items: [item(DEPAS, { days: 31 })] };
    const blocked = savePrescription(over, a.doctor);
    await expect(blocked).rejects.toBeInstanceOf(SafetyCheckError);
    await expect(blocked).rejects.toMatchObject({
      code: 'PRECONDITION_FAILED',
      report: { limits: [expect.objectContaining({ itemIndex: 0, source: 'legal', message: expect.stringContaining('エチゾラムを含有する内服薬）は30日分が上限です（31日分）') })] },
    });
    expect(await db().prescription.count({ where: { clinicId: a.clinic.id, patientId: patient.id } })).toBe(0);

    const since = await auditMark(a.clinic.id);
    const saved = await savePrescription({ ...over, limitOverrideReason: '年末年始の休診（旅程等の特殊の事情）' }, a.doctor);
    expect(saved).toMatchObject({ status: 'final', limitOverrideReason: '年末年始の休診（旅程等の特殊の事情）' });
    const events = await auditEventsFor(a.clinic.id, { patientId: patient.id, resourceType: 'prescription' }, since);
    expect(events.map((e) => e.detail)).toContainEqual(expect.objectContaining({ limitOverride: { itemIndexes: [0], sources: ['legal'], reasonGiven: true } }));
    expect(JSON.stringify(events.map((e) => e.detail))).not.toContain('年末年始');

    const within = await savePrescription({ ...over, items: [item(DEPAS, { days: 30 })], duplicateAcknowledged: true }, a.doctor);
    expect(within).toMatchObject({ status: 'final', limitOverrideReason: null });
  });

  it('a draft saved over the limit is checked again at 確定', async () => {
    const patient = await createPatient(a.receptionist);
    const draft = await savePrescription({ patientId: patient.id, intent: 'draft', outOfHouse: true, items: [item(SANOREX, { days: 28 })], limitOverrideReason: '確認済み' }, a.doctor);
    await expect(confirmPrescription({ prescriptionId: draft.id }, a.doctor)).rejects.toMatchObject({ report: { limits: [expect.objectContaining({ message: '向精神薬は14日分が上限です（28日分）。' })] } });
    expect(await confirmPrescription({ prescriptionId: draft.id, limitOverrideReason: '海外渡航のため' }, a.doctor)).toMatchObject({ status: 'final', limitOverrideReason: '海外渡航のため' });
  });

  it("a 代行入力 over the limit is checked again when the doctor approves, with the doctor's reason", async () => {
    const patient = await createPatient(a.receptionist);
    const pending = await savePrescription(
      { patientId: patient.id, intent: 'draft', outOfHouse: true, responsibleDoctorId: a.doctor.userId, items: [item(OXYCONTIN, { days: 35, doseBasis: 'per_time', dose: 1, usageText: '1日2回12時間毎' })], limitOverrideReason: '医師の指示' },
      a.nurse,
    );
    expect(pending).toMatchObject({ status: 'pending_approval', limitOverrideReason: '医師の指示' });
    await expect(approvePrescription({ prescriptionId: pending.id }, a.doctor)).rejects.toMatchObject({ report: { limits: [expect.objectContaining({ message: expect.stringContaining('30日分が上限です（35日分）') })] } });
    expect(await approvePrescription({ prescriptionId: pending.id, limitOverrideReason: '長期の海外渡航' }, a.doctor)).toMatchObject({ status: 'final', limitOverrideReason: '長期の海外渡航' });
  });

  it("the clinic's maximum: set by the admin (audited, clinic-scoped), shown at add, a reason at 確定", async () => {
    const clinic = await clinicWithStaff();
    await expect(saveClinicDrugLimit({ receiptCode: NORVASC, maxPerDay: 2 }, clinic.doctor)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(saveClinicDrugLimit({ receiptCode: NORVASC }, clinic.admin)).rejects.toMatchObject({ code: 'INVALID_INPUT', message: '1日の上限か1処方の上限を入力してください。' });
    const since = await auditMark(clinic.clinic.id);
    const set = await saveClinicDrugLimit({ receiptCode: NORVASC, maxPerDay: 2, maxPerPrescription: '56' }, clinic.admin);
    expect(set).toMatchObject({ receiptCode: NORVASC, drugName: 'ノルバスク錠５ｍｇ', unit: '錠', maxPerDay: 2, maxPerPrescription: 56 });
    await saveClinicDrugLimit({ receiptCode: NORVASC, maxPerDay: 1 }, clinic.admin);
    const changes = await auditEventsFor(clinic.clinic.id, { action: 'settings_changed', resourceType: 'drug_limit' }, since);
    expect(changes.map((e) => e.detail)).toEqual([
      expect.objectContaining({ before: null, after: { maxPerDay: 2, maxPerPrescription: 56, unit: '錠' } }),
      expect.objectContaining({ before: { maxPerDay: 2, maxPerPrescription: 56, unit: '錠' }, after: { maxPerDay: 1, maxPerPrescription: null, unit: '錠' } }),
    ]);
    expect(await listClinicDrugLimits(a.admin)).toEqual([]); // another clinic sees none of it

    const patient = await createPatient(clinic.receptionist);
    const added = await checkDrugOnAdd({ patientId: patient.id, receiptCode: NORVASC }, clinic.doctor);
    expect(added.limits).toEqual({ legal: null, clinic: { maxPerDay: 1, maxPerPrescription: null, unit: '錠' } });
    const other = await createPatient(b.receptionist);
    expect((await checkDrugOnAdd({ patientId: other.id, receiptCode: NORVASC }, b.doctor)).limits.clinic).toBeNull();

    const rx = { patientId: patient.id, intent: 'confirm' as const, outOfHouse: true, items: [item(NORVASC, { dose: 2, days: 28 })], duplicateAcknowledged: true };
    await expect(savePrescription(rx, clinic.doctor)).rejects.toMatchObject({
      report: { limits: [expect.objectContaining({ source: 'clinic', message: '院内で設定された上限（1日1錠）を超えています（1日2錠）。' })] },
    });
    // another clinic prescribing the same is not held to this clinic's setting
    expect(await savePrescription({ ...rx, patientId: other.id }, b.doctor)).toMatchObject({ status: 'final' });
    expect(await savePrescription({ ...rx, limitOverrideReason: '循環器内科の指示' }, clinic.doctor)).toMatchObject({ status: 'final' });

    await removeClinicDrugLimit({ receiptCode: NORVASC }, clinic.admin);
    expect(await listClinicDrugLimits(clinic.admin)).toEqual([]);
    expect(await savePrescription(rx, clinic.doctor)).toMatchObject({ status: 'final' });
    await expect(removeClinicDrugLimit({ receiptCode: NORVASC }, clinic.admin)).rejects.toBeInstanceOf(AppError);
  });

  it('per prescription: 1回量 × the 用法 1日回数 × 日数', async () => {
    const clinic = await clinicWithStaff();
    await saveClinicDrugLimit({ receiptCode: NORVASC, maxPerPrescription: 30 }, clinic.admin);
    const patient = await createPatient(clinic.receptionist);
    // １日２回朝夕食後 (JAMI 1012040400000000): 1錠 × 2 × 16日 = 32錠
    const twice = item(NORVASC, { dose: 1, doseBasis: 'per_time', usageCode: '1012040400000000', usageText: '', days: 16 });
    await expect(savePrescription({ patientId: patient.id, intent: 'confirm', outOfHouse: true, items: [twice] }, clinic.doctor)).rejects.toMatchObject({
      report: { limits: [expect.objectContaining({ message: '院内で設定された上限（1処方30錠）を超えています（総量32錠）。' })] },
    });
    expect(await savePrescription({ patientId: patient.id, intent: 'confirm', outOfHouse: true, items: [{ ...twice, days: 15 }] }, clinic.doctor)).toMatchObject({ status: 'final' });
  });
});
