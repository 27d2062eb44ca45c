/**
 * The vendor API's hot read path (docs/decisions/0084, 0090). A read's audit row is appended by group commit
 * (lib/audit/read-audit-batch.ts) in the statement that checks the app's status and the token's revocation, and the
 * read answers only once it is committed; the Patient read checks them, and loads the patient, its current insurance
 * and its 公費, in one SELECT, then appends its row. Every table is filtered by the clinic (one shard on Citus). The statements go to the pool under Prisma directly
 * (sqlPool): Prisma's query engine was a sixth of a read's CPU (docs/decisions/0088).
 */
import { sqlPool, statementName } from '@/lib/core/db';
import type { AuditInput } from '@/lib/audit/audit';
import { appendReadAudit, type AccessCheck, type ReadCaller } from '@/lib/audit/read-audit-batch';
import type { FhirPatientInput } from '@/lib/fhir/types';

export type { AccessCheck, ReadCaller } from '@/lib/audit/read-audit-batch';

type AccessRow = { active: boolean | null; revoked: boolean | null };

function accessOf(row: AccessRow | undefined): AccessCheck {
  if (!row?.active) return 'client_revoked';
  return row.revoked ? 'token_revoked' : 'ok';
}

/** A patient as the FHIR mapping takes it, with its version and withdrawal. */
export type PatientReadRow = FhirPatientInput & { patientNumber: number; birthDate: Date; updatedAt: Date; version: number; deletedAt: Date | null };

export const fhirReadRepository = {
  /**
   * Writes a read's audit row only while the app is active and the token not revoked, checked in the statement that
   * writes it (a batch of reads' rows, read-audit-batch.ts); answers which of the two refused it (no row is written then).
   */
  auditRead(caller: ReadCaller, input: AuditInput): Promise<AccessCheck> {
    return appendReadAudit(input, caller);
  },

  /**
   * GET Patient/{id}: one statement reads the app's status and the token's revocation and the patient with its current
   * insurance (not ended, valid on `today`, newest first) and 公費; then — only when the app may read and the patient
   * exists and is not withdrawn — the audit row `audit(version)` describes is appended (read-audit-batch.ts) and
   * committed before this returns.
   */
  async readPatientAudited(caller: ReadCaller, patientId: string, today: string, audit: (version: number) => AuditInput): Promise<{ access: AccessCheck; patient: PatientReadRow | null }> {
    const { rows } = await sqlPool().query<AccessRow & { patient: PatientReadRow | null }>({
      name: statementName('fhir_read_patient'),
      text: `WITH app AS (
        SELECT c."status" = 'active' AS active,
               EXISTS (SELECT 1 FROM "ApiRevokedToken" r WHERE r."clinicId" = $1 AND r."jti" = $3) AS revoked
        FROM "ApiClient" c WHERE c."clinicId" = $1 AND c."id" = $2
      ), p AS (
        SELECT p.* FROM "Patient" p, app
        WHERE p."clinicId" = $1 AND p."id" = $4 AND app.active AND NOT app.revoked
      )
      SELECT (SELECT active FROM app) AS active, (SELECT revoked FROM app) AS revoked,
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
      values: [caller.clinicId, caller.clientId, caller.jti, patientId, today],
    });
    const row = rows[0];
    const raw = row?.patient as (Omit<PatientReadRow, 'birthDate' | 'updatedAt' | 'deletedAt'> & { birthDate: string; updatedAt: string; deletedAt: string | null }) | null | undefined;
    const patient = raw
      ? { ...raw, birthDate: new Date(`${raw.birthDate}T00:00:00Z`), updatedAt: new Date(raw.updatedAt), deletedAt: raw.deletedAt ? new Date(raw.deletedAt) : null }
      : null;
    const access = accessOf(row);
    // the read is answered only with its row committed; a withdrawn registration (410) writes none, as a 404
    if (access === 'ok' && patient && !patient.deletedAt) {
      const input = audit(patient.version);
      // the statement above checked the app and the token: the row is appended without a second check
      await appendReadAudit({ ...input, detail: { ...input.detail, versionId: String(patient.version) } }, null);
    }
    return { access, patient };
  },
};
