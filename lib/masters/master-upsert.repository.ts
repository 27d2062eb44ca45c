/**
 * Batched, idempotent writes into the master tables. Every value goes through Prisma.sql parameters; identifiers come
 * only from the fixed TABLES spec below. Rows are never deleted: abolished codes stay resolvable.
 */
import { db, Prisma } from '@/lib/core/db';
import type { GenericNameRow, MasterRow, MasterTable } from './types';

type ColType = 'text' | 'date' | 'numeric' | 'int' | 'bool';

interface TableSpec {
  table: string;
  columns: Record<string, ColType>;
  /** NOT NULL columns a row must carry to be inserted */
  required: string[];
  hasImportedAt: boolean;
}

const searchable = { name: 'text', kana: 'text', nameSearch: 'text', kanaSearch: 'text' } as const;
const lifecycle = { movedTo: 'text', abolishedOn: 'date', changedOn: 'date' } as const;

export const TABLES: Record<MasterTable, TableSpec> = {
  disease: {
    table: 'DiseaseMaster',
    columns: {
      code: 'text', keyNumber: 'text', exchangeCode: 'text', ...searchable, icd10: 'text', icd10Sub: 'text', ...lifecycle, source: 'text',
    },
    required: ['name', 'nameSearch', 'kanaSearch', 'source'],
    hasImportedAt: true,
  },
  modifier: {
    table: 'ModifierMaster',
    columns: {
      code: 'text', keyNumber: 'text', exchangeCode: 'text', ...searchable, position: 'text', kindCode: 'text', ...lifecycle, source: 'text',
    },
    required: ['name', 'nameSearch', 'kanaSearch', 'position', 'source'],
    hasImportedAt: true,
  },
  drug: {
    table: 'DrugMaster',
    columns: {
      code: 'text', yjCode: 'text', ...searchable, genericName: 'text', genericCode: 'text', unit: 'text', price: 'numeric',
      dosageForm: 'text', isGeneric: 'bool', narcoticClass: 'text', listedOn: 'date', ...lifecycle, source: 'text',
    },
    required: ['name', 'nameSearch', 'kanaSearch', 'source'],
    hasImportedAt: true,
  },
  allergen: {
    table: 'AllergenMaster',
    columns: { code: 'text', category: 'text', ...searchable, endedOn: 'date', movedTo: 'text', source: 'text' },
    required: ['category', 'name', 'nameSearch', 'kanaSearch', 'source'],
    hasImportedAt: true,
  },
  usage: {
    table: 'UsageMaster',
    columns: { code: 'text', text: 'text', kind: 'text', timesPerDay: 'int', sortOrder: 'int', source: 'text' },
    required: ['text', 'kind', 'source'],
    hasImportedAt: false,
  },
  labCode: {
    table: 'LabCodeMaster',
    columns: { code: 'text', name: 'text', specimen: 'text', unit: 'text', source: 'text' },
    required: ['name', 'source'],
    hasImportedAt: true,
  },
};

const ident = (name: string) => Prisma.raw(`"${name}"`);

function param(value: unknown, type: ColType): Prisma.Sql {
  return Prisma.sql`${value ?? null}::${Prisma.raw(type)}`;
}

/** Columns a row provides (the stored value of every other column is kept). */
function providedColumns(spec: TableSpec, values: Record<string, unknown>): string[] {
  return Object.keys(spec.columns).filter((c) => c !== 'code' && values[c] !== undefined);
}

function groupBySignature(spec: TableSpec, rows: MasterRow[]) {
  const groups = new Map<string, { columns: string[]; rows: MasterRow[] }>();
  for (const row of rows) {
    const columns = providedColumns(spec, row.values);
    const key = columns.join(',');
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { columns, rows: [] }));
    group.rows.push(row);
  }
  return [...groups.values()];
}

export interface UpsertOutcome {
  inserted: number;
  updated: number;
  /** codes of change rows that matched no stored row */
  missing: string[];
  /** rows older (変更年月日) than the stored row: left as they are */
  skippedOlder: number;
}

/** Never downgrade: a row only overwrites a stored one whose 変更年月日 is not newer. */
function notOlder(spec: TableSpec, columns: string[], incoming: Prisma.Sql): Prisma.Sql {
  if (!('changedOn' in spec.columns) || !columns.includes('changedOn')) return Prisma.sql`TRUE`;
  return Prisma.sql`(t."changedOn" IS NULL OR ${incoming}."changedOn" IS NULL OR ${incoming}."changedOn" >= t."changedOn")`;
}

/**
 * Writes one batch (codes must be unique within the batch). Full rows: INSERT … ON CONFLICT DO UPDATE of the columns
 * they provide. Change rows (partial, or lacking a required column): UPDATE … FROM (VALUES …) of the provided columns.
 */
export async function upsertMasterRows(table: MasterTable, rows: MasterRow[]): Promise<UpsertOutcome> {
  const spec = TABLES[table];
  const outcome: UpsertOutcome = { inserted: 0, updated: 0, missing: [], skippedOlder: 0 };
  if (rows.length === 0) return outcome;
  const full: MasterRow[] = [];
  const partial: MasterRow[] = [];
  for (const row of rows) {
    const insertable = spec.required.every((c) => row.values[c] !== undefined && row.values[c] !== null);
    (insertable ? full : partial).push(row);
  }
  const client = db();
  // The time is a parameter, not now(): Citus refuses non-IMMUTABLE functions in ON CONFLICT DO UPDATE SET on
  // reference tables (docs/decisions/0011), and one import batch gets one timestamp either way.
  const importedAt = Prisma.sql`${new Date()}::timestamptz`;
  for (const group of groupBySignature(spec, full)) {
    const columns = ['code', ...group.columns];
    const values = group.rows.map(
      (r) => Prisma.sql`(${Prisma.join(columns.map((c) => param(r.values[c], spec.columns[c])))})`,
    );
    const sets = group.columns.map((c) => Prisma.sql`${ident(c)} = EXCLUDED.${ident(c)}`);
    if (spec.hasImportedAt) sets.push(Prisma.sql`"importedAt" = ${importedAt}`);
    const result = await client.$queryRaw<{ inserted: boolean }[]>`
      INSERT INTO ${ident(spec.table)} AS t (${Prisma.join(columns.map(ident))})
      VALUES ${Prisma.join(values)}
      ON CONFLICT ("code") DO UPDATE SET ${Prisma.join(sets)}
      WHERE ${notOlder(spec, group.columns, Prisma.sql`EXCLUDED`)}
      RETURNING (xmax = 0) AS inserted`;
    outcome.skippedOlder += group.rows.length - result.length;
    for (const r of result) {
      if (r.inserted) outcome.inserted++;
      else outcome.updated++;
    }
  }
  for (const group of groupBySignature(spec, partial)) {
    const columns = ['code', ...group.columns];
    const values = group.rows.map(
      (r) => Prisma.sql`(${Prisma.join(columns.map((c) => param(r.values[c], spec.columns[c])))})`,
    );
    const sets = group.columns.map((c) => Prisma.sql`${ident(c)} = v.${ident(c)}`);
    if (spec.hasImportedAt) sets.push(Prisma.sql`"importedAt" = ${importedAt}`);
    if (sets.length === 0) continue;
    const result = await client.$queryRaw<{ code: string }[]>`
      UPDATE ${ident(spec.table)} AS t SET ${Prisma.join(sets)}
      FROM (VALUES ${Prisma.join(values)}) AS v (${Prisma.join(columns.map(ident))})
      WHERE t."code" = v."code" AND ${notOlder(spec, group.columns, Prisma.sql`v`)}
      RETURNING t."code"`;
    outcome.updated += result.length;
    const found = new Set(result.map((r) => r.code));
    const unmatched = group.rows.map((r) => r.values.code as string).filter((c) => !found.has(c));
    if (unmatched.length === 0) continue;
    const existing = await client.$queryRaw<{ code: string }[]>`
      SELECT "code" FROM ${ident(spec.table)} WHERE "code" IN (${Prisma.join(unmatched)})`;
    const stored = new Set(existing.map((r) => r.code));
    for (const code of unmatched) {
      if (stored.has(code)) outcome.skippedOlder++;
      else outcome.missing.push(code);
    }
  }
  return outcome;
}

/** MEDIS nmain 移行先病名管理番号 → the successor's 傷病名コード (run after the whole file is stored). */
/** Refreshes the planner's statistics after a large import, so searches use the trigram indexes at once. */
export async function analyzeMasterTables(tables: MasterTable[]): Promise<void> {
  for (const t of new Set(tables)) await db().$executeRaw`ANALYZE ${ident(TABLES[t].table)}`;
}

export async function resolveDiseaseMovesByKeyNumber(moves: { code: string; movedToKeyNumber: string }[]): Promise<number> {
  let updated = 0;
  for (let i = 0; i < moves.length; i += 500) {
    const chunk = moves.slice(i, i + 500);
    const values = chunk.map((m) => Prisma.sql`(${m.code}::text, ${m.movedToKeyNumber}::text)`);
    updated += await db().$executeRaw`
      UPDATE "DiseaseMaster" AS d SET "movedTo" = s."code"
      FROM (VALUES ${Prisma.join(values)}) AS v ("code", "key")
      JOIN "DiseaseMaster" AS s ON s."keyNumber" = v."key"
      WHERE d."code" = v."code" AND s."code" <> d."code"`;
  }
  return updated;
}

/**
 * 一般名処方マスタ → DrugMaster. 全体 sheet rows: refresh the name of drugs already carrying the code, and give drugs
 * without a 一般名コード the standard one (first 9 characters of the 薬価基準収載医薬品コード + ZZZ). 例外コード rows: set
 * the code on the drugs with that 薬価基準収載医薬品コード. Returns the number of drug rows changed.
 */
export async function applyGenericNames(rows: GenericNameRow[]): Promise<number> {
  const client = db();
  const importedAt = Prisma.sql`${new Date()}::timestamptz`;
  let changed = 0;
  const general = rows.filter((r) => !r.yjCode);
  const exceptions = rows.filter((r) => r.yjCode);
  for (let i = 0; i < general.length; i += 500) {
    const chunk = general.slice(i, i + 500);
    const values = Prisma.join(chunk.map((r) => Prisma.sql`(${r.genericCode}::text, ${r.genericName}::text)`));
    changed += await client.$executeRaw`
      UPDATE "DrugMaster" AS d SET "genericName" = v."name", "importedAt" = ${importedAt}
      FROM (VALUES ${values}) AS v ("code", "name")
      WHERE d."genericCode" = v."code" AND d."genericName" IS DISTINCT FROM v."name"`;
    const standard = chunk.filter((r) => r.genericCode.endsWith('ZZZ'));
    if (standard.length === 0) continue;
    const prefixed = Prisma.join(
      standard.map((r) => Prisma.sql`(${r.genericCode.slice(0, 9)}::text, ${r.genericCode}::text, ${r.genericName}::text)`),
    );
    changed += await client.$executeRaw`
      UPDATE "DrugMaster" AS d SET "genericCode" = v."code", "genericName" = v."name", "importedAt" = ${importedAt}
      FROM (VALUES ${prefixed}) AS v ("prefix", "code", "name")
      WHERE d."genericCode" IS NULL AND d."yjCode" LIKE v."prefix" || '%'`;
  }
  for (let i = 0; i < exceptions.length; i += 500) {
    const chunk = exceptions.slice(i, i + 500);
    const values = Prisma.join(
      chunk.map((r) => Prisma.sql`(${r.yjCode!}::text, ${r.genericCode}::text, ${r.genericName}::text)`),
    );
    changed += await client.$executeRaw`
      UPDATE "DrugMaster" AS d SET "genericCode" = v."code", "genericName" = v."name", "importedAt" = ${importedAt}
      FROM (VALUES ${values}) AS v ("yj", "code", "name")
      WHERE d."yjCode" = v."yj"
        AND (d."genericCode" IS DISTINCT FROM v."code" OR d."genericName" IS DISTINCT FROM v."name")`;
  }
  return changed;
}
