/** Shared types of the national master importers (global tables, no clinicId). */

export const MASTER_KINDS = [
  'ssk-disease', // 支払基金 傷病名マスター (b)
  'ssk-modifier', // 支払基金 修飾語マスター (z)
  'ssk-drug', // 支払基金 医薬品マスター (y, 35/40/42 columns, full or change file)
  'medis-disease', // MEDIS 標準病名マスター 病名基本テーブル (nmain)
  'medis-modifier', // MEDIS 標準病名マスター 修飾語テーブル (mdfy)
  'generic-name', // 厚労省 一般名処方マスタ (CSV of the 全体 sheet or the 例外コード sheet)
  'jfagy', // J-FAGY アレルゲンコード
  'jlac10', // JLAC10 17桁
  'jami-usage', // JAMI 標準用法コード 16桁
] as const;
export type MasterKind = (typeof MASTER_KINDS)[number];

export type MasterTable = 'disease' | 'modifier' | 'drug' | 'allergen' | 'usage' | 'labCode';

export type SourceEncoding = 'utf8' | 'sjis';

/**
 * One parsed row ready for the upsert.
 * In `values`, `undefined` = not provided (the stored value is kept), `null` = explicitly empty.
 * Rows of change files (差分, 変更区分=5) carry only the changed fields.
 */
export interface MasterRow {
  table: MasterTable;
  values: Record<string, unknown>;
  /** true when the row may lack required columns (change-file row): it only updates an existing code. */
  partial: boolean;
  /** SSK 変更区分 (0 継続, 1 抹消, 2 復活, 3 新規, 5 変更, 9 廃止) or the source's own change category */
  changeType?: string;
}

/** 一般名処方マスタ row: fills DrugMaster.genericCode/genericName of matching drugs. */
export interface GenericNameRow {
  genericCode: string;
  genericName: string;
  /** 例外コード sheet: the 薬価基準収載医薬品コード this generic code applies to */
  yjCode?: string;
}

export type ParseResult =
  | { ok: true; row: MasterRow }
  | { ok: true; generic: GenericNameRow }
  | { ok: false; error: string }
  | { ok: true; skip: true };

export interface ParseContext {
  /** true for 差分 files: every 変更区分=5/9/1 row fills only its non-empty fields */
  changeFile: boolean;
  /** value stored in the `source` column, e.g. "SSK b_20240601" */
  source: string;
  /** carries state between rows (e.g. continuation rows of the 例外コード sheet) */
  state: Record<string, unknown>;
}

export interface ImportError {
  row: number;
  message: string;
}

export interface ImportResult {
  importId: string;
  kind: MasterKind;
  /** partial: some rows failed (errors says which and why); failed: none applied, or the run broke off */
  status: 'done' | 'partial' | 'failed';
  totalRows: number;
  processedRows: number;
  inserted: number;
  updated: number;
  abolished: number;
  /** rows not applied because the stored row has a newer 変更年月日 */
  skippedOlder: number;
  errorCount: number;
  errors: ImportError[];
  durationMs: number;
}
