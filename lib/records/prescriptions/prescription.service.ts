/**
 * 処方 (院外処方箋): drafts, 確定, 代行入力 with approval, versioned edits, 取消, 前回Do, order-time safety checks
 * (drug allergy, 重複投薬) and printing. Every read and write is audited.
 *
 * States: a doctor's draft → 確定 (final, confirmedBy/At, contentHash). A nurse's 代行入力 is pending_approval for a
 * named doctor; only that doctor approves (→ final). A final prescription is never changed: an edit is version n+1
 * (changeReason), 取消 is version n+1 with status entered_in_error.
 */
import { randomUUID } from 'node:crypto';
import { AppError, notFound } from '@/lib/core/app-error';
import { db, runInTransaction, type Tx } from '@/lib/core/db';
import { dateOnly, isoDate, todayJst } from '@/lib/core/dates';
import { recordAuditEvent, recordAuditEventNow } from '@/lib/audit/audit';
import type { Actor } from '@/lib/auth/actor';
import { requirePermission } from '@/lib/auth/guards';
import { can } from '@/lib/permissions/permissions';
import { getDrugsByCodes, listUsages, searchDrugs, type DrugSearchHit, type UsageDto } from '@/lib/masters/master-search.repository';
import { ingredientLabel } from '@/lib/records/allergies/ingredient-label';
import { listActiveMedicationAllergies } from '@/lib/records/allergies/allergy.repository';
import { patientRepository } from '@/lib/records/patients/patient.repository';
import { toPatientDto } from '@/lib/records/patients/patient.dto';
import { openVisitToday } from '@/lib/reception/visit.service';
import { staffNames } from '@/lib/staff/staff-names';
import { RECORD_STATUSES, type RecordStatus } from '@/lib/records/record-version.constants';
import { oneOf } from '@/lib/core/text-enum';
import { prescriptionRepository, type PrescriptionItemData } from './prescription.repository';
import {
  itemActiveUntil,
  toPrefill,
  toPrescriptionDto,
  type PrescriptionDto,
  type PrescriptionPanelDto,
  type PrescriptionPrefillDto,
  type PrescriptionPrintDto,
  type PrescriptionRow,
} from './prescription.dto';
import { prescriptionContentHash } from './prescription-hash';
import { staffRepository } from '@/lib/staff/staff.repository';
import {
  approvePrescriptionSchema,
  confirmPrescriptionSchema,
  drugSearchSchema,
  enteredInErrorSchema,
  prefillSchema,
  savePrescriptionSchema,
  type ApprovePrescriptionInput,
  type ConfirmPrescriptionInput,
  type DrugSearchInput,
  type EnteredInErrorInput,
  type PrefillInput,
  type PrescriptionItemInput,
  type SavePrescriptionInput,
} from './prescription.schema';
import {
  checkAllergies,
  checkDuplicates,
  enforceAcknowledgements,
  type Acknowledgements,
  type ActiveItem,
  type CheckedItem,
  type SafetyReport,
} from './safety-check';

const RESOURCE = 'prescription';
/** Final prescriptions issued within this many days are looked at for 「現在の処方」 and 重複投薬 (max 365 days + margin). */
const ACTIVE_LOOKBACK_DAYS = 400;

type WriterMode = 'doctor' | 'proxy';

/** prescription.write (doctor) or prescription.proxy (nurse 代行入力); the denial is audited as prescription.proxy. */
async function requireWriter(actor: Actor): Promise<WriterMode> {
  if (can(actor.role, 'prescription.write')) return 'doctor';
  await requirePermission(actor, 'prescription.proxy');
  return 'proxy';
}

const invalid = (fieldErrors: Record<string, string>) =>
  new AppError('INVALID_INPUT', Object.values(fieldErrors)[0] ?? '入力内容に誤りがあります。', fieldErrors);

function daysAgo(iso: string, days: number): Date {
  const d = dateOnly(iso);
  d.setUTCDate(d.getUTCDate() - days);
  return d;
}

/** Master lookups happen before the transaction (the masters are read through the shared client). */
type ResolvedItem = PrescriptionItemData & {
  drugCodeSystem: 'yj' | 'generic' | 'none'; drugCode: string | null; yjCode: string | null; receiptCode: string | null; drugName: string; dose: number;
  usageCode: string | null; days: number | null; times: number | null; genericSubstitutionAllowed: boolean; comment: string | null; doseBasis: string;
};

async function resolveItems(items: PrescriptionItemInput[]): Promise<ResolvedItem[]> {
  const codes = [...new Set(items.map((i) => i.receiptCode).filter((c): c is string => !!c))];
  const drugs = new Map((await getDrugsByCodes(codes)).map((d) => [d.code, d]));
  const usages = new Map((items.some((i) => i.usageCode) ? await listUsages() : []).map((u) => [u.code, u]));
  const today = todayJst();
  const errors: Record<string, string> = {};
  const sortByRp = new Map<number, number>();
  const out = items.map((item, index): ResolvedItem => {
    const at = (field: string) => `items.${index}.${field}`;
    let drugCodeSystem: 'yj' | 'generic' | 'none' = 'none';
    let drugCode: string | null = null;
    let yjCode: string | null = null;
    let drugName = item.drugName;
    if (item.receiptCode) {
      const drug = drugs.get(item.receiptCode);
      if (!drug) errors[at('receiptCode')] = '医薬品マスターにない薬品です。検索から選び直してください。';
      else {
        if (drug.abolishedOn && drug.abolishedOn <= today) errors[at('receiptCode')] = `${drug.name} は経過措置期限が過ぎた薬品です。`;
        yjCode = drug.yjCode;
        if (item.prescribeByGeneric) {
          if (!drug.genericCode || !drug.genericName) errors[at('prescribeByGeneric')] = 'この薬品には一般名処方コードがありません。';
          drugCodeSystem = 'generic';
          drugCode = drug.genericCode;
          drugName = drug.genericName ?? drug.name;
        } else {
          drugCodeSystem = drug.yjCode ? 'yj' : 'none';
          drugCode = drug.yjCode;
          drugName = drug.name;
        }
      }
    } else if (item.prescribeByGeneric) {
      errors[at('prescribeByGeneric')] = '一般名処方はマスターから選んだ薬品に限ります。';
    }
    let usageText = item.usageText;
    if (item.usageCode) {
      const usage = usages.get(item.usageCode);
      if (!usage) errors[at('usageCode')] = '用法マスターにない用法コードです。';
      else {
        if (usage.kind !== item.kind) errors[at('usageCode')] = '用法が内服・頓服・外用の区分と一致しません。';
        usageText = usageText || usage.text;
      }
    }
    const sortOrder = (sortByRp.get(item.rpNumber) ?? 0) + 1;
    sortByRp.set(item.rpNumber, sortOrder);
    return {
      rpNumber: item.rpNumber,
      sortOrder,
      kind: item.kind,
      drugCodeSystem,
      drugCode,
      yjCode,
      receiptCode: item.receiptCode ?? null,
      drugName,
      dose: item.dose,
      doseUnit: item.doseUnit,
      doseBasis: item.doseBasis,
      usageCode: item.usageCode ?? null,
      usageText,
      days: item.days ?? null,
      times: item.times ?? null,
      genericSubstitutionAllowed: item.genericSubstitutionAllowed,
      comment: item.comment ?? null,
    };
  });
  if (Object.keys(errors).length) throw invalid(errors);
  return out;
}

/** Runs both checks inside the transaction; throws SafetyCheckError unless acknowledged. */
async function runSafetyChecks(
  tx: Tx,
  scope: { clinicId: string; patientId: string; excludeLineageId?: string },
  items: { drugName: string; yjCode: string | null; receiptCode: string | null }[],
  ack: Acknowledgements,
) {
  // the ingredient of each item, for the by-name allergy match (the master is global: read on this transaction)
  const drugs = new Map((await getDrugsByCodes([...new Set(items.map((i) => i.receiptCode).filter((c): c is string => !!c))], tx)).map((d) => [d.code, d]));
  const checked: CheckedItem[] = items.map((i, index) => {
    const drug = i.receiptCode ? drugs.get(i.receiptCode) : undefined;
    return { index, drugName: i.drugName, yjCode: i.yjCode, ingredient: drug ? ingredientLabel(drug) : null };
  });
  const allergies = await listActiveMedicationAllergies(tx, { clinicId: scope.clinicId, patientId: scope.patientId });
  const today = todayJst();
  const finals = await prescriptionRepository.listFinalSince(tx, { ...scope, since: daysAgo(today, ACTIVE_LOOKBACK_DAYS) });
  const active: ActiveItem[] = [];
  for (const p of finals) {
    if (p.lineageId === scope.excludeLineageId) continue;
    const issued = isoDate(p.issuedDate);
    for (const it of p.items) {
      const until = itemActiveUntil(issued, it);
      if (until >= today) active.push({ prescriptionId: p.id, lineageId: p.lineageId, issuedDate: issued, activeUntil: until, drugName: it.drugName, yjCode: it.yjCode });
    }
  }
  const report: SafetyReport = { allergyConflicts: checkAllergies(checked, allergies), duplicates: checkDuplicates(checked, active) };
  const stored = enforceAcknowledgements(report, ack);
  return { report, stored };
}

/** Audit detail of the checks: ids and counts only, never the free-text reason. */
function safetyDetail(report: SafetyReport, stored: { allergyOverrideReason: string | null; duplicateAcknowledged: boolean }) {
  return {
    ...(report.allergyConflicts.length
      ? { allergyOverride: { allergyLineageIds: [...new Set(report.allergyConflicts.map((c) => c.allergyLineageId))], reasonGiven: !!stored.allergyOverrideReason } }
      : {}),
    ...(report.duplicates.length ? { duplicateAcknowledged: stored.duplicateAcknowledged, duplicateCount: report.duplicates.length } : {}),
  };
}

async function withNames(rows: PrescriptionRow[], clinicId: string): Promise<PrescriptionDto[]> {
  const names = await staffNames(clinicId, rows.flatMap((r) => [r.authorId, r.entererId, r.confirmedById, r.approvedById]));
  return rows.map((r) => toPrescriptionDto(r, names));
}
const one = async (row: PrescriptionRow, clinicId: string) => (await withNames([row], clinicId))[0]!;

/** Drug search as you type (brand / generic name, kana). Master read: no patient data, not audited. */
export async function searchDrugsForPrescription(input: DrugSearchInput, actor: Actor): Promise<DrugSearchHit[]> {
  await requirePermission(actor, 'chart.read');
  const { q, limit } = drugSearchSchema.parse(input);
  return searchDrugs(q, limit);
}

export async function listUsageOptions(actor: Actor): Promise<UsageDto[]> {
  await requirePermission(actor, 'chart.read');
  return listUsages();
}

/**
 * 保存 / 確定 / 代行入力. Without prescriptionId: a new prescription. With it: a draft is updated in place; a final or
 * pending one gets version n+1 (an edit of a final one needs a reason and is 確定 at once).
 */
export async function savePrescription(raw: SavePrescriptionInput, actor: Actor): Promise<PrescriptionDto> {
  const mode = await requireWriter(actor);
  const input = savePrescriptionSchema.parse(raw);
  if (input.intent === 'confirm') await requirePermission(actor, 'prescription.confirm');
  if (mode === 'proxy' && !input.responsibleDoctorId) throw invalid({ responsibleDoctorId: '代行入力では承認する医師を選択してください。' });
  const status: RecordStatus = mode === 'proxy' ? 'pending_approval' : input.intent === 'confirm' ? 'final' : 'draft';
  const items = await resolveItems(input.items);
  const visit = await openVisitToday(input.patientId, actor);
  const scope = { clinicId: actor.clinicId, patientId: input.patientId };
  const today = dateOnly(todayJst());

  const row = await runInTransaction(async (tx) => {
    if (!(await patientRepository.findById(tx, scope))) throw notFound();
    const authorId = mode === 'proxy' ? input.responsibleDoctorId! : actor.userId;
    if (mode === 'proxy' && !(await staffRepository.findActiveDoctor(tx, actor.clinicId, authorId))) {
      throw invalid({ responsibleDoctorId: '承認する医師が見つかりません。' });
    }
    const existing = input.prescriptionId ? await prescriptionRepository.findById(tx, { clinicId: actor.clinicId, prescriptionId: input.prescriptionId }) : null;
    if (input.prescriptionId && (!existing || existing.patientId !== input.patientId)) throw notFound();
    if (existing && !existing.isLatest) throw new AppError('CONFLICT', 'この処方には新しい版があります。画面を再読み込みしてから編集し直してください。');
    if (existing?.status === 'entered_in_error') throw new AppError('CONFLICT', '取消済みの処方は修正できません。');
    if (existing?.status === 'draft' && mode === 'proxy') throw new AppError('FORBIDDEN', '医師の下書きは代行入力で修正できません。');
    if (existing?.status === 'final') {
      if (mode === 'proxy') throw new AppError('FORBIDDEN', '確定済みの処方の修正は医師が行います。');
      if (status !== 'final') throw new AppError('PRECONDITION_FAILED', '確定済みの処方の修正は「確定」で保存してください（新しい版になります）。');
      if (!input.changeReason) throw invalid({ changeReason: '確定済みの処方を修正する理由を入力してください。' });
    }

    const { report, stored } = await runSafetyChecks(tx, { ...scope, excludeLineageId: existing?.lineageId }, items, input);
    const audit = { clinicId: actor.clinicId, actor, resourceType: RESOURCE, patientId: input.patientId, ctx: actor.ctx };
    const content = { outOfHouse: input.outOfHouse, note: input.note ?? null, ...stored };

    if (existing?.status === 'draft') {
      const count = await prescriptionRepository.updateDraft(tx, { clinicId: actor.clinicId, prescriptionId: existing.id }, { ...content, issuedDate: today, visitId: existing.visitId ?? visit?.id ?? null }, items);
      if (count !== 1) throw new AppError('CONFLICT', '他の職員がこの処方を先に更新しました。画面を再読み込みしてください。');
      await recordAuditEvent(tx, { ...audit, action: 'update', resourceId: existing.id, detail: { version: existing.version, status: 'draft', itemCount: items.length, ...safetyDetail(report, stored) } });
      if (status === 'final') {
        const hash = prescriptionContentHash({ ...existing, ...content, issuedDate: today }, items);
        const { count: done } = await prescriptionRepository.transition(tx, { clinicId: actor.clinicId, prescriptionId: existing.id, from: 'draft' }, { status: 'final', confirmedById: actor.userId, confirmedAt: new Date(), contentHash: hash });
        if (done !== 1) throw new AppError('CONFLICT', '他の職員がこの処方を先に確定しました。');
        await recordAuditEvent(tx, { ...audit, action: 'confirm', resourceId: existing.id, detail: { version: existing.version, contentHash: hash, ...safetyDetail(report, stored) } });
      }
      return (await prescriptionRepository.findById(tx, { clinicId: actor.clinicId, prescriptionId: existing.id }))!;
    }

    const lineageId = existing?.lineageId ?? randomUUID();
    const version = (existing?.version ?? 0) + 1;
    if (existing) {
      const { count } = await prescriptionRepository.markSuperseded(tx, { clinicId: actor.clinicId, prescriptionId: existing.id });
      if (count !== 1) throw new AppError('CONFLICT', '他の職員がこの処方を先に更新しました。画面を再読み込みしてください。');
    }
    const header = {
      id: randomUUID(),
      lineageId,
      version,
      patientId: input.patientId,
      visitId: visit?.id ?? existing?.visitId ?? null,
      status,
      issuedDate: today,
      authorId: existing?.status === 'pending_approval' && mode === 'doctor' ? existing.authorId : authorId,
      entererId: actor.userId,
      ...content,
      changeReason: existing ? input.changeReason ?? '代行入力の修正' : null,
      supersedesId: existing?.id ?? null,
    };
    const final: { confirmedById?: string; confirmedAt?: Date; contentHash?: string; approvedById?: string; approvedAt?: Date } = status === 'final'
      ? {
          confirmedById: actor.userId,
          confirmedAt: new Date(),
          contentHash: prescriptionContentHash(header, items),
          // a doctor finishing a nurse's 代行入力 with changes approves it at the same time
          ...(existing?.status === 'pending_approval' ? { approvedById: actor.userId, approvedAt: new Date() } : {}),
        }
      : {};
    const created = await prescriptionRepository.create(tx, { clinicId: actor.clinicId }, { ...header, ...final }, items);
    await recordAuditEvent(tx, {
      ...audit,
      action: existing ? 'update' : 'create',
      resourceId: created.id,
      detail: { lineageId, version, status, itemCount: items.length, ...(existing ? { supersedesId: existing.id } : {}), ...(mode === 'proxy' ? { proxyFor: authorId } : {}), ...safetyDetail(report, stored) },
    });
    if (status === 'final') {
      await recordAuditEvent(tx, { ...audit, action: existing?.status === 'pending_approval' ? 'approve' : 'confirm', resourceId: created.id, detail: { lineageId, version, contentHash: final.contentHash } });
    }
    return (await prescriptionRepository.findById(tx, { clinicId: actor.clinicId, prescriptionId: created.id }))!;
  });
  return one(row, actor.clinicId);
}

/** Shared by 確定 (draft) and 承認 (pending_approval): checks again, then draft/pending → final. */
async function finalise(kind: 'confirm' | 'approve', raw: ConfirmPrescriptionInput, actor: Actor): Promise<PrescriptionDto> {
  const input = (kind === 'confirm' ? confirmPrescriptionSchema : approvePrescriptionSchema).parse(raw);
  const row = await runInTransaction(async (tx) => {
    const scope = { clinicId: actor.clinicId, prescriptionId: input.prescriptionId };
    const existing = await prescriptionRepository.findById(tx, scope);
    if (!existing) throw notFound();
    if (!existing.isLatest) throw new AppError('CONFLICT', 'この処方には新しい版があります。画面を再読み込みしてください。');
    if (kind === 'confirm') {
      if (existing.status === 'pending_approval') throw new AppError('PRECONDITION_FAILED', '代行入力の処方は確定できません。指定された医師が承認してください。');
      if (existing.status !== 'draft') throw new AppError('CONFLICT', 'この処方は既に確定または取消されています。');
    } else {
      if (existing.status !== 'pending_approval') throw new AppError('CONFLICT', 'この処方は承認待ちではありません。');
      if (existing.authorId !== actor.userId) throw new AppError('FORBIDDEN', '承認者として指定された医師のみ承認できます。');
    }
    const { report, stored } = await runSafetyChecks(tx, { clinicId: actor.clinicId, patientId: existing.patientId, excludeLineageId: existing.lineageId }, existing.items, input);
    const today = dateOnly(todayJst());
    const hash = prescriptionContentHash({ ...existing, issuedDate: today }, existing.items);
    const now = new Date();
    const { count } = await prescriptionRepository.transition(tx, { ...scope, from: existing.status }, {
      status: 'final',
      issuedDate: today,
      ...stored,
      confirmedById: actor.userId,
      confirmedAt: now,
      contentHash: hash,
      ...(kind === 'approve' ? { approvedById: actor.userId, approvedAt: now } : {}),
    });
    if (count !== 1) throw new AppError('CONFLICT', '他の職員がこの処方を先に更新しました。画面を再読み込みしてください。');
    await recordAuditEvent(tx, {
      clinicId: actor.clinicId, actor, action: kind, resourceType: RESOURCE, resourceId: existing.id, patientId: existing.patientId, ctx: actor.ctx,
      detail: { lineageId: existing.lineageId, version: existing.version, contentHash: hash, ...(kind === 'approve' ? { entererId: existing.entererId } : {}), ...safetyDetail(report, stored) },
    });
    return (await prescriptionRepository.findById(tx, scope))!;
  });
  return one(row, actor.clinicId);
}

/** 確定 of a doctor's draft. */
export async function confirmPrescription(input: ConfirmPrescriptionInput, actor: Actor): Promise<PrescriptionDto> {
  await requirePermission(actor, 'prescription.confirm');
  return finalise('confirm', input, actor);
}

/** 承認 of a nurse's 代行入力, by the named doctor only. */
export async function approvePrescription(input: ApprovePrescriptionInput, actor: Actor): Promise<PrescriptionDto> {
  await requirePermission(actor, 'prescription.confirm');
  return finalise('approve', input, actor);
}

/**
 * 取消 (入力誤り): version n+1 with status entered_in_error and the reason; the items are kept as they were.
 * A draft that never left the doctor's hands is simply discarded.
 */
export async function markPrescriptionEnteredInError(raw: EnteredInErrorInput, actor: Actor): Promise<PrescriptionDto | null> {
  const mode = await requireWriter(actor);
  const input = enteredInErrorSchema.parse(raw);
  const row = await runInTransaction(async (tx) => {
    const scope = { clinicId: actor.clinicId, prescriptionId: input.prescriptionId };
    const existing = await prescriptionRepository.findById(tx, scope);
    if (!existing) throw notFound();
    if (!existing.isLatest) throw new AppError('CONFLICT', 'この処方には新しい版があります。画面を再読み込みしてください。');
    if (existing.status === 'entered_in_error') throw new AppError('CONFLICT', 'この処方は既に取消されています。');
    if (mode === 'proxy' && (existing.status !== 'pending_approval' || existing.entererId !== actor.userId)) {
      throw new AppError('FORBIDDEN', '代行入力で取消できるのは自分が入力した承認待ちの処方だけです。');
    }
    const audit = { clinicId: actor.clinicId, actor, action: 'delete' as const, resourceType: RESOURCE, patientId: existing.patientId, ctx: actor.ctx };
    if (existing.status === 'draft') {
      await prescriptionRepository.deleteDraft(tx, scope);
      await recordAuditEvent(tx, { ...audit, resourceId: existing.id, detail: { lineageId: existing.lineageId, draftDiscarded: true } });
      return null;
    }
    const { count } = await prescriptionRepository.markSuperseded(tx, scope);
    if (count !== 1) throw new AppError('CONFLICT', '他の職員がこの処方を先に更新しました。画面を再読み込みしてください。');
    const { id: _id, clinicId: _c, items, createdAt: _ca, supersededAt: _sa, isLatest: _il, ...rest } = existing;
    const created = await prescriptionRepository.create(
      tx,
      { clinicId: actor.clinicId },
      { ...rest, id: randomUUID(), version: existing.version + 1, status: 'entered_in_error', entererId: actor.userId, changeReason: input.reason, supersedesId: existing.id },
      items.map(({ id: _i, clinicId: _cc, prescriptionId: _p, ...item }) => item),
    );
    await recordAuditEvent(tx, { ...audit, resourceId: created.id, detail: { lineageId: existing.lineageId, version: created.version, enteredInError: true, supersedesId: existing.id } });
    return (await prescriptionRepository.findById(tx, { clinicId: actor.clinicId, prescriptionId: created.id }))!;
  });
  return row ? one(row, actor.clinicId) : null;
}

/** Prescriptions the chart panel lists in 処方歴 (the newest); 下書き/承認待ち are listed however old. */
export const PANEL_HISTORY_LIMIT = 10;

/**
 * The chart panel: current (final, days not run out), the latest PANEL_HISTORY_LIMIT prescriptions (latest version of
 * each, plus every open 下書き/承認待ち) and how many there are in all, doctors for 代行入力.
 */
export async function getPrescriptionPanel(patientId: string, actor: Actor): Promise<PrescriptionPanelDto & { historyTotal: number }> {
  await requirePermission(actor, 'chart.read');
  const scope = { clinicId: actor.clinicId, patientId };
  if (!(await patientRepository.findById(db(), scope))) throw notFound();
  const today = todayJst();
  const [recent, open, finals, historyTotal, doctors] = await Promise.all([
    prescriptionRepository.listLatestForPatient(db(), scope, PANEL_HISTORY_LIMIT),
    prescriptionRepository.listOpenForPatient(db(), scope),
    // the same window as the 重複投薬 check: nothing issued earlier is still being taken
    prescriptionRepository.listFinalSince(db(), { ...scope, since: daysAgo(today, ACTIVE_LOOKBACK_DAYS) }),
    prescriptionRepository.countLatestForPatient(db(), scope),
    staffRepository.listActiveDoctors(db(), actor.clinicId),
  ]);
  const seen = new Set(recent.map((r) => r.id));
  const historyRows = [...recent, ...open.filter((r) => !seen.has(r.id))].sort(
    (a, b) => b.issuedDate.getTime() - a.issuedDate.getTime() || b.createdAt.getTime() - a.createdAt.getTime(),
  );
  const [history, currentAll] = await Promise.all([withNames(historyRows, actor.clinicId), withNames(finals, actor.clinicId)]);
  const current = currentAll.filter((p) => p.activeUntil >= today);
  const shownIds = [...new Set([...history, ...current].map((p) => p.id))];
  await recordAuditEventNow({ clinicId: actor.clinicId, actor, action: 'read', resourceType: RESOURCE, patientId, detail: { view: 'panel', prescriptionIds: shownIds }, ctx: actor.ctx });
  return { current, history, doctors, today, historyTotal };
}

/** Every prescription of the patient (latest version of each), newest first, for the 処方歴 page. */
export async function listPrescriptionHistory(patientId: string, actor: Actor, options: { limit?: number } = {}): Promise<PrescriptionDto[]> {
  await requirePermission(actor, 'chart.read');
  const scope = { clinicId: actor.clinicId, patientId };
  if (!(await patientRepository.findById(db(), scope))) throw notFound();
  const rows = await prescriptionRepository.listLatestForPatient(db(), scope, Math.min(options.limit ?? 500, 1000));
  const dtos = await withNames(rows, actor.clinicId);
  await recordAuditEventNow({ clinicId: actor.clinicId, actor, action: 'read', resourceType: RESOURCE, patientId, detail: { view: 'history', count: dtos.length }, ctx: actor.ctx });
  return dtos;
}

export async function getPrescription(prescriptionId: string, actor: Actor): Promise<PrescriptionDto> {
  await requirePermission(actor, 'chart.read');
  const row = await prescriptionRepository.findById(db(), { clinicId: actor.clinicId, prescriptionId });
  if (!row) throw notFound();
  await recordAuditEventNow({ clinicId: actor.clinicId, actor, action: 'read', resourceType: RESOURCE, resourceId: row.id, patientId: row.patientId, ctx: actor.ctx });
  return one(row, actor.clinicId);
}

/** Every version of one prescription's lineage, newest first (真正性: nothing is lost). */
export async function listPrescriptionVersions(prescriptionId: string, actor: Actor): Promise<PrescriptionDto[]> {
  await requirePermission(actor, 'chart.read');
  const row = await prescriptionRepository.findById(db(), { clinicId: actor.clinicId, prescriptionId });
  if (!row) throw notFound();
  const versions = await prescriptionRepository.listVersions(db(), { clinicId: actor.clinicId, lineageId: row.lineageId });
  await recordAuditEventNow({ clinicId: actor.clinicId, actor, action: 'read', resourceType: 'prescription_history', resourceId: row.lineageId, patientId: row.patientId, ctx: actor.ctx });
  return withNames(versions, actor.clinicId);
}

/**
 * Editor content copied from a previous prescription: the patient's last final one (前回Do) or any one chosen
 * ("edit a previous prescription" = a new draft prefilled). Nothing is written; null when there is none.
 */
export async function prefillPrescription(raw: PrefillInput, actor: Actor): Promise<PrescriptionPrefillDto | null> {
  await requireWriter(actor);
  const input = prefillSchema.parse(raw);
  const scope = { clinicId: actor.clinicId, patientId: input.patientId };
  if (!(await patientRepository.findById(db(), scope))) throw notFound();
  const row = input.sourceId
    ? await prescriptionRepository.findById(db(), { clinicId: actor.clinicId, prescriptionId: input.sourceId })
    : await prescriptionRepository.findLastFinal(db(), scope);
  if (input.sourceId && (!row || row.patientId !== input.patientId)) throw notFound();
  if (!row) return null;
  await recordAuditEventNow({ clinicId: actor.clinicId, actor, action: 'read', resourceType: RESOURCE, resourceId: row.id, patientId: row.patientId, detail: { purpose: input.sourceId ? 'copy' : 'do' }, ctx: actor.ctx });
  return toPrefill(toPrescriptionDto(row));
}

export type PendingPrescriptionDto = PrescriptionDto & { patientName: string; patientNumber: number };

/** The 承認待ち list of the signed-in doctor (for app/(clinic)/approvals). */
export async function listPendingPrescriptionsForDoctor(actor: Actor): Promise<PendingPrescriptionDto[]> {
  await requirePermission(actor, 'prescription.confirm');
  const rows = await prescriptionRepository.listPendingForDoctor(db(), { clinicId: actor.clinicId, doctorId: actor.userId });
  const patients = rows.length ? await patientRepository.findManyByIds(db(), { clinicId: actor.clinicId }, [...new Set(rows.map((r) => r.patientId))]) : [];
  const byId = new Map(patients.map((p) => [p.id, p]));
  const dtos = await withNames(rows, actor.clinicId);
  await recordAuditEventNow({ clinicId: actor.clinicId, actor, action: 'read', resourceType: RESOURCE, detail: { view: 'approvals', prescriptionIds: dtos.map((d) => d.id) }, ctx: actor.ctx });
  return dtos.map((d) => {
    const p = byId.get(d.patientId);
    return { ...d, patientName: p ? `${p.familyName} ${p.givenName}` : '', patientNumber: p?.patientNumber ?? 0 };
  });
}

const NOT_PRINTABLE: Record<Exclude<RecordStatus, 'final'>, string> = {
  draft: '下書きの処方は印刷できません。確定してから印刷してください。',
  pending_approval: '承認待ち（代行入力）の処方は印刷できません。指定された医師の承認後に印刷してください。',
  entered_in_error: '取消された処方は印刷できません。',
};

/** 院外処方箋: only the latest final version prints (PRECONDITION_FAILED = 409 otherwise); printing is audited. */
export async function getPrescriptionForPrint(input: { patientId: string; prescriptionId: string }, actor: Actor): Promise<PrescriptionPrintDto> {
  await requirePermission(actor, 'prescription.print');
  const scope = { clinicId: actor.clinicId, patientId: input.patientId };
  const row = await prescriptionRepository.findById(db(), { clinicId: actor.clinicId, prescriptionId: input.prescriptionId });
  const patient = row && row.patientId === input.patientId ? await patientRepository.findById(db(), scope) : null;
  if (!row || !patient) throw notFound();
  const refuse = async (message: string) => {
    await recordAuditEventNow({ clinicId: actor.clinicId, actor, action: 'print', resourceType: RESOURCE, resourceId: row.id, patientId: row.patientId, outcome: 'failure', detail: { status: row.status, isLatest: row.isLatest }, ctx: actor.ctx });
    return new AppError('PRECONDITION_FAILED', message);
  };
  const status = oneOf(RECORD_STATUSES, row.status);
  if (status !== 'final') throw await refuse(NOT_PRINTABLE[status]);
  if (!row.isLatest) throw await refuse('この処方には新しい版があります。最新の版を印刷してください。');
  const clinic = await prescriptionRepository.findClinic(db(), { clinicId: actor.clinicId });
  if (!clinic) throw notFound();
  const prescription = await one(row, actor.clinicId);
  const p = toPatientDto(patient);
  const valid = dateOnly(prescription.issuedDate);
  valid.setUTCDate(valid.getUTCDate() + 3);
  await recordAuditEventNow({ clinicId: actor.clinicId, actor, action: 'print', resourceType: RESOURCE, resourceId: row.id, patientId: row.patientId, detail: { lineageId: row.lineageId, version: row.version, contentHash: row.contentHash }, ctx: actor.ctx });
  return {
    prescription,
    patient: {
      fullName: p.fullName,
      fullNameKana: p.fullNameKana,
      birthDate: p.birthDate,
      birthDateWareki: p.birthDateWareki,
      sexLabel: p.sexLabel,
      patientNumber: p.patientNumber,
      insurance: p.insurance ? { insurerNumber: p.insurance.insurerNumber, symbol: p.insurance.symbol, number: p.insurance.number, branch: p.insurance.branch, relationship: p.insurance.relationship } : null,
      publicExpense: p.publicExpense ? { payerNumber: p.publicExpense.payerNumber, recipientNumber: p.publicExpense.recipientNumber } : null,
    },
    clinic,
    doctorName: prescription.authorName ?? '',
    validUntil: isoDate(valid),
  };
}
