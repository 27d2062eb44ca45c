/**
 * アクセスログ: every read and write of patient data, logins, denials and admin actions.
 * A row is appended with one INSERT and no shared lock (so concurrent reads of one clinic never queue behind each
 * other); the sealer (audit-sealer.ts) extends the clinic's hash chain over the new rows shortly after and anchors its
 * head (docs/decisions/0014). Until then the row is protected by the append-only trigger and the karte_app grants.
 */
import { db, type Tx } from '@/lib/core/db';
import type { RequestContext } from '@/lib/core/request-context';

export { GENESIS_HASH, computeRowHash } from './audit-chain';
export { verifyAuditChain, type ChainBreak } from './audit-verify';

export const SYSTEM_CLINIC = '_system';

export type AuditAction =
  | 'read'
  | 'search'
  | 'create'
  | 'update'
  | 'delete'
  | 'confirm'
  | 'approve'
  | 'print'
  | 'export'
  | 'login'
  | 'login_failed'
  | 'logout'
  | 'mfa_enrolled'
  | 'password_changed'
  | 'password_change_failed'
  | 'permission_denied'
  | 'validation_failed'
  | 'staff_created'
  | 'staff_updated'
  | 'settings_changed'
  | 'import'
  | 'resend';

export type AuditOutcome = 'success' | 'failure' | 'denied';

export type AuditActor = { userId: string; role: string; loginId: string };

export type AuditInput = {
  clinicId: string;
  actor?: AuditActor | null;
  action: AuditAction;
  resourceType: string;
  resourceId?: string | null;
  patientId?: string | null;
  outcome?: AuditOutcome;
  detail?: Record<string, unknown> | null;
  ctx: Pick<RequestContext, 'ip' | 'requestId'>;
};

/** Appends one event inside the caller's transaction (so a write and its log commit together). No lock, no read. */
export async function recordAuditEvent(tx: Tx, input: AuditInput): Promise<void> {
  await tx.auditEvent.createMany({ data: [auditRow(input)] });
}

/** Several events in one INSERT inside the caller's transaction (a batch of writes, e.g. the sharing worker's). */
export async function recordAuditEvents(tx: Tx, inputs: AuditInput[]): Promise<void> {
  if (!inputs.length) return;
  // one INSERT over arrays: Prisma's createMany spends tens of milliseconds of CPU on 100 rows, this a few
  const rows = inputs.map(auditRow);
  const col = <T>(f: (r: (typeof rows)[number]) => T) => rows.map(f);
  await tx.$executeRaw`
    INSERT INTO "AuditEvent" ("clinicId", "occurredAt", "userId", "userRole", "loginId", "patientId", action, "resourceType", "resourceId", outcome, detail, ip, "requestId")
    SELECT v.clinic, v.occurred, v.user_id, v.user_role, v.login_id, v.patient_id, v.action, v.resource_type, v.resource_id, v.outcome, v.detail::jsonb, v.ip, v.request_id
    FROM unnest(${col((r) => r.clinicId)}::text[], ${col((r) => r.occurredAt.toISOString())}::timestamptz[], ${col((r) => r.userId)}::text[],
                ${col((r) => r.userRole)}::text[], ${col((r) => r.loginId)}::text[], ${col((r) => r.patientId)}::text[], ${col((r) => r.action)}::text[],
                ${col((r) => r.resourceType)}::text[], ${col((r) => r.resourceId)}::text[], ${col((r) => r.outcome)}::text[],
                ${col((r) => (r.detail === undefined ? null : JSON.stringify(r.detail)))}::text[], ${col((r) => r.ip)}::text[], ${col((r) => r.requestId)}::text[])
      WITH ORDINALITY AS v(clinic, occurred, user_id, user_role, login_id, patient_id, action, resource_type, resource_id, outcome, detail, ip, request_id, ord)
    ORDER BY v.ord`;
}

/** For events outside a write (reads, denials, failed logins): one INSERT of its own; fails closed (throws). */
export async function recordAuditEventNow(input: AuditInput): Promise<void> {
  await db().auditEvent.createMany({ data: [auditRow(input)] });
}

/** The row an event becomes (one shape for every writer, including the vendor API's single-statement reads). */
export function auditRow(input: AuditInput) {
  return {
    clinicId: input.clinicId,
    occurredAt: new Date(),
    userId: input.actor?.userId ?? null,
    userRole: input.actor?.role ?? null,
    loginId: input.actor?.loginId ?? null,
    patientId: input.patientId ?? null,
    action: input.action,
    resourceType: input.resourceType,
    resourceId: input.resourceId ?? null,
    outcome: input.outcome ?? 'success',
    ...(input.detail ? { detail: JSON.parse(JSON.stringify(input.detail)) as object } : {}),
    ip: input.ctx.ip,
    requestId: input.ctx.requestId,
  };
}
