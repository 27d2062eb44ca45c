/**
 * 処方箋 様式第二号 (令和6年): リフィル可 (総使用回数) and 変更不可（医療上必要）/ 患者希望 (docs/decisions/0063), on a real
 * database with real rows of the 支払基金 医薬品マスター (the demo master).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '@/lib/core/app-error';
import { db } from '@/lib/core/db';
import { loadDemoMasters } from '@/lib/masters/demo-masters';
import { getDrugsByCodes } from '@/lib/masters/master-search.repository';
import { auditEventsFor, auditMark, clinicWithStaff, createPatient } from '@/tests/helpers/factories';
import { confirmPrescription, getPrescriptionForPrint, prefillPrescription, savePrescription } from './prescription.service';
import type { PrescriptionItemInput, SavePrescriptionInput } from './prescription.schema';
import { checkRefill, isPoultice } from './refill-check';

const GASTER = '612320350'; // ガスター錠１０ｍｇ: no limit
const MUCOSTA = '620452801'; // ムコスタ錠１００ｍｇ
const DEPAS = '611170513'; // デパス錠０．５ｍｇ: 向精神薬
const OXYCONTIN = '622576301'; // オキシコンチンＴＲ錠５ｍｇ: 麻薬
const FOZEBEL = '622951201'; // フォゼベル錠５ｍｇ: new ingredient, 収載 2023-11-22 (14日 until 2024-12-31)
const LOXONIN_TAPE = '620007812'; // ロキソニンテープ５０ｍｇ: 2649735S…, a 湿布薬
const TULOBUTEROL_TAPE = '620004237'; // ツロブテロールテープ２ｍｇ: 2259707S… (気管支拡張剤), a 貼付剤 but no 湿布薬

type Staff = Awaited<ReturnType<typeof clinicWithStaff>>;
let a: Staff;
let b: Staff;

beforeAll(async () => {
  await loadDemoMasters();
  [a, b] = await Promise.all([clinicWithStaff(), clinicWithStaff()]);
});

const item = (receiptCode: string | undefined, overrides: Partial<PrescriptionItemInput> = {}): PrescriptionItemInput => ({
  rpNumber: 1, kind: 'internal', receiptCode, prescribeByGeneric: false, drugName: '', dose: 2, doseUnit: '錠', doseBasis: 'per_day',
  usageText: '1日2回朝夕食後', days: 14, genericSubstitutionAllowed: true, ...overrides,
});
const tape = (receiptCode: string): PrescriptionItemInput => item(receiptCode, { rpNumber: 2, kind: 'external', dose: 14, doseUnit: '枚', doseBasis: 'total', usageText: '1日1回貼付', days: undefined });

const input = (patientId: string, items: PrescriptionItemInput[], overrides: Partial<SavePrescriptionInput> = {}): SavePrescriptionInput => ({
  patientId, intent: 'confirm', outOfHouse: true, items, duplicateAcknowledged: true, ...overrides,
});

async function refused(p: Promise<unknown>): Promise<AppError> {
  const e = await p.catch((x: unknown) => x);
  expect(e).toBeInstanceOf(AppError);
  expect((e as AppError).code).toBe('INVALID_INPUT');
  return e as AppError;
}

describe('リフィル処方箋', () => {
  it('stores 総使用回数 on the version, prints it, audits it and keeps it through an amendment', async () => {
    const patient = await createPatient(a.receptionist);
    const mark = await auditMark(a.clinic.id);
    const rx = await savePrescription(input(patient.id, [item(GASTER), item(MUCOSTA, { rpNumber: 1 }), tape(TULOBUTEROL_TAPE)], { refillTimes: 3 }), a.doctor);
    expect(rx).toMatchObject({ status: 'final', refillTimes: 3 });
    const [event] = await auditEventsFor(a.clinic.id, { resourceId: rx.id }, mark);
    expect(event!.detail).toMatchObject({ refillTimes: 3 });

    const print = await getPrescriptionForPrint({ patientId: patient.id, prescriptionId: rx.id }, a.doctor);
    expect(print.prescription.refillTimes).toBe(3);

    // an amendment (version 2) says again what it is: the editor seeds the refill from the prefill
    const pre = (await prefillPrescription({ patientId: patient.id, sourceId: rx.id }, a.doctor))!;
    expect(pre.refillTimes).toBe(3);
    const v2 = await savePrescription({ ...input(patient.id, pre.items, { prescriptionId: rx.id, changeReason: '回数の変更', refillTimes: 2 }) }, a.doctor);
    expect(v2).toMatchObject({ version: 2, refillTimes: 2 });
    const plain = await savePrescription(input(patient.id, [item(GASTER)]), a.doctor);
    expect(plain.refillTimes).toBeNull();
  });

  it('refuses a 向精神薬, a 麻薬 and a 湿布薬, naming the drug and the rule; nothing is written', async () => {
    const patient = await createPatient(a.receptionist);
    const psycho = await refused(savePrescription(input(patient.id, [item(GASTER), item(DEPAS, { rpNumber: 2 })], { refillTimes: 2 }), a.doctor));
    expect(psycho.message).toContain('デパス');
    expect(psycho.message).toContain('向精神薬');
    expect(psycho.fieldErrors).toMatchObject({ 'items.1.refill': expect.stringContaining('向精神薬') });
    expect(psycho.fieldErrors!['items.0.refill']).toBeUndefined();

    const narcotic = await refused(savePrescription(input(patient.id, [item(OXYCONTIN)], { refillTimes: 3 }), a.doctor));
    expect(narcotic.fieldErrors!['items.0.refill']).toContain('麻薬');

    const poultice = await refused(savePrescription(input(patient.id, [item(GASTER), tape(LOXONIN_TAPE)], { refillTimes: 2 }), a.doctor));
    expect(poultice.fieldErrors!['items.1.refill']).toBe('湿布薬はリフィル処方箋にできません。');

    // a free-text drug cannot be checked; 院内処方 has no refill; the 総使用回数 is 2 or 3
    const free = await refused(savePrescription(input(patient.id, [item(undefined, { drugName: '院内調製薬A' })], { refillTimes: 2 }), a.doctor));
    expect(free.fieldErrors!['items.0.refill']).toContain('マスターにない薬品');
    const inHouse = await refused(savePrescription(input(patient.id, [item(GASTER)], { refillTimes: 2, outOfHouse: false }), a.doctor));
    expect(inHouse.fieldErrors).toEqual({ refillTimes: 'リフィル処方箋は院外処方に限ります。' });
    const four = await refused(savePrescription(input(patient.id, [item(GASTER)], { refillTimes: 4 }), a.doctor));
    expect(four.fieldErrors!.refillTimes).toBe('リフィルの回数は2回または3回です。');

    expect(await db().prescription.count({ where: { clinicId: a.clinic.id, patientId: patient.id } })).toBe(0);
    // the same drugs without refill are an ordinary prescription
    expect((await savePrescription(input(patient.id, [item(DEPAS)]), a.doctor)).status).toBe('final');
  });

  it('checks again at 確定: a draft that became a refill of a 向精神薬 does not 確定', async () => {
    const patient = await createPatient(b.receptionist);
    const draft = await savePrescription(input(patient.id, [item(DEPAS)], { intent: 'draft' }), b.doctor);
    // a draft is mutable: this stands for a row written before the rule (or around the editor)
    await db().prescription.updateMany({ where: { clinicId: b.clinic.id, id: draft.id }, data: { refillTimes: 2 } });
    const e = await refused(confirmPrescription({ prescriptionId: draft.id, duplicateAcknowledged: true }, b.doctor));
    expect(e.fieldErrors!['items.0.refill']).toContain('向精神薬');
    expect((await db().prescription.findFirst({ where: { clinicId: b.clinic.id, id: draft.id } }))!.status).toBe('draft');
  });

  it('treats a 新医薬品 as unrefillable for a year after listing (by the day asked about)', async () => {
    const during = await checkRefill(db(), a.clinic.id, { outOfHouse: true, items: [{ receiptCode: FOZEBEL, drugName: 'フォゼベル錠５ｍｇ' }] }, '2024-06-01');
    expect(during['items.0.refill']).toBe('新医薬品（薬価収載後1年以内）は投薬量に限度がある医薬品のため、リフィル処方箋にできません。');
    expect(await checkRefill(db(), a.clinic.id, { outOfHouse: true, items: [{ receiptCode: FOZEBEL, drugName: 'フォゼベル錠５ｍｇ' }] }, '2025-01-01')).toEqual({});
  });

  it('recognises 湿布薬 by 薬効分類 264 (not 2646) and 剤形 S only', async () => {
    const drugs = Object.fromEntries((await getDrugsByCodes([LOXONIN_TAPE, TULOBUTEROL_TAPE, GASTER])).map((d) => [d.code, d]));
    expect(isPoultice(drugs[LOXONIN_TAPE]!)).toBe(true);
    expect(isPoultice(drugs[TULOBUTEROL_TAPE]!)).toBe(false);
    expect(isPoultice(drugs[GASTER]!)).toBe(false);
    expect(isPoultice({ yjCode: '2646701S1029', dosageForm: '6' })).toBe(false); // a 副腎皮質ホルモン tape: for skin diseases
  });
});

describe('変更不可（医療上必要）・患者希望', () => {
  it('stores the reason per drug; a reason means 変更不可, and 変更不可 alone means 医療上必要', async () => {
    const patient = await createPatient(a.receptionist);
    const rx = await savePrescription(
      input(patient.id, [
        item(GASTER, { substitutionReason: 'patient' }),
        item(MUCOSTA, { rpNumber: 2, genericSubstitutionAllowed: false }),
        item(DEPAS, { rpNumber: 3, genericSubstitutionAllowed: false, substitutionReason: 'medical' }),
        item(GASTER, { rpNumber: 4 }),
      ]),
      a.doctor,
    );
    expect(rx.items.map((i) => [i.genericSubstitutionAllowed, i.substitutionReason])).toEqual([[false, 'patient'], [false, 'medical'], [false, 'medical'], [true, null]]);
    const rows = await db().prescriptionItem.findMany({ where: { clinicId: a.clinic.id, prescriptionId: rx.id }, orderBy: { rpNumber: 'asc' } });
    expect(rows.map((r) => r.substitutionReason)).toEqual(['patient', 'medical', 'medical', null]);
    const print = await getPrescriptionForPrint({ patientId: patient.id, prescriptionId: rx.id }, a.doctor);
    expect(print.prescription.items[0]!.substitutionReason).toBe('patient');
    // 前回Do carries the choice over
    const pre = (await prefillPrescription({ patientId: patient.id }, a.doctor))!;
    expect(pre.items.map((i) => i.substitutionReason)).toEqual(['patient', 'medical', 'medical', undefined]);
  });

  it('is part of the content hash only when set, so earlier hashes still verify', async () => {
    const { prescriptionContentHash } = await import('./prescription-hash');
    const header = { patientId: 'p', lineageId: 'l', version: 1, issuedDate: new Date('2026-12-01T00:00:00Z'), outOfHouse: true, note: null, authorId: 'd' };
    const line = { rpNumber: 1, kind: 'internal', drugCodeSystem: 'yj', drugCode: 'x', yjCode: 'x', receiptCode: GASTER, drugName: 'ガスター', dose: 2, doseUnit: '錠', doseBasis: 'per_day', usageCode: null, usageText: 'u', days: 14, times: null, genericSubstitutionAllowed: false, comment: null };
    const before = prescriptionContentHash(header, [line]);
    expect(prescriptionContentHash({ ...header, refillTimes: null }, [{ ...line, substitutionReason: null }])).toBe(before);
    expect(prescriptionContentHash(header, [{ ...line, substitutionReason: 'patient' }])).not.toBe(before);
    expect(prescriptionContentHash({ ...header, refillTimes: 2 }, [line])).not.toBe(before);
  });

  it('is refused by the database when a reason comes with 変更可', async () => {
    const patient = await createPatient(a.receptionist);
    const draft = await savePrescription(input(patient.id, [item(GASTER)], { intent: 'draft' }), a.doctor);
    await expect(
      db().prescriptionItem.updateMany({ where: { clinicId: a.clinic.id, prescriptionId: draft.id }, data: { substitutionReason: 'patient' } }),
    ).rejects.toThrow();
    await expect(db().prescription.updateMany({ where: { clinicId: a.clinic.id, id: draft.id }, data: { refillTimes: 5 } })).rejects.toThrow();
  });
});
