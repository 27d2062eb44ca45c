/**
 * The vendor API's read audit rows, appended by group commit (docs/decisions/0090): a read hands its row to this
 * queue and waits until the row is committed before it answers, as before; the rows that arrive while a statement
 * is in flight go together in the next one. So at 16 concurrent reads the database commits once per batch instead of
 * once per read, and no read answers without its row. Each statement appends one clinic's rows (every table filtered
 * by the clinic: one shard on Citus) and checks, for each row, the app's status and the token's revocation in the
 * same statement (docs/decisions/0084): a refused row is not written and its read is answered 401.
 * A statement that fails is retried row by row, so one bad row fails only its own read.
 */
import { batchPool, statementName } from '@/lib/core/db';
import { groupStatement } from '@/lib/core/group-statement';
import { auditRow, type AuditInput } from './audit';

/** Why a read was refused after the fact: the app was revoked, or this access token was. */
export type AccessCheck = 'ok' | 'client_revoked' | 'token_revoked';

/** The app and token of a read (jti null: the token was checked already; the app's status is checked again). */
export type ReadCaller = { clinicId: string; clientId: string; jti: string | null };

/** An audit row as auditRow makes it, not yet written. */
export type AuditRow = ReturnType<typeof auditRow>;
type Item = { caller: ReadCaller | null; row: AuditRow };

const BATCH_SQL = `WITH input AS (
    SELECT * FROM unnest($2::text[], $3::text[], $4::timestamptz[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
                         $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[]) WITH ORDINALITY
      AS u(client, jti, occurred, user_id, user_role, login_id, patient_id, action, resource_type, resource_id, outcome, detail, ip, request_id, ord)
  ), checked AS (
    SELECT u.*,
           (u.client IS NULL OR EXISTS (SELECT 1 FROM "ApiClient" c WHERE c."clinicId" = $1 AND c."id" = u.client AND c."status" = 'active')) AS active,
           (u.jti IS NOT NULL AND EXISTS (SELECT 1 FROM "ApiRevokedToken" r WHERE r."clinicId" = $1 AND r."jti" = u.jti)) AS revoked
    FROM input u
  ), written AS (
    INSERT INTO "AuditEvent" ("clinicId", "occurredAt", "userId", "userRole", "loginId", "patientId", "action", "resourceType", "resourceId", "outcome", "detail", "ip", "requestId")
    SELECT $1, occurred, user_id, user_role, login_id, patient_id, action, resource_type, resource_id, outcome, detail::jsonb, ip, request_id
    FROM checked WHERE active AND NOT revoked ORDER BY ord
    RETURNING 1
  )
  SELECT active, revoked, (SELECT count(*)::int FROM written) AS written FROM checked ORDER BY ord`;

/**
 * The columns of audit rows as the parameter arrays of an `unnest` (occurredAt, userId, userRole, loginId, patientId,
 * action, resourceType, resourceId, outcome, detail as JSON text, ip, requestId): 12 parameters, in this order.
 */
export function auditRowColumns(rows: readonly AuditRow[]): unknown[][] {
  const col = <T>(f: (r: AuditRow) => T) => rows.map(f);
  return [
    col((r) => r.occurredAt.toISOString()),
    col((r) => r.userId),
    col((r) => r.userRole),
    col((r) => r.loginId),
    col((r) => r.patientId),
    col((r) => r.action),
    col((r) => r.resourceType),
    col((r) => r.resourceId),
    col((r) => r.outcome),
    col((r) => (r.detail === undefined ? null : JSON.stringify(r.detail))),
    col((r) => r.ip),
    col((r) => r.requestId),
  ];
}

async function append(clinicId: string, batch: readonly Item[]): Promise<AccessCheck[]> {
  const col = <T>(f: (p: Item) => T) => batch.map(f);
  const { rows } = await (await batchPool()).query<{ active: boolean; revoked: boolean; written: number }>({
    name: statementName('audit_read_batch'),
    text: BATCH_SQL,
    values: [
      clinicId,
      col((p) => p.caller?.clientId ?? null),
      col((p) => p.caller?.jti ?? null),
      ...auditRowColumns(batch.map((p) => p.row)),
    ],
  });
  return rows.map((r) => (!r.active ? 'client_revoked' : r.revoked ? 'token_revoked' : 'ok'));
}

const batches = groupStatement(append);

/** Statements run and rows handed in so far (tests check that concurrent reads share statements). */
export const readAuditBatchStats = () => {
  const { statements, items } = batches.stats();
  return { statements, rows: items };
};

/**
 * Appends a read's audit row and resolves once it is committed: 'ok', or why the app's or token's access was refused
 * (then no row was written). `caller` null: no access check (the read's own statement made it). Rejects when the row
 * could not be written: the read must fail (audit fails closed).
 */
export function appendReadAudit(input: AuditInput, caller: ReadCaller | null): Promise<AccessCheck> {
  const row = auditRow(input);
  return batches.submit(row.clinicId, { caller, row });
}
