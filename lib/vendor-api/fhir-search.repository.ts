/**
 * The vendor API's queries: each FHIR search parameter of each type as a clinic-scoped Prisma where clause, and the
 * reads by lineage id / version. The parameter tables here are what the CapabilityStatement lists (fhir-routes.ts),
 * so the two cannot drift. Records: the latest version of each lineage that is the clinic's record (final or
 * entered-in-error; drafts and 代行入力 awaiting approval are not).
 */
import { db, type Tx } from '@/lib/core/db';
import type { Prisma } from '@/lib/generated/prisma/client';
import { toKanaSearchKey, toNameSearchKey } from '@/lib/core/kana';
import { CODE_SYSTEMS, ID_SYSTEMS, patientIdSystem } from '@/lib/fhir/profiles';
import { alternatives, parseDateParam, parseReference, parseToken, type DateRange } from './fhir-search';

type Client = Tx | ReturnType<typeof db>;

export type SearchParamType = 'token' | 'string' | 'date' | 'reference';
export type SearchContext = { institutionNumber: string };
export type SearchParamDef<W> = {
  name: string;
  type: SearchParamType;
  documentation: string;
  /** the where clause of one value (one of a comma-separated list) */
  where: (value: string, ctx: SearchContext) => W;
  /** the column `_sort=<name>` orders by (date parameters) */
  sortColumn?: string;
};

/** `_sort`: the column and direction, then the id so pages are stable. */
export type SortOrder = { column: string; direction: 'asc' | 'desc' };
const orderOf = (sort: SortOrder | undefined, fallback: object[]) => (sort ? [{ [sort.column]: sort.direction }, { id: 'asc' as const }] : fallback);

const CLINIC_RECORD_STATUSES = ['final', 'entered_in_error'];
const NOTHING = '\u0000none';

function dateWhere(range: DateRange): Prisma.DateTimeFilter | { not: Prisma.DateTimeFilter } {
  switch (range.prefix) {
    case 'eq':
      return { gte: range.start, lt: range.end };
    case 'ne':
      return { not: { gte: range.start, lt: range.end } };
    case 'lt':
    case 'eb':
      return { lt: range.start };
    case 'le':
      return { lt: range.end };
    case 'gt':
    case 'sa':
      return { gte: range.end };
    case 'ge':
      return { gte: range.start };
  }
}

function dateParam<W>(name: string, documentation: string, column: string, dateColumn = false): SearchParamDef<W> {
  return { name, type: 'date', documentation, where: (v) => ({ [column]: dateWhere(parseDateParam(name, v, dateColumn)) }) as W, sortColumn: column };
}

function patientParam<W>(): SearchParamDef<W> {
  return { name: 'patient', type: 'reference', documentation: '患者（Patient/{id}）', where: (v) => ({ patientId: parseReference(v, 'Patient') ?? NOTHING }) as W };
}

/** AND over occurrences, OR over the comma-separated values of one occurrence. */
export function buildWhere<W extends object>(defs: readonly SearchParamDef<W>[], params: readonly (readonly [string, string])[], ctx: SearchContext): W[] {
  const byName = new Map(defs.map((d) => [d.name, d]));
  return params.map(([name, raw]) => {
    const def = byName.get(name)!;
    const ors = alternatives(raw).map((v) => def.where(v, ctx));
    return (ors.length === 1 ? ors[0]! : { OR: ors }) as W;
  });
}

// ---- Patient ----------------------------------------------------------------------------------------------------

type PatientWhere = Prisma.PatientWhereInput;

function memberIdWhere(value: string): PatientWhere {
  // 保険者番号8桁:記号:番号:枝番 — matched on insurer and number (記号 and 枝番 are normalised differently by clinics)
  const [insurer = '', , number = ''] = value.split(':');
  const insurers = [...new Set([insurer, insurer.replace(/^00/, '')])].filter(Boolean);
  if (!insurers.length || !number) return { id: NOTHING };
  return { insurances: { some: { insurerNumber: { in: insurers }, number: number.normalize('NFKC') } } };
}

export const PATIENT_SEARCH: readonly SearchParamDef<PatientWhere>[] = [
  { name: '_id', type: 'token', documentation: '患者のID', where: (v) => ({ id: v }) },
  {
    name: 'identifier',
    type: 'token',
    documentation: '患者番号（system: 医療機関の患者番号 OID）または被保険者個人識別子（JP_Insurance_memberID: 保険者番号:記号:番号:枝番）',
    where: (v, ctx) => {
      const t = parseToken(v);
      const asNumber = (code: string): PatientWhere => (/^\d{1,9}$/.test(code) ? { patientNumber: Number(code) } : { id: NOTHING });
      if (!t.code) return { id: NOTHING };
      if (t.system === ID_SYSTEMS.insuranceMember) return memberIdWhere(t.code);
      if (t.system === undefined || t.system === '') return asNumber(t.code);
      return t.system === patientIdSystem(ctx.institutionNumber) ? asNumber(t.code) : { id: NOTHING };
    },
  },
  {
    name: 'name',
    type: 'string',
    documentation: '氏名（漢字）または カナ・ひらがなの部分一致（空白は無視）',
    where: (v) => {
      const kana = toKanaSearchKey(v);
      const name = toNameSearchKey(v);
      return { OR: [...(name ? [{ nameSearch: { contains: name } }] : []), ...(kana ? [{ kanaSearch: { contains: kana } }] : [])] };
    },
  },
  dateParam('birthdate', '生年月日（接頭辞 eq, ne, lt, le, gt, ge）', 'birthDate', true),
  { name: 'gender', type: 'token', documentation: '性別（male | female | other | unknown）', where: (v) => ({ sex: parseToken(v).code ?? NOTHING }) },
  { name: 'phone', type: 'token', documentation: '電話番号（数字のみで照合）', where: (v) => ({ phoneDigits: v.replace(/\D/g, '') || NOTHING }) },
  dateParam('_lastUpdated', '最終更新日時', 'updatedAt'),
];

// ---- Condition (傷病名) -------------------------------------------------------------------------------------------

type ConditionWhere = Prisma.DiagnosisWhereInput;
const ENDED_OUTCOMES = ['died', 'discontinued', 'transferred'];

export const CONDITION_SEARCH: readonly SearchParamDef<ConditionWhere>[] = [
  { name: '_id', type: 'token', documentation: '傷病名のID（版をまたいで同じ）', where: (v) => ({ lineageId: v }) },
  patientParam(),
  {
    name: 'clinical-status',
    type: 'token',
    documentation: 'active（継続）| resolved（治ゆ）| inactive（死亡・中止・転医、または終了日あり）',
    where: (v) => {
      switch (parseToken(v).code) {
        case 'active':
          return { outcome: null, endDate: null };
        case 'resolved':
          return { outcome: 'cured' };
        case 'inactive':
          return { OR: [{ outcome: { in: ENDED_OUTCOMES } }, { outcome: null, endDate: { not: null } }] };
        default:
          return { id: NOTHING };
      }
    },
  },
  {
    name: 'verification-status',
    type: 'token',
    documentation: 'confirmed | unconfirmed（疑い）| entered-in-error（入力誤りで取消）',
    where: (v) => {
      switch (parseToken(v).code) {
        case 'confirmed':
          return { status: 'final', isSuspected: false };
        case 'unconfirmed':
          return { status: 'final', isSuspected: true };
        case 'entered-in-error':
          return { status: 'entered_in_error' };
        default:
          return { id: NOTHING };
      }
    },
  },
  { name: 'category', type: 'token', documentation: 'encounter-diagnosis（すべての傷病名）', where: (v) => (parseToken(v).code === 'encounter-diagnosis' ? {} : { id: NOTHING }) },
  {
    name: 'code',
    type: 'token',
    documentation: 'MEDIS 病名管理番号、レセプト電算処理用傷病名コード、ICD-10（system 省略時はいずれか）',
    where: (v) => {
      const { system, code } = parseToken(v);
      if (!code) return { id: NOTHING };
      if (system === CODE_SYSTEMS.medisDisease) return { medisKeyNumber: code };
      if (system === CODE_SYSTEMS.receiptDisease) return { diseaseCode: code };
      if (system === CODE_SYSTEMS.icd10) return { icd10: code };
      if (system) return { id: NOTHING };
      return { OR: [{ medisKeyNumber: code }, { diseaseCode: code }, { icd10: code }] };
    },
  },
  dateParam('onset-date', '開始日', 'startDate', true),
  dateParam('_lastUpdated', '最終更新日時（この版の記録日時）', 'createdAt'),
];

// ---- AllergyIntolerance ------------------------------------------------------------------------------------------

type AllergyWhere = Prisma.AllergyWhereInput;

export const ALLERGY_SEARCH: readonly SearchParamDef<AllergyWhere>[] = [
  { name: '_id', type: 'token', documentation: 'アレルギーのID（版をまたいで同じ）', where: (v) => ({ lineageId: v }) },
  patientParam(),
  { name: 'clinical-status', type: 'token', documentation: 'active | inactive | resolved', where: (v) => ({ clinicalStatus: parseToken(v).code ?? NOTHING }) },
  {
    name: 'category',
    type: 'token',
    documentation: 'medication（薬剤）| food（食物）| environment（環境）',
    where: (v) => {
      const code = parseToken(v).code;
      return code === 'medication' || code === 'food' || code === 'environment' ? { category: code } : { id: NOTHING };
    },
  },
  dateParam('_lastUpdated', '最終更新日時（この版の記録日時）', 'createdAt'),
];

// ---- Observation (検査結果) ---------------------------------------------------------------------------------------

type ObservationWhere = Prisma.LabResultWhereInput;

export const OBSERVATION_SEARCH: readonly SearchParamDef<ObservationWhere>[] = [
  { name: '_id', type: 'token', documentation: '検査結果のID（版をまたいで同じ）', where: (v) => ({ lineageId: v }) },
  patientParam(),
  { name: 'category', type: 'token', documentation: 'laboratory（すべての検体検査結果）', where: (v) => (parseToken(v).code === 'laboratory' ? {} : { id: NOTHING }) },
  {
    name: 'code',
    type: 'token',
    documentation: 'JLAC10（17桁、JP-CLINS のコア・感染症コードを含む）または施設の検査コード（system 省略時はいずれか）',
    where: (v) => {
      const { system, code } = parseToken(v);
      if (!code) return { id: NOTHING };
      const jlac10 = code.normalize('NFKC').toUpperCase();
      if (system === CODE_SYSTEMS.jlac10 || system === CODE_SYSTEMS.labCore || system === CODE_SYSTEMS.labInfection) return { jlac10 };
      if (system === CODE_SYSTEMS.labLocal) return { localCode: code };
      if (system) return { id: NOTHING };
      return { OR: [{ jlac10 }, { localCode: code }] };
    },
  },
  dateParam('date', '採取日時（接頭辞 eq, ne, lt, le, gt, ge）', 'collectedAt'),
  { name: 'encounter', type: 'reference', documentation: '受診（Encounter/{受付ID}）', where: (v) => ({ visitId: parseReference(v, 'Encounter') ?? NOTHING }) },
  dateParam('_lastUpdated', '最終更新日時（この版の記録日時）', 'createdAt'),
];

// ---- queries -----------------------------------------------------------------------------------------------------

export type Page = { skip: number; take: number };

const latestRecords = (clinicId: string) => ({ clinicId, isLatest: true, status: { in: CLINIC_RECORD_STATUSES } });
const versions = (clinicId: string, lineageId: string) => ({ clinicId, lineageId, status: { in: CLINIC_RECORD_STATUSES } });

export const fhirSearchRepository = {
  clinic: (c: Client, clinicId: string) => c.clinic.findFirst({ where: { id: clinicId }, select: { institutionNumber: true, name: true } }),

  /** A patient by id, withdrawn ones too (the API answers 410 for those). */
  patient: (c: Client, clinicId: string, id: string) => c.patient.findFirst({ where: { clinicId, id } }),
  /** The patient's registration versions, newest first (PatientRevision: a snapshot of what each version said). */
  patientRevisions: (c: Client, clinicId: string, patientId: string) =>
    c.patientRevision.findMany({ where: { clinicId, patientId }, orderBy: { version: 'desc' }, select: { version: true, changeType: true, snapshot: true, changedAt: true } }),
  searchPatients: (c: Client, clinicId: string, and: PatientWhere[], page: Page, sort?: SortOrder) =>
    c.patient.findMany({ where: { clinicId, deletedAt: null, AND: and }, orderBy: orderOf(sort, [{ patientNumber: 'asc' }]), ...page }),
  countPatients: (c: Client, clinicId: string, and: PatientWhere[]) => c.patient.count({ where: { clinicId, deletedAt: null, AND: and } }),

  searchDiagnoses: (c: Client, clinicId: string, and: ConditionWhere[], page: Page, sort?: SortOrder) =>
    c.diagnosis.findMany({ where: { ...latestRecords(clinicId), patient: { deletedAt: null }, AND: and }, orderBy: orderOf(sort, [{ createdAt: 'desc' }, { id: 'asc' }]), ...page }),
  countDiagnoses: (c: Client, clinicId: string, and: ConditionWhere[]) => c.diagnosis.count({ where: { ...latestRecords(clinicId), patient: { deletedAt: null }, AND: and } }),
  diagnosisVersions: (c: Client, clinicId: string, lineageId: string) => c.diagnosis.findMany({ where: versions(clinicId, lineageId), orderBy: { version: 'desc' } }),

  searchAllergies: (c: Client, clinicId: string, and: AllergyWhere[], page: Page, sort?: SortOrder) =>
    c.allergy.findMany({ where: { ...latestRecords(clinicId), patient: { deletedAt: null }, AND: and }, orderBy: orderOf(sort, [{ createdAt: 'desc' }, { id: 'asc' }]), ...page }),
  countAllergies: (c: Client, clinicId: string, and: AllergyWhere[]) => c.allergy.count({ where: { ...latestRecords(clinicId), patient: { deletedAt: null }, AND: and } }),
  allergyVersions: (c: Client, clinicId: string, lineageId: string) => c.allergy.findMany({ where: versions(clinicId, lineageId), orderBy: { version: 'desc' } }),

  searchLabResults: (c: Client, clinicId: string, and: ObservationWhere[], page: Page, sort?: SortOrder) =>
    c.labResult.findMany({ where: { ...latestRecords(clinicId), patient: { deletedAt: null }, AND: and }, orderBy: orderOf(sort, [{ collectedAt: 'desc' }, { id: 'asc' }]), ...page }),
  countLabResults: (c: Client, clinicId: string, and: ObservationWhere[]) => c.labResult.count({ where: { ...latestRecords(clinicId), patient: { deletedAt: null }, AND: and } }),
  labResultVersions: (c: Client, clinicId: string, lineageId: string) => c.labResult.findMany({ where: versions(clinicId, lineageId), orderBy: { version: 'desc' } }),
};
