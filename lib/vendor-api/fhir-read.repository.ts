/**
 * The vendor API's hot read path (docs/decisions/0084, 0090). A read's audit row is appended by group commit
 * (lib/audit/read-audit-batch.ts) in the statement that checks the app's status and the token's revocation, and the
 * read answers only once it is committed. GET Patient/{id} does all of it — the checks, the patient with its current
 * insurance and 公費, and its audit row — in one statement shared by the clinic's concurrent Patient reads (0091).
 * Every table is filtered by the clinic (one shard on Citus). The statements go to the pool under Prisma directly
 * (sqlPool): Prisma's query engine was a sixth of a read's CPU (docs/decisions/0088).
 */
import { batchPool, sqlPool, statementName } from '@/lib/core/db';
import { render, sql, type Param, type Sql } from '@/lib/core/sql';
import { auditRow, type AuditInput } from '@/lib/audit/audit';
import { groupStatement } from '@/lib/core/group-statement';
import { appendReadAudit, auditRowColumns, type AccessCheck, type AuditRow, type ReadCaller } from '@/lib/audit/read-audit-batch';
import type { FhirPatientInput } from '@/lib/fhir/types';

export type { AccessCheck, ReadCaller } from '@/lib/audit/read-audit-batch';

type AccessRow = { active: boolean | null; revoked: boolean | null };

function accessOf(row: AccessRow | undefined): AccessCheck {
  if (!row?.active) return 'client_revoked';
  return row.revoked ? 'token_revoked' : 'ok';
}

/** A patient as the FHIR mapping takes it, with its version and withdrawal. */
export type PatientReadRow = FhirPatientInput & { patientNumber: number; birthDate: Date; updatedAt: Date; version: number; deletedAt: Date | null };

type PatientReadItem = { caller: ReadCaller; patientId: string; today: string; row: AuditRow };
type RawPatient = Omit<PatientReadRow, 'birthDate' | 'updatedAt' | 'deletedAt'> & { birthDate: string; updatedAt: string; deletedAt: string | null };

/** A read's access check and its patient as the statement's JSON text (null: no such patient in the clinic). */
export type PatientReadText = { access: AccessCheck; patient: string | null };

/** The patient of a read's JSON text (PatientReadText), as the FHIR mapping takes it. */
export function patientReadRow(text: string): PatientReadRow {
  const raw = JSON.parse(text) as RawPatient;
  return { ...raw, birthDate: new Date(`${raw.birthDate}T00:00:00Z`), updatedAt: new Date(raw.updatedAt), deletedAt: raw.deletedAt ? new Date(raw.deletedAt) : null };
}

/**
 * The patient `p` with its current insurance (not ended, valid on `today`, newest first) and 公費, as JSON text: what
 * the Patient mapping reads. GET Patient/{id} (below) and the Patient search (fhir-search-sql.repository.ts) write the
 * same text for the same registration on the same day, so the text keys one kept serialized resource for both
 * (vendor-fhir.service.ts). `clinic`: the clinic id's parameter.
 */
export function patientObject(clinic: Param | Sql, today: Param | Sql): Sql {
  return sql`json_build_object(
       'id', p."id", 'patientNumber', p."patientNumber", 'familyName', p."familyName", 'givenName', p."givenName",
       'familyNameKana', p."familyNameKana", 'givenNameKana', p."givenNameKana", 'sex', p."sex", 'birthDate', to_char(p."birthDate", 'YYYY-MM-DD'),
       'postalCode', p."postalCode", 'prefecture', p."prefecture", 'city', p."city", 'address', p."address", 'phone', p."phone",
       'version', p."version", 'updatedAt', p."updatedAt", 'deletedAt', p."deletedAt",
       'insurance', (SELECT json_build_object('insurerNumber', i."insurerNumber", 'symbol', i."symbol", 'number', i."number", 'branch', i."branch")
                     FROM "PatientInsurance" i
                     WHERE i."clinicId" = ${clinic} AND i."patientId" = p."id" AND i."endedAt" IS NULL AND (i."validUntil" IS NULL OR i."validUntil" >= ${today})
                     ORDER BY i."createdAt" DESC LIMIT 1),
       'publicExpenses', COALESCE((SELECT json_agg(json_build_object('payerNumber', e."payerNumber", 'recipientNumber', e."recipientNumber") ORDER BY e."createdAt" DESC)
                     FROM "PublicExpense" e
                     WHERE e."clinicId" = ${clinic} AND e."patientId" = p."id" AND e."endedAt" IS NULL AND (e."validUntil" IS NULL OR e."validUntil" >= ${today})), '[]'::json)
     )::text`;
}

/**
 * The Patient reads of one clinic in one statement (docs/decisions/0091): each read's app and token are checked, its
 * patient read with insurance and 公費, and its audit row inserted when the read is allowed and finds a registration
 * that is not withdrawn (a 404 or 410 writes none, as before). One round trip and one commit for the batch.
 */
const PATIENT_BATCH_SQL = `WITH input AS (
    SELECT * FROM unnest($2::text[], $3::text[], $4::text[], $5::date[], $6::timestamptz[], $7::text[], $8::text[], $9::text[], $10::text[],
                         $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[], $17::text[]) WITH ORDINALITY
      AS u(client, jti, wanted, today, occurred, user_id, user_role, login_id, patient_id, action, resource_type, resource_id, outcome, detail, ip, request_id, ord)
  ), checked AS (
    SELECT u.*,
           EXISTS (SELECT 1 FROM "ApiClient" c WHERE c."clinicId" = $1 AND c."id" = u.client AND c."status" = 'active') AS active,
           (u.jti IS NOT NULL AND EXISTS (SELECT 1 FROM "ApiRevokedToken" r WHERE r."clinicId" = $1 AND r."jti" = u.jti)) AS revoked
    FROM input u
  ), found AS (
    SELECT k.ord, k.today, p.* FROM checked k JOIN "Patient" p ON p."clinicId" = $1 AND p."id" = k.wanted
    WHERE k.active AND NOT k.revoked
  ), written AS (
    INSERT INTO "AuditEvent" ("clinicId", "occurredAt", "userId", "userRole", "loginId", "patientId", "action", "resourceType", "resourceId", "outcome", "detail", "ip", "requestId")
    SELECT $1, k.occurred, k.user_id, k.user_role, k.login_id, k.patient_id, k.action, k.resource_type, k.resource_id, k.outcome,
           COALESCE(k.detail::jsonb, '{}'::jsonb) || jsonb_build_object('versionId', f."version"::text), k.ip, k.request_id
    FROM checked k JOIN found f ON f.ord = k.ord WHERE f."deletedAt" IS NULL ORDER BY k.ord
    RETURNING 1
  )
  SELECT k.active, k.revoked, (SELECT count(*)::int FROM written) AS written,
    (SELECT ${render(patientObject(sql`$1`, sql`p.today`)).text} FROM found p WHERE p.ord = k.ord) AS patient
  FROM checked k ORDER BY k.ord`;

async function readPatientBatch(clinicId: string, items: readonly PatientReadItem[]): Promise<PatientReadText[]> {
  const col = <T>(f: (p: PatientReadItem) => T) => items.map(f);
  const { rows } = await (await batchPool()).query<AccessRow & { patient: string | null }>({
    name: statementName('fhir_read_patient_batch'),
    text: PATIENT_BATCH_SQL,
    values: [
      clinicId,
      col((p) => p.caller.clientId),
      col((p) => p.caller.jti),
      col((p) => p.patientId),
      col((p) => p.today),
      ...auditRowColumns(items.map((p) => p.row)),
    ],
  });
  return rows.map((row) => ({ access: accessOf(row), patient: row.patient }));
}

const patientReads = groupStatement(readPatientBatch);

export const fhirReadRepository = {
  /**
   * Writes a read's audit row only while the app is active and the token not revoked, checked in the statement that
   * writes it (a batch of reads' rows, read-audit-batch.ts); answers which of the two refused it (no row is written then).
   */
  auditRead(caller: ReadCaller, input: AuditInput): Promise<AccessCheck> {
    return appendReadAudit(input, caller);
  },

  /**
   * GET Patient/{id}: the app's status, the token's revocation, the patient with its current insurance (not ended,
   * valid on `today`, newest first) and 公費, and — only when the app may read and the patient exists and is not
   * withdrawn — the audit row `audit` describes (with the version read added to its detail), in one statement shared
   * with the concurrent reads of the clinic (readPatientBatch); it answers once the row is committed.
   */
  async readPatientAudited(caller: ReadCaller, patientId: string, today: string, audit: AuditInput): Promise<{ access: AccessCheck; patient: PatientReadRow | null }> {
    const { access, patient } = await patientReads.submit(caller.clinicId, { caller, patientId, today, row: auditRow(audit) });
    return { access, patient: patient === null ? null : patientReadRow(patient) };
  },

  /**
   * readPatientAudited with the patient as the statement's JSON text: everything the Patient mapping reads, so the
   * text can key the serialized resource (vendor-fhir.service.ts).
   */
  readPatientTextAudited(caller: ReadCaller, patientId: string, today: string, audit: AuditInput): Promise<PatientReadText> {
    return patientReads.submit(caller.clinicId, { caller, patientId, today, row: auditRow(audit) });
  },

  /** Statements run and patient reads handed in so far (tests check that concurrent reads share statements). */
  patientReadStats: () => patientReads.stats(),
};
