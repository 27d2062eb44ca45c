/**
 * Search over the national masters (global tables, no clinicId). The query is normalised like the stored keys
 * (NFKC, hiragana → katakana, no spaces) and matched against the name and kana keys with an escaped LIKE pattern,
 * which the pg_trgm GIN indexes serve for 3+ characters. Prefix matches rank first, then shorter names.
 * Abolished codes (and J-FAGY codes past their end date) are excluded unless includeAbolished is set.
 */
import { db, Prisma, type Tx } from '@/lib/core/db';
import { escapeLike, isKana, toKanaSearchKey } from '@/lib/core/kana';
import type { UsageKind } from './parsers/jami-usage';

export const MAX_SEARCH_LIMIT = 100;
/** Shorter queries match name / kana prefixes only. */
export const SUBSTRING_MIN_CHARS = 3;

export interface SearchOptions {
  includeAbolished?: boolean;
}

export interface DiseaseSearchHit {
  code: string;
  name: string;
  kana: string | null;
  keyNumber: string | null;
  exchangeCode: string | null;
  icd10: string | null;
  icd10Sub: string | null;
  movedTo: string | null;
  abolishedOn: string | null;
}

export interface ModifierSearchHit {
  code: string;
  name: string;
  kana: string | null;
  keyNumber: string | null;
  exchangeCode: string | null;
  position: 'prefix' | 'suffix';
  kindCode: string | null;
  abolishedOn: string | null;
}

export interface DrugSearchHit {
  code: string;
  name: string;
  kana: string | null;
  yjCode: string | null;
  genericCode: string | null;
  genericName: string | null;
  unit: string | null;
  price: number | null;
  dosageForm: string | null;
  isGeneric: boolean | null;
  /** 麻毒区分: '0' none, '1' 麻薬, '2' 毒薬, '3' 覚醒剤原料, '5' 向精神薬 */
  narcoticClass: string | null;
  /** 薬価基準収載年月日 (YYYY-MM-DD), filled by the master for recent listings only */
  listedOn: string | null;
  movedTo: string | null;
  abolishedOn: string | null;
}

export interface AllergenSearchHit {
  code: string;
  category: 'food' | 'nonfood' | 'medication';
  name: string;
  kana: string | null;
  /** J-FAGY end date (YYYY-MM-DD) of a deleted code */
  endedOn: string | null;
}

export interface UsageDto {
  code: string;
  text: string;
  kind: UsageKind;
  timesPerDay: number | null;
  sortOrder: number;
}

export interface LabCodeSearchHit {
  code: string;
  name: string;
  specimen: string | null;
  unit: string | null;
}

interface Patterns {
  /** a query with kanji / latin / digits cannot occur in a kana key: match the name key only (halves the scan) */
  nameOnly: boolean;
  contains: string;
  prefix: string;
  limit: number;
}

function patterns(q: string, limit: number): Patterns | null {
  const key = toKanaSearchKey(q ?? '');
  if (!key) return null;
  const escaped = escapeLike(key);
  return {
    nameOnly: !isKana(key),
    // 1–2 characters give no trigram for the GIN index (sequential scan) and thousands of loose matches:
    // match as a prefix only, which is what typing the first characters of a name expects and scans ~3× faster
    contains: [...key].length < SUBSTRING_MIN_CHARS ? `${escaped}%` : `%${escaped}%`,
    prefix: `${escaped}%`,
    limit: Math.max(1, Math.min(MAX_SEARCH_LIMIT, Math.trunc(limit) || 20)),
  };
}

const notAbolished = (include: boolean | undefined) =>
  include ? Prisma.sql`TRUE` : Prisma.sql`("abolishedOn" IS NULL OR "abolishedOn" > CURRENT_DATE)`;

const matchWhere = (p: Patterns) =>
  p.nameOnly
    ? Prisma.sql`"nameSearch" LIKE ${p.contains}`
    : Prisma.sql`("nameSearch" LIKE ${p.contains} OR "kanaSearch" LIKE ${p.contains})`;
const rankOrder = (p: Patterns) =>
  p.nameOnly
    ? Prisma.sql`CASE WHEN "nameSearch" LIKE ${p.prefix} THEN 0 ELSE 1 END, length("name"), "name", "code"`
    : Prisma.sql`CASE WHEN "nameSearch" LIKE ${p.prefix} OR "kanaSearch" LIKE ${p.prefix} THEN 0 ELSE 1 END, length("name"), "name", "code"`;

export async function searchDiseases(q: string, limit = 20, options: SearchOptions = {}): Promise<DiseaseSearchHit[]> {
  const p = patterns(q, limit);
  if (!p) return [];
  return db().$queryRaw<DiseaseSearchHit[]>`
    SELECT "code", "name", "kana", "keyNumber", "exchangeCode", "icd10", "icd10Sub", "movedTo",
           "abolishedOn"::text AS "abolishedOn"
    FROM "DiseaseMaster"
    WHERE ${matchWhere(p)} AND ${notAbolished(options.includeAbolished)}
    ORDER BY ${rankOrder(p)}
    LIMIT ${p.limit}::int`;
}

export async function searchModifiers(q: string, limit = 20, options: SearchOptions = {}): Promise<ModifierSearchHit[]> {
  const p = patterns(q, limit);
  if (!p) return [];
  return db().$queryRaw<ModifierSearchHit[]>`
    SELECT "code", "name", "kana", "keyNumber", "exchangeCode", "position", "kindCode", "abolishedOn"::text AS "abolishedOn"
    FROM "ModifierMaster"
    WHERE ${matchWhere(p)} AND ${notAbolished(options.includeAbolished)}
    ORDER BY ${rankOrder(p)}
    LIMIT ${p.limit}::int`;
}

export async function searchDrugs(q: string, limit = 20, options: SearchOptions = {}): Promise<DrugSearchHit[]> {
  const p = patterns(q, limit);
  if (!p) return [];
  return db().$queryRaw<DrugSearchHit[]>`
    SELECT "code", "name", "kana", "yjCode", "genericCode", "genericName", "unit", "price"::float8 AS "price",
           "dosageForm", "isGeneric", "narcoticClass", "listedOn"::text AS "listedOn", "movedTo", "abolishedOn"::text AS "abolishedOn"
    FROM "DrugMaster"
    WHERE ${matchWhere(p)} AND ${notAbolished(options.includeAbolished)}
    ORDER BY ${rankOrder(p)}
    LIMIT ${p.limit}::int`;
}

export async function searchAllergens(q: string, limit = 20, options: SearchOptions = {}): Promise<AllergenSearchHit[]> {
  const p = patterns(q, limit);
  if (!p) return [];
  return db().$queryRaw<AllergenSearchHit[]>`
    SELECT "code", "category", "name", "kana", "endedOn"::text AS "endedOn"
    FROM "AllergenMaster"
    WHERE ${matchWhere(p)} AND (${options.includeAbolished ?? false} OR "endedOn" IS NULL OR "endedOn" > CURRENT_DATE)
    ORDER BY ${rankOrder(p)}
    LIMIT ${p.limit}::int`;
}

export async function listUsages(kind?: UsageKind): Promise<UsageDto[]> {
  return db().$queryRaw<UsageDto[]>`
    SELECT "code", "text", "kind", "timesPerDay", "sortOrder"
    FROM "UsageMaster"
    WHERE ${kind ? Prisma.sql`"kind" = ${kind}` : Prisma.sql`TRUE`}
    ORDER BY "sortOrder", "code"`;
}

export async function searchLabCodes(q: string, limit = 20): Promise<LabCodeSearchHit[]> {
  const p = patterns(q, limit);
  if (!p) return [];
  const raw = `%${escapeLike(q.trim())}%`; // the JLAC10 names mix full- and half-width characters
  return db().$queryRaw<LabCodeSearchHit[]>`
    SELECT "code", "name", "specimen", "unit"
    FROM "LabCodeMaster"
    WHERE "name" ILIKE ${p.contains} OR "name" ILIKE ${raw} OR "code" LIKE ${p.prefix}
    ORDER BY CASE WHEN "name" ILIKE ${p.prefix} THEN 0 ELSE 1 END, length("name"), "code"
    LIMIT ${p.limit}::int`;
}

/** Exact lookups (e.g. to show a stored code's current name and whether it was abolished / moved). */
export async function getDiseasesByCodes(codes: string[]): Promise<DiseaseSearchHit[]> {
  if (codes.length === 0) return [];
  return db().$queryRaw<DiseaseSearchHit[]>`
    SELECT "code", "name", "kana", "keyNumber", "exchangeCode", "icd10", "icd10Sub", "movedTo",
           "abolishedOn"::text AS "abolishedOn"
    FROM "DiseaseMaster" WHERE "code" IN (${Prisma.join(codes)})`;
}

/**
 * The current (not abolished) 傷病名 of MEDIS 病名管理番号 or 病名交換用コード, as another institution may have coded a
 * diagnosis (the JP-CLINS Condition allows either beside the 傷病名コード).
 */
export async function getDiseasesByMedisCodes(keyNumbers: string[], exchangeCodes: string[]): Promise<DiseaseSearchHit[]> {
  if (keyNumbers.length === 0 && exchangeCodes.length === 0) return [];
  return db().$queryRaw<DiseaseSearchHit[]>`
    SELECT "code", "name", "kana", "keyNumber", "exchangeCode", "icd10", "icd10Sub", "movedTo",
           "abolishedOn"::text AS "abolishedOn"
    FROM "DiseaseMaster"
    WHERE ("keyNumber" IN (${Prisma.join(keyNumbers.length ? keyNumbers : [''])}) OR "exchangeCode" IN (${Prisma.join(exchangeCodes.length ? exchangeCodes : [''])}))
      AND "abolishedOn" IS NULL`;
}

/** `client` lets a transaction read the (global) master on its own connection. */
export async function getDrugsByCodes(codes: string[], client: Pick<Tx, '$queryRaw'> = db()): Promise<DrugSearchHit[]> {
  if (codes.length === 0) return [];
  return client.$queryRaw<DrugSearchHit[]>`
    SELECT "code", "name", "kana", "yjCode", "genericCode", "genericName", "unit", "price"::float8 AS "price",
           "dosageForm", "isGeneric", "narcoticClass", "listedOn"::text AS "listedOn", "movedTo", "abolishedOn"::text AS "abolishedOn"
    FROM "DrugMaster" WHERE "code" IN (${Prisma.join(codes)})`;
}
