/**
 * 検査オーダー (issue 13, docs/decisions/0070): a doctor orders tests for a visit from the 43+5 JP-CLINS items (JLAC10),
 * with 至急 and a comment. An order is a clinical record written through the one write path (lib/records/write-path.ts):
 * version 1 is 依頼済; each result entered for an ordered item is linked to the oldest open order that asked for it
 * (a new version naming the result), and the order is 結果あり once every item has one; 取消 is a version with status
 * entered_in_error. Every read and write is audited; another clinic's order or patient is NOT_FOUND.
 */
import { randomUUID } from 'node:crypto';
import { AppError, notFound } from '@/lib/core/app-error';
import { db, runInTransaction, type Prisma, type Tx } from '@/lib/core/db';
import { dateOnly, todayJst } from '@/lib/core/dates';
import { formatInTimeZone } from '@/lib/core/tz';
import { parseInput } from '@/lib/core/zod';
import { recordAuditEventNow } from '@/lib/audit/audit';
import { requirePermission, type Principal } from '@/lib/auth/principal';
import { patientRepository } from '@/lib/records/patients/patient.repository';
import { appendRecordVersion, createRecord, type WriteFacts } from '@/lib/records/write-path';
import { LAB_ITEMS_BY_KEY } from '@/lib/records/lab-results/lab-items';
import { visitRepository } from '@/lib/reception/visit.repository';
import { openVisitToday } from '@/lib/reception/visit.service';
import { staffNames } from '@/lib/staff/staff-names';
import { labOrderRepository } from './lab-order.repository';
import { cancelLabOrderSchema, orderLabsSchema, type CancelLabOrderInput, type OrderLabsInput } from './lab-order.schema';
import { itemsOf, toLabOrderDto, type LabOrderDto, type LabOrderItem, type LabOrderPanelDto } from './lab-order.dto';

const RESOURCE = 'lab_order';
/** A result collected up to this long before the order was written still answers it (the order typed after the blood draw). */
const COLLECTED_BEFORE_ORDER_MS = 24 * 3600_000;
/** Orders the chart lists. */
const PANEL_LIMIT = 20;

type LabOrderRow = NonNullable<Awaited<ReturnType<typeof labOrderRepository.findById>>>;

async function loadPatient(patientId: string, actor: Principal) {
  const patient = await patientRepository.findById(db(), { clinicId: actor.clinicId, patientId });
  if (!patient) {
    await recordAuditEventNow({ clinicId: actor.clinicId, actor, action: 'read', resourceType: RESOURCE, resourceId: patientId, outcome: 'failure', detail: { reason: 'not_found' }, ctx: actor.ctx });
    throw notFound();
  }
  return patient;
}

/** Version n+1: everything copied, then `changes`; the previous row is only marked superseded. */
function nextVersion(cur: LabOrderRow, actor: Principal, changes: Partial<Prisma.LabOrderUncheckedCreateInput>): Omit<Prisma.LabOrderUncheckedCreateInput, 'clinicId'> {
  const { id: _id, clinicId: _cl, createdAt: _c, supersededAt: _s, items, ...copy } = cur;
  return { ...copy, items: items as Prisma.InputJsonValue, id: randomUUID(), version: cur.version + 1, isLatest: true, recordedById: actor.userId, changeReason: null, ...changes };
}

/**
 * 検査を依頼: one order of the chosen items for today's open visit (or the visit given). Ids, counts and flags go to the
 * audit detail; the comment does not (clinical text).
 */
export async function orderLabs(raw: OrderLabsInput, actor: Principal, options: { facts?: WriteFacts } = {}): Promise<LabOrderDto> {
  await requirePermission(actor, 'lab.order');
  const input = parseInput(orderLabsSchema, raw);
  const patient = await loadPatient(input.patientId, actor);
  let visitId: string | null;
  if (input.visitId) {
    const visit = await visitRepository.find(db(), actor.clinicId, input.visitId);
    if (!visit || visit.patientId !== patient.id) throw notFound();
    visitId = visit.id;
  } else {
    visitId = (await openVisitToday(patient.id, actor))?.id ?? null;
  }
  const items: LabOrderItem[] = input.itemKeys.map((key) => {
    const item = LAB_ITEMS_BY_KEY.get(key)!;
    return { itemKey: item.key, jlac10: item.jlac10, name: item.nameJa, resultId: null };
  });
  const id = randomUUID();
  const row = await runInTransaction((tx) =>
    createRecord(
      tx,
      actor,
      'lab_order',
      {
        id,
        lineageId: id,
        version: 1,
        isLatest: true,
        status: 'ordered',
        patientId: patient.id,
        visitId,
        items: items as unknown as Prisma.InputJsonValue,
        urgent: input.urgent,
        comment: input.comment || null,
        orderedById: actor.userId,
        orderedAt: new Date(),
        recordedById: actor.userId,
      },
      { visitId, itemKeys: input.itemKeys, urgent: input.urgent, ...options.facts },
    ),
  );
  return toLabOrderDto(row, await staffNames(actor.clinicId, [row.orderedById]));
}

/** 取消: a version with status entered_in_error and the reason; results already linked stay as they are. */
export async function cancelLabOrder(raw: CancelLabOrderInput, actor: Principal): Promise<LabOrderDto> {
  await requirePermission(actor, 'lab.order');
  const input = parseInput(cancelLabOrderSchema, raw);
  const cur = await labOrderRepository.findById(db(), { clinicId: actor.clinicId, id: input.labOrderId });
  if (!cur) throw notFound();
  if (!cur.isLatest) throw new AppError('CONFLICT', 'この検査オーダーは他の職員が先に更新しました。画面を再読み込みしてください。');
  if (cur.status === 'entered_in_error') throw new AppError('CONFLICT', 'この検査オーダーはすでに取り消されています。');
  const row = await runInTransaction((tx) =>
    appendRecordVersion(tx, actor, 'lab_order', 'cancel', cur, nextVersion(cur, actor, { status: 'entered_in_error', changeReason: input.reason }), { itemCount: itemsOf(cur).length }),
  );
  return toLabOrderDto(row, await staffNames(actor.clinicId, [row.orderedById]));
}

/**
 * 結果の紐付け, inside the transaction that writes the results (manual entry and the lab CSV): each result goes to the
 * oldest open order of its patient that asked for its item and has none yet (and was written no later than a day after
 * the collection). Each order changed gets one new version; it is 結果あり when every item has a result. Returns the
 * number of results linked.
 */
export async function linkLabResultsToOrders(
  tx: Tx,
  actor: Principal,
  results: readonly { lineageId: string; patientId: string; itemKey: string; collectedAt: Date }[],
): Promise<number> {
  let linked = 0;
  for (const patientId of new Set(results.map((r) => r.patientId))) {
    const open = await labOrderRepository.listOpenForPatient(tx, { clinicId: actor.clinicId, patientId });
    if (!open.length) continue;
    const changed = new Map<string, { cur: LabOrderRow; items: LabOrderItem[]; resultIds: string[] }>();
    for (const r of results.filter((x) => x.patientId === patientId)) {
      for (const order of open) {
        if (order.orderedAt.getTime() > r.collectedAt.getTime() + COLLECTED_BEFORE_ORDER_MS) continue;
        const entry = changed.get(order.id) ?? { cur: order, items: itemsOf(order).map((i) => ({ ...i })), resultIds: [] };
        const item = entry.items.find((i) => i.itemKey === r.itemKey && !i.resultId);
        if (!item) continue;
        item.resultId = r.lineageId;
        entry.resultIds.push(r.lineageId);
        changed.set(order.id, entry);
        linked++;
        break;
      }
    }
    for (const { cur, items, resultIds } of changed.values()) {
      const complete = items.every((i) => i.resultId);
      await appendRecordVersion(
        tx,
        actor,
        'lab_order',
        'version',
        cur,
        nextVersion(cur, actor, { items: items as unknown as Prisma.InputJsonValue, status: complete ? 'resulted' : 'ordered', changeReason: '結果の紐付け' }),
        { resultsLinked: resultIds, complete },
      );
    }
  }
  return linked;
}

/**
 * A result 取消 (entered in error) no longer answers its order: the order that names it gets a new version without it,
 * back to 依頼済 (a correction keeps the link: the lineage is the same). Returns the number of orders changed.
 */
export async function unlinkLabResultFromOrders(tx: Tx, actor: Principal, result: { lineageId: string; patientId: string }): Promise<number> {
  const orders = await labOrderRepository.listLatestForPatient(tx, { clinicId: actor.clinicId, patientId: result.patientId, take: 100 });
  let changed = 0;
  for (const cur of orders) {
    const items = itemsOf(cur);
    if (!items.some((i) => i.resultId === result.lineageId)) continue;
    const next = items.map((i) => (i.resultId === result.lineageId ? { ...i, resultId: null } : i));
    await appendRecordVersion(
      tx,
      actor,
      'lab_order',
      'version',
      cur,
      nextVersion(cur, actor, { items: next as unknown as Prisma.InputJsonValue, status: 'ordered', changeReason: '結果の取消' }),
      { resultUnlinked: result.lineageId },
    );
    changed++;
  }
  return changed;
}

/**
 * The chart's 検査オーダー panel: the patient's current orders (open first, newest first; cancelled ones left out) and,
 * for 前回Do, the orders of the last earlier day the patient had any. One read audit event.
 */
export async function getLabOrderPanel(patientId: string, actor: Principal): Promise<LabOrderPanelDto> {
  await requirePermission(actor, 'chart.read');
  const patient = await loadPatient(patientId, actor);
  const rows = await labOrderRepository.listLatestForPatient(db(), { clinicId: actor.clinicId, patientId: patient.id, take: 100 });
  const today = todayJst();
  const dayOf = (d: Date) => formatInTimeZone(d, 'yyyy-MM-dd');
  const earlier = rows.filter((r) => dayOf(r.orderedAt) < today);
  const lastDay = earlier[0] ? dayOf(earlier[0].orderedAt) : null;
  const previous = earlier
    .filter((r) => dayOf(r.orderedAt) === lastDay)
    .reverse()
    .map((r) => {
      const items = itemsOf(r).filter((i) => LAB_ITEMS_BY_KEY.has(i.itemKey));
      return { itemKeys: items.map((i) => i.itemKey), names: items.map((i) => i.name), urgent: r.urgent, comment: r.comment ?? '' };
    })
    .filter((p) => p.itemKeys.length);
  const shown = [...rows.filter((r) => r.status === 'ordered'), ...rows.filter((r) => r.status !== 'ordered')].slice(0, PANEL_LIMIT);
  const names = await staffNames(actor.clinicId, shown.map((r) => r.orderedById));
  await recordAuditEventNow({
    clinicId: actor.clinicId,
    actor,
    action: 'read',
    resourceType: 'lab_order_list',
    resourceId: patient.id,
    patientId: patient.id,
    ctx: actor.ctx,
    detail: { count: shown.length, previousDay: lastDay },
  });
  return { orders: shown.map((r) => toLabOrderDto(r, names)), previous };
}

/** This visit's orders (not cancelled), oldest first, for 「この受診からセットを作成」; today's when there is no open visit. */
export async function labOrdersOfVisit(patientId: string, visitId: string | null, actor: Principal): Promise<LabOrderDto[]> {
  await requirePermission(actor, 'chart.read');
  const rows = await labOrderRepository.listLatestForPatient(db(), { clinicId: actor.clinicId, patientId, take: 100 });
  const today = dateOnly(todayJst()).getTime();
  const ofVisit = rows.filter((r) => (visitId ? r.visitId === visitId : dateOnly(formatInTimeZone(r.orderedAt, 'yyyy-MM-dd')).getTime() === today));
  return ofVisit.reverse().map((r) => toLabOrderDto(r));
}
