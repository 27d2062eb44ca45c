/**
 * The patient's consent to read what other institutions registered with the 電子カルテ情報共有サービス (issue 10 §6,
 * docs/decisions/0040). In reality the patient gives it at the マイナ保険証 reader; here staff record it at reception
 * or in the chart: when, which information (傷病名・アレルギー・検査), who recorded it. It lapses 24 hours after it was
 * given, and can be withdrawn (the row stays, with who, when and why). Every write and read is audited.
 */
import { AppError, notFound } from '@/lib/core/app-error';
import { db, runInTransaction, type Tx } from '@/lib/core/db';
import { parseInput } from '@/lib/core/zod';
import { recordAuditEvent, recordAuditEventNow } from '@/lib/audit/audit';
import { requirePermission, type Principal } from '@/lib/auth/principal';
import { patientRepository } from '@/lib/records/patients/patient.repository';
import { staffNames } from '@/lib/staff/staff-names';
import { CONSENT_VALIDITY_MS } from './consent.constants';
import { toSharingConsentDto, type SharingConsentDto } from './consent.dto';
import { sharingConsentRepository } from './consent.repository';
import {
  recordSharingConsentSchema,
  withdrawSharingConsentSchema,
  type RecordSharingConsentInput,
  type WithdrawSharingConsentInput,
} from './consent.schema';

const RESOURCE = 'sharing_consent';

async function requirePatient(c: Tx | ReturnType<typeof db>, actor: Principal, patientId: string) {
  if (!(await patientRepository.findById(c, { clinicId: actor.clinicId, patientId }))) throw notFound();
}

async function toDtos(rows: Parameters<typeof toSharingConsentDto>[0][], clinicId: string, now: Date): Promise<SharingConsentDto[]> {
  const names = await staffNames(clinicId, rows.flatMap((r) => [r.recordedById, r.revokedById]));
  return rows.map((r) => toSharingConsentDto(r, names, now));
}

/** Records the consent the patient gave (reception, nurse or doctor). */
export async function recordSharingConsent(input: RecordSharingConsentInput, actor: Principal, now = new Date()): Promise<SharingConsentDto> {
  await requirePermission(actor, 'sharing.consent');
  const data = parseInput(recordSharingConsentSchema, input);
  const givenAt = data.givenAt ?? now;
  const expiresAt = new Date(givenAt.getTime() + CONSENT_VALIDITY_MS);
  const row = await runInTransaction(async (tx) => {
    await requirePatient(tx, actor, data.patientId);
    const created = await sharingConsentRepository.create(tx, {
      clinicId: actor.clinicId,
      patientId: data.patientId,
      givenAt,
      expiresAt,
      scope: data.scope,
      source: data.source,
      recordedById: actor.userId,
      createdAt: now,
    });
    await recordAuditEvent(tx, {
      clinicId: actor.clinicId,
      actor,
      action: 'create',
      resourceType: RESOURCE,
      resourceId: created.id,
      patientId: data.patientId,
      detail: { scope: data.scope, source: data.source, givenAt: givenAt.toISOString(), expiresAt: expiresAt.toISOString() },
      ctx: actor.ctx,
    });
    return created;
  });
  return (await toDtos([row], actor.clinicId, now))[0]!;
}

/** Withdraws a consent (the patient changed their mind, or it was recorded by mistake): soft, with who, when and why. */
export async function withdrawSharingConsent(input: WithdrawSharingConsentInput, actor: Principal, now = new Date()): Promise<SharingConsentDto> {
  await requirePermission(actor, 'sharing.consent');
  const data = parseInput(withdrawSharingConsentSchema, input);
  const row = await runInTransaction(async (tx) => {
    const current = await sharingConsentRepository.findById(tx, { clinicId: actor.clinicId, id: data.consentId });
    if (!current) throw notFound();
    if (!(await sharingConsentRepository.withdraw(tx, { clinicId: actor.clinicId, id: current.id }, { userId: actor.userId, reason: data.reason, at: now }))) {
      throw new AppError('CONFLICT', 'この同意はすでに撤回されています。画面を再読み込みしてください。');
    }
    // the reason is free text: the audit detail says only that one was given
    await recordAuditEvent(tx, { clinicId: actor.clinicId, actor, action: 'delete', resourceType: RESOURCE, resourceId: current.id, patientId: current.patientId, detail: { intent: 'withdraw', reasonGiven: true }, ctx: actor.ctx });
    return (await sharingConsentRepository.findById(tx, { clinicId: actor.clinicId, id: current.id }))!;
  });
  return (await toDtos([row], actor.clinicId, now))[0]!;
}

/** The patient's recent consents, newest first (the first one in force, if any, is what a read uses). Audited. */
export async function listSharingConsents(patientId: string, actor: Principal, now = new Date()): Promise<SharingConsentDto[]> {
  await requirePermission(actor, 'patient.read');
  await requirePatient(db(), actor, patientId);
  const rows = await sharingConsentRepository.listForPatient(db(), { clinicId: actor.clinicId, patientId });
  await recordAuditEventNow({ clinicId: actor.clinicId, actor, action: 'read', resourceType: RESOURCE, patientId, detail: { count: rows.length }, ctx: actor.ctx });
  return toDtos(rows, actor.clinicId, now);
}

/** The consent in force now, for a read of the service (the caller audits the read it serves). */
export async function consentInForce(patientId: string, actor: Principal, now = new Date()): Promise<SharingConsentDto | null> {
  const row = await sharingConsentRepository.findInForce(db(), { clinicId: actor.clinicId, patientId }, now);
  return row ? (await toDtos([row], actor.clinicId, now))[0]! : null;
}
