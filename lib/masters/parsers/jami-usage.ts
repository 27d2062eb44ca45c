/**
 * JAMI 処方・注射オーダ標準用法規格 16-character codes (header row with `code` and `display` columns).
 * digit1 基本用法区分 (1 内服, 2 外用, 3 注射, 4 注入); digit3 用法型 (内服 5 = 頓用); digit4 = 1日回数 where the type
 * counts times per day (1 食事等タイミング, 2 時間間隔, 3 時刻, 4 イベント, 6 生活リズム, 7 回数のみ).
 */
import type { ParseContext, ParseResult } from '../types';
import { findColumn, type HeaderMap } from './header';

export type UsageKind = 'internal' | 'as_needed' | 'external';

export function usageKind(code: string): UsageKind {
  if (code[0] === '1') return code[2] === '5' ? 'as_needed' : 'internal';
  return 'external';
}

/** 1日回数 where the code states one; null for 頓用, ranges (「１～２回」), hour ranges and 適用ガイドコード (X). */
export function usageTimesPerDay(code: string): number | null {
  const type = code[2];
  const times = code[3];
  if (!/^[1-9]$/.test(times ?? '')) return null;
  if (type === '7') return code[4] === '0' ? Number(times) : null; // 7: digits 4–5 = min/max
  if (['1', '2', '3', '4', '6'].includes(type ?? '')) return Number(times);
  return null;
}

export function parseJamiUsageRow(fields: string[], header: HeaderMap, ctx: ParseContext): ParseResult {
  const codeCol = findColumn(header, 'code', /コード/) ?? 0;
  const textCol = findColumn(header, 'display', /名称|表示/) ?? 1;
  const code = (fields[codeCol] ?? '').trim();
  if (!/^[0-9A-Z]{16}$/.test(code)) return { ok: false, error: `用法コードが 16 桁ではありません (${code})` };
  const text = (fields[textCol] ?? '').trim();
  if (!text) return { ok: false, error: `用法名称が空です (${code})` };
  const order = ((ctx.state.usageOrder as number | undefined) ?? 0) + 1;
  ctx.state.usageOrder = order;
  return {
    ok: true,
    row: {
      table: 'usage',
      partial: false,
      values: {
        code,
        text,
        kind: usageKind(code),
        timesPerDay: usageTimesPerDay(code),
        sortOrder: order * 10,
        source: ctx.source,
      },
    },
  };
}
