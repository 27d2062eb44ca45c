/**
 * JLAC10 17桁 code list (header row). Accepts the JP Core CS export (code17,analyte5,identification4,specimen3,method3,
 * result2,display) and similar lists: the code column is the first header containing "code"/"コード", the name column
 * the first containing "display"/"name"/"名称". The JP Core display is "分析物_材料_測定法_結果識別"; the 材料 part
 * fills `specimen` when there is no specimen-name column.
 */
import type { ParseContext, ParseResult } from '../types';
import { findColumn, type HeaderMap } from './header';

export function parseJlac10Row(fields: string[], header: HeaderMap, ctx: ParseContext): ParseResult {
  const codeCol = findColumn(header, 'code17', 'JLAC10', /code|コード/i) ?? 0;
  const nameCol = findColumn(header, /^display/i, /name|名称/i);
  const specimenCol = findColumn(header, 'specimen_name', '材料名');
  const unitCol = findColumn(header, 'unit', '単位');
  const code = (fields[codeCol] ?? '').replace(/[\s-]/g, '');
  if (!/^[0-9A-Z]{17}$/.test(code)) return { ok: false, error: `JLAC10 コードが 17 桁ではありません (${code})` };
  const name = nameCol === undefined ? '' : (fields[nameCol] ?? '').trim();
  if (!name) return { ok: false, error: `名称が空です (${code})` };
  const parts = name.split('_');
  const specimen = specimenCol !== undefined ? fields[specimenCol]?.trim() : parts.length >= 4 ? parts[1] : undefined;
  return {
    ok: true,
    row: {
      table: 'labCode',
      partial: false,
      values: {
        code,
        name,
        specimen: specimen || null,
        unit: (unitCol !== undefined ? fields[unitCol]?.trim() : '') || null,
        source: ctx.source,
      },
    },
  };
}
