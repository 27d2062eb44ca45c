/**
 * The vendor API's Patient and Observation searches in one statement each (docs/decisions/0089): the page of records
 * with everything the FHIR mapping needs (a patient's current insurance and 公費; a result's departments, visit and
 * doctors), as one JSON object a row, on the pg pool under Prisma (sqlPool, 0088). The where clause is built from the
 * search parameters' `sql` clauses (fhir-search.repository.ts), which answer what their Prisma twins answer. Every
 * table is filtered by the clinic, one parameter ($1), so on Citus each statement is a router query. Statements are
 * named (prepared once per connection) by their text — a search's text depends only on which parameters it combines —
 * except on the embedded database.
 */
import { Prisma, sqlPool, statementName } from '@/lib/core/db';
import { andWhere, param, sql, toQuery, type Condition, type Param, type Sql } from '@/lib/core/sql';
import { findDepartment } from '@/lib/reference/departments';
import type { FhirDepartmentInput, FhirLabResultInput, FhirPractitionerInput } from '@/lib/fhir/types';
import type { PatientReadRow } from './fhir-read.repository';
import { OBSERVATION_SQL_ORDER, PATIENT_SQL_ORDER, type Page, type SortOrder } from './fhir-search.repository';

/** `_sort`'s column, then the id (stable pages); or the type's default order. */
function orderOf(columns: Record<string, Sql>, sort: SortOrder | undefined, id: Sql, fallback: Sql): Sql {
  if (!sort) return fallback;
  const column = columns[sort.column];
  if (!column) throw new Error(`no SQL order for ${sort.column}`);
  return sort.direction === 'desc' ? sql`${column} DESC, ${id} ASC` : sql`${column} ASC, ${id} ASC`;
}

async function rows<T>(query: Sql): Promise<T[]> {
  const { rows } = await sqlPool().query<{ row: T }>(toQuery(query, statementName('fhir_search')));
  return rows.map((r) => r.row);
}

/** A row of a statement that sends its JSON as text (`::text`: pg hands it over unparsed), with the record's id. */
export type RowText = { id: string; row: string };

async function texts(query: Sql): Promise<RowText[]> {
  const { rows } = await sqlPool().query<RowText>(toQuery(query, statementName('fhir_search')));
  return rows;
}

async function count(query: Sql): Promise<number> {
  const { rows } = await sqlPool().query<{ n: number }>(toQuery(query, statementName('fhir_search')));
  return rows[0]?.n ?? 0;
}

// ---- Patient -------------------------------------------------------------------------------------------------------

type PatientJson = Omit<PatientReadRow, 'birthDate' | 'updatedAt' | 'deletedAt'> & { birthDate: string; updatedAt: string };

const patientScope = (clinic: Param, where: Condition) => sql`p."clinicId" = ${clinic} AND p."deletedAt" IS NULL${andWhere(where)}`;

function patientOrder(sort: SortOrder | undefined): Sql {
  return orderOf(PATIENT_SQL_ORDER, sort, sql`p."id"`, sql`p."patientNumber" ASC`);
}

// ---- Observation ---------------------------------------------------------------------------------------------------

const CLINIC_RECORD_STATUSES = ['final', 'entered_in_error'];

type LabResultJson = Omit<FhirLabResultInput, 'department' | 'orderingDoctor'> & {
  patientId: string;
  valueNumber: string | null;
  referenceLow: string | null;
  referenceHigh: string | null;
  departmentCode: string | null;
  ownDepartment: FhirDepartmentInput | null;
  fallbackDepartment: FhirDepartmentInput | null;
  orderingDoctor: FhirPractitionerInput | null;
};

/** A lab result as the FHIR mapping takes it, with its patient. */
export type LabResultSearchRow = FhirLabResultInput & { patientId: string };

/** The latest version of the clinic's records (final or entered-in-error) of patients not withdrawn. */
const labScope = (clinic: Param, where: Condition) =>
  sql`r."clinicId" = ${clinic} AND r."isLatest" AND r."status" = ANY(${CLINIC_RECORD_STATUSES}::text[])
        AND EXISTS (SELECT 1 FROM "Patient" pt WHERE pt."clinicId" = ${clinic} AND pt."id" = r."patientId" AND pt."deletedAt" IS NULL)${andWhere(where)}`;

function labOrder(sort: SortOrder | undefined): Sql {
  return orderOf(OBSERVATION_SQL_ORDER, sort, sql`r."id"`, sql`r."collectedAt" DESC, r."id" ASC`);
}

/** A decimal column as Prisma's Decimal prints it (no trailing zeros), the text the mapping got from the Prisma path. */
const decimal = (text: string | null): string | null => (text === null ? null : new Prisma.Decimal(text).toString());

/**
 * The department of a result, as the sharing loader derives it (lib/fhir/source.repository.ts `loadContext`): its own
 * departmentCode (the clinic's department of that code, else a known code), else its visit's, the recorder's or the
 * clinic's first department (`fallbackDepartment`, chosen by the statement).
 */
function departmentOf(row: LabResultJson): FhirDepartmentInput | null {
  if (row.departmentCode) {
    if (row.ownDepartment) return row.ownDepartment;
    const known = findDepartment(row.departmentCode);
    if (known) return { code: known.code, name: known.name };
  }
  return row.fallbackDepartment;
}

/**
 * A result as the Observation mapping takes it, from one row's text of the statement. The instants stay the ISO text
 * PostgreSQL wrote (the mapping reads a string as `new Date` would, without making a Date: Next wraps the Date
 * constructor in the server process, which made three Dates a row a noticeable part of a search).
 */
export function labResultOf(text: string): LabResultSearchRow {
  const raw = JSON.parse(text) as LabResultJson;
  const { departmentCode: _code, ownDepartment: _own, fallbackDepartment: _fallback, ...rest } = raw;
  return {
    ...rest,
    valueNumber: decimal(raw.valueNumber),
    referenceLow: decimal(raw.referenceLow),
    referenceHigh: decimal(raw.referenceHigh),
    department: departmentOf(raw),
  };
}

/**
 * The statements (exported for the tests, which check that every table is filtered by the clinic, $1). `clinic` is the
 * clinic id's parameter, the same one the where clause compares (SqlSearchContext), so the statement sends it once.
 * A result's lookups by a key it may not have (its department code, visit, recorder, ordering doctor) run only when it
 * has it (`CASE WHEN key IS NOT NULL`): a NULL key finds nothing anyway, and a result posted through the API has none
 * of them, so its row no longer runs six subqueries for nothing (≈ 40 % of the statement's CPU on such a page).
 */
export const searchStatements = {
  patients(clinic: Param, where: Condition, page: Page, today: string, sort?: SortOrder): Sql {
    const day = param(today);
    const order = patientOrder(sort);
    return sql`
      SELECT json_build_object(
           'id', p."id", 'patientNumber', p."patientNumber", 'familyName', p."familyName", 'givenName', p."givenName",
           'familyNameKana', p."familyNameKana", 'givenNameKana', p."givenNameKana", 'sex', p."sex", 'birthDate', to_char(p."birthDate", 'YYYY-MM-DD'),
           'postalCode', p."postalCode", 'prefecture', p."prefecture", 'city', p."city", 'address', p."address", 'phone', p."phone",
           'version', p."version", 'updatedAt', p."updatedAt",
           'insurance', (SELECT json_build_object('insurerNumber', i."insurerNumber", 'symbol', i."symbol", 'number', i."number", 'branch', i."branch")
                         FROM "PatientInsurance" i
                         WHERE i."clinicId" = ${clinic} AND i."patientId" = p."id" AND i."endedAt" IS NULL AND (i."validUntil" IS NULL OR i."validUntil" >= ${day}::date)
                         ORDER BY i."createdAt" DESC LIMIT 1),
           'publicExpenses', COALESCE((SELECT json_agg(json_build_object('payerNumber', e."payerNumber", 'recipientNumber', e."recipientNumber") ORDER BY e."createdAt" DESC)
                         FROM "PublicExpense" e
                         WHERE e."clinicId" = ${clinic} AND e."patientId" = p."id" AND e."endedAt" IS NULL AND (e."validUntil" IS NULL OR e."validUntil" >= ${day}::date)), '[]'::json)
         ) AS row
      FROM (SELECT p.* FROM "Patient" p WHERE ${patientScope(clinic, where)} ORDER BY ${order} LIMIT ${page.take} OFFSET ${page.skip}) p
      ORDER BY ${order}`;
  },
  countPatients: (clinic: Param, where: Condition): Sql => sql`SELECT count(*)::int AS n FROM "Patient" p WHERE ${patientScope(clinic, where)}`,

  labResults(clinic: Param, where: Condition, page: Page, sort?: SortOrder): Sql {
    const order = labOrder(sort);
    return sql`
      SELECT r."id" AS id, json_build_object(
           'id', r."id", 'lineageId', r."lineageId", 'version', r."version", 'status', r."status", 'updatedAt', r."createdAt", 'patientId', r."patientId",
           'itemKey', r."itemKey", 'jlac10', r."jlac10", 'localCode', r."localCode", 'itemName', r."itemName",
           'valueNumber', r."valueNumber"::text, 'valueText', r."valueText", 'unit', r."unit",
           'referenceLow', r."referenceLow"::text, 'referenceHigh', r."referenceHigh"::text, 'referenceText', r."referenceText",
           'flag', r."flag", 'specimen', r."specimen", 'collectedAt', r."collectedAt", 'reportedAt', r."reportedAt",
           'departmentCode', r."departmentCode",
           'ownDepartment', CASE WHEN r."departmentCode" IS NOT NULL THEN (SELECT json_build_object('code', d."code", 'name', d."name") FROM "Department" d
                             WHERE d."clinicId" = ${clinic} AND d."code" = r."departmentCode") END,
           'fallbackDepartment', COALESCE(
               CASE WHEN v."departmentId" IS NOT NULL THEN (SELECT json_build_object('code', d."code", 'name', d."name") FROM "Department" d
                WHERE d."clinicId" = ${clinic} AND d."id" = v."departmentId") END,
               CASE WHEN r."recordedById" IS NOT NULL THEN (SELECT json_build_object('code', d."code", 'name', d."name") FROM "User" u JOIN "Department" d ON d."clinicId" = ${clinic} AND d."id" = u."departmentId"
                WHERE u."clinicId" = ${clinic} AND u."id" = r."recordedById") END,
               (SELECT json_build_object('code', d."code", 'name', d."name") FROM "Department" d
                WHERE d."clinicId" = ${clinic} ORDER BY d."code" ASC LIMIT 1)),
           'encounter', json_build_object('id', v."id", 'class', CASE WHEN v."encounterClass" = 'IMP' THEN 'IMP' ELSE 'AMB' END),
           'orderingDoctor', COALESCE(
               CASE WHEN r."orderingDoctorId" IS NOT NULL THEN (SELECT json_build_object('id', u."id", 'name', u."displayName", 'licenseNumber', u."licenseNumber", 'licenseType', u."licenseType") FROM "User" u
                WHERE u."clinicId" = ${clinic} AND u."id" = r."orderingDoctorId") END,
               CASE WHEN v."doctorId" IS NOT NULL THEN (SELECT json_build_object('id', u."id", 'name', u."displayName", 'licenseNumber', u."licenseNumber", 'licenseType', u."licenseType") FROM "User" u
                WHERE u."clinicId" = ${clinic} AND u."id" = v."doctorId") END,
               CASE WHEN r."recordedById" IS NOT NULL THEN (SELECT json_build_object('id', u."id", 'name', u."displayName", 'licenseNumber', u."licenseNumber", 'licenseType', u."licenseType") FROM "User" u
                WHERE u."clinicId" = ${clinic} AND u."id" = r."recordedById" AND u."role" = 'doctor') END)
         )::text AS row
      FROM (SELECT r.* FROM "LabResult" r WHERE ${labScope(clinic, where)} ORDER BY ${order} LIMIT ${page.take} OFFSET ${page.skip}) r
      LEFT JOIN "Visit" v ON v."clinicId" = ${clinic} AND v."id" = r."visitId"
      ORDER BY ${order}`;
  },
  countLabResults: (clinic: Param, where: Condition): Sql => sql`SELECT count(*)::int AS n FROM "LabResult" r WHERE ${labScope(clinic, where)}`,
};

export const fhirSearchSqlRepository = {
  /** A page of the clinic's patients (not withdrawn) matching `where`, with the current insurance and 公費 on `today`. */
  async searchPatients(clinic: Param, where: Condition, page: Page, today: string, sort?: SortOrder): Promise<PatientReadRow[]> {
    const found = await rows<PatientJson>(searchStatements.patients(clinic, where, page, today, sort));
    return found.map((raw) => ({ ...raw, birthDate: new Date(`${raw.birthDate}T00:00:00Z`), updatedAt: new Date(raw.updatedAt), deletedAt: null }));
  },
  countPatients: (clinic: Param, where: Condition) => count(searchStatements.countPatients(clinic, where)),

  /**
   * A page of the clinic's current lab results matching `where`, each as the statement's JSON text: everything the
   * Observation mapping reads of the result (labResultOf), so the text also keys the serialized resource (0089).
   */
  searchLabResultTexts: (clinic: Param, where: Condition, page: Page, sort?: SortOrder): Promise<RowText[]> => texts(searchStatements.labResults(clinic, where, page, sort)),

  /** A page of the clinic's current lab results matching `where`, with what the Observation mapping needs. */
  async searchLabResults(clinic: Param, where: Condition, page: Page, sort?: SortOrder): Promise<LabResultSearchRow[]> {
    return (await texts(searchStatements.labResults(clinic, where, page, sort))).map((r) => labResultOf(r.row));
  },

  countLabResults: (clinic: Param, where: Condition) => count(searchStatements.countLabResults(clinic, where)),
};
