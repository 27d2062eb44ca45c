/**
 * J-FAGY アレルゲンコード CSV (header DISPLAYSEQ,JFAGYCODE,JPTERM,JPKANA,ENTERM,LEVEL,MAINFLAG,GUIDELINE,CXGCATEGORY,
 * RECORDDATE,ENDDATE). The code already carries its 3-character meta prefix (J9F… food, J9N… non-food, D9M… dummy),
 * which is the form JP-CLINS / JP Core use. Deleted codes stay in the file with CXGCATEGORY=3 and an ENDDATE.
 */
import type { ParseContext, ParseResult } from '../types';
import { nameColumns, parseYmd } from '../parse-utils';
import { findColumn, type HeaderMap } from './header';


export function allergenCategory(code: string): 'food' | 'nonfood' | 'medication' | undefined {
  switch (code[2]) {
    case 'F':
      return 'food';
    case 'N':
      return 'nonfood';
    case 'M':
      return 'medication';
    default:
      return undefined;
  }
}

export const JFAGY_HEADER = ['DISPLAYSEQ', 'JFAGYCODE', 'JPTERM', 'JPKANA'];

export function parseJfagyRow(fields: string[], header: HeaderMap, ctx: ParseContext): ParseResult {
  const col = (name: string) => {
    const i = findColumn(header, name);
    return i === undefined ? '' : (fields[i] ?? '').trim();
  };
  const code = col('JFAGYCODE');
  if (!code) return { ok: false, error: 'JFAGYCODE が空です' };
  const category = allergenCategory(code);
  if (!category) return { ok: false, error: `アレルゲン区分を判定できません (${code})` };
  const name = col('JPTERM');
  if (!name) return { ok: false, error: `JPTERM が空です (${code})` };
  const ended = parseYmd(col('ENDDATE'));
  const deleted = col('CXGCATEGORY') === '3';
  const endDate = ended ?? (deleted ? new Date().toISOString().slice(0, 10) : null);
  return {
    ok: true,
    row: {
      table: 'allergen',
      partial: false,
      changeType: col('CXGCATEGORY'),
      values: {
        code,
        category,
        ...nameColumns(name, col('JPKANA') || null),
        endedOn: endDate,
        source: ctx.source,
      },
    },
  };
}
