import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '@/lib/core/app-error';
import { db } from '@/lib/core/db';
import { loadDemoMasters } from '@/lib/masters/demo-masters';
import type { Actor } from '@/lib/auth/actor';
import { actorFor, auditEventsFor, auditMark, clinicWithStaff, createPatient, createStaffUser } from '@/tests/helpers/factories';
import { checkIn } from '@/lib/reception/visit.service';
import type { PrescriptionItemInput, SavePrescriptionInput } from './prescription.schema';
import {
  approvePrescription,
  confirmPrescription,
  getPrescription,
  getPrescriptionForPrint,
  getPrescriptionPanel,
  listPendingPrescriptionsForDoctor,
  listPrescriptionVersions,
  markPrescriptionEnteredInError,
  prefillPrescription,
  savePrescription,
  searchDrugsForPrescription,
} from './prescription.service';
import { ingredientNameMatch, SafetyCheckError, yjMatch } from './safety-check';

// Demo master drugs (支払基金 医薬品マスター): ロキソニン錠 and a ロキソプロフェン generic share the ingredient 1149019.
const LOXONIN = { receiptCode: '620098801', yj: '1149019F1560' };
const LOXOPROFEN = { receiptCode: '620007150', yj: '1149019F1013' };
const MUCOSTA = { receiptCode: '620452801', yj: '2329021F1102' };
const REBAMIPIDE = { receiptCode: '620009460', yj: '2329021F1013' };
const GASTER = { receiptCode: '612320350', yj: '2325003F2020' };
/** ロキソプロフェンＮａ as a tape: another 薬効分類 and route, so another YJ prefix */
const LOXONIN_TAPE = { receiptCode: '620007812', yj: '2649735S2024' };
const AFTER_MEALS_3 = '1013044400000000';

type Staff = Awaited<ReturnType<typeof clinicWithStaff>>;
let a: Staff;
let b: Staff;
let doctor2: Actor;

beforeAll(async () => {
  await loadDemoMasters();
  [a, b] = await Promise.all([clinicWithStaff(), clinicWithStaff()]);
  doctor2 = actorFor(await createStaffUser(a.clinic.id, 'doctor'));
});

const expectCode = async (p: Promise<unknown>, code: string) => {
  await expect(p).rejects.toBeInstanceOf(AppError);
  await expect(p).rejects.toMatchObject({ code });
};

const item = (drug: { receiptCode: string }, overrides: Partial<PrescriptionItemInput> = {}): PrescriptionItemInput => ({
  rpNumber: 1,
  kind: 'internal',
  receiptCode: drug.receiptCode,
  prescribeByGeneric: false,
  drugName: '',
  dose: 3,
  doseUnit: '錠',
  doseBasis: 'per_day',
  usageCode: AFTER_MEALS_3,
  usageText: '',
  days: 7,
  genericSubstitutionAllowed: true,
  ...overrides,
});

const input = (patientId: string, items: PrescriptionItemInput[], overrides: Partial<SavePrescriptionInput> = {}): SavePrescriptionInput => ({
  patientId,
  intent: 'draft',
  outOfHouse: true,
  items,
  duplicateAcknowledged: false,
  ...overrides,
});

async function addDrugAllergy(actor: Actor, patientId: string, yjCode: string, overrides: { status?: 'final' | 'entered_in_error'; clinicalStatus?: 'active' | 'resolved' } = {}) {
  return db().allergy.create({
    data: {
      clinicId: actor.clinicId,
      lineageId: randomUUID(),
      patientId,
      category: 'medication',
      codeSystem: 'yj',
      code: yjCode,
      yjCode,
      substanceName: 'ロキソプロフェン',
      reaction: '蕁麻疹',
      severity: 'moderate',
      status: overrides.status ?? 'final',
      clinicalStatus: overrides.clinicalStatus ?? 'active',
      recordedById: actor.userId,
    },
  });
}

async function safetyError(p: Promise<unknown>): Promise<SafetyCheckError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(SafetyCheckError);
    expect((e as SafetyCheckError).code).toBe('PRECONDITION_FAILED');
    return e as SafetyCheckError;
  }
  throw new Error('expected a SafetyCheckError');
}

describe('ingredientNameMatch', () => {
  it('matches an ingredient and a substance name that contain one another, after NFKC, and ignores short names', () => {
    expect(ingredientNameMatch('ロキソプロフェンＮａ', 'ロキソプロフェン')).toBe(true);
    expect(ingredientNameMatch('アモキシシリン水和物', 'アモキシシリン')).toBe(true);
    expect(ingredientNameMatch('ロキソプロフェンＮａ', 'ロキソニン')).toBe(false);
    expect(ingredientNameMatch('Na', 'Na')).toBe(false);
    expect(ingredientNameMatch(null, 'ロキソプロフェン')).toBe(false);
  });
});

describe('yjMatch', () => {
  it('matches the same code and the same ingredient (first 7 characters) only', () => {
    expect(yjMatch('1149019F1560', '1149019F1560')).toBe('same_drug');
    expect(yjMatch('1149019F1560', '1149019F1013')).toBe('same_ingredient');
    expect(yjMatch('1149019F1560', '1149018F1013')).toBeNull();
    expect(yjMatch(null, '1149019F1013')).toBeNull();
  });
});

describe('drug search', () => {
  it('finds drugs by brand name and kana for clinical staff, not for reception', async () => {
    const byName = await searchDrugsForPrescription({ q: 'ロキソニン' }, a.doctor);
    expect(byName.some((d) => d.code === LOXONIN.receiptCode && d.yjCode === LOXONIN.yj)).toBe(true);
    const byKana = await searchDrugsForPrescription({ q: 'ろきそにん' }, a.nurse);
    expect(byKana.some((d) => d.code === LOXONIN.receiptCode)).toBe(true);
    await expectCode(searchDrugsForPrescription({ q: 'ロキソニン' }, a.receptionist), 'FORBIDDEN');
  });
});

describe('create and 確定', () => {
  it('a doctor saves a draft, then 確定 stores confirmedBy/At and a content hash, audited', async () => {
    const patient = await createPatient(a.receptionist);
    const draft = await savePrescription(
      input(patient.id, [item(MUCOSTA), item(GASTER, { rpNumber: 2, dose: 1, doseBasis: 'per_time', usageCode: undefined, usageText: '1日2回 朝夕食後', days: 14, genericSubstitutionAllowed: false, comment: '胃部不快時' })], { note: '備考テスト' }),
      a.doctor,
    );
    expect(draft).toMatchObject({ status: 'draft', version: 1, outOfHouse: true, authorId: a.doctor.userId, entererId: a.doctor.userId, contentHash: null });
    expect(draft.items).toHaveLength(2);
    expect(draft.items[0]).toMatchObject({ drugCodeSystem: 'yj', drugCode: MUCOSTA.yj, yjCode: MUCOSTA.yj, receiptCode: MUCOSTA.receiptCode, drugName: 'ムコスタ錠１００ｍｇ', dose: 3, doseBasis: 'per_day', usageCode: AFTER_MEALS_3, usageText: '内服・経口・１日３回朝昼夕食後', days: 7 });
    expect(draft.items[1]).toMatchObject({ rpNumber: 2, usageCode: null, usageText: '1日2回 朝夕食後', doseBasis: 'per_time', genericSubstitutionAllowed: false, comment: '胃部不快時' });

    const final = await confirmPrescription({ prescriptionId: draft.id }, a.doctor);
    expect(final).toMatchObject({ id: draft.id, status: 'final', confirmedById: a.doctor.userId });
    expect(final.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(final.confirmedAt).not.toBeNull();

    const audit = await auditEventsFor(a.clinic.id, { patientId: patient.id, resourceType: 'prescription' });
    expect(audit.map((e) => e.action)).toEqual(['create', 'confirm']);
    await expectCode(confirmPrescription({ prescriptionId: draft.id }, a.doctor), 'CONFLICT');
  });

  it('prescribes by 一般名 when the drug has a 一般名処方コード', async () => {
    const patient = await createPatient(a.receptionist);
    const p = await savePrescription(input(patient.id, [item(LOXONIN, { prescribeByGeneric: true, kind: 'as_needed', doseBasis: 'per_time', dose: 1, days: undefined, times: 5, usageCode: undefined, usageText: '疼痛時' })], { intent: 'confirm' }), a.doctor);
    expect(p.status).toBe('final');
    expect(p.items[0]).toMatchObject({ drugCodeSystem: 'generic', drugCode: '1149019F1ZZZ', yjCode: LOXONIN.yj, kind: 'as_needed', times: 5 });
    expect(p.items[0]!.drugName).toContain('【般】');
  });

  it('rejects a usage code of the wrong kind and a missing 日数 for 内服', async () => {
    const patient = await createPatient(a.receptionist);
    await expectCode(savePrescription(input(patient.id, [item(MUCOSTA, { kind: 'external', doseBasis: 'total' })]), a.doctor), 'INVALID_INPUT');
    await expect(savePrescription(input(patient.id, [item(MUCOSTA, { days: undefined })]), a.doctor)).rejects.toThrow('内服は日数を入力してください。');
    expect(await db().prescription.count({ where: { clinicId: a.clinic.id, patientId: patient.id } })).toBe(0);
  });
});

describe('safety checks', () => {
  it('blocks a drug with the same YJ code as an active drug allergy unless a reason is given (stored, audited)', async () => {
    const patient = await createPatient(a.receptionist);
    const allergy = await addDrugAllergy(a.doctor, patient.id, LOXONIN.yj);
    await addDrugAllergy(a.doctor, patient.id, GASTER.yj, { clinicalStatus: 'resolved' }); // resolved: ignored

    const error = await safetyError(savePrescription(input(patient.id, [item(MUCOSTA), item(LOXONIN)]), a.doctor));
    expect(error.report.allergyConflicts).toEqual([
      expect.objectContaining({ itemIndex: 1, yjCode: LOXONIN.yj, matchType: 'same_drug', allergyLineageId: allergy.lineageId, substanceName: 'ロキソプロフェン' }),
    ]);
    expect(await db().prescription.count({ where: { clinicId: a.clinic.id, patientId: patient.id } })).toBe(0);

    const saved = await savePrescription(input(patient.id, [item(MUCOSTA), item(LOXONIN)], { intent: 'confirm', allergyOverrideReason: '過去の反応は軽微で本人同意済み' }), a.doctor);
    expect(saved).toMatchObject({ status: 'final', allergyOverrideReason: '過去の反応は軽微で本人同意済み' });
    // saved with 確定 at once: one event, the 確定 itself (lib/records/write-path.ts)
    const [created] = await auditEventsFor(a.clinic.id, { patientId: patient.id, action: 'confirm', resourceType: 'prescription' });
    expect(created!.detail).toMatchObject({ allergyOverride: { allergyLineageIds: [allergy.lineageId], reasonGiven: true } });
    expect(JSON.stringify(created!.detail)).not.toContain('本人同意');
  });

  it('blocks the same ingredient by another route, matched by name: an oral loxoprofen allergy and ロキソニンテープ', async () => {
    const patient = await createPatient(a.receptionist);
    const allergy = await addDrugAllergy(a.doctor, patient.id, LOXONIN.yj); // substance name ロキソプロフェン
    expect(yjMatch(LOXONIN.yj, LOXONIN_TAPE.yj)).toBeNull();
    const tape = item(LOXONIN_TAPE, { kind: 'external', doseUnit: '枚', dose: 14, doseBasis: 'total', usageCode: undefined, usageText: '1日1回 腰に貼付', days: undefined });
    const error = await safetyError(savePrescription(input(patient.id, [tape]), a.doctor));
    expect(error.report.allergyConflicts).toEqual([
      expect.objectContaining({ itemIndex: 0, matchType: 'same_ingredient_name', yjCode: LOXONIN_TAPE.yj, allergyLineageId: allergy.lineageId }),
    ]);
    const saved = await savePrescription(input(patient.id, [tape], { allergyOverrideReason: '外用のみ・皮膚症状なし' }), a.doctor);
    // 確定 checks again from the stored items
    await safetyError(confirmPrescription({ prescriptionId: saved.id }, a.doctor));
  });

  it('blocks the same ingredient (first 7 characters of the YJ code), on save and again on 確定', async () => {
    const patient = await createPatient(a.receptionist);
    const draft = await savePrescription(input(patient.id, [item(MUCOSTA)]), a.doctor);
    const allergy = await addDrugAllergy(a.doctor, patient.id, LOXONIN.yj);

    const error = await safetyError(savePrescription(input(patient.id, [item(LOXOPROFEN)], { prescriptionId: draft.id }), a.doctor));
    expect(error.report.allergyConflicts[0]).toMatchObject({ matchType: 'same_ingredient', yjCode: LOXOPROFEN.yj, allergyLineageId: allergy.lineageId });

    // saved with a reason as a draft; 確定 runs the check again and needs the reason again
    await savePrescription(input(patient.id, [item(LOXOPROFEN)], { prescriptionId: draft.id, allergyOverrideReason: '他剤無効のため' }), a.doctor);
    await safetyError(confirmPrescription({ prescriptionId: draft.id }, a.doctor));
    const final = await confirmPrescription({ prescriptionId: draft.id, allergyOverrideReason: '他剤無効のため' }, a.doctor);
    expect(final).toMatchObject({ status: 'final', allergyOverrideReason: '他剤無効のため' });
    const [confirm] = await auditEventsFor(a.clinic.id, { patientId: patient.id, action: 'confirm' });
    expect(confirm!.detail).toMatchObject({ allergyOverride: { allergyLineageIds: [allergy.lineageId] } });
  });

  it('ignores allergies that are not active, not final or of another patient', async () => {
    const patient = await createPatient(a.receptionist);
    const other = await createPatient(a.receptionist);
    await addDrugAllergy(a.doctor, patient.id, LOXONIN.yj, { status: 'entered_in_error' });
    await addDrugAllergy(a.doctor, other.id, LOXONIN.yj);
    const p = await savePrescription(input(patient.id, [item(LOXONIN)], { intent: 'confirm' }), a.doctor);
    expect(p.status).toBe('final');
  });

  it('warns about duplicates within the prescription and with active final prescriptions until acknowledged', async () => {
    const patient = await createPatient(a.receptionist);
    const within = await safetyError(savePrescription(input(patient.id, [item(MUCOSTA), item(REBAMIPIDE, { rpNumber: 2 })]), a.doctor));
    expect(within.report.allergyConflicts).toEqual([]);
    expect(within.report.duplicates).toEqual([expect.objectContaining({ source: 'this_prescription', itemIndex: 1, otherItemIndex: 0, matchType: 'same_ingredient' })]);

    const first = await savePrescription(input(patient.id, [item(MUCOSTA, { days: 14 })], { intent: 'confirm' }), a.doctor);
    const active = await safetyError(savePrescription(input(patient.id, [item(MUCOSTA)], { intent: 'confirm' }), a.doctor));
    expect(active.report.duplicates).toEqual([expect.objectContaining({ source: 'active_prescription', otherPrescriptionId: first.id, matchType: 'same_drug', otherActiveUntil: first.activeUntil })]);

    const ok = await savePrescription(input(patient.id, [item(MUCOSTA)], { intent: 'confirm', duplicateAcknowledged: true }), a.doctor);
    expect(ok).toMatchObject({ status: 'final', duplicateAcknowledged: true });
    const panel = await getPrescriptionPanel(patient.id, a.doctor);
    expect(panel.current.map((p) => p.id).sort()).toEqual([first.id, ok.id].sort());
  });

  it('does not warn about a prescription whose days have run out', async () => {
    const patient = await createPatient(a.receptionist);
    const old = await savePrescription(input(patient.id, [item(GASTER, { days: 3 })], { intent: 'confirm' }), a.doctor);
    // move the issue date back through a draft-free path: a fresh final row dated 10 days ago
    const issued = new Date(Date.now() - 10 * 86_400_000);
    const expired = await db().prescription.create({
      data: {
        clinicId: a.clinic.id, lineageId: randomUUID(), patientId: patient.id, status: 'draft', issuedDate: new Date(`${issued.toISOString().slice(0, 10)}T00:00:00.000Z`),
        authorId: a.doctor.userId, entererId: a.doctor.userId,
      },
    });
    await db().prescriptionItem.create({
      data: { clinicId: a.clinic.id, prescriptionId: expired.id, rpNumber: 1, sortOrder: 1, kind: 'internal', drugCodeSystem: 'yj', drugCode: MUCOSTA.yj, yjCode: MUCOSTA.yj, drugName: 'ムコスタ錠１００ｍｇ', dose: 3, doseUnit: '錠', usageText: '毎食後', days: 7 },
    });
    await db().prescription.update({ where: { clinicId_id: { clinicId: a.clinic.id, id: expired.id } }, data: { status: 'final' } });
    await markPrescriptionEnteredInError({ prescriptionId: old.id, reason: '入力誤り' }, a.doctor);
    const p = await savePrescription(input(patient.id, [item(MUCOSTA), item(GASTER, { rpNumber: 2 })], { intent: 'confirm' }), a.doctor);
    expect(p.status).toBe('final');
  });
});

describe('前回Do and copying a previous prescription', () => {
  it('prefills the last final prescription (items, usage, days); nothing is written until saved', async () => {
    const patient = await createPatient(a.receptionist);
    expect(await prefillPrescription({ patientId: patient.id }, a.doctor)).toBeNull();
    const older = await savePrescription(input(patient.id, [item(GASTER, { days: 28 })], { intent: 'confirm' }), a.doctor);
    const last = await savePrescription(input(patient.id, [item(MUCOSTA, { days: 14 }), item(LOXONIN, { rpNumber: 2, prescribeByGeneric: true, kind: 'as_needed', doseBasis: 'per_time', dose: 1, days: undefined, times: 10, usageCode: undefined, usageText: '疼痛時' })], { intent: 'confirm', duplicateAcknowledged: true }), a.doctor);
    await savePrescription(input(patient.id, [item(GASTER)], { duplicateAcknowledged: true }), a.doctor); // a draft is not 前回

    const prefill = await prefillPrescription({ patientId: patient.id }, a.doctor);
    expect(prefill?.sourceId).toBe(last.id);
    expect(prefill?.items).toEqual([
      expect.objectContaining({ receiptCode: MUCOSTA.receiptCode, usageCode: AFTER_MEALS_3, days: 14, dose: 3, doseBasis: 'per_day', prescribeByGeneric: false }),
      expect.objectContaining({ receiptCode: LOXONIN.receiptCode, prescribeByGeneric: true, kind: 'as_needed', times: 10, usageText: '疼痛時' }),
    ]);
    const copy = await prefillPrescription({ patientId: patient.id, sourceId: older.id }, a.nurse);
    expect(copy?.items[0]).toMatchObject({ receiptCode: GASTER.receiptCode, days: 28 });

    const saved = await savePrescription(input(patient.id, prefill!.items, { duplicateAcknowledged: true }), a.doctor);
    expect(saved.items.map((i) => [i.drugCode, i.days, i.times])).toEqual(last.items.map((i) => [i.drugCode, i.days, i.times]));
    expect(saved.lineageId).not.toBe(last.lineageId);
    expect((await auditEventsFor(a.clinic.id, { patientId: patient.id, action: 'read' })).some((e) => (e.detail as { purpose?: string })?.purpose === 'do')).toBe(true);
  });
});

describe('前回Do continues the running prescription (issue 13)', () => {
  it('copies everything ordered at the last visit; the continuation replaces it and is not 重複投薬, other duplicates still are', async () => {
    const patient = await createPatient(a.receptionist);
    // an older prescription still running (another visit: no visit today yet)
    const older = await savePrescription(input(patient.id, [item(GASTER, { days: 28 })], { intent: 'confirm' }), a.doctor);
    await checkIn({ patientId: patient.id }, a.receptionist);
    // the last visit ordered two prescriptions
    const first = await savePrescription(input(patient.id, [item(MUCOSTA, { days: 14 })], { intent: 'confirm' }), a.doctor);
    const second = await savePrescription(input(patient.id, [item(LOXONIN_TAPE, { kind: 'external', doseBasis: 'per_time', dose: 1, doseUnit: '枚', usageCode: undefined, usageText: '1日1回 腰部に貼付', days: undefined, times: 14 })], { intent: 'confirm' }), a.doctor);
    expect(second.visitId).toBe(first.visitId);

    const prefill = (await prefillPrescription({ patientId: patient.id }, a.doctor))!;
    expect(prefill.continues).toEqual([first.id, second.id]);
    expect(prefill.items.map((i) => [i.receiptCode, i.rpNumber])).toEqual([[MUCOSTA.receiptCode, 1], [LOXONIN_TAPE.receiptCode, 2]]);

    // the same drugs again, continuing: no 重複投薬 warning, 確定 without acknowledging anything
    const mark = await auditMark(a.clinic.id);
    const cont = await savePrescription(input(patient.id, prefill.items, { intent: 'confirm', continues: prefill.continues }), a.doctor);
    expect(cont).toMatchObject({ status: 'final', duplicateAcknowledged: false, continuesLineageIds: [first.lineageId, second.lineageId] });
    const [event] = await auditEventsFor(a.clinic.id, { patientId: patient.id, action: 'confirm', resourceType: 'prescription' }, mark);
    expect(event?.detail).toMatchObject({ continuesLineageIds: [first.lineageId, second.lineageId] });
    // 「現在の処方」: the continued ones are replaced by it; the older one still runs
    const panel = await getPrescriptionPanel(patient.id, a.doctor);
    expect(panel.current.map((p) => p.id).sort()).toEqual([older.id, cont.id].sort());

    // a duplicate of another running prescription is still reported, also with a continuation
    const again = (await prefillPrescription({ patientId: patient.id }, a.doctor))!;
    const dup = await safetyError(savePrescription(input(patient.id, [...again.items, item(GASTER, { rpNumber: 9 })], { intent: 'confirm', continues: again.continues }), a.doctor));
    expect(dup.report.duplicates).toEqual([expect.objectContaining({ source: 'active_prescription', otherPrescriptionId: older.id })]);
    // and without the continuation, the same drugs are duplicates of the running ones
    const plain = await safetyError(savePrescription(input(patient.id, again.items, { intent: 'confirm' }), a.doctor));
    expect(plain.report.duplicates.map((d) => d.otherPrescriptionId)).toContain(cont.id);
  });

  it('a draft or pending continuation keeps what it continues through 確定 and 承認; only this clinic\'s final prescriptions of this patient can be continued', async () => {
    const patient = await createPatient(a.receptionist);
    const running = await savePrescription(input(patient.id, [item(MUCOSTA, { days: 14 })], { intent: 'confirm' }), a.doctor);
    const draft = await savePrescription(input(patient.id, [item(MUCOSTA)], { continues: [running.id] }), a.doctor);
    expect(draft.continuesLineageIds).toEqual([running.lineageId]);
    // edited without naming it again: still continues it
    const edited = await savePrescription(input(patient.id, [item(MUCOSTA, { days: 10 })], { prescriptionId: draft.id }), a.doctor);
    expect(edited.continuesLineageIds).toEqual([running.lineageId]);
    expect(await confirmPrescription({ prescriptionId: draft.id }, a.doctor)).toMatchObject({ status: 'final', duplicateAcknowledged: false });

    const pending = await savePrescription(input(patient.id, [item(MUCOSTA)], { responsibleDoctorId: a.doctor.userId, continues: [draft.id] }), a.nurse);
    expect(await approvePrescription({ prescriptionId: pending.id }, a.doctor)).toMatchObject({ status: 'final', duplicateAcknowledged: false });

    const other = await createPatient(a.receptionist);
    const othersRx = await savePrescription(input(other.id, [item(GASTER)], { intent: 'confirm' }), a.doctor);
    const openDraft = await savePrescription(input(patient.id, [item(GASTER)]), a.doctor);
    // another clinic (its own: clinic b must stay empty for the tenancy test below)
    const c = await clinicWithStaff();
    const bPatient = await createPatient(c.receptionist);
    const bRx = await savePrescription(input(bPatient.id, [item(MUCOSTA)], { intent: 'confirm' }), c.doctor);
    for (const id of [othersRx.id, openDraft.id, bRx.id, randomUUID()]) {
      await expectCode(savePrescription(input(patient.id, [item(MUCOSTA)], { intent: 'confirm', continues: [id] }), a.doctor), 'INVALID_INPUT');
    }
    // clinic B cannot continue clinic A's prescription either
    await expectCode(savePrescription(input(bPatient.id, [item(MUCOSTA)], { continues: [running.id] }), c.doctor), 'INVALID_INPUT');
  });
});

describe('代行入力 (nurse proxy)', () => {
  it('is pending for the named doctor: cannot be 確定d or printed; only that doctor approves', async () => {
    const patient = await createPatient(a.receptionist);
    await expectCode(savePrescription(input(patient.id, [item(MUCOSTA)]), a.nurse), 'INVALID_INPUT');
    const pending = await savePrescription(input(patient.id, [item(MUCOSTA)], { responsibleDoctorId: a.doctor.userId }), a.nurse);
    expect(pending).toMatchObject({ status: 'pending_approval', authorId: a.doctor.userId, entererId: a.nurse.userId, confirmedById: null });

    await expectCode(savePrescription(input(patient.id, [item(MUCOSTA)], { intent: 'confirm', responsibleDoctorId: a.doctor.userId }), a.nurse), 'FORBIDDEN');
    await expectCode(confirmPrescription({ prescriptionId: pending.id }, a.doctor), 'PRECONDITION_FAILED');
    await expectCode(confirmPrescription({ prescriptionId: pending.id }, a.nurse), 'FORBIDDEN');
    await expectCode(getPrescriptionForPrint({ patientId: patient.id, prescriptionId: pending.id }, a.doctor), 'PRECONDITION_FAILED');
    await expectCode(approvePrescription({ prescriptionId: pending.id }, a.nurse), 'FORBIDDEN');
    await expectCode(approvePrescription({ prescriptionId: pending.id }, doctor2), 'FORBIDDEN');

    const queue = await listPendingPrescriptionsForDoctor(a.doctor);
    expect(queue.find((p) => p.id === pending.id)).toMatchObject({ patientName: patient.fullName, entererName: a.nurse.displayName });
    expect((await listPendingPrescriptionsForDoctor(doctor2)).some((p) => p.id === pending.id)).toBe(false);

    const approved = await approvePrescription({ prescriptionId: pending.id }, a.doctor);
    expect(approved).toMatchObject({ status: 'final', approvedById: a.doctor.userId, confirmedById: a.doctor.userId, entererId: a.nurse.userId });
    expect(approved.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(await auditEventsFor(a.clinic.id, { patientId: patient.id, action: 'approve' })).toHaveLength(1);
    const printable = await getPrescriptionForPrint({ patientId: patient.id, prescriptionId: pending.id }, a.doctor);
    expect(printable.prescription.status).toBe('final');
  });

  it('a doctor approving a proxy entry with an allergy match must give the reason', async () => {
    const patient = await createPatient(a.receptionist);
    await addDrugAllergy(a.doctor, patient.id, LOXONIN.yj);
    const pending = await savePrescription(input(patient.id, [item(LOXOPROFEN)], { responsibleDoctorId: a.doctor.userId, allergyOverrideReason: '医師の口頭指示' }), a.nurse);
    expect(pending.status).toBe('pending_approval');
    await safetyError(approvePrescription({ prescriptionId: pending.id }, a.doctor));
    const approved = await approvePrescription({ prescriptionId: pending.id, allergyOverrideReason: '確認済み' }, a.doctor);
    expect(approved).toMatchObject({ status: 'final', allergyOverrideReason: '確認済み' });
  });
});

describe('真正性: versions, immutability, 取消', () => {
  it('a final prescription cannot be changed in the database; an edit is version 2 and both stay readable', async () => {
    const patient = await createPatient(a.receptionist);
    const v1 = await savePrescription(input(patient.id, [item(MUCOSTA)], { intent: 'confirm' }), a.doctor);
    await expect(db().prescription.update({ where: { clinicId_id: { clinicId: a.clinic.id, id: v1.id } }, data: { note: '改ざん' } })).rejects.toThrow(/is final \(確定\) and cannot be modified/);
    await expect(db().prescriptionItem.updateMany({ where: { clinicId: a.clinic.id, prescriptionId: v1.id }, data: { days: 99 } })).rejects.toThrow(/cannot change after it left draft/);
    await expect(db().prescription.delete({ where: { clinicId_id: { clinicId: a.clinic.id, id: v1.id } } })).rejects.toThrow(/is not a draft and cannot be deleted/);

    await expectCode(savePrescription(input(patient.id, [item(MUCOSTA, { days: 14 })], { prescriptionId: v1.id, intent: 'confirm' }), a.doctor), 'INVALID_INPUT');
    await expectCode(savePrescription(input(patient.id, [item(MUCOSTA, { days: 14 })], { prescriptionId: v1.id, changeReason: '日数変更' }), a.doctor), 'PRECONDITION_FAILED');
    const v2 = await savePrescription(input(patient.id, [item(MUCOSTA, { days: 14 })], { prescriptionId: v1.id, intent: 'confirm', changeReason: '日数変更' }), a.doctor);
    expect(v2).toMatchObject({ lineageId: v1.lineageId, version: 2, status: 'final', changeReason: '日数変更', supersedesId: v1.id, isLatest: true });
    expect(v2.items[0]!.days).toBe(14);

    const versions = await listPrescriptionVersions(v2.id, a.doctor);
    expect(versions.map((v) => [v.version, v.isLatest, v.items[0]!.days])).toEqual([[2, true, 14], [1, false, 7]]);
    expect(versions[1]!.supersededAt).not.toBeNull();
    await expectCode(getPrescriptionForPrint({ patientId: patient.id, prescriptionId: v1.id }, a.doctor), 'PRECONDITION_FAILED');
    await expectCode(savePrescription(input(patient.id, [item(MUCOSTA)], { prescriptionId: v1.id, intent: 'confirm', changeReason: 'x' }), a.doctor), 'CONFLICT');
  });

  it('取消 is version n+1 with status entered_in_error and the reason; it cannot be printed', async () => {
    const patient = await createPatient(a.receptionist);
    const v1 = await savePrescription(input(patient.id, [item(GASTER)], { intent: 'confirm' }), a.doctor);
    await expectCode(markPrescriptionEnteredInError({ prescriptionId: v1.id, reason: '誤り' }, a.nurse), 'FORBIDDEN');
    const cancelled = await markPrescriptionEnteredInError({ prescriptionId: v1.id, reason: '別患者に入力' }, a.doctor);
    expect(cancelled).toMatchObject({ version: 2, status: 'entered_in_error', changeReason: '別患者に入力', lineageId: v1.lineageId });
    expect(cancelled!.items).toHaveLength(1);
    await expectCode(getPrescriptionForPrint({ patientId: patient.id, prescriptionId: cancelled!.id }, a.doctor), 'PRECONDITION_FAILED');
    const panel = await getPrescriptionPanel(patient.id, a.doctor);
    expect(panel.current).toEqual([]);
    expect(panel.history.map((p) => p.status)).toEqual(['entered_in_error']);
    expect((await auditEventsFor(a.clinic.id, { patientId: patient.id, action: 'delete' }))[0]!.detail).toMatchObject({ intent: 'cancel', status: 'entered_in_error', previousId: v1.id });
  });

  it('a draft can be discarded', async () => {
    const patient = await createPatient(a.receptionist);
    const draft = await savePrescription(input(patient.id, [item(GASTER)]), a.doctor);
    expect(await markPrescriptionEnteredInError({ prescriptionId: draft.id, reason: '不要' }, a.doctor)).toBeNull();
    expect(await db().prescription.count({ where: { clinicId: a.clinic.id, id: draft.id } })).toBe(0);
  });
});

describe('permissions and tenant isolation', () => {
  it('reception has no access to prescriptions', async () => {
    const patient = await createPatient(a.receptionist);
    const since = await auditMark(a.clinic.id);
    await expectCode(savePrescription(input(patient.id, [item(GASTER)]), a.receptionist), 'FORBIDDEN');
    await expectCode(getPrescriptionPanel(patient.id, a.receptionist), 'FORBIDDEN');
    await expectCode(prefillPrescription({ patientId: patient.id }, a.admin), 'FORBIDDEN');
    // exactly the three denials of this test (not any an earlier test wrote)
    const denied = await auditEventsFor(a.clinic.id, { action: 'permission_denied' }, since);
    expect(denied.map((e) => [e.userId, e.outcome])).toEqual([
      [a.receptionist.userId, 'denied'],
      [a.receptionist.userId, 'denied'],
      [a.admin.userId, 'denied'],
    ]);
  });

  it("a prescription id saved under another patient of the same clinic is NOT_FOUND and changes nothing (issue 9 item 22)", async () => {
    const [patient, other] = [await createPatient(a.receptionist), await createPatient(a.receptionist)];
    const draft = await savePrescription(input(patient.id, [item(GASTER)]), a.doctor);
    const final = await savePrescription(input(patient.id, [item(MUCOSTA)], { intent: 'confirm' }), a.doctor);
    await expectCode(savePrescription(input(other.id, [item(GASTER, { days: 14 })], { prescriptionId: draft.id }), a.doctor), 'NOT_FOUND');
    await expectCode(savePrescription(input(other.id, [item(MUCOSTA, { days: 14 })], { prescriptionId: final.id, intent: 'confirm', changeReason: '日数変更' }), a.doctor), 'NOT_FOUND');
    expect(await db().prescription.count({ where: { clinicId: a.clinic.id, patientId: other.id } })).toBe(0);
    const rows = await db().prescription.findMany({ where: { clinicId: a.clinic.id, patientId: patient.id }, include: { items: true } });
    expect(rows.map((r) => [r.version, r.isLatest, r.items[0]!.days])).toEqual([[1, true, 7], [1, true, 7]]);
  });

  it('another clinic gets NOT_FOUND and changes nothing', async () => {
    const patient = await createPatient(a.receptionist);
    const draft = await savePrescription(input(patient.id, [item(GASTER)]), a.doctor);
    await expectCode(getPrescription(draft.id, b.doctor), 'NOT_FOUND');
    await expectCode(confirmPrescription({ prescriptionId: draft.id }, b.doctor), 'NOT_FOUND');
    await expectCode(markPrescriptionEnteredInError({ prescriptionId: draft.id, reason: 'x' }, b.doctor), 'NOT_FOUND');
    await expectCode(savePrescription(input(patient.id, [item(GASTER)]), b.doctor), 'NOT_FOUND');
    await expectCode(savePrescription(input(patient.id, [item(GASTER)], { prescriptionId: draft.id }), b.doctor), 'NOT_FOUND');
    await expectCode(getPrescriptionPanel(patient.id, b.doctor), 'NOT_FOUND');
    await expectCode(getPrescriptionForPrint({ patientId: patient.id, prescriptionId: draft.id }, b.doctor), 'NOT_FOUND');
    await expectCode(getPrescription(randomUUID(), a.doctor), 'NOT_FOUND');
    const row = await db().prescription.findFirst({ where: { clinicId: a.clinic.id, id: draft.id } });
    expect(row).toMatchObject({ status: 'draft', version: 1 });
    expect(await db().prescription.count({ where: { clinicId: b.clinic.id } })).toBe(0);
  });
});

describe('one 代行入力 rule (issue 9 item 8)', () => {
  it("another doctor can neither 確定 a pending 代行入力 through savePrescription nor edit a colleague's draft; the print names the 確定 doctor", async () => {
    const patient = await createPatient(a.receptionist);
    const pending = await savePrescription(input(patient.id, [item(MUCOSTA)], { responsibleDoctorId: a.doctor.userId }), a.nurse);
    // the bypass: doctor B saving the pending id with intent confirm used to make v2 final with B as 確定者, A as author
    await expectCode(savePrescription(input(patient.id, [item(MUCOSTA)], { prescriptionId: pending.id, intent: 'confirm' }), doctor2), 'FORBIDDEN');
    await expectCode(savePrescription(input(patient.id, [item(MUCOSTA)], { prescriptionId: pending.id }), doctor2), 'FORBIDDEN');
    expect(await db().prescription.count({ where: { clinicId: a.clinic.id, lineageId: pending.lineageId } })).toBe(1);

    const draftOfA = await savePrescription(input(patient.id, [item(REBAMIPIDE)]), a.doctor);
    await expectCode(savePrescription(input(patient.id, [item(MUCOSTA)], { prescriptionId: draftOfA.id }), doctor2), 'FORBIDDEN');
    await expectCode(savePrescription(input(patient.id, [item(MUCOSTA)], { prescriptionId: draftOfA.id, intent: 'confirm' }), doctor2), 'FORBIDDEN');
    expect(await db().prescription.findFirstOrThrow({ where: { clinicId: a.clinic.id, id: draftOfA.id } })).toMatchObject({ status: 'draft', entererId: a.doctor.userId });

    // the named doctor finishes it with a change: the print names the doctor who 確定d, who is also the author
    const finished = await savePrescription(input(patient.id, [item(MUCOSTA, { days: 14 })], { prescriptionId: pending.id, intent: 'confirm' }), a.doctor);
    expect(finished).toMatchObject({ status: 'final', authorId: a.doctor.userId, confirmedById: a.doctor.userId, approvedById: a.doctor.userId });
    const print = await getPrescriptionForPrint({ patientId: patient.id, prescriptionId: finished.id }, a.doctor);
    expect(print.doctorName).toBe(a.doctor.displayName);
    expect(print.doctorName).toBe(finished.confirmedByName);
    // 錠 carries its MERIT-9 unit code next to the free text
    expect(await db().prescriptionItem.findFirstOrThrow({ where: { clinicId: a.clinic.id, prescriptionId: finished.id } })).toMatchObject({ doseUnit: '錠', doseUnitCode: 'TAB' });
  });
});

describe('print', () => {
  it('returns the 院外処方箋 data of a final prescription and audits the print', async () => {
    const patient = await createPatient(a.receptionist);
    const draft = await savePrescription(input(patient.id, [item(MUCOSTA, { genericSubstitutionAllowed: false })]), a.doctor);
    await expectCode(getPrescriptionForPrint({ patientId: patient.id, prescriptionId: draft.id }, a.doctor), 'PRECONDITION_FAILED');
    const final = await confirmPrescription({ prescriptionId: draft.id }, a.doctor);
    await expectCode(getPrescriptionForPrint({ patientId: patient.id, prescriptionId: final.id }, a.nurse), 'FORBIDDEN');
    const print = await getPrescriptionForPrint({ patientId: patient.id, prescriptionId: final.id }, a.doctor);
    expect(print.patient).toMatchObject({ fullName: patient.fullName, insurance: { insurerNumber: '06131239' } });
    expect(print.clinic.institutionNumber).toBe(a.clinic.institutionNumber);
    expect(print.doctorName).toBe(a.doctor.displayName);
    expect(print.prescription.items[0]!.genericSubstitutionAllowed).toBe(false);
    const issued = new Date(`${final.issuedDate}T00:00:00Z`);
    expect(Date.parse(`${print.validUntil}T00:00:00Z`) - issued.getTime()).toBe(3 * 86_400_000);
    const prints = await auditEventsFor(a.clinic.id, { patientId: patient.id, action: 'print' });
    expect(prints.map((e) => [e.outcome, e.resourceId])).toEqual([['failure', draft.id], ['success', final.id]]);
  });
});

describe('処方歴 page', () => {
  it('lists every prescription of the patient for clinicians only, and never another clinic’s', async () => {
    const { listPrescriptionHistory } = await import('./prescription.service');
    const [x, y] = await Promise.all([clinicWithStaff(), clinicWithStaff()]);
    const patient = await createPatient(x.receptionist);
    expect(await listPrescriptionHistory(patient.id, x.doctor)).toEqual([]);
    const first = await savePrescription(input(patient.id, [item(MUCOSTA)], { intent: 'confirm' }), x.doctor);
    const second = await savePrescription(input(patient.id, [item(GASTER)]), x.doctor);
    const history = await listPrescriptionHistory(patient.id, x.doctor);
    expect(history.map((p) => p.id).sort()).toEqual([first.id, second.id].sort());
    expect(history.find((p) => p.id === first.id)?.status).toBe('final');
    await expectCode(listPrescriptionHistory(patient.id, x.receptionist), 'FORBIDDEN');
    await expectCode(listPrescriptionHistory(patient.id, y.doctor), 'NOT_FOUND');
  });
});
