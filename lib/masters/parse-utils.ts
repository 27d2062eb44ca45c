/** Small pure helpers shared by the master parsers. */
import { toKanaSearchKey, toNameSearchKey, toKatakana } from '@/lib/core/kana';

/** YYYYMMDD → 'YYYY-MM-DD'; '99999999' (= no end) and '0'/'00000000' → null; '' → undefined. */
export function parseYmd(value: string | undefined): string | null | undefined {
  const v = (value ?? '').trim();
  if (v === '') return undefined;
  if (v === '99999999' || /^0+$/.test(v)) return null;
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(v);
  if (!m) return null;
  const [, y, mo, d] = m;
  const date = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  if (date.getUTCMonth() !== Number(mo) - 1 || date.getUTCDate() !== Number(d)) return null;
  return `${y}-${mo}-${d}`;
}

/** Reader over one CSV record; in partial mode empty fields read as undefined (= unchanged), otherwise as null. */
export function fieldReader(fields: string[], partial: boolean) {
  const raw = (i: number) => (fields[i] ?? '').trim();
  const empty = partial ? undefined : null;
  return {
    raw,
    text: (i: number): string | null | undefined => (raw(i) === '' ? empty : raw(i)),
    date: (i: number): string | null | undefined => {
      const v = parseYmd(raw(i));
      return v === undefined ? empty : v;
    },
  };
}

/** Name + search key columns for a name/kana pair; keys are only set when their source is provided. */
export function nameColumns(name: string | null | undefined, kana: string | null | undefined) {
  const out: Record<string, unknown> = {};
  if (name !== undefined) {
    out.name = name;
    if (name !== null) out.nameSearch = toNameSearchKey(name);
  }
  if (kana !== undefined) {
    out.kana = kana === null ? null : toKatakana(kana);
    out.kanaSearch = kana === null ? '' : toKanaSearchKey(kana);
  }
  return out;
}

/** Drops undefined entries (used to compare parsed records in tests and to build column lists). */
export function definedOnly<T extends Record<string, unknown>>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Change-file merge semantics (what the upsert does in SQL): provided fields win, undefined keeps the stored value. */
export function mergeRecord<T extends Record<string, unknown>>(existing: T | undefined, incoming: Record<string, unknown>): T {
  return { ...(existing ?? {}), ...definedOnly(incoming) } as T;
}

/** SSK 変更区分 meaning: 1 抹消 and 9 廃止 abolish the code. */
export function isAbolishChange(changeType: string): boolean {
  return changeType === '1' || changeType === '9';
}
