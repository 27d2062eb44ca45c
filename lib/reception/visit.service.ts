/** 受付: today's queue, check-in with オンライン資格確認, and the status of each visit through the day. */
import { AppError, notFound } from '@/lib/core/app-error';
import { db, runInTransaction, type Tx } from '@/lib/core/db';
import { ageOn, dateOnly, dayLabel, isoDate, previousDay, todayJst } from '@/lib/core/dates';
import { recordAuditEvent, recordAuditEventNow } from '@/lib/audit/audit';
import { queueOrcaAcceptance, queueOrcaCancel, queueOrcaMedical } from '@/lib/orca/orca-sync.service';
import { ORCA_ACCEPTANCE_STATES, ORCA_BILLING_STATES, type OrcaAcceptanceState, type OrcaBillingState } from '@/lib/orca/orca.constants';
import { requirePermission, type Principal } from '@/lib/auth/principal';
import { patientRepository } from '@/lib/records/patients/patient.repository';
import { adoptInsuranceFromEligibility } from '@/lib/records/patients/patient.service';
import { getEligibilityService } from '@/lib/eligibility/get-eligibility-service';
import type { EligibilityAnswer } from '@/lib/eligibility/eligibility-service';
import { staffRepository } from '@/lib/staff/staff.repository';
import { staffNames } from '@/lib/staff/staff-names';
import { visitRepository } from './visit.repository';
import { recordVisitStatusChange } from './visit-flow';
import { VISIT_STATUSES, VISIT_TRANSITIONS, VISIT_TYPES, type VisitTypeValue, updateVisitDetailsSchema, type ChangeVisitStatusInput, type CheckInInput, type UpdateVisitDetailsInput, type VisitStatusValue, visitIdSchema } from './visit.schema';
import { parseInput } from '@/lib/core/zod';
import { oneOf } from '@/lib/core/text-enum';
import { recordVisitForSharing } from '@/lib/records/write-path';

export type QueueEntryDto = {
  visitId: string;
  /** 'YYYY-MM-DD' (JST) of the visit */
  visitDate: string;
  /** an unfinished visit of the previous day, still on today's board */
  carriedOver: boolean;
  receptionNumber: number;
  status: VisitStatusValue;
  arrivedAt: string;
  statusChangedAt: string;
  waitingMinutes: number | null;
  eligibility: string;
  eligibilityMessage: string | null;
  /**
   * 保険者名 and 負担割合 (percent) as the オンライン資格確認 answered at check-in; null unless it answered 有効.
   * `differs`: the answer is not what the patient's insurance says (reception may take it over, 0060).
   */
  insurance: { insurerName: string | null; copaymentRate: number | null; validUntil: string | null; differs: boolean } | null;
  memo: string | null;
  /** 担当医: named at check-in, else the first doctor who wrote in the chart for the visit */
  doctorName: string | null;
  doctorId: string | null;
  /** 診療科 */
  departmentId: string | null;
  departmentName: string | null;
  /** 初診 / 再診 as stated at check-in; null for visits from before it was asked */
  firstVisit: boolean | null;
  /** 外来 / 健診 (0086) */
  visitType: VisitTypeValue;
  patient: { id: string; patientNumber: number; name: string; kana: string; sex: string; age: number };
  /** the レセコン (ORCA) side of the visit; null when the clinic has no ORCA link (lib/orca, docs/orca.md) */
  orca: QueueOrcaDto | null;
};

type StoredInsurance = { insurerName: string | null; copaymentRate: number | null; validUntil: Date | null } | undefined;

/** 保険者名・負担割合・有効期限 from a stored 有効 answer (the detail is JSON: only well-typed values are taken). */
function insuranceFromAnswer(result: string, detail: unknown, stored: StoredInsurance): QueueEntryDto['insurance'] {
  if (result !== 'valid' || !detail || typeof detail !== 'object') return null;
  const d = detail as { insurerName?: unknown; copaymentRate?: unknown; validUntil?: unknown };
  const answer = {
    insurerName: typeof d.insurerName === 'string' ? d.insurerName : null,
    copaymentRate: typeof d.copaymentRate === 'number' ? d.copaymentRate : null,
    validUntil: typeof d.validUntil === 'string' ? d.validUntil : null,
  };
  const differs =
    !!stored &&
    ((answer.insurerName !== null && answer.insurerName !== stored.insurerName) ||
      (answer.copaymentRate !== null && answer.copaymentRate !== stored.copaymentRate) ||
      (answer.validUntil !== null && answer.validUntil !== (stored.validUntil ? isoDate(stored.validUntil) : null)));
  return { ...answer, differs };
}

/**
 * Takes the オンライン資格確認's answer of a visit over into the patient's insurance, after a person confirmed it on
 * screen: 保険者名, 負担割合, 有効期限 (a new version of the patient, audited; patient.service.ts).
 */
export async function adoptEligibilityInsurance(raw: { visitId: string }, actor: Principal) {
  await requirePermission(actor, 'reception.write');
  const input = parseInput(visitIdSchema, raw);
  const visit = await visitRepository.find(db(), actor.clinicId, input.visitId);
  if (!visit) throw notFound();
  const patient = await patientRepository.findById(db(), { clinicId: actor.clinicId, patientId: visit.patientId });
  if (!patient || patient.deletedAt) throw notFound();
  const answer = insuranceFromAnswer(visit.eligibilityResult, visit.eligibilityDetail, patient.insurances[0]);
  if (!answer) throw new AppError('PRECONDITION_FAILED', '資格確認で有効と確認された受付ではありません。資格確認をやり直してください。');
  if (!answer.differs) return { changed: false };
  await adoptInsuranceFromEligibility({ patientId: patient.id, expectedVersion: patient.version, insurerName: answer.insurerName, copaymentRate: answer.copaymentRate, validUntil: answer.validUntil }, actor);
  return { changed: true };
}

export type QueueOrcaDto = {
  acceptance: OrcaAcceptanceState;
  billing: OrcaBillingState;
  totalPoints: number | null;
  billedYen: number | null;
  paidYen: number | null;
  message: string | null;
};

async function checkEligibility(clinicId: string, patientId: string, onDate: string): Promise<EligibilityAnswer | null> {
  const patient = await patientRepository.findById(db(), { clinicId, patientId });
  const ins = patient?.insurances[0];
  if (!patient || !ins) return null;
  const validUntil = ins.validUntil ? isoDate(ins.validUntil) : null;
  const service = getEligibilityService(() => validUntil);
  return service.check({ insurerNumber: ins.insurerNumber, symbol: ins.symbol, number: ins.number, branch: ins.branch, birthDate: isoDate(patient.birthDate), onDate });
}

/** 担当医 and 診療科 of a visit: only the clinic's own active doctors and its own 診療科. */
async function assertDetails(clinicId: string, input: { doctorId?: string | null; departmentId?: string | null }) {
  if (input.doctorId && !(await staffRepository.findActiveDoctor(db(), clinicId, input.doctorId))) {
    throw new AppError('INVALID_INPUT', '担当医が見つかりません。選び直してください。', { doctorId: '担当医を選び直してください。' });
  }
  if (input.departmentId && !(await visitRepository.findDepartment(db(), clinicId, input.departmentId))) {
    throw new AppError('INVALID_INPUT', '診療科が見つかりません。選び直してください。', { departmentId: '診療科を選び直してください。' });
  }
}

/**
 * Checks a patient in for today. The insurance check runs first and never blocks the check-in.
 * `withinTransaction` runs in the check-in's transaction after the visit is created (e.g. the 予約 it comes from is
 * linked to it, appointment.service.ts); if it throws, no visit is created.
 */
export async function checkIn(
  input: CheckInInput,
  actor: Principal,
  withinTransaction?: (tx: Tx, visit: { id: string }) => Promise<void>,
  /** 'taken_over': the 受付 was made at the ORCA counter and is linked by the caller; nothing is sent to ORCA */
  options: { orcaAcceptance?: 'send' | 'taken_over' } = {},
) {
  await requirePermission(actor, 'reception.write');
  const today = todayJst();
  const visitDate = dateOnly(today);
  const patient = await patientRepository.findById(db(), { clinicId: actor.clinicId, patientId: input.patientId });
  if (!patient) throw notFound();
  await assertDetails(actor.clinicId, input);
  // 初診/再診: reception's choice, else suggested from the history (no earlier visit → 初診)
  const firstVisit = input.firstVisit ?? !(await visitRepository.hasEarlierVisit(db(), actor.clinicId, input.patientId, visitDate));
  const answer = await checkEligibility(actor.clinicId, input.patientId, today);
  return runInTransaction(async (tx) => {
    const active = await visitRepository.findActiveForPatient(tx, actor.clinicId, input.patientId, visitDate);
    if (active) throw new AppError('CONFLICT', `${patient.familyName} ${patient.givenName}さんは本日すでに受付済みです（受付番号 ${active.receptionNumber}）。`);
    const receptionNumber = await visitRepository.nextReceptionNumber(tx, actor.clinicId, visitDate);
    const visit = await visitRepository.create(tx, {
      clinicId: actor.clinicId,
      patientId: input.patientId,
      visitDate,
      receptionNumber,
      departmentId: input.departmentId ?? null,
      doctorId: input.doctorId ?? null,
      memo: input.memo || null,
      firstVisit,
      visitType: input.visitType ?? 'outpatient',
      createdById: actor.userId,
      eligibilityResult: answer?.result ?? 'not_checked',
      eligibilityCheckedAt: answer ? new Date() : null,
      eligibilityDetail: answer ? (answer as object) : undefined,
    });
    await recordVisitStatusChange(tx, { clinicId: actor.clinicId, visitId: visit.id, fromStatus: null, toStatus: 'received', changedById: actor.userId });
    // レセコン: the 受付 goes to ORCA in the background; ORCA being down never blocks check-in (docs/orca.md)
    if (options.orcaAcceptance !== 'taken_over') await queueOrcaAcceptance(tx, actor.clinicId, visit.id);
    // 電子カルテ情報共有サービス: the patient's diagnoses and allergies are sent on the day of the visit (ADR 0042)
    await recordVisitForSharing(tx, actor, { id: visit.id, patientId: input.patientId });
    await recordAuditEvent(tx, { clinicId: actor.clinicId, actor, action: 'create', resourceType: 'visit', resourceId: visit.id, patientId: input.patientId, detail: { eligibility: answer?.result ?? 'not_checked', doctorId: visit.doctorId, departmentId: visit.departmentId, firstVisit, visitType: visit.visitType, memo: !!visit.memo }, ctx: actor.ctx });
    if (withinTransaction) await withinTransaction(tx, { id: visit.id });
    return { visitId: visit.id, receptionNumber, eligibility: answer, firstVisit };
  });
}

/** The clinic's 診療科, for the check-in selector. */
export async function listDepartmentsForReception(actor: Principal): Promise<{ id: string; name: string }[]> {
  await requirePermission(actor, 'reception.read');
  return (await visitRepository.departments(actor.clinicId)).map((d) => ({ id: d.id, name: d.name }));
}

/** The doctors reception may name as a visit's 担当医. */
export async function listDoctorsForReception(actor: Principal): Promise<{ id: string; name: string }[]> {
  await requirePermission(actor, 'reception.write');
  return (await staffRepository.listActiveDoctors(db(), actor.clinicId)).map((d) => ({ id: d.id, name: d.displayName }));
}

export async function recheckEligibility(input: { visitId: string }, actor: Principal) {
  await requirePermission(actor, 'eligibility.check');
  const visit = await visitRepository.find(db(), actor.clinicId, input.visitId);
  if (!visit) throw notFound();
  const answer = await checkEligibility(actor.clinicId, visit.patientId, isoDate(visit.visitDate));
  await runInTransaction(async (tx) => {
    await visitRepository.setEligibility(tx, actor.clinicId, visit.id, answer?.result ?? 'not_checked', (answer ?? {}) as object);
    await recordAuditEvent(tx, { clinicId: actor.clinicId, actor, action: 'update', resourceType: 'eligibility', resourceId: visit.id, patientId: visit.patientId, detail: { result: answer?.result ?? 'not_checked' }, ctx: actor.ctx });
  });
  return answer;
}

/**
 * 受付の詳細 after check-in (診療科, 担当医, 初診/再診, 受付メモ), while the visit is not 完了 or 取消. The audit event
 * names what changed, before and after (the memo only as given or not, never its text). Nothing changed: nothing written.
 */
export async function updateVisitDetails(raw: UpdateVisitDetailsInput, actor: Principal): Promise<{ changed: string[] }> {
  await requirePermission(actor, 'reception.write');
  const input = parseInput(updateVisitDetailsSchema, raw);
  const visit = await visitRepository.find(db(), actor.clinicId, input.visitId);
  if (!visit) throw notFound();
  if (visit.status === 'done' || visit.status === 'cancelled') {
    throw new AppError('PRECONDITION_FAILED', '完了または取消の受付は変更できません。');
  }
  await assertDetails(actor.clinicId, input);
  const after = { departmentId: input.departmentId, doctorId: input.doctorId, firstVisit: input.firstVisit, memo: input.memo || null };
  const before = { departmentId: visit.departmentId, doctorId: visit.doctorId, firstVisit: visit.firstVisit, memo: visit.memo };
  const changed = (Object.keys(after) as (keyof typeof after)[]).filter((k) => after[k] !== before[k]);
  if (!changed.length) return { changed };
  const facts = (v: typeof before) => ({ departmentId: v.departmentId, doctorId: v.doctorId, firstVisit: v.firstVisit, memo: !!v.memo });
  await runInTransaction(async (tx) => {
    const { count } = await visitRepository.updateDetailsIfOpen(tx, actor.clinicId, visit.id, after);
    if (count !== 1) throw new AppError('CONFLICT', 'この受付は他の端末で完了または取消されました。画面を更新してください。');
    await recordAuditEvent(tx, { clinicId: actor.clinicId, actor, action: 'update', resourceType: 'visit', resourceId: visit.id, patientId: visit.patientId, detail: { intent: 'details', changed, before: facts(before), after: facts(after) }, ctx: actor.ctx });
  });
  return { changed };
}

export async function changeVisitStatus(input: ChangeVisitStatusInput, actor: Principal) {
  await requirePermission(actor, 'reception.write');
  const visit = await visitRepository.find(db(), actor.clinicId, input.visitId);
  if (!visit) throw notFound();
  const from = oneOf(VISIT_STATUSES, visit.status);
  if (!VISIT_TRANSITIONS[from].includes(input.status)) {
    throw new AppError('PRECONDITION_FAILED', 'この状態には変更できません。画面を更新してください。');
  }
  await runInTransaction(async (tx) => {
    if (from === 'cancelled') {
      // undoing a 取消: not when the patient was checked in again meanwhile
      const active = await visitRepository.findActiveForPatient(tx, actor.clinicId, visit.patientId, visit.visitDate);
      if (active) throw new AppError('CONFLICT', `この患者さんは受付し直されています（受付番号 ${active.receptionNumber}）。取消は元に戻せません。`);
    }
    const { count } = await visitRepository.updateStatusIf(tx, actor.clinicId, visit.id, from, input.status);
    if (count !== 1) throw new AppError('CONFLICT', '他の端末で状態が変更されました。画面を更新してください。');
    await recordVisitStatusChange(tx, { clinicId: actor.clinicId, visitId: visit.id, fromStatus: from, toStatus: input.status, changedById: actor.userId });
    if (input.status === 'cancelled') await queueOrcaCancel(tx, actor.clinicId, visit.id);
    // 会計待ち after the doctor's 確定: the visit's orders go to ORCA as 中途データ (again: replaced)
    if (input.status === 'billing') await queueOrcaMedical(tx, actor.clinicId, visit.id);
    if (from === 'cancelled') await queueOrcaAcceptance(tx, actor.clinicId, visit.id);
    await recordAuditEvent(tx, { clinicId: actor.clinicId, actor, action: 'update', resourceType: 'visit', resourceId: visit.id, patientId: visit.patientId, detail: { from, to: input.status }, ctx: actor.ctx });
  });
}

/**
 * A doctor opens the chart from the queue or from the 診察待ち list: a visit still waiting (受付済・診察待ち) becomes
 * 診察中. Opening a visit that is already further along changes nothing (looking at the chart again is not a step back).
 */
export async function startConsultation(input: { visitId: string }, actor: Principal): Promise<{ patientId: string; status: VisitStatusValue }> {
  await requirePermission(actor, 'chart.read');
  await requirePermission(actor, 'reception.write');
  const visit = await visitRepository.find(db(), actor.clinicId, input.visitId);
  if (!visit) throw notFound();
  const from = oneOf(VISIT_STATUSES, visit.status);
  if (from !== 'received' && from !== 'waiting') return { patientId: visit.patientId, status: from };
  return runInTransaction(async (tx) => {
    const { count } = await visitRepository.updateStatusIf(tx, actor.clinicId, visit.id, from, 'in_consultation');
    // another terminal moved it first: open the chart anyway, its status stands
    if (count !== 1) return { patientId: visit.patientId, status: oneOf(VISIT_STATUSES, (await visitRepository.find(tx, actor.clinicId, visit.id))?.status ?? from) };
    await recordVisitStatusChange(tx, { clinicId: actor.clinicId, visitId: visit.id, fromStatus: from, toStatus: 'in_consultation', changedById: actor.userId });
    await recordAuditEvent(tx, { clinicId: actor.clinicId, actor, action: 'update', resourceType: 'visit', resourceId: visit.id, patientId: visit.patientId, detail: { from, to: 'in_consultation', via: 'chart_open' }, ctx: actor.ctx });
    return { patientId: visit.patientId, status: 'in_consultation' as const };
  });
}

/**
 * The doctor's home (診察待ち): today's visits not yet billed that are theirs or nobody's, in reception order, plus the
 * previous day's unfinished ones. Audited like the queue (one read event with the patient ids).
 */
export async function listMyWorklist(actor: Principal, date = todayJst()): Promise<QueueDto> {
  await requirePermission(actor, 'note.confirm');
  const queue = await listQueue(actor, date);
  const entries = queue.entries.filter((e) => ['received', 'waiting', 'in_consultation'].includes(e.status) && (e.doctorId === null || e.doctorId === actor.userId));
  return { ...queue, entries };
}

// The queue is polled every few seconds; one audit row per user per minute is enough to show who looked.
const lastQueueAudit = new Map<string, number>();

/** The board of one JST day: its label (the header follows the day the entries belong to) and the entries. */
export type QueueDto = { date: string; dateLabel: string; entries: QueueEntryDto[] };

export async function listQueue(actor: Principal, date = todayJst()): Promise<QueueDto> {
  await requirePermission(actor, 'reception.read');
  const visits = await visitRepository.listForDate(actor.clinicId, dateOnly(date), dateOnly(previousDay(date)));
  const now = Date.now();
  const key = `${actor.clinicId}:${actor.userId}`;
  if (now - (lastQueueAudit.get(key) ?? 0) > 60_000) {
    lastQueueAudit.set(key, now);
    await recordAuditEventNow({ clinicId: actor.clinicId, actor, action: 'read', resourceType: 'reception_queue', detail: { date, patientIds: visits.map((v) => v.patientId) }, ctx: actor.ctx });
  }
  const [doctors, departments] = await Promise.all([
    staffNames(actor.clinicId, visits.map((v) => v.doctorId)),
    visits.some((v) => v.departmentId) ? visitRepository.departments(actor.clinicId) : Promise.resolve([]),
  ]);
  const departmentName = new Map(departments.map((d) => [d.id, d.name]));
  const entries = visits.map((v) => ({
    visitId: v.id,
    visitDate: isoDate(v.visitDate),
    carriedOver: isoDate(v.visitDate) !== date,
    receptionNumber: v.receptionNumber,
    status: oneOf(VISIT_STATUSES, v.status),
    arrivedAt: v.arrivedAt.toISOString(),
    statusChangedAt: v.statusChangedAt.toISOString(),
    waitingMinutes: v.status === 'received' || v.status === 'waiting' ? Math.floor((now - v.arrivedAt.getTime()) / 60_000) : null,
    eligibility: v.eligibilityResult,
    eligibilityMessage: (v.eligibilityDetail as { message?: string } | null)?.message ?? null,
    insurance: insuranceFromAnswer(v.eligibilityResult, v.eligibilityDetail, v.patient.insurances[0]),
    memo: v.memo,
    doctorName: v.doctorId ? (doctors.get(v.doctorId) ?? null) : null,
    doctorId: v.doctorId,
    departmentId: v.departmentId,
    departmentName: v.departmentId ? (departmentName.get(v.departmentId) ?? null) : null,
    firstVisit: v.firstVisit,
    visitType: oneOf(VISIT_TYPES, v.visitType),
    patient: {
      id: v.patient.id,
      patientNumber: v.patient.patientNumber,
      name: `${v.patient.familyName} ${v.patient.givenName}`,
      kana: `${v.patient.familyNameKana} ${v.patient.givenNameKana}`,
      sex: v.patient.sex === 'male' ? '男' : v.patient.sex === 'female' ? '女' : '他',
      age: ageOn(v.patient.birthDate, date),
    },
    orca: v.orcaLink
      ? {
          acceptance: oneOf(ORCA_ACCEPTANCE_STATES, v.orcaLink.acceptanceState),
          billing: oneOf(ORCA_BILLING_STATES, v.orcaLink.billingState),
          totalPoints: v.orcaLink.totalPoints,
          billedYen: v.orcaLink.billedYen,
          paidYen: v.orcaLink.paidYen,
          message: v.orcaLink.message,
        }
      : null,
  }));
  return { date, dateLabel: dayLabel(date), entries };
}

export type VisitSlipDto = {
  clinicName: string;
  receptionNumber: number;
  /** 和暦 with the Western date, e.g. 2026/12/05（令和8年12月5日） */
  dateLabel: string;
  arrivedTime: string;
  patient: { patientNumber: number; name: string; kana: string; sex: string; age: number };
  departmentName: string | null;
  doctorName: string | null;
  firstVisit: boolean | null;
  memo: string | null;
  cancelled: boolean;
};

/** 受付票: what the patient carries or the clinic files for one visit. Printing it is audited. */
export async function getVisitSlip(input: { visitId: string }, actor: Principal): Promise<VisitSlipDto> {
  await requirePermission(actor, 'reception.read');
  const visit = await visitRepository.find(db(), actor.clinicId, input.visitId);
  if (!visit) throw notFound();
  const [patient, clinic, doctors, department] = await Promise.all([
    patientRepository.findById(db(), { clinicId: actor.clinicId, patientId: visit.patientId }),
    staffRepository.findClinic(actor.clinicId),
    staffNames(actor.clinicId, [visit.doctorId]),
    visit.departmentId ? visitRepository.findDepartment(db(), actor.clinicId, visit.departmentId) : Promise.resolve(null),
  ]);
  if (!patient || !clinic) throw notFound();
  await recordAuditEventNow({ clinicId: actor.clinicId, actor, action: 'print', resourceType: 'visit_slip', resourceId: visit.id, patientId: visit.patientId, ctx: actor.ctx });
  const date = isoDate(visit.visitDate);
  return {
    clinicName: clinic.name,
    receptionNumber: visit.receptionNumber,
    dateLabel: dayLabel(date),
    arrivedTime: visit.arrivedAt.toLocaleTimeString('ja-JP', { hour: '2-digit', minute: '2-digit', timeZone: 'Asia/Tokyo' }),
    patient: {
      patientNumber: patient.patientNumber,
      name: `${patient.familyName} ${patient.givenName}`,
      kana: `${patient.familyNameKana} ${patient.givenNameKana}`,
      sex: patient.sex === 'male' ? '男' : patient.sex === 'female' ? '女' : '他',
      age: ageOn(patient.birthDate, date),
    },
    departmentName: department?.name ?? null,
    doctorName: visit.doctorId ? (doctors.get(visit.doctorId) ?? null) : null,
    firstVisit: visit.firstVisit,
    memo: visit.memo,
    cancelled: visit.status === 'cancelled',
  };
}

export type PatientVisitDto = {
  visitId: string;
  /** 'YYYY-MM-DD' (JST) */
  visitDate: string;
  /** e.g. 2026/12/05（令和8年12月5日） */
  dateLabel: string;
  receptionNumber: number;
  arrivedTime: string;
  status: VisitStatusValue;
  departmentName: string | null;
  doctorName: string | null;
  firstVisit: boolean | null;
  visitType: VisitTypeValue;
  memo: string | null;
};

/** 来院履歴: the patient's visits, newest first (cancelled ones included, marked). The read is audited. */
export async function listVisitsForPatient(patientId: string, actor: Principal, limit = 100): Promise<PatientVisitDto[]> {
  await requirePermission(actor, 'patient.read');
  if (!(await patientRepository.findById(db(), { clinicId: actor.clinicId, patientId }))) throw notFound();
  const visits = await visitRepository.listForPatient(actor.clinicId, patientId, limit);
  await recordAuditEventNow({ clinicId: actor.clinicId, actor, action: 'read', resourceType: 'visit_history', patientId, detail: { count: visits.length }, ctx: actor.ctx });
  const [doctors, departments] = await Promise.all([
    staffNames(actor.clinicId, visits.map((v) => v.doctorId)),
    visits.some((v) => v.departmentId) ? visitRepository.departments(actor.clinicId) : Promise.resolve([]),
  ]);
  const departmentName = new Map(departments.map((d) => [d.id, d.name]));
  return visits.map((v) => ({
    visitId: v.id,
    visitDate: isoDate(v.visitDate),
    dateLabel: dayLabel(isoDate(v.visitDate)),
    receptionNumber: v.receptionNumber,
    arrivedTime: v.arrivedAt.toLocaleTimeString('ja-JP', { hour: '2-digit', minute: '2-digit', timeZone: 'Asia/Tokyo' }),
    status: oneOf(VISIT_STATUSES, v.status),
    departmentName: v.departmentId ? (departmentName.get(v.departmentId) ?? null) : null,
    doctorName: v.doctorId ? (doctors.get(v.doctorId) ?? null) : null,
    firstVisit: v.firstVisit,
    visitType: oneOf(VISIT_TYPES, v.visitType),
    memo: v.memo,
  }));
}

/** For the chart header: the eligibility of the patient's latest visit. */
export async function latestEligibilityForPatient(patientId: string, actor: Principal) {
  const visit = await visitRepository.latestForPatient(actor.clinicId, patientId);
  return visit ? { result: visit.eligibilityResult, checkedAt: visit.eligibilityCheckedAt?.toISOString() ?? null } : null;
}

/**
 * The doctor of the patient's open visit today (reception named one, or the first doctor who wrote for it), or null:
 * a 代行入力 (note or prescription) is for that doctor unless the nurse chooses another (issue 13).
 */
export async function visitDoctorToday(patientId: string, actor: Principal): Promise<string | null> {
  await requirePermission(actor, 'chart.read');
  const visit = await visitRepository.findActiveForPatient(db(), actor.clinicId, patientId, dateOnly(todayJst()));
  return visit?.doctorId ?? null;
}

/** Today's visit still open for the patient (notes and prescriptions attach to it), or null. */
export async function openVisitToday(patientId: string, actor: Principal): Promise<{ id: string; visitType: VisitTypeValue; visitDate: string } | null> {
  const visit = await visitRepository.findActiveForPatient(db(), actor.clinicId, patientId, dateOnly(todayJst()));
  return visit ? { id: visit.id, visitType: oneOf(VISIT_TYPES, visit.visitType), visitDate: isoDate(visit.visitDate) } : null;
}
