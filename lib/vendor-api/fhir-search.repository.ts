/**
 * The vendor API's queries: each FHIR search parameter of each type as a clinic-scoped Prisma where clause, and the
 * reads by lineage id / version. The parameter tables here are what the CapabilityStatement lists (fhir-routes.ts),
 * so the two cannot drift. Records: the latest version of each lineage that is the clinic's record (final or
 * entered-in-error; drafts and 代行入力 awaiting approval are not).
 */
import { db, type Tx } from '@/lib/core/db';
import type { Prisma } from '@/lib/generated/prisma/client';
import { and, FALSE, or, sql, type Condition, type Param, type Sql } from '@/lib/core/sql';
import { escapeLike, toKanaSearchKey, toNameSearchKey } from '@/lib/core/kana';
import { CODE_SYSTEMS, ID_SYSTEMS, patientIdSystem, practitionerIdSystem } from '@/lib/fhir/profiles';
import { parseMedicationRequestId } from '@/lib/fhir/medication-request';
import { visitStatusesOf } from '@/lib/fhir/encounter';
import { DOCUMENT_TYPES, documentKindsOf } from '@/lib/fhir/document-reference';
import { MEDICAL_REGISTRATION_SYSTEM } from '@/lib/fhir/practitioner';
import { alternatives, parseDateParam, parseReference, parseToken, type DateRange } from './fhir-search';

type Client = Tx | ReturnType<typeof db>;

export type SearchParamType = 'token' | 'string' | 'date' | 'reference';
export type SearchContext = { institutionNumber: string };
/** The one-statement searches' context: the clinic id as the statement's parameter, compared on every table (Citus). */
export type SqlSearchContext = SearchContext & { clinic: Param };
export type SearchParamDef<W> = {
  name: string;
  type: SearchParamType;
  documentation: string;
  /** the where clause of one value (one of a comma-separated list) */
  where: (value: string, ctx: SearchContext) => W;
  /**
   * The same clause as SQL, for the types searched in one statement (Patient: the table is `p`; Observation: `r`;
   * fhir-search-sql.repository.ts, docs/decisions/0089). It parses the value as `where` does (the same 400s) and must
   * match the same rows: `null` is Prisma's `{}` (no condition).
   */
  sql?: (value: string, ctx: SqlSearchContext) => Condition;
  /** the column `_sort=<name>` orders by (date parameters) */
  sortColumn?: string;
};

/** `_sort`: the column and direction, then the id so pages are stable. */
export type SortOrder = { column: string; direction: 'asc' | 'desc' };
/** `column` may name a field of a related row (`prescription.issuedDate`). */
const orderBy = (column: string, direction: 'asc' | 'desc'): object => column.split('.').reduceRight<object | string>((inner, key) => ({ [key]: inner }), direction) as object;
const orderOf = (sort: SortOrder | undefined, fallback: object[]) => (sort ? [orderBy(sort.column, sort.direction), { id: 'asc' as const }] : fallback);

const CLINIC_RECORD_STATUSES = ['final', 'entered_in_error'];
/** a value no row holds: matches nothing (not NUL, which PostgreSQL refuses in text) */
const NOTHING = '\u0001none';

/** The clause of a date value on `column`. */
function dateWhere(column: string, range: DateRange): object {
  const on = (filter: Prisma.DateTimeFilter) => ({ [column]: filter });
  switch (range.prefix) {
    case 'eq':
      return on({ gte: range.start, lt: range.end });
    case 'ne':
      // outside the range, on either side (Prisma renders `not: { gte, lt }` as `< start AND >= end`: nothing matched)
      return { OR: [on({ lt: range.start }), on({ gte: range.end })] };
    case 'lt':
    case 'eb':
      return on({ lt: range.start });
    case 'le':
      return on({ lt: range.end });
    case 'gt':
    case 'sa':
      return on({ gte: range.end });
    case 'ge':
      return on({ gte: range.start });
  }
}

/**
 * `dateWhere` in SQL. The bounds go as ISO texts, as Prisma sends them: the server takes each as the column's type (a
 * DATE column keeps the date part).
 */
function dateSql(column: Sql, range: DateRange): Sql {
  const start = range.start.toISOString();
  const end = range.end.toISOString();
  switch (range.prefix) {
    case 'eq':
      return sql`${column} >= ${start} AND ${column} < ${end}`;
    case 'ne':
      return sql`${column} < ${start} OR ${column} >= ${end}`;
    case 'lt':
    case 'eb':
      return sql`${column} < ${start}`;
    case 'le':
      return sql`${column} < ${end}`;
    case 'gt':
    case 'sa':
      return sql`${column} >= ${end}`;
    case 'ge':
      return sql`${column} >= ${start}`;
  }
}

function dateParam<W>(name: string, documentation: string, column: string, dateColumn = false, sqlColumn?: Sql): SearchParamDef<W> {
  return {
    name,
    type: 'date',
    documentation,
    where: (v) => dateWhere(column, parseDateParam(name, v, dateColumn)) as W,
    ...(sqlColumn ? { sql: (v: string) => dateSql(sqlColumn, parseDateParam(name, v, dateColumn)) } : {}),
    sortColumn: column,
  };
}

function patientParam<W>(sqlColumn?: Sql): SearchParamDef<W> {
  return {
    name: 'patient',
    type: 'reference',
    documentation: '患者（Patient/{id}）',
    where: (v) => ({ patientId: parseReference(v, 'Patient') ?? NOTHING }) as W,
    ...(sqlColumn ? { sql: (v: string) => referenceSql(sqlColumn, parseReference(v, 'Patient')) } : {}),
  };
}

/** `column = id`, or nothing matches (a reference to another type). */
const referenceSql = (column: Sql, id: string | null): Sql => (id === null ? FALSE : sql`${column} = ${id}`);

/** AND over occurrences, OR over the comma-separated values of one occurrence. */
export function buildWhere<W extends object>(defs: readonly SearchParamDef<W>[], params: readonly (readonly [string, string])[], ctx: SearchContext): W[] {
  const byName = new Map(defs.map((d) => [d.name, d]));
  return params.map(([name, raw]) => {
    const def = byName.get(name)!;
    const ors = alternatives(raw).map((v) => def.where(v, ctx));
    // an alternative that matches everything ({}) makes the whole parameter match everything (Prisma would drop it
    // from the OR and match only the others)
    if (ors.length > 1 && ors.some((o) => Object.keys(o).length === 0)) return {} as W;
    return (ors.length === 1 ? ors[0]! : { OR: ors }) as W;
  });
}

/** True when every parameter of the type has its SQL clause (the type is searched in one statement). */
export function hasSqlSearch(defs: readonly SearchParamDef<unknown>[]): boolean {
  return defs.every((d) => d.sql !== undefined);
}

/** `buildWhere` as one SQL condition (null: none), parsing the values in the same order, so the same value is refused. */
export function buildSqlWhere(defs: readonly SearchParamDef<unknown>[], params: readonly (readonly [string, string])[], ctx: SqlSearchContext): Condition {
  const byName = new Map(defs.map((d) => [d.name, d]));
  return and(
    params.map(([name, raw]) => {
      const def = byName.get(name)!;
      if (!def.sql) throw new Error(`search parameter ${name} has no SQL clause`);
      const toSql = def.sql;
      const ors = alternatives(raw).map((v) => toSql(v, ctx));
      // an alternative without a condition matches everything, and so does the parameter (as buildWhere)
      return ors.includes(null) ? null : or(ors);
    }),
  );
}

// ---- Patient ----------------------------------------------------------------------------------------------------

type PatientWhere = Prisma.PatientWhereInput;

/** 保険者番号8桁:記号:番号:枝番 — matched on insurer and number (記号 and 枝番 are normalised differently by clinics) */
function memberIdKey(value: string): { insurers: string[]; number: string } | null {
  const [insurer = '', , number = ''] = value.split(':');
  const insurers = [...new Set([insurer, insurer.replace(/^00/, '')])].filter(Boolean);
  return insurers.length && number ? { insurers, number: number.normalize('NFKC') } : null;
}

function memberIdWhere(value: string): PatientWhere {
  const key = memberIdKey(value);
  if (!key) return { id: NOTHING };
  return { insurances: { some: { insurerNumber: { in: key.insurers }, number: key.number } } };
}

/** The patient table of the one-statement search is `p`; its clinic is the statement's parameter `clinic`. */
const P = {
  id: sql`p."id"`,
  patientNumber: sql`p."patientNumber"`,
  birthDate: sql`p."birthDate"`,
  updatedAt: sql`p."updatedAt"`,
};

function memberIdSql(value: string, clinic: Param): Sql {
  const key = memberIdKey(value);
  if (!key) return FALSE;
  return sql`EXISTS (SELECT 1 FROM "PatientInsurance" i WHERE i."clinicId" = ${clinic} AND i."patientId" = p."id" AND i."insurerNumber" = ANY(${key.insurers}::text[]) AND i."number" = ${key.number})`;
}

/** identifier: the 患者番号 (any system or the clinic's), or the 被保険者個人識別子 */
function identifierOf(v: string, ctx: SearchContext): { number: number } | { member: string } | null {
  const t = parseToken(v);
  const asNumber = (code: string) => (/^\d{1,9}$/.test(code) ? { number: Number(code) } : null);
  if (!t.code) return null;
  if (t.system === ID_SYSTEMS.insuranceMember) return { member: t.code };
  if (t.system === undefined || t.system === '') return asNumber(t.code);
  return t.system === patientIdSystem(ctx.institutionNumber) ? asNumber(t.code) : null;
}

/** name: the kanji key and the kana key, each a substring (LIKE '%…%' as Prisma's `contains`: its wildcards are not escaped) */
function nameKeys(v: string): { name: string; kana: string } {
  return { kana: toKanaSearchKey(v), name: toNameSearchKey(v) };
}

export const PATIENT_SEARCH: readonly SearchParamDef<PatientWhere>[] = [
  { name: '_id', type: 'token', documentation: '患者のID', where: (v) => ({ id: v }), sql: (v) => sql`p."id" = ${v}` },
  {
    name: 'identifier',
    type: 'token',
    documentation: '患者番号（system: 医療機関の患者番号 OID）または被保険者個人識別子（JP_Insurance_memberID: 保険者番号:記号:番号:枝番）',
    where: (v, ctx) => {
      const id = identifierOf(v, ctx);
      if (!id) return { id: NOTHING };
      return 'member' in id ? memberIdWhere(id.member) : { patientNumber: id.number };
    },
    sql: (v, ctx) => {
      const id = identifierOf(v, ctx);
      if (!id) return FALSE;
      return 'member' in id ? memberIdSql(id.member, ctx.clinic) : sql`${P.patientNumber} = ${id.number}`;
    },
  },
  {
    name: 'name',
    type: 'string',
    documentation: '氏名（漢字）または カナ・ひらがなの部分一致（空白は無視）',
    where: (v) => {
      const { name, kana } = nameKeys(v);
      // % and _ are the name's own characters, not LIKE wildcards (Prisma's contains does not escape them)
      return { OR: [...(name ? [{ nameSearch: { contains: escapeLike(name) } }] : []), ...(kana ? [{ kanaSearch: { contains: escapeLike(kana) } }] : [])] };
    },
    sql: (v) => {
      const { name, kana } = nameKeys(v);
      return or([name ? sql`p."nameSearch" LIKE ('%' || ${escapeLike(name)} || '%')` : null, kana ? sql`p."kanaSearch" LIKE ('%' || ${escapeLike(kana)} || '%')` : null]);
    },
  },
  dateParam('birthdate', '生年月日（接頭辞 eq, ne, lt, le, gt, ge）', 'birthDate', true, P.birthDate),
  {
    name: 'gender',
    type: 'token',
    documentation: '性別（male | female | other | unknown）',
    where: (v) => ({ sex: parseToken(v).code ?? NOTHING }),
    sql: (v) => {
      const code = parseToken(v).code;
      return code === undefined ? FALSE : sql`p."sex" = ${code}`;
    },
  },
  {
    name: 'phone',
    type: 'token',
    documentation: '電話番号（数字のみで照合）',
    where: (v) => ({ phoneDigits: v.replace(/\D/g, '') || NOTHING }),
    sql: (v) => {
      const digits = v.replace(/\D/g, '');
      return digits ? sql`p."phoneDigits" = ${digits}` : FALSE;
    },
  },
  dateParam('_lastUpdated', '最終更新日時', 'updatedAt', false, P.updatedAt),
];

/** The order of `_sort` columns in the one-statement Patient search (the default: 患者番号). */
export const PATIENT_SQL_ORDER: Record<string, Sql> = { birthDate: P.birthDate, updatedAt: P.updatedAt, patientNumber: P.patientNumber };

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

/** The lab result table of the one-statement search is `r`. */
const R = {
  patientId: sql`r."patientId"`,
  collectedAt: sql`r."collectedAt"`,
  createdAt: sql`r."createdAt"`,
};

/** code: which columns a token names (null: none can match) */
function labCodeOf(v: string): { jlac10?: string; localCode?: string } | null {
  const { system, code } = parseToken(v);
  if (!code) return null;
  const jlac10 = code.normalize('NFKC').toUpperCase();
  if (system === CODE_SYSTEMS.jlac10 || system === CODE_SYSTEMS.labCore || system === CODE_SYSTEMS.labInfection) return { jlac10 };
  if (system === CODE_SYSTEMS.labLocal) return { localCode: code };
  if (system) return null;
  return { jlac10, localCode: code };
}

export const OBSERVATION_SEARCH: readonly SearchParamDef<ObservationWhere>[] = [
  { name: '_id', type: 'token', documentation: '検査結果のID（版をまたいで同じ）', where: (v) => ({ lineageId: v }), sql: (v) => sql`r."lineageId" = ${v}` },
  patientParam(R.patientId),
  {
    name: 'category',
    type: 'token',
    documentation: 'laboratory（すべての検体検査結果）',
    where: (v) => (parseToken(v).code === 'laboratory' ? {} : { id: NOTHING }),
    sql: (v) => (parseToken(v).code === 'laboratory' ? null : FALSE),
  },
  {
    name: 'code',
    type: 'token',
    documentation: 'JLAC10（17桁、JP-CLINS のコア・感染症コードを含む）または施設の検査コード（system 省略時はいずれか）',
    where: (v) => {
      const c = labCodeOf(v);
      if (!c) return { id: NOTHING };
      if (c.jlac10 !== undefined && c.localCode !== undefined) return { OR: [{ jlac10: c.jlac10 }, { localCode: c.localCode }] };
      return c.jlac10 !== undefined ? { jlac10: c.jlac10 } : { localCode: c.localCode! };
    },
    sql: (v) => {
      const c = labCodeOf(v);
      if (!c) return FALSE;
      return or([c.jlac10 !== undefined ? sql`r."jlac10" = ${c.jlac10}` : null, c.localCode !== undefined ? sql`r."localCode" = ${c.localCode}` : null]);
    },
  },
  dateParam('date', '採取日時（接頭辞 eq, ne, lt, le, gt, ge）', 'collectedAt', false, R.collectedAt),
  {
    name: 'encounter',
    type: 'reference',
    documentation: '受診（Encounter/{受付ID}）',
    where: (v) => ({ visitId: parseReference(v, 'Encounter') ?? NOTHING }),
    sql: (v) => referenceSql(sql`r."visitId"`, parseReference(v, 'Encounter')),
  },
  dateParam('_lastUpdated', '最終更新日時（この版の記録日時）', 'createdAt', false, R.createdAt),
];

/** The order of `_sort` columns in the one-statement Observation search. */
export const OBSERVATION_SQL_ORDER: Record<string, Sql> = { collectedAt: R.collectedAt, createdAt: R.createdAt };

// ---- MedicationRequest (処方: one per drug line) --------------------------------------------------------------------

type MedicationWhere = Prisma.PrescriptionItemWhereInput;
const rx = (where: Prisma.PrescriptionWhereInput): MedicationWhere => ({ prescription: where });

export const MEDICATION_SEARCH: readonly SearchParamDef<MedicationWhere>[] = [
  {
    name: '_id',
    type: 'token',
    documentation: '処方の各薬剤のID（{処方ID}-{Rp番号}-{順番}、版をまたいで同じ）',
    where: (v) => {
      const id = parseMedicationRequestId(v);
      return id ? { rpNumber: id.rpNumber, sortOrder: id.sortOrder, prescription: { lineageId: id.lineageId } } : { id: NOTHING };
    },
  },
  { name: 'patient', type: 'reference', documentation: '患者（Patient/{id}）', where: (v) => rx({ patientId: parseReference(v, 'Patient') ?? NOTHING }) },
  {
    name: 'authoredon',
    type: 'date',
    documentation: '処方日（接頭辞 eq, ne, lt, le, gt, ge）',
    where: (v) => rx(dateWhere('issuedDate', parseDateParam('authoredon', v, true))),
    sortColumn: 'prescription.issuedDate',
  },
  {
    name: 'status',
    type: 'token',
    documentation: 'completed（確定した処方）| entered-in-error（入力誤りで取消）',
    where: (v) => {
      const code = parseToken(v).code;
      return code === 'completed' ? rx({ status: 'final' }) : code === 'entered-in-error' ? rx({ status: 'entered_in_error' }) : { id: NOTHING };
    },
  },
  {
    name: 'code',
    type: 'token',
    documentation: 'YJコード、一般名処方マスタのコード、またはレセプト電算の医薬品コード（system 省略時はいずれか）',
    where: (v) => {
      const { system, code } = parseToken(v);
      if (!code) return { id: NOTHING };
      if (system === CODE_SYSTEMS.yjCode) return { OR: [{ drugCodeSystem: 'yj', drugCode: code }, { yjCode: code }] };
      if (system === CODE_SYSTEMS.genericDrug) return { drugCodeSystem: 'generic', drugCode: code };
      if (system) return { id: NOTHING };
      return { OR: [{ drugCode: code }, { yjCode: code }, { receiptCode: code }] };
    },
  },
  { name: 'requester', type: 'reference', documentation: '処方医（Practitioner/{id}）', where: (v) => rx({ authorId: parseReference(v, 'Practitioner') ?? NOTHING }) },
  { name: 'encounter', type: 'reference', documentation: '受診（Encounter/{受付ID}）', where: (v) => rx({ visitId: parseReference(v, 'Encounter') ?? NOTHING }) },
  {
    name: '_lastUpdated',
    type: 'date',
    documentation: '最終更新日時（この版の記録日時）',
    where: (v) => rx(dateWhere('createdAt', parseDateParam('_lastUpdated', v))),
    sortColumn: 'prescription.createdAt',
  },
];

// ---- DocumentReference (確定した診療情報提供書・退院時サマリー・健診結果報告書) ------------------------------------------------------------------------

type DocumentWhere = Prisma.ClinicalDocumentWhereInput;

export const DOCUMENT_SEARCH: readonly SearchParamDef<DocumentWhere>[] = [
  { name: '_id', type: 'token', documentation: '文書のID（版をまたいで同じ）', where: (v) => ({ lineageId: v }) },
  patientParam(),
  {
    name: 'type',
    type: 'token',
    documentation: `文書の種類（${DOCUMENT_TYPES.referral.system} の ${DOCUMENT_TYPES.referral.code} 診療情報提供書、${DOCUMENT_TYPES.discharge_summary.code} 退院時サマリー、${DOCUMENT_TYPES.checkup_report.code} 健診結果報告書）`,
    where: (v) => {
      const { system, code } = parseToken(v);
      const kinds = documentKindsOf(system, code);
      return kinds.length ? { kind: { in: kinds } } : { id: NOTHING };
    },
  },
  dateParam('date', '確定日時（接頭辞 eq, ne, lt, le, gt, ge）', 'confirmedAt'),
  {
    name: 'status',
    type: 'token',
    documentation: 'current（確定）| entered-in-error（取消）',
    where: (v) => {
      const code = parseToken(v).code;
      return code === 'current' ? { status: 'final' } : code === 'entered-in-error' ? { status: 'entered_in_error' } : { id: NOTHING };
    },
  },
  { name: 'encounter', type: 'reference', documentation: '受診（Encounter/{受付ID}）', where: (v) => ({ visitId: parseReference(v, 'Encounter') ?? NOTHING }) },
  dateParam('_lastUpdated', '最終更新日時（この版の記録日時）', 'createdAt'),
];

// ---- Encounter (受付・来院) -----------------------------------------------------------------------------------------

type EncounterWhere = Prisma.VisitWhereInput;

export const ENCOUNTER_SEARCH: readonly SearchParamDef<EncounterWhere>[] = [
  { name: '_id', type: 'token', documentation: '受付ID', where: (v) => ({ id: v }) },
  patientParam(),
  dateParam('date', '来院日（接頭辞 eq, ne, lt, le, gt, ge）', 'visitDate', true),
  {
    name: 'status',
    type: 'token',
    documentation: 'arrived（受付済・診察待ち）| in-progress（診察中）| finished（会計待ち・完了）| cancelled（キャンセル）',
    where: (v) => {
      const statuses = visitStatusesOf(parseToken(v).code ?? '');
      return statuses.length ? { status: { in: statuses } } : { id: NOTHING };
    },
  },
  { name: 'class', type: 'token', documentation: 'AMB（外来）| IMP（入院）', where: (v) => ({ encounterClass: parseToken(v).code ?? NOTHING }) },
  { name: 'practitioner', type: 'reference', documentation: '担当医（Practitioner/{id}）', where: (v) => ({ doctorId: parseReference(v, 'Practitioner') ?? NOTHING }) },
  dateParam('_lastUpdated', '最終更新日時（状態が変わった日時）', 'statusChangedAt'),
];

// ---- Practitioner (the clinic's doctors) --------------------------------------------------------------------------

type PractitionerWhere = Prisma.UserWhereInput;

export const PRACTITIONER_SEARCH: readonly SearchParamDef<PractitionerWhere>[] = [
  { name: '_id', type: 'token', documentation: '医師のID', where: (v) => ({ id: v }) },
  {
    name: 'identifier',
    type: 'token',
    documentation: '医籍登録番号（system: medicalRegistrationNumber）または職員ID（system: 医療機関の職員 OID）',
    where: (v, ctx) => {
      const { system, code } = parseToken(v);
      if (!code) return { id: NOTHING };
      if (system === MEDICAL_REGISTRATION_SYSTEM) return { licenseNumber: code, licenseType: { in: ['medical_registration', 'dental_registration'] } };
      if (system === practitionerIdSystem(ctx.institutionNumber)) return { id: code };
      if (system) return { id: NOTHING };
      return { OR: [{ licenseNumber: code }, { id: code }] };
    },
  },
  {
    name: 'name',
    type: 'string',
    documentation: '氏名（漢字またはカナの部分一致）',
    where: (v) => ({ OR: [{ displayName: { contains: v.trim() } }, { displayNameKana: { contains: v.trim() } }] }),
  },
  {
    name: 'active',
    type: 'token',
    documentation: 'true（在籍）| false（無効化済み）',
    where: (v) => {
      const code = parseToken(v).code;
      return code === 'true' ? { disabledAt: null } : code === 'false' ? { disabledAt: { not: null } } : { id: NOTHING };
    },
  },
  dateParam('_lastUpdated', '最終更新日時', 'updatedAt'),
];

// ---- Organization (the clinic itself) ------------------------------------------------------------------------------

type OrganizationWhere = Prisma.ClinicWhereInput;

export const ORGANIZATION_SEARCH: readonly SearchParamDef<OrganizationWhere>[] = [
  { name: '_id', type: 'token', documentation: '医療機関のID', where: (v) => ({ id: v }) },
  {
    name: 'identifier',
    type: 'token',
    documentation: '医療機関コード（10桁、system: insurance-medical-institution-no）',
    where: (v) => {
      const { system, code } = parseToken(v);
      if (!code || (system && system !== ID_SYSTEMS.institutionNumber)) return { id: NOTHING };
      return { institutionNumber: code };
    },
  },
  { name: 'name', type: 'string', documentation: '名称の部分一致', where: (v) => ({ name: { contains: v.trim() } }) },
  dateParam('_lastUpdated', '最終更新日時', 'updatedAt'),
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

  searchMedications: (c: Client, clinicId: string, and: MedicationWhere[], page: Page, sort?: SortOrder) =>
    c.prescriptionItem.findMany({
      where: { clinicId, prescription: { ...latestRecords(clinicId), patient: { deletedAt: null } }, AND: and },
      include: { prescription: true },
      orderBy: orderOf(sort, [{ prescription: { issuedDate: 'desc' } }, { prescriptionId: 'asc' }, { rpNumber: 'asc' }, { sortOrder: 'asc' }]),
      ...page,
    }),
  countMedications: (c: Client, clinicId: string, and: MedicationWhere[]) =>
    c.prescriptionItem.count({ where: { clinicId, prescription: { ...latestRecords(clinicId), patient: { deletedAt: null } }, AND: and } }),
  /** One drug line in every version of its prescription, newest first. */
  medicationVersions: (c: Client, clinicId: string, lineageId: string, rpNumber: number, sortOrder: number) =>
    c.prescriptionItem.findMany({
      where: { clinicId, rpNumber, sortOrder, prescription: versions(clinicId, lineageId) },
      include: { prescription: true },
      orderBy: { prescription: { version: 'desc' } },
    }),

  searchDocuments: (c: Client, clinicId: string, and: DocumentWhere[], page: Page, sort?: SortOrder) =>
    c.clinicalDocument.findMany({ where: { ...latestRecords(clinicId), patient: { deletedAt: null }, AND: and }, orderBy: orderOf(sort, [{ confirmedAt: 'desc' }, { id: 'asc' }]), ...page }),
  countDocuments: (c: Client, clinicId: string, and: DocumentWhere[]) => c.clinicalDocument.count({ where: { ...latestRecords(clinicId), patient: { deletedAt: null }, AND: and } }),
  documentVersions: (c: Client, clinicId: string, lineageId: string) => c.clinicalDocument.findMany({ where: versions(clinicId, lineageId), orderBy: { version: 'desc' } }),

  searchVisits: (c: Client, clinicId: string, and: EncounterWhere[], page: Page, sort?: SortOrder) =>
    c.visit.findMany({ where: { clinicId, patient: { deletedAt: null }, AND: and }, orderBy: orderOf(sort, [{ visitDate: 'desc' }, { receptionNumber: 'asc' }]), ...page }),
  countVisits: (c: Client, clinicId: string, and: EncounterWhere[]) => c.visit.count({ where: { clinicId, patient: { deletedAt: null }, AND: and } }),

  /** The clinic's doctors (Practitioner): other roles are not served. */
  searchDoctors: (c: Client, clinicId: string, and: PractitionerWhere[], page: Page, sort?: SortOrder) =>
    c.user.findMany({
      where: { clinicId, role: 'doctor', AND: and },
      select: { id: true, displayName: true, licenseNumber: true, licenseType: true, disabledAt: true, updatedAt: true },
      orderBy: orderOf(sort, [{ displayNameKana: 'asc' }, { id: 'asc' }]),
      ...page,
    }),
  countDoctors: (c: Client, clinicId: string, and: PractitionerWhere[]) => c.user.count({ where: { clinicId, role: 'doctor', AND: and } }),
  /** Users by id (a prescription's author, a visit's doctor): name and licence only. */
  usersByIds: (c: Client, clinicId: string, ids: string[]) =>
    ids.length ? c.user.findMany({ where: { clinicId, id: { in: ids } }, select: { id: true, displayName: true, licenseNumber: true, licenseType: true } }) : Promise.resolve([]),
  departments: (c: Client, clinicId: string) => c.department.findMany({ where: { clinicId }, select: { id: true, code: true, name: true } }),

  /** The clinic itself (Organization): one row at most. */
  searchClinic: (c: Client, clinicId: string, and: OrganizationWhere[], page: Page) =>
    c.clinic.findMany({ where: { id: clinicId, AND: and }, select: { id: true, institutionNumber: true, name: true, postalCode: true, address: true, phone: true, updatedAt: true }, ...page }),
  countClinic: (c: Client, clinicId: string, and: OrganizationWhere[]) => c.clinic.count({ where: { id: clinicId, AND: and } }),
};
