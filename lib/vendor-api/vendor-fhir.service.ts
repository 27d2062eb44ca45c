/**
 * The vendor API's reads: Patient, Condition, AllergyIntolerance and Observation as REST resources, built by the SAME
 * lib/fhir mapping as the national sharing bundles (docs/decisions/0047). The logical id is the record's lineage id
 * (the patient's id for Patient) and meta.versionId its version; entered-in-error versions come back with that status.
 * Every read, vread, history and search writes one audit event naming the app before any data leaves (fails closed).
 */
import type { Bundle, Resource } from '@medplum/fhirtypes';
import { db } from '@/lib/core/db';
import type { AuditInput } from '@/lib/audit/audit';
import { appendReadAudit } from '@/lib/audit/read-audit-batch';
import { todayJst } from '@/lib/core/dates';
import type { ApiClientPrincipal } from '@/lib/auth/principal';
import { toFhirAllergy } from '@/lib/fhir/allergy';
import { toFhirCondition } from '@/lib/fhir/condition';
import { toFhirObservation } from '@/lib/fhir/observation';
import { toFhirPatient } from '@/lib/fhir/patient';
import { toFhirEncounter } from '@/lib/fhir/encounter';
import { toFhirDocumentReference } from '@/lib/fhir/document-reference';
import { documentBundleForApi } from '@/lib/records/documents/document-fhir.service';
import { parseMedicationRequestId, toFhirMedicationRequest } from '@/lib/fhir/medication-request';
import { toFhirOrganization, toFhirPractitioner } from '@/lib/fhir/practitioner';
import { fhirTarget } from '@/lib/fhir/profiles';
import { allergyInputs, diagnosisInputs, labResultInputs, medicationInputOf, patientInputs } from '@/lib/fhir/source.repository';
import type { FhirClinicInput, FhirPatientInput, FhirVisitInput } from '@/lib/fhir/types';
import { FhirError, fhirErrors } from './fhir-http';
import { fhirReadRepository, patientReadRow, type AccessCheck, type PatientReadRow } from './fhir-read.repository';
import { fhirSearchSqlRepository as sqlRepo, labResultOf, type LabResultSearchRow } from './fhir-search-sql.repository';
import { ResourceJsonCache, type JsonMatch } from './resource-json-cache';
import { param, type Condition, type Param } from '@/lib/core/sql';
import { accessRefused } from './token.service';
import {
  ALLERGY_SEARCH,
  buildSqlWhere,
  buildWhere,
  CONDITION_SEARCH,
  DOCUMENT_SEARCH,
  ENCOUNTER_SEARCH,
  fhirSearchRepository as repo,
  MEDICATION_SEARCH,
  OBSERVATION_SEARCH,
  ORGANIZATION_SEARCH,
  PATIENT_SEARCH,
  PRACTITIONER_SEARCH,
  type Page,
  type SearchParamDef,
  type SortOrder,
} from './fhir-search.repository';
import { API_RESOURCE_TYPES, scopesAllow, type ApiResourceType } from './scopes';

/** A mapped resource and the patient whose data it is (null: not patient data, e.g. Practitioner). */
type Mapped = { resource: Resource; patientId: string | null };

/** What the API does for one resource type: its search parameters, the audit name, and loaders that map. */
type ResourceProvider = {
  /** the audit trail's resourceType for this record kind */
  auditType: string;
  /** the type has a patient (search `patient`, `_include=<type>:patient`, `_revinclude` from Patient) */
  hasPatient: boolean;
  /** each provider has its own Prisma where type */
  searchParams: readonly SearchParamDef<object>[];
  search(clinicId: string, clinic: FhirClinicInput, and: object[], page: Page, sort?: SortOrder): Promise<Mapped[]>;
  count(clinicId: string, and: object[]): Promise<number>;
  /** the condition "changed after `since`" (Bulk Data _since) in this type's where */
  changedAfter(since: Date): object;
  /** every version of one logical resource, newest first (empty: unknown in this clinic) */
  /** newest first; `currentOnly`: the caller needs the current version alone (a read), earlier ones may be left out */
  versions(clinicId: string, clinic: FhirClinicInput, id: string, currentOnly?: boolean): Promise<Mapped[]>;
  /**
   * The search-type interaction in one statement (docs/decisions/0089), where every search parameter has its SQL
   * clause: the same matches, in the same order, as `search` and `count`.
   */
  sql?: {
    search(clinicId: Param, clinic: FhirClinicInput, where: Condition, page: Page, sort?: SortOrder): Promise<Mapped[]>;
    count(clinicId: Param, where: Condition): Promise<number>;
    /** `search`'s matches as JSON text (what the Bundle writes), where the type serializes them itself (a cache) */
    searchJson?(clinicId: Param, clinic: FhirClinicInput, where: Condition, page: Page, sort?: SortOrder): Promise<JsonMatch[]>;
  };
};

const target = () => fhirTarget();
const patientRef = (patientId: string) => `Patient/${patientId}`;

function withVersion<R extends Resource>(resource: R, version: number): R {
  return { ...resource, meta: { versionId: String(version), ...resource.meta } };
}

/** A record withdrawn as 入力誤り keeps its id and reads with the FHIR entered-in-error status. */
function enteredInError<R extends Resource>(resource: R, status: string | undefined): R {
  if (status !== 'entered_in_error') return resource;
  const code = { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'entered-in-error', display: 'Entered in Error' }] };
  if (resource.resourceType === 'Condition') return { ...resource, verificationStatus: code };
  if (resource.resourceType === 'AllergyIntolerance') {
    return { ...resource, verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification', code: 'entered-in-error', display: 'Entered in Error' }] } };
  }
  if (resource.resourceType === 'Observation') return { ...resource, status: 'entered-in-error' };
  return resource;
}

type PatientSnapshot = Partial<{
  familyName: string;
  givenName: string;
  familyNameKana: string;
  givenNameKana: string;
  sex: string;
  birthDate: string;
  postalCode: string;
  address: string;
  phone: string;
  insurance: { insurerNumber: string; symbol?: string; number: string; branch?: string } | null;
  publicExpense: { payerNumber: string; recipientNumber?: string } | null;
}>;

/** An earlier version of a patient: the revision's snapshot over the patient's identity (id, 患者番号). */
function patientFromSnapshot(current: FhirPatientInput, raw: unknown, changedAt: Date): FhirPatientInput {
  const s = (raw ?? {}) as PatientSnapshot;
  return {
    id: current.id,
    patientNumber: current.patientNumber,
    familyName: s.familyName ?? current.familyName,
    givenName: s.givenName ?? current.givenName,
    familyNameKana: s.familyNameKana ?? current.familyNameKana,
    givenNameKana: s.givenNameKana ?? current.givenNameKana,
    sex: s.sex ?? current.sex,
    birthDate: s.birthDate ?? current.birthDate,
    postalCode: s.postalCode ?? null,
    address: s.address ?? null,
    phone: s.phone ?? null,
    updatedAt: changedAt,
    insurance: s.insurance ? { insurerNumber: s.insurance.insurerNumber, symbol: s.insurance.symbol ?? null, number: s.insurance.number, branch: s.insurance.branch ?? null } : null,
    publicExpenses: s.publicExpense ? [{ payerNumber: s.publicExpense.payerNumber, recipientNumber: s.publicExpense.recipientNumber ?? null }] : [],
  };
}

const providers: Record<ApiResourceType, ResourceProvider> = {
  Patient: {
    auditType: 'patient',
    hasPatient: false,
    searchParams: PATIENT_SEARCH,
    async search(clinicId, clinic, and, page, sort) {
      const rows = await repo.searchPatients(db(), clinicId, and, page, sort);
      const inputs = await patientInputs(db(), clinicId, rows);
      return inputs.map((p, i) => ({ resource: withVersion(toFhirPatient(target(), clinic, p), rows[i]!.version), patientId: p.id }));
    },
    count: (clinicId, and) => repo.countPatients(db(), clinicId, and),
    changedAfter: (since) => ({ updatedAt: { gt: since } }),
    async versions(clinicId, clinic, id, currentOnly) {
      const row = await repo.patient(db(), clinicId, id);
      if (!row) return [];
      if (row.deletedAt) throw new FhirError(410, 'deleted', 'この患者の登録は取り消されています。', `Patient/${id} was withdrawn`);
      const [input] = await patientInputs(db(), clinicId, [row]);
      const current = { resource: withVersion(toFhirPatient(target(), clinic, input!), row.version), patientId: row.id };
      if (currentOnly) return [current];
      // earlier versions from the registration's revisions (the snapshot of what each version said)
      const earlier = (await repo.patientRevisions(db(), clinicId, id))
        .filter((r) => r.version < row.version && r.changeType !== 'delete')
        .map((r) => ({ resource: withVersion(toFhirPatient(target(), clinic, patientFromSnapshot(input!, r.snapshot, r.changedAt)), r.version), patientId: row.id }));
      return [current, ...earlier];
    },
    sql: {
      async search(clinicId, clinic, where, page, sort) {
        const rows = await sqlRepo.searchPatients(clinicId, where, page, todayJst(), sort);
        return rows.map((p) => ({ resource: withVersion(toFhirPatient(target(), clinic, p), p.version), patientId: p.id }));
      },
      count: (clinicId, where) => sqlRepo.countPatients(clinicId, where),
      async searchJson(clinicId, clinic, where, page, sort) {
        // the page's ids and registration versions; the patients' text only for those not kept for that version on
        // this day (every edit of the registration, its insurance or 公費 is a new version, and the day decides which
        // insurance is current: 0093)
        const today = todayJst();
        const keys = await sqlRepo.searchPatientKeys(clinicId, where, page, sort);
        const scope = `${jsonScope(String(clinicId.value), clinic)}search\n`;
        const kept = keys.map(({ id, version }) => patientJson.get(scope + id, `${version}\n${today}`));
        const missing = keys.filter((_, i) => !kept[i]).map((k) => k.id);
        if (!missing.length) return kept as PatientJson[];
        const rows = new Map((await sqlRepo.patientsById(clinicId, missing, today)).map((r) => [r.id, r.row]));
        return keys.flatMap(({ id }, i) => {
          const hit = kept[i];
          if (hit) return [hit];
          const text = rows.get(id);
          // withdrawn (or gone) between the two statements: not a match any more
          const row = text === undefined ? null : patientReadRow(text);
          if (!row || row.deletedAt) return [];
          // kept under the version the text was written from (an edit between the statements is a newer one)
          const match = patientMatch(clinic, row);
          patientJson.set(scope + id, `${row.version}\n${today}`, match);
          return [match];
        });
      },
    },
  },
  Condition: {
    auditType: 'diagnosis',
    hasPatient: true,
    searchParams: CONDITION_SEARCH,
    async search(clinicId, clinic, and, page, sort) {
      return mapDiagnoses(clinicId, clinic, await repo.searchDiagnoses(db(), clinicId, and, page, sort));
    },
    count: (clinicId, and) => repo.countDiagnoses(db(), clinicId, and),
    changedAfter: (since) => ({ createdAt: { gt: since } }),
    async versions(clinicId, clinic, id) {
      return mapDiagnoses(clinicId, clinic, await repo.diagnosisVersions(db(), clinicId, id));
    },
  },
  AllergyIntolerance: {
    auditType: 'allergy',
    hasPatient: true,
    searchParams: ALLERGY_SEARCH,
    async search(clinicId, clinic, and, page, sort) {
      return mapAllergies(clinicId, clinic, await repo.searchAllergies(db(), clinicId, and, page, sort));
    },
    count: (clinicId, and) => repo.countAllergies(db(), clinicId, and),
    changedAfter: (since) => ({ createdAt: { gt: since } }),
    async versions(clinicId, clinic, id) {
      return mapAllergies(clinicId, clinic, await repo.allergyVersions(db(), clinicId, id));
    },
  },
  Observation: {
    auditType: 'lab_result',
    hasPatient: true,
    searchParams: OBSERVATION_SEARCH,
    async search(clinicId, clinic, and, page, sort) {
      return mapLabResults(clinicId, clinic, await repo.searchLabResults(db(), clinicId, and, page, sort));
    },
    count: (clinicId, and) => repo.countLabResults(db(), clinicId, and),
    changedAfter: (since) => ({ createdAt: { gt: since } }),
    async versions(clinicId, clinic, id) {
      return mapLabResults(clinicId, clinic, await repo.labResultVersions(db(), clinicId, id));
    },
    sql: {
      async search(clinicId, clinic, where, page, sort) {
        return (await sqlRepo.searchLabResults(clinicId, where, page, sort)).map((row) => observationOf(clinic, row));
      },
      count: (clinicId, where) => sqlRepo.countLabResults(clinicId, where),
      async searchJson(clinicId, clinic, where, page, sort) {
        // the page's ids and contexts; the versions' own columns only for those not kept (a kept version never changed)
        const keys = await sqlRepo.searchLabResultKeys(clinicId, where, page, sort);
        const scope = jsonScope(String(clinicId.value), clinic);
        const kept = keys.map(({ id, context }) => observationJson.get(scope + id, context));
        const missing = keys.filter((_, i) => !kept[i]).map((k) => k.id);
        if (!missing.length) return kept as JsonMatch[];
        const rows = new Map((await sqlRepo.labResultsById(clinicId, missing)).map((r) => [r.id, r]));
        return keys.map(({ id }, i) => {
          const hit = kept[i];
          if (hit) return hit;
          const row = rows.get(id);
          if (!row) throw new Error(`lab result ${id} of the page was not found by its id`);
          const { resource, patientId } = observationOf(clinic, labResultOf(row));
          const match = { id: resource.id!, patientId, json: Buffer.from(JSON.stringify(resource)) };
          observationJson.set(scope + id, row.context, match);
          return match;
        });
      },
    },
  },
  MedicationRequest: {
    auditType: 'prescription',
    hasPatient: true,
    searchParams: MEDICATION_SEARCH,
    async search(clinicId, clinic, and, page, sort) {
      return mapMedications(clinicId, clinic, await repo.searchMedications(db(), clinicId, and, page, sort));
    },
    count: (clinicId, and) => repo.countMedications(db(), clinicId, and),
    changedAfter: (since) => ({ prescription: { createdAt: { gt: since } } }),
    async versions(clinicId, clinic, id) {
      const key = parseMedicationRequestId(id);
      return key ? mapMedications(clinicId, clinic, await repo.medicationVersions(db(), clinicId, key.lineageId, key.rpNumber, key.sortOrder)) : [];
    },
  },
  Encounter: {
    auditType: 'visit',
    hasPatient: true,
    searchParams: ENCOUNTER_SEARCH,
    async search(clinicId, _clinic, and, page, sort) {
      return mapVisits(clinicId, await repo.searchVisits(db(), clinicId, and, page, sort));
    },
    count: (clinicId, and) => repo.countVisits(db(), clinicId, and),
    changedAfter: (since) => ({ statusChangedAt: { gt: since } }),
    async versions(clinicId, _clinic, id) {
      return mapVisits(clinicId, await repo.searchVisits(db(), clinicId, [{ id }], { skip: 0, take: 1 }));
    },
  },
  DocumentReference: {
    auditType: 'clinical_document',
    hasPatient: true,
    searchParams: DOCUMENT_SEARCH,
    async search(clinicId, _clinic, and, page, sort) {
      return mapDocuments(clinicId, await repo.searchDocuments(db(), clinicId, and, page, sort));
    },
    count: (clinicId, and) => repo.countDocuments(db(), clinicId, and),
    changedAfter: (since) => ({ createdAt: { gt: since } }),
    async versions(clinicId, _clinic, id) {
      return mapDocuments(clinicId, await repo.documentVersions(db(), clinicId, id));
    },
  },
  Practitioner: {
    auditType: 'user',
    hasPatient: false,
    searchParams: PRACTITIONER_SEARCH,
    async search(clinicId, clinic, and, page, sort) {
      return mapDoctors(clinic, await repo.searchDoctors(db(), clinicId, and, page, sort));
    },
    count: (clinicId, and) => repo.countDoctors(db(), clinicId, and),
    changedAfter: (since) => ({ updatedAt: { gt: since } }),
    async versions(clinicId, clinic, id) {
      return mapDoctors(clinic, await repo.searchDoctors(db(), clinicId, [{ id }], { skip: 0, take: 1 }));
    },
  },
  Organization: {
    auditType: 'clinic',
    hasPatient: false,
    searchParams: ORGANIZATION_SEARCH,
    async search(clinicId, _clinic, and, page) {
      return mapClinic(await repo.searchClinic(db(), clinicId, and, page));
    },
    count: (clinicId, and) => repo.countClinic(db(), clinicId, and),
    changedAfter: (since) => ({ updatedAt: { gt: since } }),
    async versions(clinicId, _clinic, id) {
      return mapClinic(await repo.searchClinic(db(), clinicId, [{ id }], { skip: 0, take: 1 }));
    },
  },
};

function observationOf(clinic: FhirClinicInput, { patientId, ...r }: LabResultSearchRow): Mapped {
  return { resource: enteredInError(withVersion(toFhirObservation(target(), clinic, r, patientRef(patientId)), r.version), r.status), patientId };
}

/**
 * The Observation search's serialized resources, as UTF-8 bytes (resource-json-cache.ts): kept for the clinic, the
 * target version and the statement's row, which holds everything the mapping reads, so a hit is the JSON the mapping
 * would write. 32 MB hold some 6000 results.
 */
const observationJson = new ResourceJsonCache(32 * 1024 * 1024);

async function mapMedications(clinicId: string, clinic: FhirClinicInput, rows: Awaited<ReturnType<typeof repo.searchMedications>>): Promise<Mapped[]> {
  const authors = new Map((await repo.usersByIds(db(), clinicId, [...new Set(rows.map((r) => r.prescription.authorId))])).map((u) => [u.id, u]));
  return rows.map((item) => {
    const p = item.prescription;
    const input = medicationInputOf(p, item, authors.get(p.authorId));
    return { resource: withVersion(toFhirMedicationRequest(target(), clinic, input, patientRef(p.patientId)), p.version), patientId: p.patientId };
  });
}

/** Each 確定 letter with its FHIR document (the referral builder, docs/decisions/0049) as the attachment. */
async function mapDocuments(clinicId: string, rows: Awaited<ReturnType<typeof repo.searchDocuments>>): Promise<Mapped[]> {
  const out: Mapped[] = [];
  for (const row of rows) {
    const doc = await documentBundleForApi(clinicId, row);
    out.push({ resource: toFhirDocumentReference({ ...row, bundle: doc?.bundle ?? null, bundleIdentifier: doc?.identifier ?? null }), patientId: row.patientId });
  }
  return out;
}

async function mapVisits(clinicId: string, rows: Awaited<ReturnType<typeof repo.searchVisits>>): Promise<Mapped[]> {
  if (!rows.length) return [];
  const doctors = new Map((await repo.usersByIds(db(), clinicId, [...new Set(rows.map((v) => v.doctorId).filter((id): id is string => !!id))])).map((u) => [u.id, u]));
  const departments = new Map((await repo.departments(db(), clinicId)).map((d) => [d.id, d]));
  return rows.map((v) => {
    const doctor = v.doctorId ? doctors.get(v.doctorId) : undefined;
    const department = v.departmentId ? departments.get(v.departmentId) : undefined;
    const input: FhirVisitInput = {
      ...v,
      department: department ? { code: department.code, name: department.name } : null,
      doctor: doctor ? { id: doctor.id, name: doctor.displayName } : null,
    };
    return { resource: toFhirEncounter(target(), input, patientRef(v.patientId)), patientId: v.patientId };
  });
}

function mapDoctors(clinic: FhirClinicInput, rows: Awaited<ReturnType<typeof repo.searchDoctors>>): Mapped[] {
  return rows.map((u) => ({
    resource: toFhirPractitioner(target(), clinic, { id: u.id, name: u.displayName, licenseNumber: u.licenseNumber, licenseType: u.licenseType, active: !u.disabledAt, updatedAt: u.updatedAt }),
    patientId: null,
  }));
}

function mapClinic(rows: Awaited<ReturnType<typeof repo.searchClinic>>): Mapped[] {
  return rows.map((c) => ({ resource: toFhirOrganization(target(), { ...c }, undefined, { coreExtensions: true }), patientId: null }));
}

async function mapDiagnoses(clinicId: string, clinic: FhirClinicInput, rows: Awaited<ReturnType<typeof repo.searchDiagnoses>>): Promise<Mapped[]> {
  const inputs = await diagnosisInputs(db(), clinicId, rows);
  return inputs.map((d, i) => ({
    resource: enteredInError(withVersion(toFhirCondition(target(), clinic, d, patientRef(rows[i]!.patientId)), d.version), d.status),
    patientId: rows[i]!.patientId,
  }));
}

async function mapAllergies(clinicId: string, clinic: FhirClinicInput, rows: Awaited<ReturnType<typeof repo.searchAllergies>>): Promise<Mapped[]> {
  const inputs = await allergyInputs(db(), clinicId, rows);
  return inputs.map((a, i) => ({
    resource: enteredInError(withVersion(toFhirAllergy(target(), clinic, a, patientRef(rows[i]!.patientId)), a.version), a.status),
    patientId: rows[i]!.patientId,
  }));
}

async function mapLabResults(clinicId: string, clinic: FhirClinicInput, rows: Awaited<ReturnType<typeof repo.searchLabResults>>): Promise<Mapped[]> {
  const inputs = await labResultInputs(db(), clinicId, rows);
  return inputs.map((r, i) => ({
    resource: enteredInError(withVersion(toFhirObservation(target(), clinic, r, patientRef(rows[i]!.patientId)), r.version), r.status),
    patientId: rows[i]!.patientId,
  }));
}

/**
 * Every current resource of a type in the clinic (changed after `since` when given), page by page, mapped by the same
 * lib/fhir mapping as reads: what a Bulk Data export writes. No audit here: the export's kick-off and each file
 * fetched are audited (bulk-export.service.ts).
 */
export async function* exportResources(clinicId: string, type: ApiResourceType, since: Date | null, pageSize: number): AsyncGenerator<Mapped[]> {
  const provider = providers[type];
  const clinic = await clinicInput(clinicId);
  const and = since ? [provider.changedAfter(since)] : [];
  for (let skip = 0; ; skip += pageSize) {
    const page = await provider.search(clinicId, clinic, and, { skip, take: pageSize });
    if (page.length) yield page;
    if (page.length < pageSize) return;
  }
}

/** Subscription criteria: throws the search's 400 for a parameter the type does not support. */
export async function checkCriteria(clinicId: string, type: ApiResourceType, params: readonly (readonly [string, string])[]): Promise<void> {
  const provider = providers[type];
  const known = new Set(provider.searchParams.map((p) => p.name));
  const unknown = params.find(([name]) => !known.has(name));
  if (unknown) throw fhirErrors.invalidParam(unknown[0], `unknown or unsupported search parameter '${unknown[0]}' for ${type}`);
  const clinic = await clinicInput(clinicId);
  buildWhere(provider.searchParams, params, { institutionNumber: clinic.institutionNumber });
}

/** The resource `id` as the read API serves it, if it matches the criteria `params` now; else null. No audit here. */
export async function findMatching(clinicId: string, type: ApiResourceType, params: readonly (readonly [string, string])[], id: string): Promise<Resource | null> {
  const provider = providers[type];
  const clinic = await clinicInput(clinicId);
  const and = buildWhere(provider.searchParams, [...params, ['_id', id]], { institutionNumber: clinic.institutionNumber });
  const [found] = await provider.search(clinicId, clinic, and, { skip: 0, take: 1 });
  return found?.resource ?? null;
}

/** Ids of the clinic's patients matching Patient search parameters (conditional create), at most `limit`. No audit. */
export async function findPatientIds(clinicId: string, params: readonly (readonly [string, string])[], limit: number): Promise<string[]> {
  const provider = providers.Patient;
  const known = new Set(provider.searchParams.map((p) => p.name));
  const unknown = params.find(([name]) => !known.has(name));
  if (unknown) throw fhirErrors.invalidParam(unknown[0], `unknown or unsupported search parameter '${unknown[0]}' for Patient`);
  const clinic = await clinicInput(clinicId);
  const and = buildWhere(provider.searchParams, params, { institutionNumber: clinic.institutionNumber });
  return (await repo.searchPatients(db(), clinicId, and, { skip: 0, take: limit })).map((r) => r.id);
}

/** True when the type's resources belong to a patient (`_include=<type>:patient`, `_revinclude` from Patient). */
export function typeHasPatient(type: ApiResourceType): boolean {
  return providers[type].hasPatient;
}

/** The search parameters of a type (what the CapabilityStatement lists). */
export function searchParamsOf(type: ApiResourceType): readonly { name: string; type: string; documentation: string; sortColumn?: string }[] {
  return providers[type].searchParams;
}

const clinicCache = new Map<string, { value: FhirClinicInput; until: number }>();
async function clinicInput(clinicId: string): Promise<FhirClinicInput> {
  const hit = clinicCache.get(clinicId);
  if (hit && hit.until > Date.now()) return hit.value;
  const clinic = await repo.clinic(db(), clinicId);
  if (!clinic) throw fhirErrors.unauthorized('the clinic of this token no longer exists');
  clinicCache.set(clinicId, { value: clinic, until: Date.now() + 60_000 });
  return clinic;
}

function auditInput(principal: ApiClientPrincipal, type: ApiResourceType, action: 'read' | 'search', detail: Record<string, unknown>, patientId: string | null, resourceId: string | null): AuditInput {
  return {
    clinicId: principal.clinicId,
    actor: principal,
    action,
    resourceType: providers[type].auditType,
    resourceId,
    patientId,
    detail: { via: 'fhir_api', fhirType: type, ...detail },
    ctx: principal.ctx,
  };
}

/** The app and token whose access a read's statement checks (jti null: checked already, the app's status is checked again). */
const callerOf = (principal: ApiClientPrincipal) => ({ clinicId: principal.clinicId, clientId: principal.clientId, jti: principal.pendingAccessCheck ?? null });

/** Settles a read's access check: 401 when the app or the token was revoked, else the principal counts as checked. */
function settleAccess(principal: ApiClientPrincipal, access: AccessCheck) {
  if (access !== 'ok') throw fhirErrors.unauthorized(accessRefused(access).message);
  principal.pendingAccessCheck = undefined;
}

/** The read's audit row, appended by group commit (0090); for a principal still to be checked, by the statement that checks it (0084). */
async function audit(principal: ApiClientPrincipal, type: ApiResourceType, action: 'read' | 'search', detail: Record<string, unknown>, patientId: string | null, resourceId: string | null) {
  const input = auditInput(principal, type, action, detail, patientId, resourceId);
  if (principal.pendingAccessCheck === undefined) {
    await appendReadAudit(input, null);
    return;
  }
  settleAccess(principal, await fhirReadRepository.auditRead(callerOf(principal), input));
}

/** The part of a kept resource's key that names what its JSON depends on besides the row: clinic and target version. */
function jsonScope(clinicId: string, clinic: FhirClinicInput): string {
  return `${clinicId}\n${clinic.institutionNumber}\n${clinic.name}\n${target().version}\n`;
}

/** A Patient read's answer: the serialized resource, and its version and time for the ETag and Last-Modified headers. */
export type PatientJson = JsonMatch & { versionId: string; lastModified: string | undefined };

/**
 * The Patient resources GET Patient/{id} and the Patient search answer, serialized (resource-json-cache.ts), kept for
 * the clinic and the target version (jsonScope) and:
 * - for the read, the read statement's patient text (patientObject), which holds everything the Patient mapping reads
 *   (the registration with its current insurance and 公費), so a hit is the JSON the mapping would write;
 * - for the search (keys under `search\n`), the registration's version and the day (0093): every edit of the
 *   registration, its insurance or its 公費 is a new version (patient.service writes them only after updateIfVersion,
 *   in updatePatient and adoptInsuranceFromEligibility; coverage-writes.test.ts), and the day decides which
 *   insurance and 公費 are current, so the search statement reads ids and versions only and the patients' text only
 *   for a miss.
 * A withdrawn registration is never kept. 16 MB hold some 8,000 patients.
 */
const patientJson = new ResourceJsonCache<PatientJson>(16 * 1024 * 1024);

/**
 * GET Patient/{id}: the access check and the patient with its insurance and 公費 in one SELECT, then its audit row by
 * group commit (0084, 0090, 0091); 404 and 410 write no audit row, as the general path.
 */
export async function readPatientJson(principal: ApiClientPrincipal, id: string): Promise<PatientJson> {
  const clinic = await clinicInput(principal.clinicId);
  const { access, patient } = await fhirReadRepository.readPatientTextAudited(callerOf(principal), id, todayJst(), auditInput(principal, 'Patient', 'read', { interaction: 'read' }, id, id));
  settleAccess(principal, access);
  if (patient === null) throw fhirErrors.notFound('Patient', id);
  const match = keptPatientJson(clinic, jsonScope(principal.clinicId, clinic) + id, patient);
  if (!match) throw new FhirError(410, 'deleted', 'この患者の登録は取り消されています。', `Patient/${id} was withdrawn`);
  return match;
}

/**
 * A patient's serialized resource for its statement text (patientObject: GET Patient/{id} and the Patient search
 * write the same text), kept under `key` (jsonScope + id) or written and kept; null for a withdrawn registration.
 */
function keptPatientJson(clinic: FhirClinicInput, key: string, text: string): PatientJson | null {
  const hit = patientJson.get(key, text);
  if (hit) return hit;
  const row = patientReadRow(text);
  if (row.deletedAt) return null;
  const match = patientMatch(clinic, row);
  patientJson.set(key, text, match);
  return match;
}

/** A registration's serialized resource, as GET Patient/{id} answers it and the search's Bundle holds it. */
function patientMatch(clinic: FhirClinicInput, row: PatientReadRow): PatientJson {
  const resource = withVersion(toFhirPatient(target(), clinic, row), row.version);
  const lastUpdated = resource.meta?.lastUpdated;
  return { id: row.id, patientId: row.id, json: Buffer.from(JSON.stringify(resource)), versionId: resource.meta?.versionId ?? '1', lastModified: lastUpdated ? new Date(lastUpdated).toUTCString() : undefined };
}

/** read: the current version; vread: one version; history: every version (a Bundle of type history). */
export async function readResource(principal: ApiClientPrincipal, type: ApiResourceType, id: string, versionId?: string): Promise<Resource> {
  const clinic = await clinicInput(principal.clinicId);
  if (type === 'Patient' && versionId === undefined) return JSON.parse((await readPatientJson(principal, id)).json.toString()) as Resource;
  const all = await providers[type].versions(principal.clinicId, clinic, id, versionId === undefined);
  const found = versionId === undefined ? all[0] : all.find((m) => m.resource.meta?.versionId === versionId);
  if (!found) throw versionId === undefined ? fhirErrors.notFound(type, id) : fhirErrors.notFound(type, `${id}/_history/${versionId}`);
  await audit(principal, type, 'read', { interaction: versionId === undefined ? 'read' : 'vread', versionId: found.resource.meta?.versionId }, found.patientId, id);
  return found.resource;
}

export async function historyBundle(principal: ApiClientPrincipal, type: ApiResourceType, id: string, baseUrl: string): Promise<Bundle> {
  const clinic = await clinicInput(principal.clinicId);
  const all = await providers[type].versions(principal.clinicId, clinic, id);
  if (!all.length) throw fhirErrors.notFound(type, id);
  await audit(principal, type, 'read', { interaction: 'history-instance', versions: all.length }, all[0]!.patientId, id);
  return {
    resourceType: 'Bundle',
    type: 'history',
    total: all.length,
    link: [{ relation: 'self', url: `${baseUrl}/${type}/${id}/_history` }],
    entry: all.map(({ resource }) => ({
      fullUrl: `${baseUrl}/${type}/${id}`,
      resource,
      request: { method: resource.meta?.versionId === '1' ? 'POST' : 'PUT', url: `${type}/${id}` },
      response: { status: '200', lastModified: resource.meta?.lastUpdated },
    })),
  };
}

/** A type's search by its parameters: one statement where the type has one (0089), else Prisma's queries. */
function searchQuery(provider: ResourceProvider, clinicId: string, clinic: FhirClinicInput, params: readonly (readonly [string, string])[]) {
  const ctx = { institutionNumber: clinic.institutionNumber };
  const oneStatement = provider.sql;
  if (oneStatement) {
    // the clinic id is one parameter of the statement, compared on every table by the where clause and the statement
    const clinicParam = param(clinicId);
    const where = buildSqlWhere(provider.searchParams, params, { ...ctx, clinic: clinicParam });
    const search = (page: Page, sort?: SortOrder) => oneStatement.search(clinicParam, clinic, where, page, sort);
    const { searchJson } = oneStatement;
    return {
      count: () => oneStatement.count(clinicParam, where),
      search,
      searchJson: async (page: Page, sort?: SortOrder) => (searchJson ? searchJson(clinicParam, clinic, where, page, sort) : (await search(page, sort)).map(asMatch)),
    };
  }
  const and = buildWhere(provider.searchParams, params, ctx);
  const search = (page: Page, sort?: SortOrder) => provider.search(clinicId, clinic, and, page, sort);
  return { count: () => provider.count(clinicId, and), search, searchJson: async (page: Page, sort?: SortOrder) => (await search(page, sort)).map(asMatch) };
}

/** A match of a search page: its resource's JSON as kept (UTF-8 bytes, or text), or the mapped resource itself. */
type PageMatch = { id: string; patientId: string | null; json: string | Buffer | Resource };

const asMatch = ({ resource, patientId }: Mapped): PageMatch => ({ id: resource.id!, patientId, json: resource });

type EntryJson = { fullUrl: string; resource: string | Buffer | Resource; mode: 'match' | 'include' };

/**
 * A searchset Bundle's JSON as UTF-8 bytes, as JSON.stringify writes `{ resourceType, type, link, entry }` with each
 * entry `{ fullUrl, resource, search: { mode } }`. Where some resources are kept as JSON, it is written into one
 * buffer from their JSON and the others' (no Bundle text made); else the Bundle is stringified whole, which is
 * cheaper than stringifying its resources one by one.
 */
function searchsetJson(link: NonNullable<Bundle['link']>, entries: readonly EntryJson[]): Buffer {
  const isJson = (resource: EntryJson['resource']): resource is string | Buffer => typeof resource === 'string' || Buffer.isBuffer(resource);
  if (!entries.some((e) => isJson(e.resource))) {
    const bundle = { resourceType: 'Bundle', type: 'searchset', link, entry: entries.map(({ fullUrl, resource, mode }) => ({ fullUrl, resource, search: { mode } })) };
    return Buffer.from(JSON.stringify(bundle));
  }
  const parts: (string | Buffer)[] = [`{"resourceType":"Bundle","type":"searchset","link":${JSON.stringify(link)},"entry":[`];
  entries.forEach(({ fullUrl, resource, mode }, i) =>
    parts.push(`${i ? ',' : ''}{"fullUrl":${JSON.stringify(fullUrl)},"resource":`, isJson(resource) ? resource : JSON.stringify(resource), `,"search":{"mode":"${mode}"}}`),
  );
  parts.push(']}');
  let size = 0;
  for (const part of parts) size += typeof part === 'string' ? Buffer.byteLength(part) : part.length;
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (const part of parts) at += typeof part === 'string' ? out.write(part, at) : part.copy(out, at);
  return out;
}

/**
 * A search's matches and total, unaudited: by the type's one statement, or (`viaPrisma`) by its Prisma queries, which
 * the rest of the API still uses — the tests hold the two alike (fhir-search-sql.int.test.ts).
 */
export async function searchMatches(
  clinicId: string,
  type: ApiResourceType,
  params: readonly (readonly [string, string])[],
  page: Page,
  sort?: SortOrder,
  viaPrisma = false,
): Promise<{ resources: Resource[]; total: number }> {
  const provider = providers[type];
  const clinic = await clinicInput(clinicId);
  const matches = searchQuery(viaPrisma ? { ...provider, sql: undefined } : provider, clinicId, clinic, params);
  const found = await matches.search(page, sort);
  return { resources: found.map((m) => m.resource), total: await matches.count() };
}

export const DEFAULT_COUNT = 20;
export const MAX_COUNT = 100;
/** At most this many resources of each `_revinclude` type per page. */
export const MAX_REVINCLUDE = 500;

/**
 * search-type: a searchset Bundle of the current versions matching every parameter, `_count` per page (≤ 100) with
 * `next`/`previous` links carrying `_offset`; `_summary=count` answers the total only. Unknown parameters are refused
 * (400) rather than ignored, so a client never takes an unfiltered answer for a filtered one. The answer is the
 * Bundle's JSON text, written from its entries' texts (JSON.stringify's text of the Bundle, without the Bundle).
 */
export async function searchBundle(principal: ApiClientPrincipal, type: ApiResourceType, query: URLSearchParams, baseUrl: string): Promise<string | Buffer> {
  const provider = providers[type];
  const known = new Set(provider.searchParams.map((p) => p.name));
  const params: [string, string][] = [];
  let count = DEFAULT_COUNT;
  let offset = 0;
  let summaryCount = false;
  let sort: SortOrder | undefined;
  let includePatients = false;
  const revIncludes: ApiResourceType[] = [];
  for (const [name, value] of query) {
    if (name === '_revinclude') {
      const [source, path, extra] = value.split(':');
      const from = API_RESOURCE_TYPES.find((t) => t === source);
      if (type !== 'Patient' || !from || !providers[from].hasPatient || !['patient', 'subject'].includes(path ?? '') || extra !== undefined) {
        const pairs = API_RESOURCE_TYPES.filter((t) => providers[t].hasPatient).map((t) => `${t}:patient`);
        throw fhirErrors.invalidParam('_revinclude', type !== 'Patient' ? `${type} has no _revinclude` : `_revinclude takes one of ${pairs.join(', ')}`);
      }
      if (!scopesAllow(principal.scopes, from, 'r') || !scopesAllow(principal.scopes, from, 's')) throw fhirErrors.forbidden(`system/${from}.rs`);
      if (!revIncludes.includes(from)) revIncludes.push(from);
      params.push([name, value]);
      continue;
    }
    if (name === '_include') {
      const [source, path] = value.split(':');
      if (source !== type || !provider.hasPatient || !['subject', 'patient'].includes(path ?? '') || value.split(':').length > 2) {
        throw fhirErrors.invalidParam('_include', !provider.hasPatient ? `${type} has no _include` : `_include takes ${type}:patient (or ${type}:subject)`);
      }
      if (!scopesAllow(principal.scopes, 'Patient', 'r')) throw fhirErrors.forbidden('system/Patient.r');
      includePatients = true;
      params.push([name, value]);
      continue;
    }
    if (name === '_sort') {
      const key = value.replace(/^-/, '');
      const column = provider.searchParams.find((p) => p.name === key)?.sortColumn;
      if (!column || value.includes(',')) {
        const allowed = provider.searchParams.filter((p) => p.sortColumn).map((p) => p.name);
        throw fhirErrors.invalidParam('_sort', `_sort takes one of ${allowed.join(', ')} (with - for descending)`);
      }
      sort = { column, direction: value.startsWith('-') ? 'desc' : 'asc' };
      params.push([name, value]);
      continue;
    }
    if (name === '_count') {
      if (!/^\d{1,4}$/.test(value) || Number(value) < 1) throw fhirErrors.invalidParam('_count', '_count must be a whole number from 1');
      count = Math.min(Number(value), MAX_COUNT);
    } else if (name === '_offset') {
      if (!/^\d{1,7}$/.test(value)) throw fhirErrors.invalidParam('_offset', '_offset must be a whole number');
      offset = Number(value);
    } else if (name === '_summary') {
      if (value !== 'count') throw fhirErrors.invalidParam('_summary', 'only _summary=count is supported');
      summaryCount = true;
    } else if (known.has(name)) {
      params.push([name, value]);
    } else {
      throw fhirErrors.invalidParam(name, `unknown or unsupported search parameter '${name}' for ${type}`);
    }
  }
  const clinic = await clinicInput(principal.clinicId);
  const matches = searchQuery(provider, principal.clinicId, clinic, params.filter(([n]) => n !== '_sort' && n !== '_include' && n !== '_revinclude'));
  const selfQuery = new URLSearchParams(params);
  const pageUrl = (o: number) => {
    const q = new URLSearchParams(selfQuery);
    q.set('_count', String(count));
    if (o) q.set('_offset', String(o));
    return `${baseUrl}/${type}?${q.toString()}`;
  };
  if (summaryCount) {
    const total = await matches.count();
    await audit(principal, type, 'search', { interaction: 'search-type', params: params.map(([n]) => n), summary: 'count', total }, null, null);
    const bundle: Bundle = { resourceType: 'Bundle', type: 'searchset', total, link: [{ relation: 'self', url: `${pageUrl(0)}&_summary=count` }] };
    return JSON.stringify(bundle);
  }
  const found = await matches.searchJson({ skip: offset, take: count + 1 }, sort);
  const page = found.slice(0, count);
  const patientIds = [...new Set(page.map((m) => m.patientId).filter((id): id is string => id !== null))];
  // _include: the page's patients, once each, after the matches (search.mode include)
  const included = includePatients && patientIds.length ? await providers.Patient.search(principal.clinicId, clinic, [{ id: { in: patientIds } }], { skip: 0, take: patientIds.length }) : [];
  // _revinclude (Patient only): the current records of each named type that point at the page's patients, up to
  // MAX_REVINCLUDE per type (search.mode include), through the type's own `patient` search parameter
  const revIncluded: Mapped[] = [];
  for (const from of patientIds.length ? revIncludes : []) {
    const p = providers[from];
    const where = buildWhere(p.searchParams, [['patient', patientIds.join(',')]], { institutionNumber: clinic.institutionNumber });
    revIncluded.push(...(await p.search(principal.clinicId, clinic, where, { skip: 0, take: MAX_REVINCLUDE })));
  }
  await audit(
    principal,
    type,
    'search',
    {
      interaction: 'search-type',
      params: params.map(([n]) => n),
      returned: page.length,
      ids: page.map((m) => m.id),
      patientIds,
      included: included.length,
      ...(revIncludes.length ? { revIncluded: revIncluded.map((m) => `${m.resource.resourceType}/${m.resource.id}`) } : {}),
    },
    patientIds.length === 1 ? patientIds[0]! : null,
    null,
  );
  const link: Bundle['link'] = [{ relation: 'self', url: pageUrl(offset) }];
  if (found.length > count) link.push({ relation: 'next', url: pageUrl(offset + count) });
  if (offset > 0) link.push({ relation: 'previous', url: pageUrl(Math.max(0, offset - count)) });
  return searchsetJson(link, [
    ...page.map(({ id, json }): EntryJson => ({ fullUrl: `${baseUrl}/${type}/${id}`, resource: json, mode: 'match' })),
    ...included.map(({ resource }): EntryJson => ({ fullUrl: `${baseUrl}/Patient/${resource.id}`, resource, mode: 'include' })),
    ...revIncluded.map(({ resource }): EntryJson => ({ fullUrl: `${baseUrl}/${resource.resourceType}/${resource.id}`, resource, mode: 'include' })),
  ]);
}
