/**
 * MEDIS ICD10対応標準病名マスター: 病名基本テーブル nmainNNN.txt (20 cols) and 修飾語テーブル mdfyNNN.txt (10 cols).
 * No sample file is public; the layout is the documented one (docs/masters.md). Rows are full records.
 * The master tables are keyed by the レセ電算 code (DiseaseMaster 7 digits, ModifierMaster 4 digits), so a MEDIS row
 * without a レセ電算コード cannot be stored and is reported as a row error.
 */
import type { ParseContext, ParseResult } from '../types';
import { fieldReader, nameColumns } from '../parse-utils';
import { modifierPosition } from './ssk';

/** nmain column 15 (移行先病名管理番号) is resolved to a 傷病名コード after the whole file is read. */
export const MEDIS_MOVED_KEY = '__movedToKeyNumber';

export function parseMedisDiseaseRow(fields: string[], ctx: ParseContext): ParseResult {
  if (fields.length < 16) return { ok: false, error: `nmain の列数が不足しています (${fields.length} 列, 20 列必要)` };
  const f = fieldReader(fields, false);
  const keyNumber = f.raw(1);
  if (!/^\d{8}$/.test(keyNumber)) return { ok: false, error: `病名管理番号が不正です (${keyNumber})` };
  const code = /\d{7}/.exec(f.raw(10))?.[0];
  if (!code) return { ok: false, error: `レセ電算コードがありません (病名管理番号 ${keyNumber})` };
  const name = f.text(2);
  if (!name) return { ok: false, error: `病名表記がありません (病名管理番号 ${keyNumber})` };
  const movedKey = f.raw(15);
  const updatedOn = f.date(14);
  return {
    ok: true,
    row: {
      table: 'disease',
      partial: false,
      changeType: f.raw(0),
      values: {
        code,
        ...nameColumns(name, f.text(3)),
        keyNumber,
        exchangeCode: f.text(5),
        icd10: f.text(6)?.replace('.', '') ?? null,
        icd10Sub: f.text(7)?.replace('.', '') ?? null,
        changedOn: updatedOn,
        // a name with a successor is no longer current in MEDIS; the successor's code is filled in after the run
        abolishedOn: movedKey && movedKey !== keyNumber ? (updatedOn ?? new Date().toISOString().slice(0, 10)) : null,
        movedTo: null,
        [MEDIS_MOVED_KEY]: movedKey && movedKey !== keyNumber ? movedKey : undefined,
        source: ctx.source,
      },
    },
  };
}

export function parseMedisModifierRow(fields: string[], ctx: ParseContext): ParseResult {
  if (fields.length < 9) return { ok: false, error: `mdfy の列数が不足しています (${fields.length} 列, 10 列必要)` };
  const f = fieldReader(fields, false);
  const keyNumber = f.raw(1);
  const code = f.raw(8);
  if (!/^\d{4}$/.test(code)) return { ok: false, error: `レセ電算修飾語コードがありません (修飾語管理番号 ${keyNumber})` };
  const name = f.text(2);
  if (!name) return { ok: false, error: `修飾語表記がありません (修飾語管理番号 ${keyNumber})` };
  const kindCode = f.text(6);
  return {
    ok: true,
    row: {
      table: 'modifier',
      partial: false,
      changeType: f.raw(0),
      values: {
        code,
        ...nameColumns(name, f.text(3)),
        keyNumber: keyNumber || null,
        exchangeCode: f.text(4),
        kindCode,
        position: modifierPosition(code, kindCode),
        source: ctx.source,
      },
    },
  };
}
