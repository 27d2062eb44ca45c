import { beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '@/lib/core/app-error';
import { db } from '@/lib/core/db';
import { loadDemoMasters } from '@/lib/masters/demo-masters';
import { actorFor, auditEventsFor, auditMark, clinicWithStaff, createPatient, createStaffUser } from '@/tests/helpers/factories';
import { neverLogged } from '@/tests/helpers/never-logged';
import { checkIn } from '@/lib/reception/visit.service';
import { recordAllergy } from '@/lib/records/allergies/allergy.service';
import { listDiagnosesForPatient, recordDiagnosis } from '@/lib/records/diagnoses/diagnosis.service';
import { createNote } from '@/lib/records/notes/note.service';
import { createNoteSchema } from '@/lib/records/notes/note.schema';
import { getPrescriptionPanel, savePrescription } from '@/lib/records/prescriptions/prescription.service';
import type { PrescriptionItemInput } from '@/lib/records/prescriptions/prescription.schema';
import { SafetyCheckError } from '@/lib/records/prescriptions/safety-check';
import type { Actor } from '@/lib/auth/actor';
import type { SaveOrderSetInput } from './order-set.schema';
import {
  applyOrderSet,
  createOrderSetFromVisit,
  listOrderSetOptions,
  listOrderSets,
  listOrderSetVersions,
  removeOrderSet,
  renameOrderSet,
  saveOrderSet,
  shareOrderSet,
} from './order-set.service';

// a set's note text is clinical wording: never in a log line or an audit detail
const NOTE_S = '咽頭痛と微熱が二日前から続く。';
neverLogged(NOTE_S);

// demo masters: 高血圧症, 急性上気道炎; ロキソニン錠 (YJ 1149019F1560), ムコスタ錠
const HYPERTENSION = '8833421';
const URI = '4659007';
const LOXONIN = { receiptCode: '620098801', yj: '1149019F1560' };
const MUCOSTA = '620452801';
const AFTER_MEALS_3 = '1013044400000000';

type Staff = Awaited<ReturnType<typeof clinicWithStaff>>;
let a: Staff;
let b: Staff;
let doctor2: Actor;

beforeAll(async () => {
  await loadDemoMasters();
  [a, b] = await Promise.all([clinicWithStaff(), clinicWithStaff()]);
  doctor2 = actorFor(await createStaffUser(a.clinic.id, 'doctor'));
}, 120_000);

const expectCode = async (p: Promise<unknown>, code: string) => {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).code).toBe(code);
};

const item = (receiptCode: string, overrides: Partial<PrescriptionItemInput> = {}): PrescriptionItemInput => ({
  rpNumber: 1,
  kind: 'internal',
  receiptCode,
  prescribeByGeneric: false,
  drugName: '',
  dose: 3,
  doseUnit: '錠',
  doseBasis: 'per_day',
  usageCode: AFTER_MEALS_3,
  usageText: '',
  days: 5,
  genericSubstitutionAllowed: true,
  ...overrides,
});

const coldSet = (name: string, scope: 'clinic' | 'personal' = 'personal'): SaveOrderSetInput => ({
  scope,
  name,
  content: {
    diagnoses: [{ diseaseCode: URI, modifierCodes: [], isSuspected: false }],
    items: [item(LOXONIN.receiptCode), item(MUCOSTA, { rpNumber: 1 })],
    outOfHouse: true,
    note: { subjective: NOTE_S, objective: '', assessment: '', plan: '5日分処方。' },
  },
});

describe('セット', () => {
  it('creates, edits as a new version (old kept), renames, shares and deletes; audited without the note text', async () => {
    const mark = await auditMark(a.clinic.id);
    const v1 = await saveOrderSet(coldSet('かぜ 成人'), a.doctor);
    expect(v1).toMatchObject({ version: 1, name: 'かぜ 成人', personal: true, editable: true });
    expect(v1.content.diagnoses).toEqual([{ diseaseCode: URI, modifierCodes: [], isSuspected: false, name: '急性上気道炎' }]);

    // an edit: version 2; editing the outdated version 1 again is refused
    const v2 = await saveOrderSet({ ...coldSet('かぜ 成人'), id: v1.id, content: { ...coldSet('').content, items: [item(MUCOSTA)] } }, a.doctor);
    expect(v2).toMatchObject({ lineageId: v1.lineageId, version: 2 });
    expect(v2.content.items).toHaveLength(1);
    await expectCode(saveOrderSet({ ...coldSet('かぜ 成人'), id: v1.id }, a.doctor), 'CONFLICT');

    const v3 = await renameOrderSet({ id: v2.id, name: 'かぜ（成人）' }, a.doctor);
    expect(v3).toMatchObject({ version: 3, name: 'かぜ(成人)' }); // NFKC, like 定型文
    // another doctor does not see a personal set; the name is free for them
    await expectCode(renameOrderSet({ id: v3.id, name: '横取り' }, doctor2), 'NOT_FOUND');
    expect((await listOrderSets(doctor2)).map((s) => s.lineageId)).not.toContain(v1.lineageId);

    const v4 = await shareOrderSet({ id: v3.id }, a.doctor);
    expect(v4).toMatchObject({ version: 4, personal: false });
    const seenBy2 = (await listOrderSets(doctor2)).find((s) => s.lineageId === v1.lineageId);
    expect(seenBy2).toMatchObject({ personal: false, editable: true });
    expect((await listOrderSets(a.admin)).find((s) => s.lineageId === v1.lineageId)).toMatchObject({ editable: true });

    await removeOrderSet({ id: v4.id }, doctor2);
    expect((await listOrderSets(a.doctor)).map((s) => s.lineageId)).not.toContain(v1.lineageId);
    const rows = await db().orderSet.findMany({ where: { clinicId: a.clinic.id, lineageId: v1.lineageId }, orderBy: { version: 'asc' } });
    expect(rows.map((r) => [r.version, r.status, r.isLatest])).toEqual([
      [1, 'active', false],
      [2, 'active', false],
      [3, 'active', false],
      [4, 'active', false],
      [5, 'deleted', true],
    ]);
    // the versions are append-only in the database too
    await expect(db().orderSet.update({ where: { clinicId_id: { clinicId: a.clinic.id, id: v1.id } }, data: { name: '改ざん' } })).rejects.toThrow();
    await expect(db().orderSet.delete({ where: { clinicId_id: { clinicId: a.clinic.id, id: v1.id } } })).rejects.toThrow();

    const events = await auditEventsFor(a.clinic.id, { resourceType: 'order_set' }, mark);
    expect(events.map((e) => [e.action, (e.detail as { change: string }).change])).toEqual([
      ['settings_changed', 'created'],
      ['settings_changed', 'edited'],
      ['settings_changed', 'renamed'],
      ['settings_changed', 'shared'],
      ['delete', 'removed'],
    ]);
    expect(events[0]!.detail).toMatchObject({ scope: 'personal', diagnosisCount: 1, itemCount: 2, noteLength: NOTE_S.length + '5日分処方。'.length });
    expect(JSON.stringify(events.map((e) => e.detail))).not.toContain(NOTE_S);
  });

  it('keeps the rules of who may keep which set, checks the masters and the names', async () => {
    await expectCode(saveOrderSet(coldSet('看護師'), a.nurse), 'FORBIDDEN');
    await expectCode(saveOrderSet(coldSet('受付'), a.receptionist), 'FORBIDDEN');
    await expectCode(saveOrderSet(coldSet('管理者の個人用'), a.admin), 'FORBIDDEN');
    await expectCode(listOrderSets(a.nurse), 'FORBIDDEN');
    const shared = await saveOrderSet(coldSet('院内 かぜ', 'clinic'), a.admin);
    expect(shared).toMatchObject({ personal: false });
    await expectCode(saveOrderSet(coldSet('院内 かぜ', 'clinic'), a.doctor), 'INVALID_INPUT'); // same name
    await expectCode(saveOrderSet({ ...coldSet('院内 かぜ'), id: shared.id }, a.doctor), 'INVALID_INPUT'); // scope cannot flip
    await expectCode(saveOrderSet({ scope: 'personal', name: '空', content: {} }, a.doctor), 'INVALID_INPUT');
    await expectCode(
      saveOrderSet({ scope: 'personal', name: '存在しない病名', content: { diagnoses: [{ diseaseCode: '0000001' }] } }, a.doctor),
      'INVALID_INPUT',
    );
    expect((await listOrderSetOptions(a.doctor)).map((o) => o.name)).toContain('院内 かぜ');
    expect(await listOrderSetOptions(a.nurse)).toEqual([]);
    expect(await listOrderSetVersions({ id: shared.id }, a.doctor)).toHaveLength(1);
  });

  it('applies a set through the normal services: the allergy check stops it first, then a draft and the diagnoses', async () => {
    const set = await saveOrderSet(coldSet('かぜ ロキソニン'), a.doctor);
    const patient = await createPatient(a.doctor);
    await recordAllergy({ patientId: patient.id, category: 'medication', drugCode: LOXONIN.receiptCode, substanceName: 'ロキソプロフェン', reaction: '蕁麻疹', severity: 'severe' }, a.doctor);

    const blocked = await applyOrderSet({ id: set.id, patientId: patient.id }, a.doctor).then(
      () => null,
      (e: unknown) => e,
    );
    expect(blocked).toBeInstanceOf(SafetyCheckError);
    expect((blocked as SafetyCheckError).report.allergyConflicts).toEqual([expect.objectContaining({ itemIndex: 0, yjCode: LOXONIN.yj })]);
    // nothing was written: no diagnosis, no prescription
    expect(await listDiagnosesForPatient(patient.id, a.doctor)).toEqual([]);
    expect((await getPrescriptionPanel(patient.id, a.doctor)).history).toEqual([]);

    const applied = await applyOrderSet({ id: set.id, patientId: patient.id, allergyOverrideReason: '少量で使用歴あり、経過観察' }, a.doctor);
    expect(applied).toMatchObject({ name: 'かぜ ロキソニン', itemCount: 2, diagnosesAdded: ['急性上気道炎'], diagnosesSkipped: [] });
    expect(applied.note).toEqual({ subjective: NOTE_S, objective: '', assessment: '', plan: '5日分処方。' });
    const panel = await getPrescriptionPanel(patient.id, a.doctor);
    expect(panel.history).toHaveLength(1);
    expect(panel.history[0]).toMatchObject({ id: applied.prescriptionId, status: 'draft', allergyOverrideReason: '少量で使用歴あり、経過観察' });
    expect(panel.history[0]!.items.map((i) => i.drugName)).toEqual([expect.stringContaining('ロキソニン'), expect.stringContaining('ムコスタ')]);

    // applied again: the diagnosis is already there and is not recorded twice; a second draft is made
    const again = await applyOrderSet({ id: set.id, patientId: patient.id, allergyOverrideReason: '同上' }, a.doctor);
    expect(again).toMatchObject({ diagnosesAdded: [], diagnosesSkipped: ['急性上気道炎'] });
    expect(await listDiagnosesForPatient(patient.id, a.doctor)).toHaveLength(1);

    // a nurse cannot apply a set (it orders prescriptions)
    await expectCode(applyOrderSet({ id: set.id, patientId: patient.id }, a.nurse), 'FORBIDDEN');
  });

  it('the 重複投薬 check runs as for a hand-entered prescription', async () => {
    const set = await saveOrderSet({ scope: 'personal', name: '胃薬 長期', content: { items: [item(MUCOSTA, { days: 90 })] } }, a.doctor);
    const patient = await createPatient(a.doctor);
    await savePrescription({ patientId: patient.id, intent: 'confirm', outOfHouse: true, items: [item(MUCOSTA)], duplicateAcknowledged: false }, a.doctor);
    const err = await applyOrderSet({ id: set.id, patientId: patient.id }, a.doctor).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(SafetyCheckError);
    expect((err as SafetyCheckError).report.duplicates.length).toBeGreaterThan(0);
    const ok = await applyOrderSet({ id: set.id, patientId: patient.id, duplicateAcknowledged: true }, a.doctor);
    expect(ok.prescriptionId).not.toBeNull();
  });

  it('another clinic can neither see nor apply a set; a set cannot be applied to another clinic’s patient', async () => {
    const set = await saveOrderSet(coldSet('院内 高血圧', 'clinic'), a.doctor);
    const theirs = await createPatient(b.doctor);
    const ours = await createPatient(a.doctor);
    expect((await listOrderSets(b.doctor)).map((s) => s.id)).not.toContain(set.id);
    expect((await listOrderSetOptions(b.doctor)).map((s) => s.id)).not.toContain(set.id);
    await expectCode(applyOrderSet({ id: set.id, patientId: theirs.id }, b.doctor), 'NOT_FOUND');
    await expectCode(applyOrderSet({ id: set.id, patientId: theirs.id }, a.doctor), 'NOT_FOUND');
    await expectCode(renameOrderSet({ id: set.id, name: 'x' }, b.doctor), 'NOT_FOUND');
    await expectCode(removeOrderSet({ id: set.id }, b.admin), 'NOT_FOUND');
    await expectCode(listOrderSetVersions({ id: set.id }, b.doctor), 'NOT_FOUND');
    await expectCode(createOrderSetFromVisit({ patientId: ours.id, name: 'x' }, b.doctor), 'NOT_FOUND');
  });

  it('makes a set from the current visit: its new diagnoses, prescriptions and note text, asking only a name', async () => {
    const patient = await createPatient(a.doctor);
    await recordDiagnosis({ patientId: patient.id, diseaseCode: HYPERTENSION, startDate: '2020-04-01' }, a.doctor); // an old one: not taken
    await checkIn({ patientId: patient.id }, a.receptionist);
    await recordDiagnosis({ patientId: patient.id, diseaseCode: URI, isSuspected: true }, a.doctor);
    await savePrescription({ patientId: patient.id, intent: 'draft', outOfHouse: true, items: [item(MUCOSTA, { days: 7 })], duplicateAcknowledged: false }, a.doctor);
    await createNote(createNoteSchema.parse({ patientId: patient.id, subjective: NOTE_S }), a.doctor);

    await expectCode(createOrderSetFromVisit({ patientId: patient.id, name: '' }, a.doctor), 'INVALID_INPUT');
    const set = await createOrderSetFromVisit({ patientId: patient.id, name: 'かぜ疑い' }, a.doctor);
    expect(set).toMatchObject({ name: 'かぜ疑い', personal: true, version: 1 });
    expect(set.content.diagnoses).toEqual([expect.objectContaining({ diseaseCode: URI, isSuspected: true, name: '急性上気道炎の疑い' })]);
    expect(set.content.items).toEqual([expect.objectContaining({ receiptCode: MUCOSTA, days: 7, usageCode: AFTER_MEALS_3 })]);
    expect(set.content.note.subjective).toBe(NOTE_S);

    // the note being written in the editor wins over the saved one
    const fromEditor = await createOrderSetFromVisit({ patientId: patient.id, name: 'かぜ疑い2', note: { subjective: '', objective: '', assessment: '', plan: '安静。' } }, a.doctor);
    expect(fromEditor.content.note).toEqual({ subjective: '', objective: '', assessment: '', plan: '安静。' });

    // a patient with nothing today: refused with a message
    const empty = await createPatient(a.doctor);
    await expectCode(createOrderSetFromVisit({ patientId: empty.id, name: '空' }, a.doctor), 'PRECONDITION_FAILED');
  });
});
