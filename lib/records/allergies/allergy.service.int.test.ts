import { beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '@/lib/core/app-error';
import { db, runInTransaction } from '@/lib/core/db';
import { loadDemoMasters } from '@/lib/masters/demo-masters';
import { auditEventsFor, clinicWithStaff, createPatient } from '@/tests/helpers/factories';
import { listActiveMedicationAllergies } from './allergy.repository';
import { listAllergiesForPatient, listAllergyHistory, recordAllergy, retractAllergy, reviseAllergy, searchAllergenMaster, searchDrugMaster } from './allergy.service';

type Staff = Awaited<ReturnType<typeof clinicWithStaff>>;
let a: Staff;
let b: Staff;
let withYj: { code: string; yjCode: string; name: string };
let withoutYj: { code: string; name: string };

beforeAll(async () => {
  await loadDemoMasters();
  [a, b] = await Promise.all([clinicWithStaff(), clinicWithStaff()]);
  const yj = await db().drugMaster.findFirst({ where: { yjCode: { not: null }, name: { contains: 'ロキソプロフェン' } }, orderBy: { code: 'asc' } });
  // every demo drug has a YJ code: a master row without one (some 支払基金 rows have none) for the fallback
  const noYj = await db().drugMaster.upsert({
    where: { code: '199999990' },
    create: { code: '199999990', name: 'テスト用医薬品ＹＪなし', nameSearch: 'テスト用医薬品YJなし', kanaSearch: 'テストヨウイヤクヒン', source: 'test' },
    update: {},
  });
  withYj = { code: yj!.code, yjCode: yj!.yjCode!, name: yj!.name };
  withoutYj = { code: noYj!.code, name: noYj!.name };
});

const expectCode = async (p: Promise<unknown>, code: string) => {
  const error = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  expect(error).toMatchObject({ code });
};

const medication = (scope: { clinicId: string; patientId: string }) => runInTransaction((tx) => listActiveMedicationAllergies(tx, scope));

describe('master search', () => {
  it('finds drugs and J-FAGY allergens, filtered by kind', async () => {
    const drugs = await searchDrugMaster({ q: 'ロキソプロフェン' }, a.nurse);
    expect(drugs.map((d) => d.code)).toContain(withYj.code);
    const foods = await searchAllergenMaster({ q: 'さば', kind: 'food' }, a.nurse);
    expect(foods.length).toBeGreaterThan(0);
    expect(foods.every((f) => f.category === 'food')).toBe(true);
    await expectCode(searchDrugMaster({ q: 'ロキソ' }, a.receptionist), 'FORBIDDEN');
  });
});

describe('recordAllergy', () => {
  it('a nurse records a medication allergy coded with the YJ code from the master, audited', async () => {
    const p = await createPatient(a.receptionist);
    const al = await recordAllergy({ patientId: p.id, category: 'medication', drugCode: withYj.code, substanceName: 'ロキソプロフェン', reaction: '蕁麻疹', severity: 'severe', onsetDate: '2020-04-10' }, a.nurse);
    expect(al).toMatchObject({
      category: 'medication', codeSystem: 'yj', code: withYj.yjCode, yjCode: withYj.yjCode, substanceName: 'ロキソプロフェン',
      reaction: '蕁麻疹', severity: 'severe', severityLabel: '重度', onsetDate: '2020-04-10', clinicalStatus: 'active', verification: 'confirmed',
      version: 1, status: 'final', recordedById: a.nurse.userId, longTermStorage: false,
    });
    const audit = await auditEventsFor(a.clinic.id, { action: 'create', patientId: p.id, resourceType: 'allergy' });
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit[0]!.detail)).not.toContain('蕁麻疹');
  });

  it('falls back to the receipt code without a YJ code, J-FAGY for food, free text otherwise', async () => {
    const p = await createPatient(a.receptionist);
    const receipt = await recordAllergy({ patientId: p.id, category: 'medication', drugCode: withoutYj.code }, a.doctor);
    expect(receipt).toMatchObject({ codeSystem: 'receipt', code: withoutYj.code, yjCode: null, substanceName: withoutYj.name });
    const saba = (await searchAllergenMaster({ q: 'さば', kind: 'food' }, a.doctor))[0]!;
    const food = await recordAllergy({ patientId: p.id, category: 'food', allergenCode: saba.code, reaction: '口唇の腫れ', severity: 'moderate' }, a.doctor);
    expect(food).toMatchObject({ codeSystem: 'jfagy-food', code: saba.code, yjCode: null, substanceName: saba.name });
    const free = await recordAllergy({ patientId: p.id, category: 'environment', substanceName: '自宅の猫' }, a.nurse);
    expect(free).toMatchObject({ codeSystem: null, code: null, isCoded: false, substanceName: '自宅の猫' });
    await expectCode(recordAllergy({ patientId: p.id, category: 'food' }, a.nurse), 'INVALID_INPUT');
    await expectCode(recordAllergy({ patientId: p.id, category: 'food', drugCode: withYj.code }, a.nurse), 'INVALID_INPUT');
    await expectCode(recordAllergy({ patientId: p.id, category: 'medication', drugCode: '000000000' }, a.nurse), 'INVALID_INPUT');
  });

  it('is refused to the receptionist and the clinic admin', async () => {
    const p = await createPatient(a.receptionist);
    await expectCode(recordAllergy({ patientId: p.id, category: 'food', substanceName: 'そば' }, a.receptionist), 'FORBIDDEN');
    await expectCode(recordAllergy({ patientId: p.id, category: 'food', substanceName: 'そば' }, a.admin), 'FORBIDDEN');
    await expectCode(listAllergiesForPatient(p.id, a.receptionist), 'FORBIDDEN');
    expect(await db().allergy.count({ where: { clinicId: a.clinic.id, patientId: p.id } })).toBe(0);
  });
});

describe('versions', () => {
  it('edits and 取消 are new versions; the final row cannot be changed in place', async () => {
    const p = await createPatient(a.receptionist);
    const v1 = await recordAllergy({ patientId: p.id, category: 'medication', drugCode: withYj.code, severity: 'mild' }, a.nurse);
    const v2 = await reviseAllergy({ allergyId: v1.id, category: 'medication', keepCoding: true, severity: 'severe', reaction: 'アナフィラキシー', changeReason: '重症度の訂正' }, a.doctor);
    expect(v2).toMatchObject({ lineageId: v1.lineageId, version: 2, code: withYj.yjCode, codeSystem: 'yj', yjCode: withYj.yjCode, substanceName: v1.substanceName, severity: 'severe' });
    await expectCode(reviseAllergy({ allergyId: v1.id, category: 'medication', keepCoding: true, changeReason: '古い画面' }, a.doctor), 'CONFLICT');
    await expect(db().allergy.update({ where: { clinicId_id: { clinicId: a.clinic.id, id: v2.id } }, data: { severity: 'mild' } })).rejects.toThrow(/is final \(確定\) and cannot be modified/);

    // the doctor revised it: a nurse may not take it back (docs/decisions/0022), the doctor may
    await expectCode(retractAllergy({ allergyId: v2.id, reason: '別の患者の情報' }, a.nurse), 'FORBIDDEN');
    const v3 = await retractAllergy({ allergyId: v2.id, reason: '別の患者の情報' }, a.doctor);
    expect(v3).toMatchObject({ version: 3, status: 'entered_in_error', changeReason: '別の患者の情報' });
    expect(await listAllergiesForPatient(p.id, a.doctor)).toEqual([]);
    const history = await listAllergyHistory(p.id, a.doctor);
    expect(history[0]!.versions.map((v) => v.version)).toEqual([3, 2, 1]);
    expect(history[0]!.versions[2]!.severity).toBe('mild');
  });
  it('audits each version change with the lineage, the version, the previous id and never the values', async () => {
    const p = await createPatient(a.receptionist);
    const v1 = await recordAllergy({ patientId: p.id, category: 'food', substanceName: 'そば', severity: 'mild' }, a.nurse);
    const v2 = await reviseAllergy({ allergyId: v1.id, category: 'food', substanceName: 'そば', severity: 'severe', reaction: '喘鳴', changeReason: '重症度の訂正' }, a.doctor);
    const v3 = await retractAllergy({ allergyId: v2.id, reason: '誤登録' }, a.doctor);
    const events = await auditEventsFor(a.clinic.id, { patientId: p.id, resourceType: 'allergy' });
    expect(events.map((e) => [e.action, e.resourceId, e.userId, e.detail])).toEqual([
      ['create', v1.id, a.nurse.userId, { intent: 'create', lineageId: v1.lineageId, version: 1, status: 'final', previousId: null, category: 'food', codeSystem: null }],
      ['update', v2.id, a.doctor.userId, { intent: 'version', lineageId: v1.lineageId, version: 2, status: 'final', previousId: v1.id, changedFields: ['reaction', 'severity'] }],
      ['delete', v3.id, a.doctor.userId, { intent: 'cancel', lineageId: v1.lineageId, version: 3, status: 'entered_in_error', previousId: v2.id }],
    ]);
    expect(v3.recordedById).toBe(a.doctor.userId);
    await expectCode(retractAllergy({ allergyId: v3.id, reason: 'もう一度' }, a.doctor), 'PRECONDITION_FAILED');
    await expect(retractAllergy({ allergyId: v2.id, reason: '古い画面' }, a.doctor)).rejects.toThrow('このアレルギー情報は他の職員が先に更新しました。画面を再読み込みしてから操作し直してください。');

    await listAllergyHistory(p.id, a.doctor);
    const reads = await auditEventsFor(a.clinic.id, { action: 'read', patientId: p.id, resourceType: 'allergy_history' });
    expect(reads.map((e) => e.detail)).toEqual([{ count: 3 }]);
  });

  it('groups the history by lineage, newest activity first, versions newest first', async () => {
    const p = await createPatient(a.receptionist);
    const first = await recordAllergy({ patientId: p.id, category: 'food', substanceName: '卵' }, a.nurse);
    const second = await recordAllergy({ patientId: p.id, category: 'food', substanceName: '牛乳' }, a.nurse);
    const revised = await reviseAllergy({ allergyId: first.id, category: 'food', substanceName: '卵', reaction: '発疹', changeReason: '症状の追記' }, a.nurse);
    const history = await listAllergyHistory(p.id, a.doctor);
    expect(history.map((h) => [h.lineageId, h.latest.id, h.versions.map((v) => v.id)])).toEqual([
      [first.lineageId, revised.id, [revised.id, first.id]],
      [second.lineageId, second.id, [second.id]],
    ]);
    expect(history[0]!.versions[0]!.recordedByName).not.toBeNull();
  });
});

describe('listActiveMedicationAllergies', () => {
  it('returns only the latest, active, not-retracted medication allergies of that clinic and patient', async () => {
    const p = await createPatient(a.receptionist);
    const other = await createPatient(a.receptionist);
    const active = await recordAllergy({ patientId: p.id, category: 'medication', drugCode: withYj.code, substanceName: 'ロキソプロフェン', severity: 'severe', reaction: '蕁麻疹' }, a.nurse);
    const edited = await recordAllergy({ patientId: p.id, category: 'medication', drugCode: withoutYj.code, severity: 'mild' }, a.nurse);
    const edited2 = await reviseAllergy({ allergyId: edited.id, category: 'medication', keepCoding: true, severity: 'moderate', changeReason: '訂正' }, a.nurse);
    const resolved = await recordAllergy({ patientId: p.id, category: 'medication', substanceName: 'ペニシリン系', clinicalStatus: 'resolved' }, a.nurse);
    const retracted = await recordAllergy({ patientId: p.id, category: 'medication', substanceName: 'セフェム系' }, a.nurse);
    await retractAllergy({ allergyId: retracted.id, reason: '誤登録' }, a.nurse);
    await recordAllergy({ patientId: p.id, category: 'food', substanceName: 'そば', severity: 'severe' }, a.nurse);
    await recordAllergy({ patientId: other.id, category: 'medication', substanceName: 'アスピリン' }, a.nurse);

    const list = await medication({ clinicId: a.clinic.id, patientId: p.id });
    expect(list.map((x) => x.id).sort()).toEqual([active.id, edited2.id].sort());
    expect(list.find((x) => x.id === active.id)).toEqual({
      id: active.id, lineageId: active.lineageId, substanceName: 'ロキソプロフェン', yjCode: withYj.yjCode, code: withYj.yjCode, codeSystem: 'yj', severity: 'severe', reaction: '蕁麻疹',
    });
    expect(list.find((x) => x.id === edited2.id)).toMatchObject({ severity: 'moderate', codeSystem: 'receipt', code: withoutYj.code });
    expect(list.map((x) => x.id)).not.toContain(resolved.id);
    expect(await medication({ clinicId: b.clinic.id, patientId: p.id })).toEqual([]);
  });

  it('the chart list shows active ones first, medication and severe first', async () => {
    const p = await createPatient(a.receptionist);
    const food = await recordAllergy({ patientId: p.id, category: 'food', substanceName: '卵', severity: 'severe' }, a.nurse);
    const old = await recordAllergy({ patientId: p.id, category: 'medication', substanceName: 'アモキシシリン', clinicalStatus: 'inactive' }, a.nurse);
    const drug = await recordAllergy({ patientId: p.id, category: 'medication', substanceName: 'ロキソプロフェン', severity: 'moderate' }, a.nurse);
    const list = await listAllergiesForPatient(p.id, a.nurse);
    expect(list.map((x) => x.id)).toEqual([drug.id, food.id, old.id]);
    const banner = await listAllergiesForPatient(p.id, a.nurse, 'banner');
    expect(banner.map((x) => x.id)).toEqual([drug.id, food.id]);
  });
});

describe('tenancy', () => {
  it("another clinic's staff get NOT_FOUND and change nothing", async () => {
    const p = await createPatient(a.receptionist);
    const al = await recordAllergy({ patientId: p.id, category: 'food', substanceName: 'えび' }, a.nurse);
    await expectCode(recordAllergy({ patientId: p.id, category: 'food', substanceName: 'かに' }, b.nurse), 'NOT_FOUND');
    await expectCode(reviseAllergy({ allergyId: al.id, category: 'food', substanceName: 'かに', changeReason: '越境' }, b.doctor), 'NOT_FOUND');
    await expectCode(retractAllergy({ allergyId: al.id, reason: '越境' }, b.doctor), 'NOT_FOUND');
    await expectCode(listAllergiesForPatient(p.id, b.doctor), 'NOT_FOUND');
    await expectCode(listAllergyHistory(p.id, b.doctor), 'NOT_FOUND');
    const rows = await db().allergy.findMany({ where: { lineageId: al.lineageId } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ substanceName: 'えび', isLatest: true });
  });
});
