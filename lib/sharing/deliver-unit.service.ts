/**
 * Delivers one 報告単位 (the `sharing.deliver` job, docs/decisions/0029): builds the bundle from the current records,
 * and sends it only if its content differs from what the service last accepted (idempotent by identifier + payload
 * hash). Each request is written to the ledger as `pending` before it leaves; a worker killed before the answer is
 * settled on the next run by asking the service what it holds, so the same content is never delivered twice.
 * A unit with nothing left to send is deleted with the identifier and the member ID used at send; a changed member ID
 * (new insurance) deletes the old registration first. Refusals become エラー with the reason (dead-lettered job);
 * outages become 再送待ち (retried with backoff / Retry-After).
 */
import { recordAuditEvent } from '@/lib/audit/audit';
import { db, runInTransaction } from '@/lib/core/db';
import { buildUnitBundle, isSendable, validateBundle, type FhirIssue } from '@/lib/fhir';
import { memberIdentifier } from '@/lib/fhir/patient';
import { loadClinicInput, loadUnitInput, type UnitRef } from '@/lib/fhir/source.repository';
import type { Bundle } from '@medplum/fhirtypes';
import { PermanentJobError, RetryJobError } from '@/lib/jobs/job-errors';
import type { JobRow } from '@/lib/jobs/job.repository';
import { getSharingService } from './get-sharing-service';
import { SharingRejectedError, SharingUnavailableError, type DeleteUnitRequest, type RegisterUnitRequest, type SharingIssue, type SharingService, type UnitStatus } from './sharing-service';
import { documentToSend } from '@/lib/records/documents/document-fhir.service';
import { findUnit, insertAttempt, unsettledAttempt, updateUnit, type SharingUnitRow } from './sharing-unit.repository';
import type { UnitKind } from './sharing.constants';

const FHIR_KIND = { diagnoses: 'condition', allergies: 'allergy', lab_report: 'lab-report' } as const satisfies Record<Exclude<UnitKind, 'document'>, UnitRef['kind']>;

/** lib/fhir's reference to a 6情報 unit: a lab report is named by its report key. */
export function fhirUnitRef(unit: Pick<SharingUnitRow, 'patientId' | 'kind' | 'labReportId'> & { kind: Exclude<UnitKind, 'document'> }): UnitRef {
  return unit.kind === 'lab_report' ? { kind: 'lab-report', patientId: unit.patientId, reportKey: unit.labReportId } : { kind: FHIR_KIND[unit.kind], patientId: unit.patientId };
}

type Built = { bundle: Bundle; identifier: string; contentHash: string };
/** What a unit is now: its bundle (null: nothing to hold, delete what is held), the member ID and the findings. */
type Prepared = { built: Built | null; member: string | null; issues: () => FhirIssue[]; version?: number };

/** The service's operations for the unit's kind: a document is registered with its version (差替 by a higher one). */
function operationsFor(unit: SharingUnitRow, service: SharingService, version?: number) {
  if (unit.kind !== 'document') {
    return { register: (r: RegisterUnitRequest) => service.registerUnit(r), delete: (r: DeleteUnitRequest) => service.deleteUnit(r), status: (id: string) => service.unitStatus(id) };
  }
  return {
    register: (r: RegisterUnitRequest) => service.registerDocument({ ...r, version: version ?? 1 }),
    delete: (r: DeleteUnitRequest) => service.deleteDocument(r),
    status: (id: string): Promise<UnitStatus> => service.documentStatus(id),
  };
}

async function prepare(unit: SharingUnitRow, now: Date, options: DeliverOptions): Promise<Prepared | null> {
  if (unit.kind === 'document') {
    const doc = await documentToSend(unit.clinicId, unit.patientId, unit.labReportId, unit.identifier);
    if (doc.state !== 'final') return { built: null, member: null, issues: () => [] };
    return { built: doc.built, member: doc.member, issues: () => doc.issues, version: doc.version };
  }
  const clinic = await loadClinicInput(db(), unit.clinicId);
  const input = clinic && (await loadUnitInput(db(), unit.clinicId, fhirUnitRef({ ...unit, kind: unit.kind })));
  if (!clinic || !input) return null;
  const built = buildUnitBundle({ clinic, now, bundleIdentifier: unit.identifier }, input);
  return { built, member: memberIdentifier(input.patient)?.value ?? null, issues: () => (built ? (options.validate ?? validateBundle)(built.bundle) : []) };
}

/** A validator finding as the ledger and the chart keep it: the rule, the Japanese message, the record and field. */
export function toSharingIssue(issue: FhirIssue): SharingIssue {
  return { code: issue.rule, message: issue.message, expression: issue.expression, recordId: issue.recordId, field: issue.field };
}

export type DeliverOptions = {
  service?: SharingService;
  /** the bundle checks run before anything leaves; errors make the unit エラー (default: lib/fhir validateBundle) */
  validate?: (bundle: Bundle) => FhirIssue[];
  clock?: () => Date;
};

export type DeliveryOutcome = 'sent' | 'unchanged' | 'deleted' | 'empty' | 'reconciled';

export const SYSTEM_CTX = { ip: null, requestId: 'sharing-worker' };

const reasonFor = (issues: SharingIssue[]) =>
  `共有サービスが受け付けませんでした: ${issues.map((i) => i.message.replace(/。$/, '')).join(' / ')}。記録を修正すると自動で再送されます（または「再送」）。`;

async function fail(unit: SharingUnitRow, issues: SharingIssue[], now: Date, reason = reasonFor(issues)): Promise<never> {
  await runInTransaction((tx) => updateUnit(tx, unit.clinicId, unit.id, { state: 'error', reason, issues, lastAttemptAt: now }, now));
  throw new PermanentJobError(reason);
}

/** One request to the service with its ledger rows: pending before, the answer after (settling the pending one). */
async function exchange<T>(
  unit: SharingUnitRow,
  request: { action: 'register' | 'delete'; identifier: string; memberId: string; payloadHash: string },
  send: () => Promise<T>,
  options: { clock: () => Date; attempts: number; maxAttempts: number },
): Promise<{ result: T; pendingId: string }> {
  const at = options.clock();
  const pendingId = await runInTransaction(async (tx) => {
    const id = await insertAttempt(tx, unit.clinicId, unit.id, { ...request, at, outcome: 'pending', answer: null, settles: null });
    await updateUnit(tx, unit.clinicId, unit.id, { state: 'sending', lastAttemptAt: at }, at);
    return id;
  });
  try {
    return { result: await send(), pendingId };
  } catch (error) {
    return settleFailedExchange(unit, request, pendingId, error, options);
  }
}

/**
 * A request that left with its pending ledger row failed: the refusal or the outage is written to the ledger (settling
 * the pending row) and the unit becomes エラー (PermanentJobError) or 再送待ち (RetryJobError); always throws.
 */
export async function settleFailedExchange(
  unit: SharingUnitRow,
  request: { action: 'register' | 'delete'; identifier: string; memberId: string; payloadHash: string },
  pendingId: string,
  error: unknown,
  options: { clock: () => Date; attempts: number; maxAttempts: number },
): Promise<never> {
  const now = options.clock();
  if (error instanceof SharingRejectedError) {
    await insertAttempt(db(), unit.clinicId, unit.id, {
      ...request, at: now, outcome: 'rejected', answer: { issues: error.issues }, settles: pendingId,
    });
    return fail(unit, error.issues, now);
  }
  const unavailable = error instanceof SharingUnavailableError ? error : new SharingUnavailableError('共有サービスとの通信に失敗しました');
  await insertAttempt(db(), unit.clinicId, unit.id, {
    ...request, at: now, outcome: 'unavailable', answer: { message: unavailable.message, detail: unavailable.detail ?? null, retryAfterMs: unavailable.retryAfterMs ?? null }, settles: pendingId,
  });
  return unreachable(unit, unavailable, now, options);
}

/**
 * The service could not be reached: 再送待ち and a retry, or エラー once the attempts are used up — but before the IG's
 * deadline (dueBy) an outage is retried whatever the attempts, and the retry is not scheduled after the deadline.
 */
async function unreachable(unit: SharingUnitRow, error: unknown, now: Date, options: { attempts: number; maxAttempts: number }): Promise<never> {
  const unavailable = error instanceof SharingUnavailableError ? error : new SharingUnavailableError('共有サービスとの通信に失敗しました');
  if (options.attempts >= options.maxAttempts && !(unit.dueBy && unit.dueBy > now)) {
    return fail(unit, [{ code: 'E-UNREACHABLE', message: unavailable.message }], now, `共有サービスに届かないまま再送の上限に達しました（${unavailable.message}）。サービスの復旧後に「再送」してください。`);
  }
  await updateUnit(db(), unit.clinicId, unit.id, { state: 'retry_wait', reason: `${unavailable.message}。自動で再送します。` }, now);
  throw new RetryJobError(unavailable.message, unavailable.retryAfterMs, unit.dueBy);
}

/** Delivers the unit named by the job; throws PermanentJobError / RetryJobError for the queue. */
export async function deliverUnit(job: Pick<JobRow, 'clinicId' | 'payload' | 'attempts' | 'maxAttempts'>, options: DeliverOptions = {}): Promise<DeliveryOutcome> {
  const clock = options.clock ?? (() => new Date());
  const service = options.service ?? getSharingService();
  const unitId = (job.payload as { unitId?: string }).unitId;
  if (!unitId) throw new PermanentJobError('sharing.deliver: no unitId');
  let unit = await findUnit(job.clinicId, unitId);
  if (!unit) return 'empty';
  const ex = { clock, attempts: job.attempts, maxAttempts: job.maxAttempts };
  const now = clock();

  const prepared = await prepare(unit, now, options);
  if (!prepared) return fail(unit, [{ code: 'E-PATIENT', message: '患者が見つかりません' }], now);
  const { built, member } = prepared;
  const ops = operationsFor(unit, service, prepared.version);

  // a previous exchange ended without a clear answer (a worker killed mid-request, a timeout, an outage): ask the
  // service what it holds before sending, so content it already has is never delivered twice
  const open = await unsettledAttempt(unit.clinicId, unit.id);
  if (unit.identifier && (open || unit.state === 'sending' || unit.state === 'retry_wait')) {
    const status = await ops.status(unit.identifier).catch((error: unknown) => unreachable(unit!, error, clock(), ex));
    const at = clock();
    await runInTransaction(async (tx) => {
      if (open) {
        const settled = open.action === 'register' ? status.held && status.contentHash === open.payloadHash : !status.held;
        await insertAttempt(tx, unit!.clinicId, unit!.id, { ...open, at, outcome: settled ? 'reconciled' : 'unavailable', answer: { status }, settles: open.id });
      }
      if (status.held) {
        await updateUnit(tx, unit!.clinicId, unit!.id, { lastSentHash: status.contentHash, memberIdSent: status.memberId, removed: false, sentAt: unit!.sentAt ?? at }, at);
      } else if (unit!.memberIdSent) {
        await updateUnit(tx, unit!.clinicId, unit!.id, { removed: true, lastSentHash: null }, at);
      }
    });
    unit = (await findUnit(job.clinicId, unitId))!;
  }

  const held = Boolean(unit.identifier && unit.memberIdSent && !unit.removed);
  const deleteHeld = async (memberId: string) => {
    const { result, pendingId } = await exchange(unit!, { action: 'delete', identifier: unit!.identifier!, memberId, payloadHash: unit!.lastSentHash ?? '' }, () => ops.delete({ identifier: unit!.identifier!, memberId }), ex);
    const at = clock();
    await runInTransaction(async (tx) => {
      await insertAttempt(tx, unit!.clinicId, unit!.id, { action: 'delete', identifier: unit!.identifier!, memberId, payloadHash: unit!.lastSentHash ?? '', at, outcome: 'accepted', answer: result, settles: pendingId });
      await updateUnit(tx, unit!.clinicId, unit!.id, { removed: true, lastSentHash: null }, at);
      await recordAuditEvent(tx, { clinicId: unit!.clinicId, action: 'delete', resourceType: 'sharing_unit', resourceId: unit!.id, patientId: unit!.patientId, detail: { kind: unit!.kind, identifier: unit!.identifier }, ctx: SYSTEM_CTX });
    });
  };

  if (!built) {
    if (held) await deleteHeld(unit.memberIdSent!);
    const at = clock();
    await runInTransaction((tx) => updateUnit(tx, unit!.clinicId, unit!.id, { state: 'sent', reason: null, issues: null, removed: true, sentAt: held ? at : unit!.sentAt }, at));
    return held ? 'deleted' : 'empty';
  }
  if (!member) {
    return fail(unit, [{ code: 'E-MEMBER', message: '被保険者個人識別子がありません', expression: 'Patient.identifier' }], now,
      '被保険者個人識別子（保険証の記号・番号）がないため送信できません。保険情報を登録すると自動で再送されます。');
  }
  const issues = prepared.issues();
  if (!isSendable(issues)) {
    const errors = issues.filter((i) => i.severity === 'error');
    return fail(unit, errors.map(toSharingIssue), now, `送信前の検証でエラーがあります: ${errors.map((i) => `${i.field}: ${i.message.replace(/。$/, '')}`).join(' / ')}。記録を修正すると自動で再送されます。`);
  }
  if (!unit.identifier) {
    await runInTransaction((tx) => updateUnit(tx, unit!.clinicId, unit!.id, { identifier: built.identifier }, now));
    unit = { ...unit, identifier: built.identifier };
  }
  if (held && unit.lastSentHash === built.contentHash && unit.memberIdSent === member) {
    await runInTransaction((tx) => updateUnit(tx, unit!.clinicId, unit!.id, { state: 'sent', reason: null, issues: null }, clock()));
    return open ? 'reconciled' : 'unchanged';
  }
  // new insurance: the old registration is deleted with the member ID it was sent with
  if (held && unit.memberIdSent !== member) await deleteHeld(unit.memberIdSent!);

  const identifier = unit.identifier!;
  const { result: receipt, pendingId } = await exchange(unit, { action: 'register', identifier, memberId: member, payloadHash: built.contentHash },
    () => ops.register({ identifier, memberId: member, bundle: built.bundle, contentHash: built.contentHash }), ex);
  const at = clock();
  await runInTransaction(async (tx) => {
    await insertAttempt(tx, unit!.clinicId, unit!.id, { action: 'register', identifier, memberId: member, payloadHash: built.contentHash, at, outcome: 'accepted', answer: receipt, settles: pendingId });
    await updateUnit(tx, unit!.clinicId, unit!.id, { state: 'sent', reason: null, issues: null, removed: false, lastSentHash: built.contentHash, memberIdSent: member, sentAt: at }, at);
    await recordAuditEvent(tx, { clinicId: unit!.clinicId, action: 'export', resourceType: 'sharing_unit', resourceId: unit!.id, patientId: unit!.patientId, detail: { kind: unit!.kind, identifier, contentHash: built.contentHash }, ctx: SYSTEM_CTX });
  });
  return 'sent';
}
