/**
 * The hash chain of the アクセスログ (docs/decisions/0014), shared by the sealer and the verifier:
 *   rowHash  = HMAC-SHA-256(AUDIT_HMAC_KEY, prevHash | canonical JSON of the row, seq included)
 *   sealHash = HMAC-SHA-256(AUDIT_HMAC_KEY, prevSealHash | canonical JSON of the seal)
 * Pure functions: no database.
 */
import { createHmac } from 'node:crypto';
import { requireSecret } from '@/lib/core/env';

export const GENESIS_HASH = '0'.repeat(64);

/** The columns a row hash covers (every column of AuditEvent except id, prevHash and rowHash). */
export type ChainFields = {
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

export type SealFields = {
  clinicId: string;
  sealSeq: bigint;
  fromSeq: bigint;
  toSeq: bigint;
  headHash: string;
  sealedAt: Date;
};

export function canonical(value: unknown): string {
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

export function computeSealHash(prevSealHash: string, seal: SealFields, key = requireSecret('AUDIT_HMAC_KEY')): string {
  return createHmac('sha256', key).update('seal|').update(prevSealHash).update('|').update(canonical(seal)).digest('hex');
}

/** The hashed fields of a stored row (as read back from the database) at chain position seq. */
export function chainFieldsOf(
  row: Omit<ChainFields, 'seq' | 'detail'> & { detail: unknown },
  seq: bigint,
): ChainFields {
  return {
    clinicId: row.clinicId,
    seq,
    occurredAt: row.occurredAt,
    userId: row.userId,
    userRole: row.userRole,
    loginId: row.loginId,
    patientId: row.patientId,
    action: row.action,
    resourceType: row.resourceType,
    resourceId: row.resourceId,
    outcome: row.outcome,
    detail: row.detail ?? null,
    ip: row.ip,
    requestId: row.requestId,
  };
}
