/**
 * 検査オーダー (issue 13, docs/decisions/0070): ordering, validation in Japanese, tenancy, results linked to the order
 * (結果あり), 取消, the versions kept by the database, 前回Do, and セット that carry lab orders.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '@/lib/core/app-error';
import { db } from '@/lib/core/db';
import { runAction } from '@/lib/actions/define-action';
import { loadDemoMasters } from '@/lib/masters/demo-masters';
import { auditEventsFor, auditMark, clinicWithStaff, createPatient } from '@/tests/helpers/factories';
import { neverLogged } from '@/tests/helpers/never-logged';
import { checkIn } from '@/lib/reception/visit.service';
import { labEntrySchema } from '@/lib/records/lab-results/lab-entry.schema';
import { correctLabResult, importLabCsv, markLabResultEnteredInError, recordLabResults } from '@/lib/records/lab-results/lab-result.service';
import { applyOrderSet, createOrderSetFromVisit, saveOrderSet } from '@/lib/sets/order-set.service';
import { cancelLabOrder, getLabOrderPanel, orderLabs } from './lab-order.service';
import { orderLabsSchema } from './lab-order.schema';

const COMMENT = '空腹時採血で依頼する。';
neverLogged(COMMENT);

type Staff = Awaited<ReturnType<typeof clinicWithStaff>>;
let a: Staff;
let b: Staff;

beforeAll(async () => {
  await loadDemoMasters();
  [a, b] = await Promise.all([clinicWithStaff(), clinicWithStaff()]);
}, 120_000);

const expectCode = async (p: Promise<unknown>, code: string) => {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).code).toBe(code);
  return err as AppError;
};

/** A result entered by the nurse now (collected a minute ago). */
const enter = (patientId: string, items: { itemKey: string; value: string }[]) =>
  recordLabResults(labEntrySchema.parse({ patientId, collectedAt: new Date(Date.now() + 9 * 3600_000 - 60_000).toISOString().slice(0, 16), specimen: '血清', items }), a.nurse);

describe('検査オーダー', () => {
  it('a doctor orders items of the 43+5 for today\'s visit; 依頼済 with JLAC10, 至急 and comment; audited without the comment', async () => {
    const p = await createPatient(a.receptionist);
    const visit = await checkIn({ patientId: p.id }, a.receptionist);
    const mark = await auditMark(a.clinic.id);
    const order = await orderLabs({ patientId: p.id, itemKeys: ['AST', 'ALT', 'AST'], urgent: true, comment: COMMENT }, a.doctor);
    expect(order).toMatchObject({ status: 'ordered', statusLabel: '依頼済', urgent: true, comment: COMMENT, visitId: visit.visitId, version: 1, resultCount: 0, orderedById: a.doctor.userId });
    expect(order.items.map((i) => i.itemKey)).toEqual(['AST', 'ALT']);
    expect(order.items[0]!.jlac10).toMatch(/^[0-9A-Z]{17}$/);
    const events = await auditEventsFor(a.clinic.id, {}, mark);
    expect(events.map((e) => [e.action, e.resourceType])).toContainEqual(['create', 'lab_order']);

    const panel = await getLabOrderPanel(p.id, a.doctor);
    expect(panel.orders.map((o) => o.id)).toEqual([order.id]);
  });

  it('refuses what is not an order, in Japanese; a nurse cannot order; the action returns field errors', async () => {
    const p = await createPatient(a.receptionist);
    expect((await expectCode(orderLabs({ patientId: p.id, itemKeys: [] }, a.doctor), 'INVALID_INPUT')).message).toBe('検査項目を1つ以上選択してください。');
    expect((await expectCode(orderLabs({ patientId: p.id, itemKeys: ['NOPE'] }, a.doctor), 'INVALID_INPUT')).message).toBe('検査項目マスターにない項目です。選択し直してください。');
    expect((await expectCode(orderLabs({ patientId: p.id, itemKeys: ['AST'], comment: 'あ'.repeat(201) }, a.doctor), 'INVALID_INPUT')).message).toBe('コメントは200文字以内で入力してください。');
    await expectCode(orderLabs({ patientId: p.id, itemKeys: ['AST'] }, a.nurse), 'FORBIDDEN');
    const r = await runAction(orderLabsSchema, (input, actor) => orderLabs(input, actor), { patientId: p.id, itemKeys: [] }, async () => a.doctor);
    expect(r).toMatchObject({ ok: false, code: 'INVALID_INPUT', fieldErrors: { itemKeys: '検査項目を1つ以上選択してください。' } });
    const order = await orderLabs({ patientId: p.id, itemKeys: ['CRP'] }, a.doctor);
    expect((await expectCode(cancelLabOrder({ labOrderId: order.id, reason: ' ' }, a.doctor), 'INVALID_INPUT')).message).toBe('取消の理由を入力してください。');
  });

  it('another clinic can neither order for our patient, nor see, nor cancel our order', async () => {
    const p = await createPatient(a.receptionist);
    const order = await orderLabs({ patientId: p.id, itemKeys: ['HbA1c'] }, a.doctor);
    await expectCode(orderLabs({ patientId: p.id, itemKeys: ['AST'] }, b.doctor), 'NOT_FOUND');
    await expectCode(getLabOrderPanel(p.id, b.doctor), 'NOT_FOUND');
    await expectCode(cancelLabOrder({ labOrderId: order.id, reason: '誤り' }, b.doctor), 'NOT_FOUND');
    expect(await db().labOrder.count({ where: { clinicId: b.clinic.id } })).toBe(0);
  });

  it('results for ordered items are linked to the order: partly, then 結果あり; each a new version, the old ones kept', async () => {
    const p = await createPatient(a.receptionist);
    const order = await orderLabs({ patientId: p.id, itemKeys: ['AST', 'ALT'] }, a.doctor);
    const [ast] = await enter(p.id, [{ itemKey: 'AST', value: '30' }, { itemKey: 'TP', value: '7.0' }]);
    let panel = await getLabOrderPanel(p.id, a.doctor);
    expect(panel.orders[0]).toMatchObject({ lineageId: order.lineageId, status: 'ordered', resultCount: 1, version: 2 });
    expect(panel.orders[0]!.items.find((i) => i.itemKey === 'AST')!.resultId).toBe(ast!.lineageId);

    await enter(p.id, [{ itemKey: 'ALT', value: '25' }]);
    panel = await getLabOrderPanel(p.id, a.doctor);
    expect(panel.orders[0]).toMatchObject({ status: 'resulted', statusLabel: '結果あり', resultCount: 2, version: 3 });
    const versions = await db().labOrder.findMany({ where: { clinicId: a.clinic.id, lineageId: order.lineageId }, orderBy: { version: 'asc' } });
    expect(versions.map((v) => [v.version, v.status, v.isLatest])).toEqual([[1, 'ordered', false], [2, 'ordered', false], [3, 'resulted', true]]);
    // the database keeps the versions: no change, no delete
    await expect(db().labOrder.updateMany({ where: { clinicId: a.clinic.id, id: versions[0]!.id }, data: { status: 'resulted' } })).rejects.toThrow();
    await expect(db().labOrder.deleteMany({ where: { clinicId: a.clinic.id, id: versions[0]!.id } })).rejects.toThrow();

    // a second result for the same item finds no open order: nothing more is written
    await enter(p.id, [{ itemKey: 'AST', value: '31' }]);
    expect(await db().labOrder.count({ where: { clinicId: a.clinic.id, lineageId: order.lineageId } })).toBe(3);

    // a correction keeps the link (same lineage); a 取消 of the result puts the order back to 依頼済
    const corrected = await correctLabResult({ id: ast!.id, value: '32', reason: '転記ミス' }, a.nurse);
    expect(await db().labOrder.count({ where: { clinicId: a.clinic.id, lineageId: order.lineageId } })).toBe(3);
    await markLabResultEnteredInError({ id: corrected.id, reason: '別患者の結果' }, a.nurse);
    panel = await getLabOrderPanel(p.id, a.doctor);
    expect(panel.orders[0]).toMatchObject({ status: 'ordered', resultCount: 1, version: 4, changeReason: '結果の取消' });
    expect(panel.orders[0]!.items.find((i) => i.itemKey === 'AST')!.resultId).toBeNull();
  });

  it('a lab company CSV links its results too', async () => {
    const p = await createPatient(a.receptionist);
    const order = await orderLabs({ patientId: p.id, itemKeys: ['AST'] }, a.doctor);
    const { patientNumber } = await db().patient.findFirstOrThrow({ where: { clinicId: a.clinic.id, id: p.id } });
    const when = new Date(Date.now() + 9 * 3600_000 - 120_000).toISOString().slice(0, 16).replace('T', ' ');
    const csv = ['患者番号,採取日時,項目コード,項目名,結果値,単位', `${patientNumber},${when},AST,AST,30,U/L`].join('\n');
    await importLabCsv({ mode: 'commit', fileName: 'lab.csv', content: csv, contentEncoding: 'text' }, a.nurse);
    const latest = await db().labOrder.findFirstOrThrow({ where: { clinicId: a.clinic.id, lineageId: order.lineageId, isLatest: true } });
    expect(latest.status).toBe('resulted');
  });

  it('取消 is a version with the reason; a cancelled order takes no results and leaves the chart', async () => {
    const p = await createPatient(a.receptionist);
    const order = await orderLabs({ patientId: p.id, itemKeys: ['CRP'] }, a.doctor);
    const cancelled = await cancelLabOrder({ labOrderId: order.id, reason: '重複して依頼' }, a.doctor);
    expect(cancelled).toMatchObject({ status: 'entered_in_error', statusLabel: '取消', version: 2, changeReason: '重複して依頼' });
    await expectCode(cancelLabOrder({ labOrderId: cancelled.id, reason: '再度' }, a.doctor), 'CONFLICT');
    await expectCode(cancelLabOrder({ labOrderId: order.id, reason: '古い版' }, a.doctor), 'CONFLICT');
    await enter(p.id, [{ itemKey: 'CRP', value: '0.1' }]);
    expect((await getLabOrderPanel(p.id, a.doctor)).orders).toEqual([]);
  });

  it('前回Do: the panel offers the orders of the last earlier day', async () => {
    const p = await createPatient(a.receptionist);
    // an order written two weeks ago (a fixture row: the service always orders now)
    const id = crypto.randomUUID();
    await db().labOrder.create({
      data: {
        clinicId: a.clinic.id, id, lineageId: id, patientId: p.id, visitId: null, status: 'ordered', urgent: false, comment: null,
        items: [{ itemKey: 'HbA1c', jlac10: '3D046000001906202', name: 'HbA1c(NGSP)', resultId: null }, { itemKey: 'GLU', jlac10: '3D010000002227101', name: '血糖', resultId: null }],
        orderedById: a.doctor.userId, orderedAt: new Date(Date.now() - 14 * 86400_000), recordedById: a.doctor.userId,
      },
    });
    await orderLabs({ patientId: p.id, itemKeys: ['CRP'] }, a.doctor);
    const panel = await getLabOrderPanel(p.id, a.doctor);
    expect(panel.previous).toEqual([{ itemKeys: ['HbA1c', 'GLU'], names: ['HbA1c(NGSP)', '血糖'], urgent: false, comment: '' }]);
    // today's order is not 前回
    expect(panel.orders).toHaveLength(2);
  });
});

describe('セット with 検査オーダー', () => {
  it('a set holds lab orders; made from the visit it takes them; applying it orders them for another patient', async () => {
    const p = await createPatient(a.receptionist);
    await checkIn({ patientId: p.id }, a.receptionist);
    await orderLabs({ patientId: p.id, itemKeys: ['AST', 'ALT', 'GGT'], urgent: true, comment: COMMENT }, a.doctor);
    const set = await createOrderSetFromVisit({ patientId: p.id, name: '肝機能チェック' }, a.doctor);
    expect(set.content.labOrders).toEqual([{ itemKeys: ['AST', 'ALT', 'GGT'], urgent: true, comment: COMMENT }]);

    const other = await createPatient(a.receptionist);
    const mark = await auditMark(a.clinic.id);
    const applied = await applyOrderSet({ id: set.id, patientId: other.id }, a.doctor);
    expect(applied).toMatchObject({ labOrderCount: 1, prescriptionId: null });
    const panel = await getLabOrderPanel(other.id, a.doctor);
    expect(panel.orders).toEqual([expect.objectContaining({ status: 'ordered', urgent: true, comment: COMMENT })]);
    expect(panel.orders[0]!.items.map((i) => i.itemKey)).toEqual(['AST', 'ALT', 'GGT']);
    const events = await auditEventsFor(a.clinic.id, {}, mark);
    expect(events.find((e) => e.resourceType === 'lab_order')?.detail).toMatchObject({ intent: 'create', orderSetId: set.id });

    // edited as a new version, the lab orders stay; a set of lab orders alone is a set
    const v2 = await saveOrderSet({ id: set.id, scope: 'personal', name: '肝機能', content: { labOrders: [{ itemKeys: ['AST'] }] } }, a.doctor);
    expect(v2).toMatchObject({ version: 2, content: { labOrders: [{ itemKeys: ['AST'], urgent: false, comment: '' }], items: [], diagnoses: [] } });
    await expect(saveOrderSet({ scope: 'personal', name: '空の検査', content: { labOrders: [{ itemKeys: [] }] } }, a.doctor)).rejects.toThrow('検査項目を1つ以上選択してください。');
  });
});
