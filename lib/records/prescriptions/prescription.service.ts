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
import { recordAuditEventNow } from '@/lib/audit/audit';
import { parseInput } from '@/lib/core/zod';
import { appendRecordVersion, createRecord, discardDraftPrescription, finalizeRecord, updateDraftRecord } from '@/lib/records/write-path';
import { requirePermission, type Principal } from '@/lib/auth/principal';
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
import { merit9UnitCode, type SubstitutionReason } from './prescription.constants';
import { checkRefill } from './refill-check';
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
import { checkPrescriptionLimits, type LimitCheckedItem } from './limit-check';

const RESOURCE = 'prescription';
/** Final prescriptions issued within this many days are looked at for 「現在の処方」 and 重複投薬 (max 365 days + margin). */
const ACTIVE_LOOKBACK_DAYS = 400;

type WriterMode = 'doctor' | 'proxy';

/** prescription.write (doctor) or prescription.proxy (nurse 代行入力); the denial is audited as prescription.proxy. */
async function requireWriter(actor: Principal): Promise<WriterMode> {
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
  usageCode: string | null; days: number | null; times: number | null; genericSubstitutionAllowed: boolean; substitutionReason: SubstitutionReason | null; comment: string | null; doseBasis: string;
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
    // 変更不可 has a reason on the 令和6年 様式: 医療上必要 unless the doctor chose 患者希望; a reason means 変更不可
    const substitutionReason: SubstitutionReason | null = item.substitutionReason ?? (item.genericSubstitutionAllowed ? null : 'medical');
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
      doseUnitCode: merit9UnitCode(item.doseUnit),
      doseBasis: item.doseBasis,
      usageCode: item.usageCode ?? null,
      usageText,
      days: item.days ?? null,
      times: item.times ?? null,
      genericSubstitutionAllowed: substitutionReason === null,
      substitutionReason,
      comment: item.comment ?? null,
    };
  });
  if (Object.keys(errors).length) throw invalid(errors);
  return out;
}

/** Runs every check inside the transaction (allergy, 重複投薬, 投与日数 limits); throws SafetyCheckError unless acknowledged. */
async function runSafetyChecks(
  tx: Tx,
  scope: { clinicId: string; patientId: string; excludeLineageId?: string; continuesLineageIds?: readonly string[] },
  items: (LimitCheckedItem & { yjCode: string | null })[],
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
  // 前回Do: a running prescription continued by this one, or by another 確定 one, is replaced by it, not taken alongside it
  const replaced = new Set([...(scope.continuesLineageIds ?? []), ...finals.filter((p) => p.lineageId !== scope.excludeLineageId).flatMap((p) => p.continuesLineageIds)]);
  const active: ActiveItem[] = [];
  for (const p of finals) {
    if (p.lineageId === scope.excludeLineageId || replaced.has(p.lineageId)) continue;
    const issued = isoDate(p.issuedDate);
    for (const it of p.items) {
      const until = itemActiveUntil(issued, it);
      if (until >= today) active.push({ prescriptionId: p.id, lineageId: p.lineageId, issuedDate: issued, activeUntil: until, drugName: it.drugName, yjCode: it.yjCode });
    }
  }
  const limits = (await checkPrescriptionLimits(tx, scope.clinicId, items, today)).filter((f) => f.kind === 'exceeds');
  const report: SafetyReport = { allergyConflicts: checkAllergies(checked, allergies), duplicates: checkDuplicates(checked, active), limits };
  const stored = enforceAcknowledgements(report, ack);
  return { report, stored };
}

/**
 * The lineages a 前回Do continues, from the prescription ids the prefill named: each must be a 確定 prescription of
 * this patient in this clinic (anything else is the same INVALID_INPUT, another clinic's id included).
 */
async function continuedLineages(tx: Tx, scope: { clinicId: string; patientId: string; ids: string[]; ownLineageId?: string }): Promise<string[]> {
  const lineages = new Set<string>();
  for (const id of new Set(scope.ids)) {
    const row = await prescriptionRepository.findById(tx, { clinicId: scope.clinicId, prescriptionId: id });
    if (!row || row.patientId !== scope.patientId || row.status !== 'final') {
      throw invalid({ continues: '継続元の処方が見つかりません。前回Doをやり直してください。' });
    }
    if (row.lineageId !== scope.ownLineageId) lineages.add(row.lineageId);
  }
  return [...lineages];
}

/** Audit detail of the checks: ids and counts only, never the free-text reason. */
function safetyDetail(report: SafetyReport, stored: { allergyOverrideReason: string | null; duplicateAcknowledged: boolean; limitOverrideReason: string | null }) {
  return {
    ...(report.allergyConflicts.length
      ? { allergyOverride: { allergyLineageIds: [...new Set(report.allergyConflicts.map((c) => c.allergyLineageId))], reasonGiven: !!stored.allergyOverrideReason } }
      : {}),
    ...(report.duplicates.length ? { duplicateAcknowledged: stored.duplicateAcknowledged, duplicateCount: report.duplicates.length } : {}),
    ...(report.limits.length
      ? { limitOverride: { itemIndexes: [...new Set(report.limits.map((f) => f.itemIndex))], sources: [...new Set(report.limits.map((f) => f.source))], reasonGiven: !!stored.limitOverrideReason } }
      : {}),
  };
}

async function withNames(rows: PrescriptionRow[], clinicId: string): Promise<PrescriptionDto[]> {
  const names = await staffNames(clinicId, rows.flatMap((r) => [r.authorId, r.entererId, r.confirmedById, r.approvedById]));
  return rows.map((r) => toPrescriptionDto(r, names));
}
const one = async (row: PrescriptionRow, clinicId: string) => (await withNames([row], clinicId))[0]!;

/** Drug search as you type (brand / generic name, kana). Master read: no patient data, not audited. */
export async function searchDrugsForPrescription(input: DrugSearchInput, actor: Principal): Promise<DrugSearchHit[]> {
  await requirePermission(actor, 'chart.read');
  const { q, limit } = parseInput(drugSearchSchema, input);
  return searchDrugs(q, limit);
}

export async function listUsageOptions(actor: Principal): Promise<UsageDto[]> {
  await requirePermission(actor, 'chart.read');
  return listUsages();
}

/**
 * 保存 / 確定 / 代行入力. Without prescriptionId: a new prescription. With it: a draft is updated in place; a final or
 * pending one gets version n+1 (an edit of a final one needs a reason and is 確定 at once).
 */
export async function savePrescription(raw: SavePrescriptionInput, actor: Principal): Promise<PrescriptionDto> {
  const mode = await requireWriter(actor);
  const input = parseInput(savePrescriptionSchema, raw);
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
    // one rule for every record type (as for notes): a draft belongs to its doctor, a 代行入力 is finished only by the
    // doctor it names (issue 9 item 8)
    if (existing?.status === 'draft' && existing.authorId !== actor.userId) throw new AppError('FORBIDDEN', '他の医師の下書きは編集・確定できません。');
    if (existing?.status === 'pending_approval' && mode === 'doctor' && existing.authorId !== actor.userId) {
      throw new AppError('FORBIDDEN', '代行入力の処方は、承認者として指定された医師のみ修正・承認できます。');
    }
    if (existing?.status === 'final') {
      if (mode === 'proxy') throw new AppError('FORBIDDEN', '確定済みの処方の修正は医師が行います。');
      if (status !== 'final') throw new AppError('PRECONDITION_FAILED', '確定済みの処方の修正は「確定」で保存してください（新しい版になります）。');
      if (!input.changeReason) throw invalid({ changeReason: '確定済みの処方を修正する理由を入力してください。' });
    }

    const continuesLineageIds = input.continues
      ? await continuedLineages(tx, { ...scope, ids: input.continues, ownLineageId: existing?.lineageId })
      : existing?.continuesLineageIds ?? [];
    if (input.refillTimes) {
      const refusals = await checkRefill(tx, actor.clinicId, { outOfHouse: input.outOfHouse, items }, todayJst());
      if (Object.keys(refusals).length) throw invalid(refusals);
    }
    const { report, stored } = await runSafetyChecks(tx, { ...scope, excludeLineageId: existing?.lineageId, continuesLineageIds }, items, input);
    const content = { outOfHouse: input.outOfHouse, refillTimes: input.refillTimes ?? null, note: input.note ?? null, continuesLineageIds, ...stored };
    const facts = { itemCount: items.length, ...(content.refillTimes ? { refillTimes: content.refillTimes } : {}), ...(continuesLineageIds.length ? { continuesLineageIds } : {}), ...safetyDetail(report, stored) };

    if (existing?.status === 'draft') {
      const header = { ...content, issuedDate: today, visitId: existing.visitId ?? visit?.id ?? null };
      await updateDraftRecord(tx, actor, { kind: 'prescription', current: existing, header, items }, facts);
      if (status === 'final') {
        const contentHash = prescriptionContentHash({ ...existing, ...header }, items);
        const data = { confirmedById: actor.userId, confirmedAt: new Date(), contentHash };
        await finalizeRecord(tx, actor, 'confirm', { kind: 'prescription', current: existing, from: 'draft', data }, { contentHash, ...facts });
      }
      return (await prescriptionRepository.findById(tx, { clinicId: actor.clinicId, prescriptionId: existing.id }))!;
    }

    const header = {
      id: randomUUID(),
      lineageId: existing?.lineageId ?? randomUUID(),
      version: (existing?.version ?? 0) + 1,
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
    const now = new Date();
    const final = status === 'final'
      ? {
          confirmedById: actor.userId,
          confirmedAt: now,
          contentHash: prescriptionContentHash(header, items),
          // a doctor finishing a nurse's 代行入力 with changes approves it at the same time
          ...(existing?.status === 'pending_approval' ? { approvedById: actor.userId, approvedAt: now } : {}),
        }
      : {};
    const data = { header: { ...header, ...final }, items };
    const written = { ...facts, ...(mode === 'proxy' ? { proxyFor: authorId } : {}), ...('contentHash' in final ? { contentHash: final.contentHash } : {}) };
    // what the doctor did decides the intent: 確定 at once, 承認 of a 代行入力 with changes, or a new version / record
    const created = !existing
      ? await createRecord(tx, actor, 'prescription', data, written, status === 'final' ? 'confirm' : 'create')
      : await appendRecordVersion(tx, actor, 'prescription', existing.status === 'pending_approval' && status === 'final' ? 'approve' : 'version', existing, data, written);
    return (await prescriptionRepository.findById(tx, { clinicId: actor.clinicId, prescriptionId: created.id }))!;
  });
  return one(row, actor.clinicId);
}

/** Shared by 確定 (draft) and 承認 (pending_approval): checks again, then draft/pending → final. */
async function finalise(kind: 'confirm' | 'approve', raw: ConfirmPrescriptionInput, actor: Principal): Promise<PrescriptionDto> {
  const input = parseInput(kind === 'confirm' ? confirmPrescriptionSchema : approvePrescriptionSchema, raw);
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
    // a 新医薬品 stays unrefillable for a year after listing: checked again on the day of 確定
    if (existing.refillTimes) {
      const refusals = await checkRefill(tx, actor.clinicId, { outOfHouse: existing.outOfHouse, items: existing.items }, todayJst());
      if (Object.keys(refusals).length) throw invalid(refusals);
    }
    const { report, stored } = await runSafetyChecks(
      tx,
      { clinicId: actor.clinicId, patientId: existing.patientId, excludeLineageId: existing.lineageId, continuesLineageIds: existing.continuesLineageIds },
      existing.items,
      input,
    );
    const today = dateOnly(todayJst());
    const hash = prescriptionContentHash({ ...existing, issuedDate: today }, existing.items);
    const now = new Date();
    const data = {
      issuedDate: today,
      ...stored,
      confirmedById: actor.userId,
      confirmedAt: now,
      contentHash: hash,
      ...(kind === 'approve' ? { approvedById: actor.userId, approvedAt: now } : {}),
    };
    await finalizeRecord(tx, actor, kind, { kind: 'prescription', current: existing, from: oneOf(RECORD_STATUSES, existing.status), data }, {
      contentHash: hash,
      ...(kind === 'approve' ? { entererId: existing.entererId } : {}),
      ...safetyDetail(report, stored),
    });
    return (await prescriptionRepository.findById(tx, scope))!;
  });
  return one(row, actor.clinicId);
}

/** 確定 of a doctor's draft. */
export async function confirmPrescription(input: ConfirmPrescriptionInput, actor: Principal): Promise<PrescriptionDto> {
  await requirePermission(actor, 'prescription.confirm');
  return finalise('confirm', input, actor);
}

/** 承認 of a nurse's 代行入力, by the named doctor only. */
export async function approvePrescription(input: ApprovePrescriptionInput, actor: Principal): Promise<PrescriptionDto> {
  await requirePermission(actor, 'prescription.confirm');
  return finalise('approve', input, actor);
}

/**
 * 取消 (入力誤り): version n+1 with status entered_in_error and the reason; the items are kept as they were.
 * A draft that never left the doctor's hands is simply discarded.
 */
export async function markPrescriptionEnteredInError(raw: EnteredInErrorInput, actor: Principal): Promise<PrescriptionDto | null> {
  const mode = await requireWriter(actor);
  const input = parseInput(enteredInErrorSchema, raw);
  const row = await runInTransaction(async (tx) => {
    const scope = { clinicId: actor.clinicId, prescriptionId: input.prescriptionId };
    const existing = await prescriptionRepository.findById(tx, scope);
    if (!existing) throw notFound();
    if (!existing.isLatest) throw new AppError('CONFLICT', 'この処方には新しい版があります。画面を再読み込みしてください。');
    if (existing.status === 'entered_in_error') throw new AppError('CONFLICT', 'この処方は既に取消されています。');
    if (mode === 'proxy' && (existing.status !== 'pending_approval' || existing.entererId !== actor.userId)) {
      throw new AppError('FORBIDDEN', '代行入力で取消できるのは自分が入力した承認待ちの処方だけです。');
    }
    if (existing.status === 'draft') {
      await discardDraftPrescription(tx, actor, existing);
      return null;
    }
    const { id: _id, clinicId: _c, items, createdAt: _ca, supersededAt: _sa, isLatest: _il, ...rest } = existing;
    const created = await appendRecordVersion(tx, actor, 'prescription', 'cancel', existing, {
      header: { ...rest, id: randomUUID(), version: existing.version + 1, status: 'entered_in_error', entererId: actor.userId, changeReason: input.reason, supersedesId: existing.id },
      items: items.map(({ id: _i, clinicId: _cc, prescriptionId: _p, ...item }) => item),
    });
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
export async function getPrescriptionPanel(patientId: string, actor: Principal): Promise<PrescriptionPanelDto & { historyTotal: number }> {
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
  // a running prescription that a 確定 前回Do continues has been replaced by it
  const replaced = new Set(currentAll.flatMap((p) => p.continuesLineageIds));
  const current = currentAll.filter((p) => p.activeUntil >= today && !replaced.has(p.lineageId));
  const shownIds = [...new Set([...history, ...current].map((p) => p.id))];
  await recordAuditEventNow({ clinicId: actor.clinicId, actor, action: 'read', resourceType: RESOURCE, patientId, detail: { view: 'panel', prescriptionIds: shownIds }, ctx: actor.ctx });
  return { current, history, doctors, today, historyTotal };
}

/** Every prescription of the patient (latest version of each), newest first, for the 処方歴 page. */
export async function listPrescriptionHistory(patientId: string, actor: Principal, options: { limit?: number } = {}): Promise<PrescriptionDto[]> {
  await requirePermission(actor, 'chart.read');
  const scope = { clinicId: actor.clinicId, patientId };
  if (!(await patientRepository.findById(db(), scope))) throw notFound();
  const rows = await prescriptionRepository.listLatestForPatient(db(), scope, Math.min(options.limit ?? 500, 1000));
  const dtos = await withNames(rows, actor.clinicId);
  await recordAuditEventNow({ clinicId: actor.clinicId, actor, action: 'read', resourceType: RESOURCE, patientId, detail: { view: 'history', count: dtos.length }, ctx: actor.ctx });
  return dtos;
}

export async function getPrescription(prescriptionId: string, actor: Principal): Promise<PrescriptionDto> {
  await requirePermission(actor, 'chart.read');
  const row = await prescriptionRepository.findById(db(), { clinicId: actor.clinicId, prescriptionId });
  if (!row) throw notFound();
  await recordAuditEventNow({ clinicId: actor.clinicId, actor, action: 'read', resourceType: RESOURCE, resourceId: row.id, patientId: row.patientId, ctx: actor.ctx });
  return one(row, actor.clinicId);
}

/** Every version of one prescription's lineage, newest first (真正性: nothing is lost). */
export async function listPrescriptionVersions(prescriptionId: string, actor: Principal): Promise<PrescriptionDto[]> {
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
export async function prefillPrescription(raw: PrefillInput, actor: Principal): Promise<PrescriptionPrefillDto | null> {
  await requireWriter(actor);
  const input = parseInput(prefillSchema, raw);
  const scope = { clinicId: actor.clinicId, patientId: input.patientId };
  if (!(await patientRepository.findById(db(), scope))) throw notFound();
  const row = input.sourceId
    ? await prescriptionRepository.findById(db(), { clinicId: actor.clinicId, prescriptionId: input.sourceId })
    : await prescriptionRepository.findLastFinal(db(), scope);
  if (input.sourceId && (!row || row.patientId !== input.patientId)) throw notFound();
  if (!row) return null;
  // 前回Do copies everything ordered at the last visit (same 院外/院内 as the last one); a chosen copy is that one only
  const rows =
    !input.sourceId && row.visitId
      ? (await prescriptionRepository.listFinalForVisit(db(), { ...scope, visitId: row.visitId })).filter((r) => r.outOfHouse === row.outOfHouse)
      : [row];
  // a prescription of that visit continued by a later one of the same visit was replaced by it: copy the later only
  const replacedThere = new Set(rows.flatMap((r) => r.continuesLineageIds));
  const sources = (rows.some((r) => r.id === row.id) ? rows : [...rows, row]).filter((r) => r.id === row.id || !replacedThere.has(r.lineageId));
  await recordAuditEventNow({
    clinicId: actor.clinicId,
    actor,
    action: 'read',
    resourceType: RESOURCE,
    resourceId: row.id,
    patientId: row.patientId,
    detail: { purpose: input.sourceId ? 'copy' : 'do', prescriptionIds: sources.map((r) => r.id) },
    ctx: actor.ctx,
  });
  return toPrefill(sources.map((r) => toPrescriptionDto(r)));
}

export type PendingPrescriptionDto = PrescriptionDto & { patientName: string; patientNumber: number };

/** The 承認待ち list of the signed-in doctor (for app/(clinic)/approvals). */
export async function listPendingPrescriptionsForDoctor(actor: Principal): Promise<PendingPrescriptionDto[]> {
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
export async function getPrescriptionForPrint(input: { patientId: string; prescriptionId: string }, actor: Principal): Promise<PrescriptionPrintDto> {
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
    // the 保険医 is the doctor who 確定d it, never only the one it was entered for (issue 9 item 8)
    doctorName: prescription.confirmedByName ?? '',
    validUntil: isoDate(valid),
  };
}
