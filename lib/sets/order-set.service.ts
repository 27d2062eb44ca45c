/**
 * セット (issue 13, docs/decisions/0059): named bundles of coded 傷病名, prescription items and note text (what
 * OpenDolphin calls スタンプ, and 約束処方). A doctor keeps personal sets; doctors and the clinic admin keep the
 * clinic-wide ones. Versioned: an edit, a rename or 共有 is version n+1 with the old version kept; 削除 is a version with
 * status "deleted". A set holds no patient data; its audit detail holds counts and lengths, never its note text.
 *
 * Applying a set to a chart writes nothing of its own: the prescription goes through savePrescription as a draft (so
 * the allergy, 重複投薬 and 投与日数 checks run as for a hand-entered one), each 傷病名 through recordDiagnosis, and the
 * note text goes back to the editor, which inserts it into the open note.
 */
import { randomUUID } from 'node:crypto';
import { AppError, notFound } from '@/lib/core/app-error';
import { db, runInTransaction, type Tx } from '@/lib/core/db';
import { dateOnly, todayJst } from '@/lib/core/dates';
import { parseInput } from '@/lib/core/zod';
import { recordAuditEvent, recordAuditEventNow } from '@/lib/audit/audit';
import { requirePermission, type Principal } from '@/lib/auth/principal';
import { can } from '@/lib/permissions/permissions';
import { getDiseasesByCodes } from '@/lib/masters/master-search.repository';
import { diagnosisRepository } from '@/lib/records/diagnoses/diagnosis.repository';
import { composeDisplayName } from '@/lib/records/diagnoses/diagnosis.dto';
import { recordDiagnosis } from '@/lib/records/diagnoses/diagnosis.service';
import { SUSPECTED_MODIFIER_CODE, SUSPECTED_MODIFIER_NAME } from '@/lib/records/diagnoses/diagnosis.schema';
import { noteRepository } from '@/lib/records/notes/note.repository';
import { patientRepository } from '@/lib/records/patients/patient.repository';
import { prescriptionRepository } from '@/lib/records/prescriptions/prescription.repository';
import { toPrefill, toPrescriptionDto } from '@/lib/records/prescriptions/prescription.dto';
import { savePrescription } from '@/lib/records/prescriptions/prescription.service';
import { labOrdersOfVisit, orderLabs } from '@/lib/records/lab-orders/lab-order.service';
import { openVisitToday } from '@/lib/reception/visit.service';
import { staffNames } from '@/lib/staff/staff-names';
import { orderSetRepository, type OrderSetRow } from './order-set.repository';
import {
  applyOrderSetSchema,
  orderSetContentSchema,
  orderSetFromVisitSchema,
  orderSetRefSchema,
  renameOrderSetSchema,
  saveOrderSetSchema,
  type ApplyOrderSetInput,
  type OrderSetContent,
  type OrderSetFromVisitInput,
  type OrderSetNote,
  type OrderSetRefInput,
  type RenameOrderSetInput,
  type SaveOrderSetInput,
} from './order-set.schema';
import {
  summarizeContent,
  type ApplyOrderSetResultDto,
  type OrderSetContentDto,
  type OrderSetDiagnosisDto,
  type OrderSetDto,
  type OrderSetOptionDto,
  type OrderSetVersionDto,
} from './order-set.dto';
import type { OrderSetScope } from './order-set.constants';

const RESOURCE = 'order_set';
const EMPTY_NOTE: OrderSetNote = { subjective: '', objective: '', assessment: '', plan: '' };

/** Clinic-wide sets: the clinic admin and doctors; personal ones: doctors (they hold prescriptions). */
const mayWriteClinicWide = (actor: Principal) => can(actor.role, 'clinic.settings') || can(actor.role, 'prescription.write');

async function requireScope(actor: Principal, scope: OrderSetScope) {
  if (scope === 'clinic' && can(actor.role, 'clinic.settings')) return;
  await requirePermission(actor, 'prescription.write');
}

/** Listing: whoever may keep a set of either kind. */
async function requireReader(actor: Principal) {
  if (can(actor.role, 'clinic.settings')) return;
  await requirePermission(actor, 'prescription.write');
}

function contentOf(row: OrderSetRow): OrderSetContentDto {
  const c = row.content as unknown as OrderSetContentDto;
  // sets saved before 検査オーダー existed (0070) have no labOrders
  return { ...c, labOrders: c.labOrders ?? [] };
}

function toDto(row: OrderSetRow, actor: Principal): OrderSetDto {
  const personal = row.ownerId !== null;
  return {
    id: row.id,
    lineageId: row.lineageId,
    version: row.version,
    name: row.name,
    personal,
    editable: personal ? row.ownerId === actor.userId : mayWriteClinicWide(actor),
    content: contentOf(row),
    updatedAt: row.createdAt.toISOString(),
  };
}

/** Counts and lengths only: a set's note text is clinical wording and stays out of the audit detail and the logs. */
function contentFacts(c: OrderSetContentDto) {
  return {
    diagnosisCount: c.diagnoses.length,
    itemCount: c.items.length,
    labOrderCount: c.labOrders.length,
    noteLength: Object.values(c.note).reduce((n, t) => n + t.length, 0),
  };
}

/** The master names of the diagnoses (never the client's), with the 疑い rule of the diagnosis slice. */
async function resolveContent(content: OrderSetContent): Promise<OrderSetContentDto> {
  const diseases = new Map((await getDiseasesByCodes([...new Set(content.diagnoses.map((d) => d.diseaseCode))])).map((d) => [d.code, d]));
  const modifierCodes = [...new Set(content.diagnoses.flatMap((d) => d.modifierCodes))];
  const modifiers = new Map((await diagnosisRepository.findModifiers(db(), modifierCodes)).map((m) => [m.code, m]));
  const today = todayJst();
  const errors: Record<string, string> = {};
  const diagnoses = content.diagnoses.map((d, i): OrderSetDiagnosisDto => {
    const disease = diseases.get(d.diseaseCode);
    if (!disease) errors[`content.diagnoses.${i}.diseaseCode`] = '傷病名マスターにないコードです。検索して選択し直してください。';
    else if (disease.abolishedOn && disease.abolishedOn <= today) errors[`content.diagnoses.${i}.diseaseCode`] = `${disease.name} は廃止された傷病名です。`;
    const codes = [...new Set(d.modifierCodes)];
    const isSuspected = d.isSuspected || codes.includes(SUSPECTED_MODIFIER_CODE);
    if (isSuspected && !codes.includes(SUSPECTED_MODIFIER_CODE)) codes.push(SUSPECTED_MODIFIER_CODE);
    const named = codes.map((code) => {
      const m = modifiers.get(code);
      if (!m && code !== SUSPECTED_MODIFIER_CODE) errors[`content.diagnoses.${i}.modifierCodes`] = `修飾語マスターにないコードです（${code}）。`;
      return m ? { name: m.name, position: m.position === 'suffix' ? ('suffix' as const) : ('prefix' as const) } : { name: SUSPECTED_MODIFIER_NAME, position: 'suffix' as const };
    });
    return { diseaseCode: d.diseaseCode, modifierCodes: codes, isSuspected, name: composeDisplayName(disease?.name ?? d.diseaseCode, named) };
  });
  if (Object.keys(errors).length) throw new AppError('INVALID_INPUT', Object.values(errors)[0]!, errors);
  return { diagnoses, items: content.items, outOfHouse: content.outOfHouse, labOrders: content.labOrders, note: content.note };
}

/** The current version of a set of the actor's clinic that the actor may see (another user's own is NOT_FOUND). */
async function loadVisible(c: Tx | ReturnType<typeof db>, actor: Principal, id: string): Promise<OrderSetRow> {
  const row = await orderSetRepository.findById(c, { clinicId: actor.clinicId, id });
  if (!row || row.status !== 'active' || (row.ownerId !== null && row.ownerId !== actor.userId)) throw notFound();
  return row;
}

async function loadEditable(tx: Tx, actor: Principal, id: string): Promise<OrderSetRow> {
  const row = await loadVisible(tx, actor, id);
  await requireScope(actor, row.ownerId === null ? 'clinic' : 'personal');
  if (!row.isLatest) throw new AppError('CONFLICT', 'このセットには新しい版があります。画面を再読み込みしてから編集し直してください。');
  return row;
}

async function assertNameFree(tx: Tx, actor: Principal, ownerId: string | null, name: string, lineageId?: string) {
  const same = await orderSetRepository.findActiveByName(tx, { clinicId: actor.clinicId, ownerId, name });
  if (same && same.lineageId !== lineageId) {
    throw new AppError('INVALID_INPUT', `セット「${name}」はすでにあります。別の名前にしてください。`, { name: 'すでにある名前です。' });
  }
}

type Change = 'created' | 'edited' | 'renamed' | 'shared' | 'removed';
const CHANGE_REASONS: Record<Exclude<Change, 'created'>, string> = { edited: '内容の変更', renamed: '名前の変更', shared: '院内共通にした', removed: '削除' };

/** Writes version n+1 (or version 1) and its audit event in the caller's transaction. */
async function writeVersion(
  tx: Tx,
  actor: Principal,
  change: Change,
  previous: OrderSetRow | null,
  next: { ownerId: string | null; name: string; content: OrderSetContentDto; status?: 'active' | 'deleted' },
): Promise<OrderSetRow> {
  if (previous) {
    const { count } = await orderSetRepository.supersede(tx, { clinicId: actor.clinicId, id: previous.id });
    if (count !== 1) throw new AppError('CONFLICT', 'このセットは他の画面で変更されました。画面を再読み込みしてください。');
  }
  const row = await orderSetRepository.create(tx, {
    clinicId: actor.clinicId,
    id: randomUUID(),
    lineageId: previous?.lineageId ?? randomUUID(),
    version: (previous?.version ?? 0) + 1,
    ownerId: next.ownerId,
    name: next.name,
    content: next.content as object,
    status: next.status ?? 'active',
    changeReason: change === 'created' ? null : CHANGE_REASONS[change],
    recordedById: actor.userId,
  });
  await recordAuditEvent(tx, {
    clinicId: actor.clinicId,
    actor,
    action: change === 'removed' ? 'delete' : 'settings_changed',
    resourceType: RESOURCE,
    resourceId: row.lineageId,
    ctx: actor.ctx,
    detail: { change, scope: next.ownerId === null ? 'clinic' : 'personal', version: row.version, previousId: previous?.id ?? null, ...contentFacts(next.content) },
  });
  return row;
}

/** The sets this user can apply: the clinic-wide ones and their own. */
export async function listOrderSets(actor: Principal): Promise<OrderSetDto[]> {
  await requireReader(actor);
  return (await orderSetRepository.listForUser(db(), { clinicId: actor.clinicId, userId: actor.userId })).map((r) => toDto(r, actor));
}

/** The chart's palette entries (name and a short summary). Empty for whoever cannot apply a set. */
export async function listOrderSetOptions(actor: Principal): Promise<OrderSetOptionDto[]> {
  if (!can(actor.role, 'prescription.write')) return [];
  const rows = await orderSetRepository.listForUser(db(), { clinicId: actor.clinicId, userId: actor.userId });
  return rows.map((r) => ({ id: r.id, name: r.name, personal: r.ownerId !== null, summary: summarizeContent(contentOf(r)) }));
}

/** A new set, or a new version of one (id = the version being edited; its scope stays). */
export async function saveOrderSet(raw: SaveOrderSetInput, actor: Principal): Promise<OrderSetDto> {
  const input = parseInput(saveOrderSetSchema, raw);
  await requireScope(actor, input.scope);
  const content = await resolveContent(input.content);
  return runInTransaction(async (tx) => {
    const previous = input.id ? await loadEditable(tx, actor, input.id) : null;
    if (previous && (previous.ownerId === null) !== (input.scope === 'clinic')) {
      throw new AppError('INVALID_INPUT', '共通・個人用の区別はここでは変更できません。「院内共通にする」を使ってください。', { scope: '変更できません。' });
    }
    const ownerId = previous ? previous.ownerId : input.scope === 'clinic' ? null : actor.userId;
    await assertNameFree(tx, actor, ownerId, input.name, previous?.lineageId);
    return toDto(await writeVersion(tx, actor, previous ? 'edited' : 'created', previous, { ownerId, name: input.name, content }), actor);
  });
}

export async function renameOrderSet(raw: RenameOrderSetInput, actor: Principal): Promise<OrderSetDto> {
  const input = parseInput(renameOrderSetSchema, raw);
  return runInTransaction(async (tx) => {
    const previous = await loadEditable(tx, actor, input.id);
    if (previous.name === input.name) return toDto(previous, actor);
    await assertNameFree(tx, actor, previous.ownerId, input.name, previous.lineageId);
    return toDto(await writeVersion(tx, actor, 'renamed', previous, { ownerId: previous.ownerId, name: input.name, content: contentOf(previous) }), actor);
  });
}

/** 共有: the owner's personal set becomes 院内共通 (a new version without an owner). */
export async function shareOrderSet(raw: OrderSetRefInput, actor: Principal): Promise<OrderSetDto> {
  const input = parseInput(orderSetRefSchema, raw);
  if (!mayWriteClinicWide(actor)) await requirePermission(actor, 'clinic.settings');
  return runInTransaction(async (tx) => {
    const previous = await loadEditable(tx, actor, input.id);
    if (previous.ownerId === null) return toDto(previous, actor);
    await assertNameFree(tx, actor, null, previous.name, previous.lineageId);
    return toDto(await writeVersion(tx, actor, 'shared', previous, { ownerId: null, name: previous.name, content: contentOf(previous) }), actor);
  });
}

/** 削除: a version with status "deleted"; every earlier version stays. */
export async function removeOrderSet(raw: OrderSetRefInput, actor: Principal): Promise<void> {
  const input = parseInput(orderSetRefSchema, raw);
  await runInTransaction(async (tx) => {
    const previous = await loadEditable(tx, actor, input.id);
    await writeVersion(tx, actor, 'removed', previous, { ownerId: previous.ownerId, name: previous.name, content: contentOf(previous), status: 'deleted' });
  });
}

/** Every version of a set, newest first. */
export async function listOrderSetVersions(raw: OrderSetRefInput, actor: Principal): Promise<OrderSetVersionDto[]> {
  const input = parseInput(orderSetRefSchema, raw);
  await requireReader(actor);
  const row = await loadVisible(db(), actor, input.id);
  const versions = await orderSetRepository.listVersions(db(), { clinicId: actor.clinicId, lineageId: row.lineageId });
  const names = await staffNames(actor.clinicId, versions.map((v) => v.recordedById));
  return versions.map((v) => ({
    id: v.id,
    version: v.version,
    name: v.name,
    status: v.status === 'deleted' ? 'deleted' : 'active',
    changeReason: v.changeReason,
    createdAt: v.createdAt.toISOString(),
    recordedByName: names.get(v.recordedById) ?? null,
  }));
}

/**
 * Applies a set to a patient's chart. The prescription is saved first, as a draft through savePrescription: a
 * SafetyCheckError stops everything before any diagnosis is recorded, and the caller resubmits with the
 * acknowledgements, as for a hand-entered prescription. Each 傷病名 the patient does not already have (same code, not
 * ended) is then recorded through recordDiagnosis. The note text is returned for the open note; nothing is 確定d.
 */
export async function applyOrderSet(raw: ApplyOrderSetInput, actor: Principal): Promise<ApplyOrderSetResultDto> {
  const input = parseInput(applyOrderSetSchema, raw);
  await requirePermission(actor, 'prescription.write');
  const set = await loadVisible(db(), actor, input.id);
  const scope = { clinicId: actor.clinicId, patientId: input.patientId };
  if (!(await patientRepository.findById(db(), scope))) throw notFound();
  const content = contentOf(set);
  if (content.diagnoses.length) await requirePermission(actor, 'diagnosis.write');
  if (content.labOrders.length) await requirePermission(actor, 'lab.order');
  // the set was checked against the masters when saved; a code abolished since then stops here, before anything is written
  await resolveContent(orderSetContentSchema.parse({ ...content, diagnoses: content.diagnoses.map(({ name: _n, ...d }) => d) }));

  const prescription = content.items.length
    ? await savePrescription(
        {
          patientId: input.patientId,
          intent: 'draft',
          outOfHouse: content.outOfHouse,
          items: content.items,
          allergyOverrideReason: input.allergyOverrideReason,
          duplicateAcknowledged: input.duplicateAcknowledged,
          limitOverrideReason: input.limitOverrideReason,
        },
        actor,
      )
    : null;

  // 検査オーダー after the prescription (a blocked safety check leaves nothing written), each through orderLabs
  let labOrderCount = 0;
  for (const order of content.labOrders) {
    await orderLabs({ patientId: input.patientId, ...order }, actor, { facts: { orderSetId: set.id } });
    labOrderCount++;
  }

  const current = await diagnosisRepository.listLatest(db(), scope);
  const running = new Set(current.filter((d) => !d.outcome && d.diseaseCode).map((d) => `${d.diseaseCode}|${d.isSuspected}`));
  const added: string[] = [];
  const skipped: string[] = [];
  for (const d of content.diagnoses) {
    const key = `${d.diseaseCode}|${d.isSuspected}`;
    if (running.has(key)) {
      skipped.push(d.name);
      continue;
    }
    const recorded = await recordDiagnosis(
      { patientId: input.patientId, diseaseCode: d.diseaseCode, modifierCodes: d.modifierCodes, isSuspected: d.isSuspected, isPrimary: false },
      actor,
      { facts: { orderSetId: set.id } },
    );
    running.add(key);
    added.push(recorded.displayName);
  }
  await recordAuditEventNow({
    clinicId: actor.clinicId,
    actor,
    action: 'read',
    resourceType: RESOURCE,
    resourceId: set.lineageId,
    patientId: input.patientId,
    ctx: actor.ctx,
    detail: { applied: true, version: set.version, prescriptionId: prescription?.id ?? null, labOrdersCreated: labOrderCount, diagnosesAdded: added.length, diagnosesSkipped: skipped.length, ...contentFacts(content) },
  });
  return { name: set.name, prescriptionId: prescription?.id ?? null, itemCount: content.items.length, labOrderCount, diagnosesAdded: added, diagnosesSkipped: skipped, note: content.note };
}

/**
 * 「この受診からセットを作成」: this visit's diagnoses added today, its prescriptions (the latest version of each that was
 * not cancelled) and its note text (the editor's, else the visit's saved note) become a new set; only the name is asked.
 * Without an open visit today, today's diagnoses and prescriptions of the patient are taken.
 */
export async function createOrderSetFromVisit(raw: OrderSetFromVisitInput, actor: Principal): Promise<OrderSetDto> {
  const input = parseInput(orderSetFromVisitSchema, raw);
  await requireScope(actor, input.scope);
  await requirePermission(actor, 'chart.read');
  const scope = { clinicId: actor.clinicId, patientId: input.patientId };
  if (!(await patientRepository.findById(db(), scope))) throw notFound();
  const visit = await openVisitToday(input.patientId, actor);
  const today = dateOnly(todayJst()).getTime();
  const ofThisVisit = (r: { visitId: string | null }, date: Date) => (visit ? r.visitId === visit.id : date.getTime() === today);

  const diagnoses = (await diagnosisRepository.listLatest(db(), scope)).filter((d) => d.diseaseCode && ofThisVisit(d, d.startDate) && d.startDate.getTime() === today);
  const prescriptions = (await prescriptionRepository.listLatestForPatient(db(), scope, 50))
    .filter((p) => p.status !== 'entered_in_error' && ofThisVisit(p, p.issuedDate))
    .reverse();
  const labOrders = await labOrdersOfVisit(input.patientId, visit?.id ?? null, actor);
  const fromEditor = input.note && Object.values(input.note).some((t) => t.trim() !== '') ? input.note : null;
  let note: OrderSetNote = fromEditor ?? EMPTY_NOTE;
  let noteId: string | null = null;
  if (!fromEditor && visit) {
    const saved = (await noteRepository.listLatestForPatient(db(), scope, 20)).find((n) => n.visitId === visit.id && n.status !== 'entered_in_error');
    if (saved) {
      note = { subjective: saved.subjective, objective: saved.objective, assessment: saved.assessment, plan: saved.plan };
      noteId = saved.id;
    }
  }
  const prefill = prescriptions.length ? toPrefill(prescriptions.map((p) => toPrescriptionDto(p))) : null;
  const parsed = orderSetContentSchema.safeParse({
    diagnoses: diagnoses.map((d) => ({
      diseaseCode: d.diseaseCode!,
      modifierCodes: (d.modifiers as { code: string }[]).map((m) => m.code),
      isSuspected: d.isSuspected,
    })),
    items: prefill?.items ?? [],
    outOfHouse: prefill?.outOfHouse ?? true,
    labOrders: labOrders.map((o) => ({ itemKeys: o.items.map((i) => i.itemKey), urgent: o.urgent, comment: o.comment ?? '' })),
    note,
  });
  if (!parsed.success) throw new AppError('PRECONDITION_FAILED', 'この受診には、セットにできる傷病名・処方・検査・診療録の文がありません。');
  await recordAuditEventNow({
    clinicId: actor.clinicId,
    actor,
    action: 'read',
    resourceType: RESOURCE,
    patientId: input.patientId,
    ctx: actor.ctx,
    detail: { purpose: 'create_from_visit', visitId: visit?.id ?? null, diagnosisIds: diagnoses.map((d) => d.id), prescriptionIds: prescriptions.map((p) => p.id), labOrderIds: labOrders.map((o) => o.id), noteId },
  });
  return saveOrderSet({ scope: input.scope, name: input.name, content: parsed.data }, actor);
}
