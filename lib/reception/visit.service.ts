/** 受付: today's queue, check-in with オンライン資格確認, and the status of each visit through the day. */
import { AppError, notFound } from '@/lib/core/app-error';
import { db, runInTransaction } from '@/lib/core/db';
import { ageOn, dateOnly, dayLabel, isoDate, previousDay, todayJst } from '@/lib/core/dates';
import { recordAuditEvent, recordAuditEventNow } from '@/lib/audit/audit';
import type { Actor } from '@/lib/auth/actor';
import { requirePermission } from '@/lib/auth/guards';
import { patientRepository } from '@/lib/records/patients/patient.repository';
import { getEligibilityService } from '@/lib/eligibility/get-eligibility-service';
import type { EligibilityAnswer } from '@/lib/eligibility/eligibility-service';
import { visitRepository } from './visit.repository';
import { VISIT_STATUSES, VISIT_TRANSITIONS, type ChangeVisitStatusInput, type CheckInInput, type VisitStatusValue } from './visit.schema';
import { oneOf } from '@/lib/core/text-enum';

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
  memo: string | null;
  patient: { id: string; patientNumber: number; name: string; kana: string; sex: string; age: number };
};

async function checkEligibility(clinicId: string, patientId: string, onDate: string): Promise<EligibilityAnswer | null> {
  const patient = await patientRepository.findById(db(), { clinicId, patientId });
  const ins = patient?.insurances[0];
  if (!patient || !ins) return null;
  const validUntil = ins.validUntil ? isoDate(ins.validUntil) : null;
  const service = getEligibilityService(() => validUntil);
  return service.check({ insurerNumber: ins.insurerNumber, symbol: ins.symbol, number: ins.number, branch: ins.branch, birthDate: isoDate(patient.birthDate), onDate });
}

/** Checks a patient in for today. The insurance check runs first and never blocks the check-in. */
export async function checkIn(input: CheckInInput, actor: Actor) {
  await requirePermission(actor, 'reception.write');
  const today = todayJst();
  const visitDate = dateOnly(today);
  const patient = await patientRepository.findById(db(), { clinicId: actor.clinicId, patientId: input.patientId });
  if (!patient) throw notFound();
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
      memo: input.memo ?? null,
      createdById: actor.userId,
      eligibilityResult: answer?.result ?? 'not_checked',
      eligibilityCheckedAt: answer ? new Date() : null,
      eligibilityDetail: answer ? (answer as object) : undefined,
    });
    await visitRepository.addStatusChange(tx, { clinicId: actor.clinicId, visitId: visit.id, fromStatus: null, toStatus: 'received', changedById: actor.userId });
    await recordAuditEvent(tx, { clinicId: actor.clinicId, actor, action: 'create', resourceType: 'visit', resourceId: visit.id, patientId: input.patientId, detail: { eligibility: answer?.result ?? 'not_checked' }, ctx: actor.ctx });
    return { visitId: visit.id, receptionNumber, eligibility: answer };
  });
}

export async function recheckEligibility(input: { visitId: string }, actor: Actor) {
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

export async function changeVisitStatus(input: ChangeVisitStatusInput, actor: Actor) {
  await requirePermission(actor, 'reception.write');
  const visit = await visitRepository.find(db(), actor.clinicId, input.visitId);
  if (!visit) throw notFound();
  const from = oneOf(VISIT_STATUSES, visit.status);
  if (!VISIT_TRANSITIONS[from].includes(input.status)) {
    throw new AppError('PRECONDITION_FAILED', 'この状態には変更できません。画面を更新してください。');
  }
  await runInTransaction(async (tx) => {
    const { count } = await visitRepository.updateStatusIf(tx, actor.clinicId, visit.id, from, input.status);
    if (count !== 1) throw new AppError('CONFLICT', '他の端末で状態が変更されました。画面を更新してください。');
    await visitRepository.addStatusChange(tx, { clinicId: actor.clinicId, visitId: visit.id, fromStatus: from, toStatus: input.status, changedById: actor.userId });
    await recordAuditEvent(tx, { clinicId: actor.clinicId, actor, action: 'update', resourceType: 'visit', resourceId: visit.id, patientId: visit.patientId, detail: { from, to: input.status }, ctx: actor.ctx });
  });
}

// The queue is polled every few seconds; one audit row per user per minute is enough to show who looked.
const lastQueueAudit = new Map<string, number>();

/** The board of one JST day: its label (the header follows the day the entries belong to) and the entries. */
export type QueueDto = { date: string; dateLabel: string; entries: QueueEntryDto[] };

export async function listQueue(actor: Actor, date = todayJst()): Promise<QueueDto> {
  await requirePermission(actor, 'reception.read');
  const visits = await visitRepository.listForDate(actor.clinicId, dateOnly(date), dateOnly(previousDay(date)));
  const now = Date.now();
  const key = `${actor.clinicId}:${actor.userId}`;
  if (now - (lastQueueAudit.get(key) ?? 0) > 60_000) {
    lastQueueAudit.set(key, now);
    await recordAuditEventNow({ clinicId: actor.clinicId, actor, action: 'read', resourceType: 'reception_queue', detail: { date, patientIds: visits.map((v) => v.patientId) }, ctx: actor.ctx });
  }
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
    memo: v.memo,
    patient: {
      id: v.patient.id,
      patientNumber: v.patient.patientNumber,
      name: `${v.patient.familyName} ${v.patient.givenName}`,
      kana: `${v.patient.familyNameKana} ${v.patient.givenNameKana}`,
      sex: v.patient.sex === 'male' ? '男' : v.patient.sex === 'female' ? '女' : '他',
      age: ageOn(v.patient.birthDate, date),
    },
  }));
  return { date, dateLabel: dayLabel(date), entries };
}

/** For the chart header: the eligibility of the patient's latest visit. */
export async function latestEligibilityForPatient(patientId: string, actor: Actor) {
  const visit = await visitRepository.latestForPatient(actor.clinicId, patientId);
  return visit ? { result: visit.eligibilityResult, checkedAt: visit.eligibilityCheckedAt?.toISOString() ?? null } : null;
}

/** Today's visit still open for the patient (notes and prescriptions attach to it), or null. */
export async function openVisitToday(patientId: string, actor: Actor): Promise<{ id: string } | null> {
  const visit = await visitRepository.findActiveForPatient(db(), actor.clinicId, patientId, dateOnly(todayJst()));
  return visit ? { id: visit.id } : null;
}
