/**
 * 厚労省 一般名処方マスタ, CSV of the 「全体」 sheet (区分, 一般名コード, 一般名処方の標準的な記載, 成分名, 規格, …) or of the
 * 「例外コード品目対照表」 sheet (… 薬価基準収載医薬品コード …; continuation rows leave the first five columns blank).
 * Rows do not go to a table of their own: they fill DrugMaster.genericCode / genericName (see master-upsert.repository).
 */
import type { ParseContext, ParseResult } from '../types';
import { findColumn, type HeaderMap } from './header';

export function parseGenericNameRow(fields: string[], header: HeaderMap, ctx: ParseContext): ParseResult {
  const codeCol = findColumn(header, '一般名コード');
  const nameCol = findColumn(header, '一般名処方の標準的な記載');
  if (codeCol === undefined || nameCol === undefined) {
    return { ok: false, error: '一般名コード / 一般名処方の標準的な記載 の列がありません' };
  }
  const yjCol = findColumn(header, '薬価基準収載医薬品コード');
  let genericCode = (fields[codeCol] ?? '').trim();
  let genericName = (fields[nameCol] ?? '').trim();
  if (yjCol !== undefined && !genericCode) {
    // continuation row of the 例外コード sheet: same 一般名 as the row above
    genericCode = (ctx.state.lastGenericCode as string | undefined) ?? '';
    genericName = (ctx.state.lastGenericName as string | undefined) ?? '';
  }
  if (!/^[0-9A-Z]{12}$/.test(genericCode)) return { ok: false, error: `一般名コードが不正です (${genericCode})` };
  if (!genericName) return { ok: false, error: `一般名処方の標準的な記載が空です (${genericCode})` };
  ctx.state.lastGenericCode = genericCode;
  ctx.state.lastGenericName = genericName;
  if (yjCol === undefined) return { ok: true, generic: { genericCode, genericName } };
  const yjCode = (fields[yjCol] ?? '').trim();
  if (!/^[0-9A-Z]{12}$/.test(yjCode)) return { ok: false, error: `薬価基準収載医薬品コードが不正です (${yjCode})` };
  return { ok: true, generic: { genericCode, genericName, yjCode } };
}
