/**
 * 受付 made at the ORCA counter (docs/orca.md "受付 made at the ORCA counter"). Some clinics check patients in at
 * ORCA's own 受付 screen. The day's poll (job `orca.counter`, acceptlstv2 class 01 every ORCA_COUNTER_POLL_MS) keeps
 * the 受付 ORCA has and the EHR did not send in OrcaCounterAcceptance; the reception board lists them, and the
 * receptionist takes one over into the EHR queue: a visit is created through the EHR's own check-in, linked to ORCA's
 * 受付 id (OrcaVisitLink `sent`), and nothing is sent to ORCA — a second 受付 would be a duplicate there.
 * ORCA's push (pusheventgetv2 `patient_accept`) is cloud-only and has no documented live receiver: polling it is.
 */
import { randomUUID } from 'node:crypto';
import { recordAuditEvent, recordAuditEventNow } from '@/lib/audit/audit';
import { requirePermission, type Principal } from '@/lib/auth/principal';
import { AppError, notFound } from '@/lib/core/app-error';
import { db, runInTransaction, type Tx } from '@/lib/core/db';
import { dateOnly, isoDate, todayJst } from '@/lib/core/dates';
import { parseInput, z } from '@/lib/core/zod';
import { enqueueJob } from '@/lib/jobs/job.repository';
import { checkIn } from '@/lib/reception/visit.service';
import { staffRepository } from '@/lib/staff/staff.repository';
import { getOrcaLink } from './get-orca-link';
import { orcaCounterRepository as counterRepo, orcaLinkRepository as repo } from './orca-link.repository';
import { SEX_FROM_ORCA } from './orca-patient-match';
import type { OrcaLink } from './orca-port';
import { ORCA_BILLING_MAX_ATTEMPTS, ORCA_BILLING_QUEUE, ORCA_COUNTER_QUEUE } from './orca-queues';
import { outcomeOf, type OrcaSyncOutcome } from './orca-sync.service';

type Deps = { link?: OrcaLink | null; now?: () => Date };
type Client = Tx | ReturnType<typeof db>;

/** ~ a day of polling every 15 s, with room for outages (the job ends with its day) */
const COUNTER_MAX_ATTEMPTS = 10_000;


/** Starts (or keeps) the day's poll of ORCA's 受付一覧 for the clinic; a no-op for a clinic without an ORCA link. */
export async function startOrcaCounterPolling(client: Client, clinicId: string, now = new Date(), link: OrcaLink | null = getOrcaLink()): Promise<boolean> {
  if (!link || !(await repo.settings(client, clinicId))) return false;
  const date = todayJst(now);
  await enqueueJob(client, { clinicId, queue: ORCA_COUNTER_QUEUE, key: date, payload: { date }, maxAttempts: COUNTER_MAX_ATTEMPTS, now });
  return true;
}

/**
 * Reads ORCA's 受付中 list of the day and keeps the 受付 the EHR did not make: not one of ours (our OrcaVisitLink
 * has its 受付ID), and not a patient whose own 受付 we are still sending (its answer may have been lost, so ORCA's row
 * could be ours). Rows ORCA no longer lists (cancelled there, or 会計済) leave the board. New rows are audited.
 */
export async function pollOrcaCounter(clinicId: string, date: string, deps: Deps = {}): Promise<OrcaSyncOutcome & { open?: number; added?: number }> {
  const link = deps.link === undefined ? getOrcaLink() : deps.link;
  const now = deps.now ?? (() => new Date());
  if (!link) return { kind: 'skipped', message: 'ORCA連携は設定されていません。' };
  if (!(await repo.settings(db(), clinicId))) return { kind: 'skipped', message: 'この医療機関はORCAと連携していません。' };
  let listed;
  try {
    listed = await link.listAcceptances({ date, state: 'waiting' });
  } catch (error) {
    return outcomeOf(error);
  }
  const day = dateOnly(date);
  const ours = await repo.visitLinksForDate(db(), clinicId, day);
  const ourIds = new Set(ours.filter((o) => o.acceptanceId).map((o) => o.acceptanceId));
  const inFlightPatients = new Set(ours.filter((o) => ['queued', 'sending'].includes(o.acceptanceState)).map((o) => o.visit.patientId));
  const patientLinks = await repo.linksByOrcaIds(db(), clinicId, [...new Set(listed.map((a) => a.patientId))]);
  const ehrPatientOf = new Map(patientLinks.map((l) => [l.orcaPatientId, l.patientId]));
  const counter = listed.filter((a) => a.acceptanceId && !ourIds.has(a.acceptanceId) && !inFlightPatients.has(ehrPatientOf.get(a.patientId) ?? ''));

  const known = new Map((await counterRepo.forDate(db(), clinicId, day)).map((r) => [r.acceptanceId, r]));
  const added = counter.filter((a) => !known.has(a.acceptanceId));
  const listedIds = new Set(listed.map((a) => a.acceptanceId));
  const gone = [...known.values()].filter((r) => r.state === 'open' && (!listedIds.has(r.acceptanceId) || ourIds.has(r.acceptanceId)));
  const at = now();
  await runInTransaction(async (tx) => {
    for (const a of added) {
      await counterRepo.create(tx, {
          clinicId,
          id: randomUUID(),
          acceptanceDate: day,
          acceptanceId: a.acceptanceId,
          acceptanceTime: a.time,
          orcaPatientId: a.patientId,
          name: a.patient?.name ?? '',
          kana: a.patient?.kana ?? '',
          birthDate: (a.patient?.birthDate ?? '').slice(0, 10),
          sex: (a.patient?.sex ?? '').slice(0, 1),
          departmentCode: a.departmentCode.slice(0, 2) || null,
          physicianCode: a.physicianCode.slice(0, 5) || null,
          insuranceCombinationNumber: a.insuranceCombinationNumber,
          seenAt: at,
          updatedAt: at,
      });
    }
    if (gone.length) {
      await counterRepo.markGone(tx, clinicId, day, gone.map((g) => g.acceptanceId), at);
    }
    if (added.length) {
      await recordAuditEvent(tx, {
        clinicId,
        actor: null,
        action: 'read',
        resourceType: 'orca_acceptance',
        detail: { via: 'orca', counter: true, date, acceptanceIds: added.map((a) => a.acceptanceId), orcaPatientIds: added.map((a) => a.patientId) },
        ctx: { ip: null, requestId: `orca-${randomUUID()}` },
      });
    }
  });
  const open = counter.filter((a) => !known.has(a.acceptanceId) || known.get(a.acceptanceId)!.state === 'open').length;
  return { kind: 'done', open, added: added.length };
}

export type OrcaCounterAcceptanceDto = {
  id: string;
  acceptanceId: string;
  time: string;
  orcaPatientId: string;
  name: string;
  kana: string;
  birthDate: string;
  sex: string;
  departmentCode: string | null;
  physicianCode: string | null;
  /** the EHR patient linked to ORCA's patient; null: take the patient in first (患者 → ORCAで登録された患者) */
  patient: { id: string; patientNumber: number; name: string } | null;
};

/** The day's open ORCA counter 受付 for the board (starts the day's poll if needed). Audited, at most once a minute per user. */
const lastCounterAudit = new Map<string, number>();
export async function listOrcaCounterAcceptances(actor: Principal, deps: Deps = {}): Promise<OrcaCounterAcceptanceDto[] | null> {
  await requirePermission(actor, 'reception.read');
  const now = deps.now?.() ?? new Date();
  if (!(await startOrcaCounterPolling(db(), actor.clinicId, now, deps.link === undefined ? getOrcaLink() : deps.link))) return null;
  const rows = await counterRepo.open(db(), actor.clinicId, dateOnly(todayJst(now)));
  const links = await repo.linksByOrcaIds(db(), actor.clinicId, rows.map((r) => r.orcaPatientId));
  const patientOf = new Map(links.map((l) => [l.orcaPatientId, l.patientId]));
  const patients = new Map((await repo.patientNames(db(), actor.clinicId, [...patientOf.values()])).map((p) => [p.id, p]));
  const key = `${actor.clinicId}:${actor.userId}`;
  if (rows.length && now.getTime() - (lastCounterAudit.get(key) ?? 0) > 60_000) {
    lastCounterAudit.set(key, now.getTime());
    await recordAuditEventNow({ clinicId: actor.clinicId, actor, action: 'read', resourceType: 'orca_acceptance', detail: { via: 'orca', counter: true, orcaPatientIds: rows.map((r) => r.orcaPatientId), patientIds: [...patientOf.values()] }, ctx: actor.ctx });
  }
  return rows.map((r) => {
    const p = patients.get(patientOf.get(r.orcaPatientId) ?? '');
    return {
      id: r.id,
      acceptanceId: r.acceptanceId,
      time: r.acceptanceTime.slice(0, 5),
      orcaPatientId: r.orcaPatientId,
      name: r.name,
      kana: r.kana,
      birthDate: r.birthDate,
      sex: SEX_FROM_ORCA[r.sex as '1' | '2'] ?? r.sex,
      departmentCode: r.departmentCode,
      physicianCode: r.physicianCode,
      patient: p ? { id: p.id, patientNumber: p.patientNumber, name: `${p.familyName} ${p.givenName}` } : null,
    };
  });
}

export const takeOverOrcaAcceptanceSchema = z.object({ counterId: z.string().uuid('ORCAの受付を選び直してください。') }).strict();
export type TakeOverOrcaAcceptanceInput = z.infer<typeof takeOverOrcaAcceptanceSchema>;

/**
 * 取込: the ORCA counter 受付 becomes a visit in the EHR queue through the EHR's check-in (資格確認, 初診/再診,
 * reception number, audit), with 診療科 and 担当医 taken from ORCA's codes where the clinic's mapping knows them. The
 * visit is linked to ORCA's 受付 (its id, date, time, 保険組合せ) in the same transaction, so no 受付 goes to ORCA and
 * the 会計 is read back as for any other visit.
 */
export async function takeOverOrcaAcceptance(raw: TakeOverOrcaAcceptanceInput, actor: Principal): Promise<{ visitId: string; receptionNumber: number }> {
  await requirePermission(actor, 'reception.write');
  const input = parseInput(takeOverOrcaAcceptanceSchema, raw);
  const row = await counterRepo.find(db(), actor.clinicId, input.counterId);
  if (!row) throw notFound();
  if (row.state !== 'open') throw new AppError('CONFLICT', row.state === 'taken' ? 'このORCAの受付はすでに取り込まれています。' : 'このORCAの受付はORCAで取消または会計済になりました。');
  const patientId = (await repo.linksByOrcaIds(db(), actor.clinicId, [row.orcaPatientId]))[0]?.patientId;
  if (!patientId) {
    throw new AppError('PRECONDITION_FAILED', `ORCAの患者番号 ${row.orcaPatientId} の患者が電子カルテにいません。「ORCAで登録された患者」から取り込んでから受付してください。`);
  }
  const settings = await repo.settings(db(), actor.clinicId);
  const departments = await counterRepo.departments(db(), actor.clinicId);
  const departmentId = row.departmentCode ? departments.find((d) => d.code.slice(0, 2) === row.departmentCode)?.id : undefined;
  const physicianCodes = (settings?.physicianCodes ?? {}) as Record<string, string>;
  const doctorCandidate = Object.entries(physicianCodes).find(([, code]) => code === row.physicianCode)?.[0];
  const doctorId = doctorCandidate && (await staffRepository.findActiveDoctor(db(), actor.clinicId, doctorCandidate)) ? doctorCandidate : undefined;
  const date = isoDate(row.acceptanceDate);
  if (date !== todayJst()) throw new AppError('PRECONDITION_FAILED', '本日のORCAの受付ではありません。');

  const result = await checkIn(
    { patientId, departmentId, doctorId },
    actor,
    async (tx, visit) => {
      const now = new Date();
      const { count } = await counterRepo.markTaken(tx, actor.clinicId, row.id, visit.id, now);
      if (count !== 1) throw new AppError('CONFLICT', 'このORCAの受付は他の端末で取り込まれたか、ORCAで取消されました。画面を更新してください。');
      await repo.saveVisitLink(
        tx,
        actor.clinicId,
        visit.id,
        {
          acceptanceState: 'sent',
          acceptanceId: row.acceptanceId,
          acceptanceDate: row.acceptanceDate,
          acceptanceTime: row.acceptanceTime,
          departmentCode: row.departmentCode,
          physicianCode: row.physicianCode,
          insuranceCombinationNumber: row.insuranceCombinationNumber,
          message: null,
        },
        now,
      );
      await recordAuditEvent(tx, { clinicId: actor.clinicId, actor, action: 'update', resourceType: 'orca_acceptance', resourceId: visit.id, patientId, detail: { via: 'orca', counter: true, takenOver: row.acceptanceId, orcaPatientId: row.orcaPatientId }, ctx: actor.ctx });
      // the 会計 of the visit is read back like any other (one polling job per clinic and day)
      await enqueueJob(tx, { clinicId: actor.clinicId, queue: ORCA_BILLING_QUEUE, key: date, payload: { date }, maxAttempts: ORCA_BILLING_MAX_ATTEMPTS, now });
    },
    { orcaAcceptance: 'taken_over' },
  );
  return { visitId: result.visitId, receptionNumber: result.receptionNumber };
}
