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
import { patientObject, patientReadRow, type PatientReadRow } from './fhir-read.repository';
import { OBSERVATION_SQL_ORDER, PATIENT_SQL_ORDER, type Page, type SortOrder } from './fhir-search.repository';

/** `_sort`'s column, then the id (stable pages); or the type's default order. */
function orderOf(columns: Record<string, Sql>, sort: SortOrder | undefined, id: Sql, fallback: Sql): Sql {
  if (!sort) return fallback;
  const column = columns[sort.column];
  if (!column) throw new Error(`no SQL order for ${sort.column}`);
  return sort.direction === 'desc' ? sql`${column} DESC, ${id} ASC` : sql`${column} ASC, ${id} ASC`;
}

/**
 * A result of the Observation statements, its JSON as text (`::text`: pg hands it over unparsed): `context`, what its
 * resource depends on besides its own version (departments, visit, doctor); `row`, the version's columns.
 */
export type LabResultKey = { id: string; context: string };
export type LabResultText = LabResultKey & { row: string };

async function texts<T>(query: Sql): Promise<T[]> {
  const { rows } = await sqlPool().query<T & object>(toQuery(query, statementName('fhir_search')));
  return rows;
}

async function count(query: Sql): Promise<number> {
  const { rows } = await sqlPool().query<{ n: number }>(toQuery(query, statementName('fhir_search')));
  return rows[0]?.n ?? 0;
}

// ---- Patient -------------------------------------------------------------------------------------------------------

/** A patient of the search statement: its id, and patientObject's JSON text. */
export type PatientText = { id: string; row: string };
/** A patient of the key statement: its id and registration version (every edit of it or of its insurance or 公費 is one). */
export type PatientKey = { id: string; version: number };

const patientScope = (clinic: Param, where: Condition) => sql`p."clinicId" = ${clinic} AND p."deletedAt" IS NULL${andWhere(where)}`;

function patientOrder(sort: SortOrder | undefined): Sql {
  return orderOf(PATIENT_SQL_ORDER, sort, sql`p."id"`, sql`p."patientNumber" ASC`);
}

// ---- Observation ---------------------------------------------------------------------------------------------------

const CLINIC_RECORD_STATUSES = ['final', 'entered_in_error'];

type LabResultJson = Omit<FhirLabResultInput, 'department' | 'orderingDoctor' | 'encounter'> & {
  patientId: string;
  valueNumber: string | null;
  referenceLow: string | null;
  referenceHigh: string | null;
  departmentCode: string | null;
};

/** The statement's `context`: [ownDepartment, fallbackDepartment, encounter, orderingDoctor]. */
type LabContextJson = [FhirDepartmentInput | null, FhirDepartmentInput | null, FhirLabResultInput['encounter'], FhirPractitionerInput | null];

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
function departmentOf(departmentCode: string | null, own: FhirDepartmentInput | null, fallback: FhirDepartmentInput | null): FhirDepartmentInput | null {
  if (departmentCode) {
    if (own) return own;
    const known = findDepartment(departmentCode);
    if (known) return { code: known.code, name: known.name };
  }
  return fallback;
}

/**
 * A result as the Observation mapping takes it, from one row of the statement. The instants stay the ISO text
 * PostgreSQL wrote (the mapping reads a string as `new Date` would, without making a Date: Next wraps the Date
 * constructor in the server process, which made three Dates a row a noticeable part of a search).
 */
export function labResultOf({ row, context }: LabResultText): LabResultSearchRow {
  const { departmentCode, ...rest } = JSON.parse(row) as LabResultJson;
  const [own, fallback, encounter, orderingDoctor] = JSON.parse(context) as LabContextJson;
  return {
    ...rest,
    valueNumber: decimal(rest.valueNumber),
    referenceLow: decimal(rest.referenceLow),
    referenceHigh: decimal(rest.referenceHigh),
    department: departmentOf(departmentCode, own, fallback),
    encounter,
    orderingDoctor,
  };
}

/**
 * What a result's resource depends on besides its version's own columns, as the statement finds it now:
 * [ownDepartment, fallbackDepartment, encounter, orderingDoctor] (the rules of `loadContext`, see departmentOf). A
 * lookup by a key the result may lack (department code, visit's department and doctor, ordering doctor) runs only
 * when it has it (`CASE WHEN key IS NOT NULL`): a NULL key finds nothing anyway, and a result posted through the API
 * has none of them. The recorder (`ru`, for its department and as the doctor of last resort) is joined once.
 */
const labContext = (clinic: Param) => sql`json_build_array(
           CASE WHEN r."departmentCode" IS NOT NULL THEN (SELECT json_build_object('code', d."code", 'name', d."name") FROM "Department" d
                             WHERE d."clinicId" = ${clinic} AND d."code" = r."departmentCode") END,
           COALESCE(
               CASE WHEN v."departmentId" IS NOT NULL THEN (SELECT json_build_object('code', d."code", 'name', d."name") FROM "Department" d
                WHERE d."clinicId" = ${clinic} AND d."id" = v."departmentId") END,
               CASE WHEN ru."departmentId" IS NOT NULL THEN (SELECT json_build_object('code', d."code", 'name', d."name") FROM "Department" d
                WHERE d."clinicId" = ${clinic} AND d."id" = ru."departmentId") END,
               (SELECT json_build_object('code', d."code", 'name', d."name") FROM "Department" d
                WHERE d."clinicId" = ${clinic} ORDER BY d."code" ASC LIMIT 1)),
           json_build_object('id', v."id", 'class', CASE WHEN v."encounterClass" = 'IMP' THEN 'IMP' ELSE 'AMB' END),
           COALESCE(
               CASE WHEN r."orderingDoctorId" IS NOT NULL THEN (SELECT json_build_object('id', u."id", 'name', u."displayName", 'licenseNumber', u."licenseNumber", 'licenseType', u."licenseType") FROM "User" u
                WHERE u."clinicId" = ${clinic} AND u."id" = r."orderingDoctorId") END,
               CASE WHEN v."doctorId" IS NOT NULL THEN (SELECT json_build_object('id', u."id", 'name', u."displayName", 'licenseNumber', u."licenseNumber", 'licenseType', u."licenseType") FROM "User" u
                WHERE u."clinicId" = ${clinic} AND u."id" = v."doctorId") END,
               CASE WHEN ru."role" = 'doctor' THEN json_build_object('id', ru."id", 'name', ru."displayName", 'licenseNumber', ru."licenseNumber", 'licenseType', ru."licenseType") END)
         )::text`;

/** A version's own columns as the mapping reads them (a final or entered-in-error version never changes, 0020). */
const LAB_ROW = sql`json_build_object(
           'id', r."id", 'lineageId', r."lineageId", 'version', r."version", 'status', r."status", 'updatedAt', r."createdAt", 'patientId', r."patientId",
           'itemKey', r."itemKey", 'jlac10', r."jlac10", 'localCode', r."localCode", 'itemName', r."itemName",
           'valueNumber', r."valueNumber"::text, 'valueText', r."valueText", 'unit', r."unit",
           'referenceLow', r."referenceLow"::text, 'referenceHigh', r."referenceHigh"::text, 'referenceText', r."referenceText",
           'flag', r."flag", 'specimen', r."specimen", 'collectedAt', r."collectedAt", 'reportedAt', r."reportedAt",
           'departmentCode', r."departmentCode"
         )::text`;

/** The results `r` (a subquery) with their visits `v` and recorders `ru` (labContext). */
const withLookups = (clinic: Param, results: Sql) => sql`FROM (${results}) r
      LEFT JOIN "Visit" v ON v."clinicId" = ${clinic} AND v."id" = r."visitId"
      LEFT JOIN "User" ru ON ru."clinicId" = ${clinic} AND ru."id" = r."recordedById"`;

const labPage = (clinic: Param, where: Condition, page: Page, order: Sql) =>
  withLookups(clinic, sql`SELECT r.* FROM "LabResult" r WHERE ${labScope(clinic, where)} ORDER BY ${order} LIMIT ${page.take} OFFSET ${page.skip}`);

/**
 * The statements (exported for the tests, which check that every table is filtered by the clinic, $1). `clinic` is the
 * clinic id's parameter, the same one the where clause compares (SqlSearchContext), so the statement sends it once.
 */
export const searchStatements = {
  patients(clinic: Param, where: Condition, page: Page, today: string, sort?: SortOrder): Sql {
    const day = param(today);
    const order = patientOrder(sort);
    return sql`
      SELECT p."id" AS id, ${patientObject(clinic, sql`${day}::date`)} AS row
      FROM (SELECT p.* FROM "Patient" p WHERE ${patientScope(clinic, where)} ORDER BY ${order} LIMIT ${page.take} OFFSET ${page.skip}) p
      ORDER BY ${order}`;
  },
  /** The page as patients finds it, without the patients' text: ids and versions only. */
  patientKeys(clinic: Param, where: Condition, page: Page, sort?: SortOrder): Sql {
    const order = patientOrder(sort);
    return sql`SELECT p."id" AS id, p."version" AS version FROM "Patient" p WHERE ${patientScope(clinic, where)} ORDER BY ${order} LIMIT ${page.take} OFFSET ${page.skip}`;
  },
  /** Registrations by their ids (withdrawn ones too: the caller drops them), as patients writes them. */
  patientsById(clinic: Param, ids: readonly string[], today: string): Sql {
    const day = param(today);
    return sql`SELECT p."id" AS id, ${patientObject(clinic, sql`${day}::date`)} AS row FROM "Patient" p WHERE p."clinicId" = ${clinic} AND p."id" = ANY(${ids}::text[])`;
  },
  countPatients: (clinic: Param, where: Condition): Sql => sql`SELECT count(*)::int AS n FROM "Patient" p WHERE ${patientScope(clinic, where)}`,

  labResults(clinic: Param, where: Condition, page: Page, sort?: SortOrder): Sql {
    const order = labOrder(sort);
    return sql`SELECT r."id" AS id, ${labContext(clinic)} AS context, ${LAB_ROW} AS row ${labPage(clinic, where, page, order)} ORDER BY ${order}`;
  },
  /** The page as labResults finds it, without the versions' own columns. */
  labResultKeys(clinic: Param, where: Condition, page: Page, sort?: SortOrder): Sql {
    const order = labOrder(sort);
    return sql`SELECT r."id" AS id, ${labContext(clinic)} AS context ${labPage(clinic, where, page, order)} ORDER BY ${order}`;
  },
  /** Versions by their ids (whether or not still the latest), as labResults writes them. */
  labResultsById: (clinic: Param, ids: readonly string[]): Sql =>
    sql`SELECT r."id" AS id, ${labContext(clinic)} AS context, ${LAB_ROW} AS row ${withLookups(clinic, sql`SELECT r.* FROM "LabResult" r WHERE r."clinicId" = ${clinic} AND r."id" = ANY(${ids}::text[])`)}`,
  countLabResults: (clinic: Param, where: Condition): Sql => sql`SELECT count(*)::int AS n FROM "LabResult" r WHERE ${labScope(clinic, where)}`,
};

export const fhirSearchSqlRepository = {
  /** A page of the clinic's patients (not withdrawn) matching `where`, with the current insurance and 公費 on `today`. */
  async searchPatients(clinic: Param, where: Condition, page: Page, today: string, sort?: SortOrder): Promise<PatientReadRow[]> {
    return (await texts<PatientText>(searchStatements.patients(clinic, where, page, today, sort))).map((r) => patientReadRow(r.row));
  },
  /**
   * A page of the search as ids and registration versions (PatientKey), which with the clinic and the day key the
   * serialized resources (0093); `patientsById` gives the text of those not kept.
   */
  searchPatientKeys: (clinic: Param, where: Condition, page: Page, sort?: SortOrder) => texts<PatientKey>(searchStatements.patientKeys(clinic, where, page, sort)),
  patientsById: (clinic: Param, ids: readonly string[], today: string) => texts<PatientText>(searchStatements.patientsById(clinic, ids, today)),
  countPatients: (clinic: Param, where: Condition) => count(searchStatements.countPatients(clinic, where)),

  /**
   * A page of the clinic's current lab results matching `where`: each result's id and context (LabResultKey), which
   * with the clinic key its serialized resource (0089); `labResultsById` gives what the mapping needs of those missing.
   */
  searchLabResultKeys: (clinic: Param, where: Condition, page: Page, sort?: SortOrder) => texts<LabResultKey>(searchStatements.labResultKeys(clinic, where, page, sort)),
  labResultsById: (clinic: Param, ids: readonly string[]) => texts<LabResultText>(searchStatements.labResultsById(clinic, ids)),

  /** A page of the clinic's current lab results matching `where`, with what the Observation mapping needs. */
  async searchLabResults(clinic: Param, where: Condition, page: Page, sort?: SortOrder): Promise<LabResultSearchRow[]> {
    return (await texts<LabResultText>(searchStatements.labResults(clinic, where, page, sort))).map(labResultOf);
  },

  countLabResults: (clinic: Param, where: Condition) => count(searchStatements.countLabResults(clinic, where)),
};
