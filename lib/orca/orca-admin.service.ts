/**
 * レセコン連携（ORCA）の設定画面: what the clinic admin sees and changes about the ORCA link.
 * - the connection (ORCA_MODE / ORCA_URL come from the server's environment; shown, never the credentials) and a
 *   接続確認 that reads ORCA's ドクター list (system01lstv2 02, no patient data);
 * - the clinic's settings (OrcaSettings): who numbers patients, 診療内容区分, EHR doctor → ORCA ドクターコード;
 * - the sends that need a person: ORCA jobs dead-lettered (a refusal) or waiting in backoff, with 再送.
 * Permission `clinic.settings`; the list of sends names patients, so reading it is audited.
 */
import { recordAuditEvent, recordAuditEventNow } from '@/lib/audit/audit';
import { requirePermission, type Principal } from '@/lib/auth/principal';
import { AppError, notFound } from '@/lib/core/app-error';
import { db, runInTransaction } from '@/lib/core/db';
import { todayJst } from '@/lib/core/dates';
import { env } from '@/lib/core/env';
import { parseInput } from '@/lib/core/zod';
import { findJob, listJobs, requeueDeadJob, runJobNow, type JobRow } from '@/lib/jobs/job.repository';
import { staffRepository } from '@/lib/staff/staff.repository';
import { getOrcaLink } from './get-orca-link';
import { orcaLinkRepository as repo } from './orca-link.repository';
import type { OrcaLink } from './orca-port';
import type { OrcaAdminDto, OrcaAttentionRowDto, OrcaConnectionCheckDto } from './orca-admin.dto';
import { OrcaBusyError, OrcaRejectedError, OrcaUnavailableError } from './orca-port';
import { isBillingOpenMessage, ORCA_ACCEPTANCE_QUEUE, ORCA_APPOINTMENT_QUEUE, ORCA_BILLING_QUEUE, ORCA_DISEASE_QUEUE, ORCA_MEDICAL_QUEUE } from './orca-queues';
import { ORCA_QUEUE_LABELS, type OrcaNumberingMaster } from './orca.constants';
import { orcaSettingsSchema, type OrcaSettingsInput } from './orca.schema';

const ORCA_QUEUES = [ORCA_ACCEPTANCE_QUEUE, ORCA_MEDICAL_QUEUE, ORCA_DISEASE_QUEUE, ORCA_BILLING_QUEUE, ORCA_APPOINTMENT_QUEUE] as const;

function serverOf(url: string | undefined): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return null;
  }
}

/** The visit or patient a job is about, from its payload (acceptance/medical: visitId; diseases: patientId). */
async function subjectsOf(clinicId: string, jobs: JobRow[]) {
  const visitIds = jobs.map((j) => (j.payload as { visitId?: string }).visitId).filter((v): v is string => Boolean(v));
  const visits = visitIds.length ? await repo.visitsByIds(db(), clinicId, visitIds) : [];
  const visitById = new Map(visits.map((v) => [v.id, v]));
  const patientIds = [
    ...visits.map((v) => v.patientId),
    ...jobs.map((j) => (j.payload as { patientId?: string }).patientId).filter((p): p is string => Boolean(p)),
  ];
  const patients = patientIds.length ? await repo.patientNames(db(), clinicId, [...new Set(patientIds)]) : [];
  const patientById = new Map(patients.map((p) => [p.id, { id: p.id, patientNumber: p.patientNumber, name: `${p.familyName} ${p.givenName}` }]));
  return (job: JobRow) => {
    const payload = job.payload as { visitId?: string; patientId?: string; date?: string };
    const visit = payload.visitId ? visitById.get(payload.visitId) : undefined;
    const patientId = visit?.patientId ?? payload.patientId;
    return {
      visitDate: visit ? visit.visitDate.toISOString().slice(0, 10) : (payload.date ?? null),
      patient: patientId ? (patientById.get(patientId) ?? null) : null,
    };
  };
}

export async function getOrcaAdmin(actor: Principal): Promise<OrcaAdminDto> {
  await requirePermission(actor, 'clinic.settings');
  const e = env();
  const settings = await repo.settings(db(), actor.clinicId);
  const doctors = await staffRepository.listActiveDoctors(db(), actor.clinicId);
  const jobs = (
    await Promise.all(
      ORCA_QUEUES.flatMap((queue) => [listJobs(actor.clinicId, { queue, state: 'dead', limit: 100 }), listJobs(actor.clinicId, { queue, state: 'queued', limit: 100 })]),
    )
  )
    .flat()
    // a queued job that has not failed yet is simply due: only the ones waiting after a failure need a person's eye
    // (the day's 会計 poll waiting for ORCA's staff is polling by design, not a failure)
    .filter((j) => j.state === 'dead' || (j.attempts > 0 && j.lastError !== null && !isBillingOpenMessage(j.lastError)));
  const subjectOf = await subjectsOf(actor.clinicId, jobs);
  const attention: OrcaAttentionRowDto[] = jobs
    .map((j) => ({
      jobId: j.id,
      queueLabel: ORCA_QUEUE_LABELS[j.queue] ?? j.queue,
      stopped: j.state === 'dead',
      attempts: j.attempts,
      lastError: j.lastError,
      nextRunAt: j.state === 'queued' ? j.runAt.toISOString() : null,
      updatedAt: j.updatedAt.toISOString(),
      ...subjectOf(j),
    }))
    .sort((a, b) => Number(b.stopped) - Number(a.stopped) || b.updatedAt.localeCompare(a.updatedAt));
  await recordAuditEventNow({
    clinicId: actor.clinicId,
    actor,
    action: 'read',
    resourceType: 'orca_link',
    detail: { patientIds: [...new Set(attention.flatMap((r) => (r.patient ? [r.patient.id] : [])))] },
    ctx: actor.ctx,
  });
  return {
    mode: e.ORCA_MODE,
    server: e.ORCA_MODE === 'http' ? serverOf(e.ORCA_URL) : null,
    weborca: Boolean(e.ORCA_WEBORCA),
    format: e.ORCA_FORMAT,
    settings: {
      linked: settings !== null,
      numberingMaster: settings?.numberingMaster === 'ehr' ? 'ehr' : 'orca',
      medicalInformation: settings?.medicalInformation ?? '01',
      defaultPhysicianCode: settings?.defaultPhysicianCode ?? '10001',
      physicianCodes: (settings?.physicianCodes ?? {}) as Record<string, string>,
      useOrcaAppointments: settings?.useOrcaAppointments ?? false,
    },
    doctors: doctors.map((d) => ({ id: d.id, displayName: d.displayName })),
    attention,
  };
}

/** Starts the link (creates the settings) or changes it. Audited with what was set. */
export async function saveOrcaSettings(input: OrcaSettingsInput, actor: Principal, clock: () => Date = () => new Date()): Promise<void> {
  await requirePermission(actor, 'clinic.settings');
  const data = parseInput(orcaSettingsSchema, input);
  const doctors = new Set((await staffRepository.listActiveDoctors(db(), actor.clinicId)).map((d) => d.id));
  const unknown = Object.keys(data.physicianCodes).filter((id) => !doctors.has(id));
  if (unknown.length) throw new AppError('INVALID_INPUT', 'ドクターコードを設定できるのはこの医療機関の医師だけです。', { physicianCodes: '医師を選び直してください。' });
  const physicianCodes = Object.fromEntries(Object.entries(data.physicianCodes).filter(([, code]) => code !== ''));
  await runInTransaction(async (tx) => {
    const before = await repo.settings(tx, actor.clinicId);
    await repo.saveSettings(tx, actor.clinicId, { numberingMaster: data.numberingMaster, medicalInformation: data.medicalInformation, defaultPhysicianCode: data.defaultPhysicianCode, physicianCodes, useOrcaAppointments: data.useOrcaAppointments }, clock());
    await recordAuditEvent(tx, {
      clinicId: actor.clinicId,
      actor,
      action: before ? 'settings_changed' : 'create',
      resourceType: 'orca_settings',
      resourceId: actor.clinicId,
      detail: { numberingMaster: data.numberingMaster, medicalInformation: data.medicalInformation, defaultPhysicianCode: data.defaultPhysicianCode, physicianCodes, useOrcaAppointments: data.useOrcaAppointments },
      ctx: actor.ctx,
    });
  });
}

/** 接続確認: reads ORCA's ドクター and 診療科 lists (no patient data). The answer says what to fix in Japanese. */
export async function checkOrcaConnection(actor: Principal, deps: { link?: OrcaLink | null; clock?: () => Date } = {}): Promise<OrcaConnectionCheckDto> {
  await requirePermission(actor, 'clinic.settings');
  const link = deps.link === undefined ? getOrcaLink() : deps.link;
  if (!link) return { ok: false, message: 'ORCAとの連携が設定されていません（サーバーの ORCA_MODE が off です）。' };
  const day = todayJst(deps.clock?.());
  let result: OrcaConnectionCheckDto;
  try {
    const [physicians, departments] = [await link.listPhysicians(day), await link.listDepartments(day)];
    result = { ok: true, physicians, departments };
  } catch (error) {
    if (!(error instanceof OrcaUnavailableError || error instanceof OrcaRejectedError || error instanceof OrcaBusyError)) throw error;
    result = { ok: false, message: error.message };
  }
  // who probed the レセコン and what it answered (no patient data is read)
  await recordAuditEventNow({
    clinicId: actor.clinicId,
    actor,
    action: 'read',
    resourceType: 'orca_link',
    outcome: result.ok ? 'success' : 'failure',
    detail: result.ok ? { check: 'connection', physicians: result.physicians.length, departments: result.departments.length } : { check: 'connection', message: result.message },
    ctx: actor.ctx,
  });
  return result;
}

/** 再送: a stopped ORCA send is queued again with fresh attempts; one waiting in backoff runs now. Audited. */
export async function resendOrcaJob(jobId: string, actor: Principal, clock: () => Date = () => new Date()): Promise<void> {
  await requirePermission(actor, 'clinic.settings');
  const job = await findJob(actor.clinicId, jobId);
  if (!job || !(ORCA_QUEUES as readonly string[]).includes(job.queue)) throw notFound();
  const now = clock();
  const subject = (await subjectsOf(actor.clinicId, [job]))(job);
  await runInTransaction(async (tx) => {
    const revived = job.state === 'dead' ? await requeueDeadJob(actor.clinicId, job.id, now, tx) : job.state === 'queued' ? await runJobNow(tx, actor.clinicId, job.id, now) : false;
    if (!revived) throw new AppError('CONFLICT', job.state === 'running' ? '送信中です。結果が出るまでお待ちください。' : 'この送信はすでに完了しています。');
    await recordAuditEvent(tx, {
      clinicId: actor.clinicId,
      actor,
      action: 'resend',
      resourceType: 'orca_link',
      resourceId: job.id,
      patientId: subject.patient?.id ?? null,
      detail: { queue: job.queue, previousState: job.state, attempts: job.attempts },
      ctx: actor.ctx,
    });
  });
}
