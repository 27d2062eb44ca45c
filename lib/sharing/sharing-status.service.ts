/**
 * What the clinic sees of its sharing (issue 10 §4, docs/decisions/0038): the state of each 報告単位 of a patient in the
 * chart, 再送 after a fix (through the same delivery job as a change), and the clinic's units that need a person.
 * Every read names its patients in the audit trail; a resend is audited in its own transaction.
 */
import { recordAuditEvent, recordAuditEventNow } from '@/lib/audit/audit';
import { AppError, notFound } from '@/lib/core/app-error';
import { runInTransaction } from '@/lib/core/db';
import { todayJst } from '@/lib/core/dates';
import { fieldLabel, recordName } from '@/lib/fhir/issues';
import type { FhirIssue } from '@/lib/fhir/issues';
import { listJobs } from '@/lib/jobs/job.repository';
import { requirePermission, type Principal } from '@/lib/auth/principal';
import { can } from '@/lib/permissions/permissions';
import type { SharingIssue } from './sharing-service';
import {
  countUnitsByState,
  findUnit,
  labReportSummaries,
  listUnitsForPatient,
  listOverdueUnits,
  listUnitsNeedingAttention,
  listUnrelayedChanges,
  patientsOfUnits,
  requestUnitResend,
  type LabReportSummary,
  type SharingUnitRow,
} from './sharing-unit.repository';
import { DELIVER_QUEUE, UNIT_KIND_LABELS, UNIT_STATE_LABELS, type UnitKind, type UnitState } from './sharing.constants';
import type { PatientSharingStatusDto, SharingAttentionDto, SharingAttentionRowDto, SharingIssueDto, SharingUnitStatusDto } from './sharing.dto';

const RESENDABLE: readonly UnitState[] = ['error', 'retry_wait', 'pending'];
const KIND_ORDER: Record<UnitKind, number> = { diagnoses: 0, allergies: 1, lab_report: 2, document: 3 };
const RESOURCE_OF_PATH: Record<string, string> = { Patient: 'Patient', Condition: 'Condition', AllergyIntolerance: 'AllergyIntolerance', Observation: 'Observation', Bundle: 'Bundle' };

/** Where staff fix what an issue points at: the record's history page (anchored), or the patient's edit page. */
function issueHref(viewer: Principal, patientId: string, kind: UnitKind, resourceType: string | null, recordId: string | null | undefined): string | null {
  if (resourceType === 'Patient' || (recordId && recordId === patientId)) return can(viewer.role, 'patient.write') ? `/patients/${patientId}/edit` : null;
  if (!can(viewer.role, 'chart.read')) return null;
  if (kind === 'lab_report') return `/patients/${patientId}/labs`;
  const page = kind === 'diagnoses' ? 'diagnoses' : 'allergies';
  return `/patients/${patientId}/${page}${recordId ? `#record-${recordId}` : ''}`;
}

/** A stored issue (the service's or the validator's) for the screen. */
export function sharingIssueDto(viewer: Principal, patientId: string, kind: UnitKind, issue: SharingIssue): SharingIssueDto {
  const resourceType = issue.expression ? (RESOURCE_OF_PATH[issue.expression.split(/[.[]/)[0] ?? ''] ?? null) : null;
  return {
    severity: 'error',
    message: issue.message,
    field: issue.field ?? (issue.expression ? fieldLabel(issue.expression) : null),
    record: resourceType ? recordName(resourceType) : null,
    href: issueHref(viewer, patientId, kind, resourceType, issue.recordId),
  };
}

/** A validator finding (the preview) for the screen. */
export function fhirIssueDto(viewer: Principal, patientId: string, kind: UnitKind, issue: FhirIssue): SharingIssueDto {
  return {
    severity: issue.severity,
    message: issue.message,
    field: issue.field,
    record: recordName(issue.resourceType),
    href: issueHref(viewer, patientId, kind, issue.resourceType, issue.recordId),
  };
}

export function unitTitle(kind: UnitKind, labReportId: string, labs: Map<string, LabReportSummary>): string {
  if (kind !== 'lab_report') return UNIT_KIND_LABELS[kind];
  const s = labs.get(labReportId);
  if (!s) return '検査';
  const more = s.items > s.names.length ? ` 他${s.items - s.names.length}項目` : '';
  return `検査 ${todayJst(s.collectedAt).replaceAll('-', '/')}（${s.names.join('・')}${more}）`;
}

function unitDto(viewer: Principal, unit: SharingUnitRow, labs: Map<string, LabReportSummary>): SharingUnitStatusDto {
  return {
    key: unit.id,
    unitId: unit.id,
    kind: unit.kind,
    title: unitTitle(unit.kind, unit.labReportId, labs),
    state: unit.state,
    stateLabel: UNIT_STATE_LABELS[unit.state],
    reason: unit.reason,
    issues: (unit.issues ?? []).map((i) => sharingIssueDto(viewer, unit.patientId, unit.kind, i)),
    removed: unit.removed,
    changedAt: unit.changedAt.toISOString(),
    sentAt: unit.sentAt?.toISOString() ?? null,
    lastAttemptAt: unit.lastAttemptAt?.toISOString() ?? null,
    resendable: RESENDABLE.includes(unit.state),
  };
}

const byKind = (a: SharingUnitStatusDto, b: SharingUnitStatusDto) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || a.title.localeCompare(b.title, 'ja');

// the chart polls the status; its background reads are audited once a minute per user and patient
const lastBackgroundAudit = new Map<string, number>();

/**
 * The sharing state of each unit of a patient: the units the relay made, plus changes still in the outbox (未送信).
 * `background`: the screen's own polling (audited at most once a minute per user and patient).
 */
export async function getPatientSharingStatus(patientId: string, actor: Principal, options: { background?: boolean } = {}): Promise<PatientSharingStatusDto> {
  await requirePermission(actor, 'chart.read');
  const patients = await patientsOfUnits(actor.clinicId, [patientId]);
  if (!patients.has(patientId)) throw notFound();
  const units = await listUnitsForPatient(actor.clinicId, patientId);
  const unrelayed = await listUnrelayedChanges(actor.clinicId, patientId);
  const labs = await labReportSummaries(actor.clinicId, [...units, ...unrelayed].filter((u) => u.kind === 'lab_report').map((u) => u.labReportId));
  const rows = units.map((u) => unitDto(actor, u, labs));
  for (const change of unrelayed) {
    if (units.some((u) => u.kind === change.kind && u.labReportId === change.labReportId)) continue;
    rows.push({
      key: `outbox:${change.kind}:${change.labReportId}`,
      unitId: null,
      kind: change.kind,
      title: unitTitle(change.kind, change.labReportId, labs),
      state: 'pending',
      stateLabel: UNIT_STATE_LABELS.pending,
      reason: null,
      issues: [],
      removed: false,
      changedAt: null,
      sentAt: null,
      lastAttemptAt: null,
      resendable: false,
    });
  }
  const key = `${actor.clinicId}:${actor.userId}:${patientId}`;
  const now = Date.now();
  if (!options.background || now - (lastBackgroundAudit.get(key) ?? 0) > 60_000) {
    lastBackgroundAudit.set(key, now);
    await recordAuditEventNow({ clinicId: actor.clinicId, actor, action: 'read', resourceType: 'sharing_status', patientId, detail: { units: rows.length }, ctx: actor.ctx });
  }
  return { patientId, units: rows.sort(byKind) };
}

/**
 * 再送: the unit goes back to 未送信 and its delivery job runs now (a stopped one is revived). Delivery rebuilds the
 * bundle from the current records, so this is the same path as a change; content the service already holds is not
 * sent twice. Refused while a send is running or when it is already 送信済.
 */
export async function resendSharingUnit(unitId: string, actor: Principal, clock: () => Date = () => new Date()): Promise<SharingUnitStatusDto> {
  await requirePermission(actor, 'sharing.resend');
  const unit = await findUnit(actor.clinicId, unitId);
  if (!unit) throw notFound();
  if (unit.state === 'sending') throw new AppError('CONFLICT', '送信中です。結果が出るまでお待ちください。');
  if (unit.state === 'sent') throw new AppError('CONFLICT', 'すでに送信済です。記録を変更すると自動で送信されます。');
  const now = clock();
  await runInTransaction(async (tx) => {
    await requestUnitResend(tx, unit, now);
    await recordAuditEvent(tx, {
      clinicId: actor.clinicId,
      actor,
      action: 'resend',
      resourceType: 'sharing_unit',
      resourceId: unit.id,
      patientId: unit.patientId,
      detail: { kind: unit.kind, previousState: unit.state, identifier: unit.identifier },
      ctx: actor.ctx,
    });
  });
  const labs = await labReportSummaries(actor.clinicId, unit.kind === 'lab_report' ? [unit.labReportId] : []);
  return unitDto(actor, (await findUnit(actor.clinicId, unitId))!, labs);
}

/**
 * The clinic's units that need a person or are late: エラー, 再送待ち, those whose delivery job stopped, and those past
 * the IG's deadline (next morning) without a send. Audited with the patients listed.
 */
export async function listSharingAttention(actor: Principal, clock: () => Date = () => new Date()): Promise<SharingAttentionDto> {
  await requirePermission(actor, 'sharing.manage');
  const now = clock();
  const counts = await countUnitsByState(actor.clinicId);
  const units = await listUnitsNeedingAttention(actor.clinicId, 200);
  const dead = await listJobs(actor.clinicId, { queue: DELIVER_QUEUE, state: 'dead', limit: 200 });
  const deadByUnit = new Map(dead.map((j) => [(j.payload as { unitId?: string }).unitId ?? j.key, j]));
  for (const unitId of deadByUnit.keys()) {
    if (units.some((u) => u.id === unitId)) continue;
    const unit = await findUnit(actor.clinicId, unitId);
    if (unit) units.push(unit);
  }
  const late = (await listOverdueUnits(actor.clinicId, now, 200)).filter((u) => !units.some((x) => x.id === u.id));
  units.push(...late);
  const patients = await patientsOfUnits(actor.clinicId, units.map((u) => u.patientId));
  const labs = await labReportSummaries(actor.clinicId, units.filter((u) => u.kind === 'lab_report').map((u) => u.labReportId));
  const rows: SharingAttentionRowDto[] = units.flatMap((u) => {
    const patient = patients.get(u.patientId);
    if (!patient) return [];
    const job = deadByUnit.get(u.id);
    return [{
      ...unitDto(actor, u, labs),
      patient: { id: u.patientId, ...patient },
      jobStopped: Boolean(job),
      lastError: job?.lastError ?? null,
      overdue: u.state !== 'sent' && u.dueBy !== null && u.dueBy < now,
    }];
  });
  await recordAuditEventNow({
    clinicId: actor.clinicId,
    actor,
    action: 'read',
    resourceType: 'sharing_attention',
    detail: { patientIds: [...new Set(rows.map((r) => r.patient.id))] },
    ctx: actor.ctx,
  });
  const order: Record<UnitState, number> = { error: 0, retry_wait: 1, sending: 2, pending: 3, sent: 4 };
  return { counts, rows: rows.sort((a, b) => Number(b.jobStopped) - Number(a.jobStopped) || order[a.state] - order[b.state] || (a.changedAt ?? '').localeCompare(b.changedAt ?? '')) };
}
