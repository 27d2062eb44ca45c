/**
 * The vendor API's hot read path in single statements (docs/decisions/0084). A read's audit row is written by the
 * same statement that checks the app's status and the token's revocation, so one round trip both authorises the
 * answer and logs it; the Patient read also loads the patient, its current insurance and its 公費 in that statement.
 * Every table is filtered by the clinic (one shard on Citus). The statements go to the pool under Prisma directly
 * (sqlPool): Prisma's query engine was a sixth of a read's CPU (docs/decisions/0088).
 */
import { sqlPool } from '@/lib/core/db';
import { auditRow, type AuditInput } from '@/lib/audit/audit';
import type { FhirPatientInput } from '@/lib/fhir/types';

/** Why a read was refused after the fact: the app was revoked, or this access token was. */
export type AccessCheck = 'ok' | 'client_revoked' | 'token_revoked';

/** The app and token of a read (the token's jti: null when the caller was checked already). */
export type ReadCaller = { clinicId: string; clientId: string; jti: string | null };

type AccessRow = { active: boolean | null; revoked: boolean | null; written: number };

function accessOf(row: AccessRow | undefined): AccessCheck {
  if (!row?.active) return 'client_revoked';
  return row.revoked ? 'token_revoked' : 'ok';
}

/** A patient as the FHIR mapping takes it, with its version and withdrawal. */
export type PatientReadRow = FhirPatientInput & { patientNumber: number; birthDate: Date; updatedAt: Date; version: number; deletedAt: Date | null };

export const fhirReadRepository = {
  /**
   * Writes a read's audit row only while the app is active and the token not revoked, in one statement; answers which
   * of the two refused it (no row is written then).
   */
  async auditRead(caller: ReadCaller, input: AuditInput): Promise<AccessCheck> {
    const a = auditRow(input);
    const { rows } = await sqlPool().query<AccessRow>(
      `WITH app AS (
        SELECT c."status" = 'active' AS active,
               EXISTS (SELECT 1 FROM "ApiRevokedToken" r WHERE r."clinicId" = $1 AND r."jti" = $3) AS revoked
        FROM "ApiClient" c WHERE c."clinicId" = $1 AND c."id" = $2
      ), written AS (
        INSERT INTO "AuditEvent" ("clinicId", "occurredAt", "userId", "userRole", "loginId", "patientId", "action", "resourceType", "resourceId", "outcome", "detail", "ip", "requestId")
        SELECT $1, $4::timestamptz, $5, $6, $7, $8, $9, $10, $11, $12, $13::jsonb, $14, $15
        FROM app WHERE app.active AND NOT app.revoked
        RETURNING 1
      )
      SELECT (SELECT active FROM app) AS active, (SELECT revoked FROM app) AS revoked, (SELECT count(*)::int FROM written) AS written`,
      [caller.clinicId, caller.clientId, caller.jti, a.occurredAt.toISOString(), a.userId, a.userRole, a.loginId, a.patientId, a.action, a.resourceType, a.resourceId, a.outcome,
        a.detail === undefined ? null : JSON.stringify(a.detail), a.ip, a.requestId],
    );
    return accessOf(rows[0]);
  },

  /**
   * GET Patient/{id} in one statement: the app's status and the token's revocation, the patient with its current
   * insurance (not ended, valid on `today`, newest first) and 公費, and — only when the app may read and the patient
   * exists and is not withdrawn — the audit row `audit(version)` describes.
   */
  async readPatientAudited(caller: ReadCaller, patientId: string, today: string, audit: (version: number) => AuditInput): Promise<{ access: AccessCheck; patient: PatientReadRow | null }> {
    // the audit row's detail names the version, which only the statement knows: a placeholder it fills in
    const a = auditRow(audit(0));
    const detail = { ...(a.detail as Record<string, unknown> | undefined), versionId: null };
    const { rows } = await sqlPool().query<AccessRow & { patient: PatientReadRow | null }>(
      `WITH app AS (
        SELECT c."status" = 'active' AS active,
               EXISTS (SELECT 1 FROM "ApiRevokedToken" r WHERE r."clinicId" = $1 AND r."jti" = $3) AS revoked
        FROM "ApiClient" c WHERE c."clinicId" = $1 AND c."id" = $2
      ), p AS (
        SELECT p.* FROM "Patient" p, app
        WHERE p."clinicId" = $1 AND p."id" = $4 AND app.active AND NOT app.revoked
      ), written AS (
        INSERT INTO "AuditEvent" ("clinicId", "occurredAt", "userId", "userRole", "loginId", "patientId", "action", "resourceType", "resourceId", "outcome", "detail", "ip", "requestId")
        SELECT $1, $6::timestamptz, $7, $8, $9, p."id", $10, $11, p."id", $12,
               jsonb_set($13::jsonb, '{versionId}', to_jsonb(p."version"::text)), $14, $15
        FROM p WHERE p."deletedAt" IS NULL
        RETURNING 1
      )
      SELECT (SELECT active FROM app) AS active, (SELECT revoked FROM app) AS revoked, (SELECT count(*)::int FROM written) AS written,
        (SELECT json_build_object(
           'id', p."id", 'patientNumber', p."patientNumber", 'familyName', p."familyName", 'givenName', p."givenName",
           'familyNameKana', p."familyNameKana", 'givenNameKana', p."givenNameKana", 'sex', p."sex", 'birthDate', to_char(p."birthDate", 'YYYY-MM-DD'),
           'postalCode', p."postalCode", 'prefecture', p."prefecture", 'city', p."city", 'address', p."address", 'phone', p."phone",
           'version', p."version", 'updatedAt', p."updatedAt", 'deletedAt', p."deletedAt",
           'insurance', (SELECT json_build_object('insurerNumber', i."insurerNumber", 'symbol', i."symbol", 'number', i."number", 'branch', i."branch")
                         FROM "PatientInsurance" i
                         WHERE i."clinicId" = $1 AND i."patientId" = p."id" AND i."endedAt" IS NULL AND (i."validUntil" IS NULL OR i."validUntil" >= $5::date)
                         ORDER BY i."createdAt" DESC LIMIT 1),
           'publicExpenses', COALESCE((SELECT json_agg(json_build_object('payerNumber', e."payerNumber", 'recipientNumber', e."recipientNumber") ORDER BY e."createdAt" DESC)
                         FROM "PublicExpense" e
                         WHERE e."clinicId" = $1 AND e."patientId" = p."id" AND e."endedAt" IS NULL AND (e."validUntil" IS NULL OR e."validUntil" >= $5::date)), '[]'::json)
         ) FROM p) AS patient`,
      [caller.clinicId, caller.clientId, caller.jti, patientId, today, a.occurredAt.toISOString(), a.userId, a.userRole, a.loginId, a.action, a.resourceType, a.outcome,
        JSON.stringify(detail), a.ip, a.requestId],
    );
    const row = rows[0];
    const raw = row?.patient as (Omit<PatientReadRow, 'birthDate' | 'updatedAt' | 'deletedAt'> & { birthDate: string; updatedAt: string; deletedAt: string | null }) | null | undefined;
    const patient = raw
      ? { ...raw, birthDate: new Date(`${raw.birthDate}T00:00:00Z`), updatedAt: new Date(raw.updatedAt), deletedAt: raw.deletedAt ? new Date(raw.deletedAt) : null }
      : null;
    return { access: accessOf(row), patient };
  },
};
