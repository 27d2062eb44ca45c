/**
 * The vendor API's read audit rows, appended by group commit (docs/decisions/0090): a read hands its row to this
 * queue and waits until the row is committed before it answers, as before; the rows that arrive while a statement
 * is in flight go together in the next one. So at 16 concurrent reads the database commits once per batch instead of
 * once per read, and no read answers without its row. Each statement appends one clinic's rows (every table filtered
 * by the clinic: one shard on Citus) and checks, for each row, the app's status and the token's revocation in the
 * same statement (docs/decisions/0084): a refused row is not written and its read is answered 401.
 * A statement that fails is retried row by row, so one bad row fails only its own read.
 */
import { sqlPool, statementName } from '@/lib/core/db';
import { auditRow, type AuditInput } from './audit';

/** Why a read was refused after the fact: the app was revoked, or this access token was. */
export type AccessCheck = 'ok' | 'client_revoked' | 'token_revoked';

/** The app and token of a read (jti null: the token was checked already; the app's status is checked again). */
export type ReadCaller = { clinicId: string; clientId: string; jti: string | null };

type Row = ReturnType<typeof auditRow>;
type Pending = { caller: ReadCaller | null; row: Row; resolve: (access: AccessCheck) => void; reject: (error: unknown) => void };

/** Rows of one statement at most (a larger queue takes several). */
const MAX_BATCH = 256;
/** Statements in flight at once: a second batch fills while the first commits. */
const MAX_IN_FLIGHT = 2;

let queue: Pending[] = [];
let inFlight = 0;
/** Statements run and rows handed in so far (tests check that concurrent reads share statements). */
const stats = { statements: 0, rows: 0 };
export const readAuditBatchStats = (): Readonly<typeof stats> => ({ ...stats });

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

async function append(clinicId: string, batch: readonly Pending[]): Promise<AccessCheck[]> {
  const col = <T>(f: (p: Pending) => T) => batch.map(f);
  stats.statements += 1;
  const { rows } = await sqlPool().query<{ active: boolean; revoked: boolean; written: number }>({
    name: statementName('audit_read_batch'),
    text: BATCH_SQL,
    values: [
      clinicId,
      col((p) => p.caller?.clientId ?? null),
      col((p) => p.caller?.jti ?? null),
      col((p) => p.row.occurredAt.toISOString()),
      col((p) => p.row.userId),
      col((p) => p.row.userRole),
      col((p) => p.row.loginId),
      col((p) => p.row.patientId),
      col((p) => p.row.action),
      col((p) => p.row.resourceType),
      col((p) => p.row.resourceId),
      col((p) => p.row.outcome),
      col((p) => (p.row.detail === undefined ? null : JSON.stringify(p.row.detail))),
      col((p) => p.row.ip),
      col((p) => p.row.requestId),
    ],
  });
  if (rows.length !== batch.length) throw new Error(`audit batch: ${rows.length} answers for ${batch.length} rows`);
  return rows.map((r) => (!r.active ? 'client_revoked' : r.revoked ? 'token_revoked' : 'ok'));
}

async function settle(clinicId: string, batch: Pending[]): Promise<void> {
  try {
    const answers = await append(clinicId, batch);
    batch.forEach((p, i) => p.resolve(answers[i]!));
  } catch (error) {
    if (batch.length === 1) {
      batch[0]!.reject(error);
      return;
    }
    // one row's fault (say, text PostgreSQL refuses) must not fail the other reads: each row alone
    await Promise.all(batch.map((p) => settle(clinicId, [p])));
  }
}

function pump(): void {
  while (inFlight < MAX_IN_FLIGHT && queue.length > 0) {
    const taken = queue.length > MAX_BATCH ? queue.splice(0, MAX_BATCH) : queue;
    if (taken === queue) queue = [];
    const byClinic = new Map<string, Pending[]>();
    for (const p of taken) {
      const list = byClinic.get(p.row.clinicId);
      if (list) list.push(p);
      else byClinic.set(p.row.clinicId, [p]);
    }
    inFlight += 1;
    void Promise.all([...byClinic].map(([clinicId, batch]) => settle(clinicId, batch))).finally(() => {
      inFlight -= 1;
      pump();
    });
  }
}

/**
 * Appends a read's audit row and resolves once it is committed: 'ok', or why the app's or token's access was refused
 * (then no row was written). `caller` null: no access check (the read's own statement made it). Rejects when the row
 * could not be written: the read must fail (audit fails closed).
 */
export function appendReadAudit(input: AuditInput, caller: ReadCaller | null): Promise<AccessCheck> {
  return new Promise<AccessCheck>((resolve, reject) => {
    queue.push({ caller, row: auditRow(input), resolve, reject });
    stats.rows += 1;
    // the rows of reads answered in the same tick go together
    if (queue.length === 1) queueMicrotask(pump);
  });
}
