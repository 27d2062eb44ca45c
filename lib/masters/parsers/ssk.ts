/**
 * 社会保険診療報酬支払基金 基本マスター: 傷病名 (b, 46 cols), 修飾語 (z, 19 cols), 医薬品 (y, 35/40/42 cols).
 * Column numbers (0-based) follow docs/masters.md. Pure functions: CSV record → MasterRow.
 */
import type { ParseContext, ParseResult } from '../types';
import { fieldReader, isAbolishChange, nameColumns } from '../parse-utils';

const CHANGE_ONLY_TYPES = new Set(['1', '5', '9']);

/** A row fills only its non-empty fields when it is a 変更/廃止/抹消 row of a change file, or when it lacks a name. */
function isPartial(changeType: string, nameField: string | undefined, ctx: ParseContext): boolean {
  return (ctx.changeFile && CHANGE_ONLY_TYPES.has(changeType)) || (nameField ?? '').trim() === '';
}

/**
 * 変更年月日 / 廃止年月日 of a row. An abolish row without a 廃止年月日 still abolishes (its 変更年月日, else today), and
 * one without a 変更年月日 is dated by its 廃止年月日, so an older file imported later cannot revive the code.
 */
function lifecycleDates(changeType: string, changedOn: string | null | undefined, abolishedOn: string | null | undefined) {
  if (!isAbolishChange(changeType)) return { changedOn, abolishedOn };
  const abolished = abolishedOn || changedOn || new Date().toISOString().slice(0, 10);
  return { changedOn: changedOn || abolished, abolishedOn: abolished };
}

export function parseSskDiseaseRow(fields: string[], ctx: ParseContext): ParseResult {
  if (fields.length < 24) return { ok: false, error: `傷病名マスターの列数が不足しています (${fields.length} 列)` };
  if (fields[1]?.trim() !== 'B') return { ok: false, error: `マスター種別が B ではありません (${fields[1]})` };
  const changeType = fields[0].trim();
  const code = fields[2].trim();
  if (!/^\d{7}$/.test(code)) return { ok: false, error: `傷病名コードが不正です (${code})` };
  const partial = isPartial(changeType, fields[5], ctx);
  const f = fieldReader(fields, partial);
  const moved = f.raw(3);
  // 変更年月日, else 収載年月日: the date of the row's current content (guards against importing an older file later)
  const changedOn = f.date(22) ?? (partial ? undefined : f.date(21));
  return {
    ok: true,
    row: {
      table: 'disease',
      partial,
      changeType,
      values: {
        code,
        ...nameColumns(f.text(5), f.text(9)),
        keyNumber: f.text(10),
        exchangeCode: f.text(12),
        icd10: f.text(15),
        icd10Sub: f.text(16),
        movedTo: moved && moved !== code ? moved : partial ? undefined : null,
        ...lifecycleDates(changeType, changedOn, f.date(23)),
        source: ctx.source,
      },
    },
  };
}

/** 修飾語コード 8xxx (修飾語区分 A8) are 接尾語 (「の疑い」「の既往」); all others precede the disease name. */
export function modifierPosition(code: string, kindCode?: string | null): 'prefix' | 'suffix' {
  return code.startsWith('8') || (kindCode ?? '').startsWith('A8') ? 'suffix' : 'prefix';
}

export function parseSskModifierRow(fields: string[], ctx: ParseContext): ParseResult {
  if (fields.length < 16) return { ok: false, error: `修飾語マスターの列数が不足しています (${fields.length} 列)` };
  if (fields[1]?.trim() !== 'Z') return { ok: false, error: `マスター種別が Z ではありません (${fields[1]})` };
  const changeType = fields[0].trim();
  const code = fields[2].trim();
  if (!/^\d{4}$/.test(code)) return { ok: false, error: `修飾語コードが不正です (${code})` };
  const partial = isPartial(changeType, fields[6], ctx);
  const f = fieldReader(fields, partial);
  const kindCode = f.text(18);
  const changedOn = f.date(14) ?? (partial ? undefined : f.date(13));
  return {
    ok: true,
    row: {
      table: 'modifier',
      partial,
      changeType,
      values: {
        code,
        ...nameColumns(f.text(6), f.text(9)),
        keyNumber: f.text(16),
        exchangeCode: f.text(17),
        kindCode,
        position: modifierPosition(code, kindCode),
        ...lifecycleDates(changeType, changedOn, f.date(15)),
        source: ctx.source,
      },
    },
  };
}

/** Layouts of the y file: 35 columns (before 2024-03), 40 (2024-03), 42 (2024-07 on: 長期収載品関連, 選定療養区分). */
export const DRUG_LAYOUTS = [35, 40, 42] as const;

export function parseSskDrugRow(fields: string[], ctx: ParseContext): ParseResult {
  if (!(DRUG_LAYOUTS as readonly number[]).includes(fields.length)) {
    return { ok: false, error: `医薬品マスターの列数 ${fields.length} は未対応です (35/40/42 列)` };
  }
  if (fields[1]?.trim() !== 'Y') return { ok: false, error: `マスター種別が Y ではありません (${fields[1]})` };
  const changeType = fields[0].trim();
  const code = fields[2].trim();
  if (!/^\d{9}$/.test(code)) return { ok: false, error: `医薬品コードが不正です (${code})` };
  const partial = isPartial(changeType, fields[4], ctx);
  const f = fieldReader(fields, partial);
  const price = f.text(11);
  if (price && !/^\d+(\.\d+)?$/.test(price)) return { ok: false, error: `薬価が数値ではありません (${price})` };
  const generic = f.text(16);
  const yj = f.text(31);
  const hasGenericColumns = fields.length >= 40;
  const changedOn = f.date(29);
  return {
    ok: true,
    row: {
      table: 'drug',
      partial,
      changeType,
      values: {
        code,
        ...nameColumns(f.text(4), f.text(6)),
        unit: f.text(9),
        price,
        isGeneric: generic == null ? generic : generic === '1',
        dosageForm: f.text(27),
        // 麻薬・毒薬・覚醒剤原料・向精神薬 and 薬価基準収載年月日 (the 40/42-column layouts only): the 投与日数 limits
        narcoticClass: f.text(13),
        listedOn: hasGenericColumns ? f.date(35) : undefined,
        yjCode: yj && yj.length > 12 ? yj.slice(0, 12) : yj,
        // the 35-column layout has no 一般名 columns: keep what the 一般名処方マスタ import filled in
        genericCode: hasGenericColumns ? f.text(36) : undefined,
        genericName: hasGenericColumns ? f.text(37) : undefined,
        ...lifecycleDates(changeType, changedOn, f.date(30)),
        source: ctx.source,
      },
    },
  };
}
