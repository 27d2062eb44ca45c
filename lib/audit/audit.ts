/**
 * アクセスログ: every read and write of patient data, logins, denials and admin actions.
 * Rows are hash-chained per clinic: rowHash = HMAC-SHA-256(key, prevHash ‖ canonical JSON of the row),
 * computed under a per-clinic advisory lock so the chain never forks. The table is append-only (trigger).
 */
import { createHmac } from 'node:crypto';
import { db, runInTransaction, type Tx } from '@/lib/core/db';
import { requireSecret } from '@/lib/core/env';
import type { RequestContext } from '@/lib/core/request-context';

export const SYSTEM_CLINIC = '_system';
export const GENESIS_HASH = '0'.repeat(64);

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
  | 'permission_denied'
  | 'validation_failed'
  | 'staff_created'
  | 'staff_updated'
  | 'settings_changed'
  | 'import';

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

type ChainFields = {
  clinicId: string;
  seq: bigint;
  occurredAt: Date;
  userId: string | null;
  userRole: string | null;
  loginId: string | null;
  patientId: string | null;
  action: string;
  resourceType: string;
  resourceId: string | null;
  outcome: string;
  detail: unknown;
  ip: string | null;
  requestId: string | null;
};

function canonical(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'bigint') return JSON.stringify(value.toString());
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function computeRowHash(prevHash: string, row: ChainFields, key = requireSecret('AUDIT_HMAC_KEY')): string {
  return createHmac('sha256', key).update(prevHash).update('|').update(canonical(row)).digest('hex');
}

/** Appends one event inside the caller's transaction (so a write and its log commit together). */
export async function recordAuditEvent(tx: Tx, input: AuditInput): Promise<void> {
  const clinicId = input.clinicId;
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${'audit:' + clinicId}, 0))`;
  const last = await tx.auditEvent.findFirst({
    where: { clinicId },
    orderBy: { seq: 'desc' },
    select: { seq: true, rowHash: true },
  });
  const row: ChainFields = {
    clinicId,
    seq: (last?.seq ?? 0n) + 1n,
    occurredAt: new Date(),
    userId: input.actor?.userId ?? null,
    userRole: input.actor?.role ?? null,
    loginId: input.actor?.loginId ?? null,
    patientId: input.patientId ?? null,
    action: input.action,
    resourceType: input.resourceType,
    resourceId: input.resourceId ?? null,
    outcome: input.outcome ?? 'success',
    detail: input.detail ? JSON.parse(JSON.stringify(input.detail)) : null,
    ip: input.ctx.ip,
    requestId: input.ctx.requestId,
  };
  const prevHash = last?.rowHash ?? GENESIS_HASH;
  await tx.auditEvent.create({
    data: {
      ...row,
      detail: row.detail === null ? undefined : (row.detail as object),
      prevHash,
      rowHash: computeRowHash(prevHash, row),
    },
  });
}

/** For events outside a write (reads, denials, failed logins): its own transaction; fails closed. */
export async function recordAuditEventNow(input: AuditInput): Promise<void> {
  await runInTransaction((tx) => recordAuditEvent(tx, input));
}

export type ChainBreak = { clinicId: string; seq: string; kind: 'gap' | 'prev_hash_mismatch' | 'row_hash_mismatch' };

/** Recomputes every hash from the start (never trusting stored ones). Returns the first break per clinic. */
export async function verifyAuditChain(options: { clinicId?: string; key?: string } = {}): Promise<{
  checked: number;
  breaks: ChainBreak[];
}> {
  const key = options.key ?? requireSecret('AUDIT_HMAC_KEY');
  const clinics = options.clinicId
    ? [options.clinicId]
    : (await db().auditEvent.findMany({ distinct: ['clinicId'], select: { clinicId: true } })).map((r) => r.clinicId);
  const breaks: ChainBreak[] = [];
  let checked = 0;
  for (const clinicId of clinics) {
    let expectedSeq = 1n;
    let prevHash = GENESIS_HASH;
    let cursor: bigint | undefined;
    outer: for (;;) {
      const batch = await db().auditEvent.findMany({
        where: { clinicId, ...(cursor !== undefined ? { seq: { gt: cursor } } : {}) },
        orderBy: { seq: 'asc' },
        take: 1000,
      });
      if (batch.length === 0) break;
      for (const ev of batch) {
        checked++;
        const { prevHash: storedPrev, rowHash, ...fields } = ev;
        if (ev.seq !== expectedSeq) {
          breaks.push({ clinicId, seq: String(expectedSeq), kind: 'gap' });
          break outer;
        }
        if (storedPrev !== prevHash) {
          breaks.push({ clinicId, seq: String(ev.seq), kind: 'prev_hash_mismatch' });
          break outer;
        }
        const recomputed = computeRowHash(prevHash, { ...fields, detail: fields.detail ?? null }, key);
        if (recomputed !== rowHash) {
          breaks.push({ clinicId, seq: String(ev.seq), kind: 'row_hash_mismatch' });
          break outer;
        }
        prevHash = rowHash;
        expectedSeq++;
        cursor = ev.seq;
      }
    }
  }
  return { checked, breaks };
}
