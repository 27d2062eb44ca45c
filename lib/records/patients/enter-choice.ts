/**
 * What Enter in a patient search box may act on (issue 9 item 1). Enter must never open or check in a patient the
 * receptionist did not mean: only results of the text now in the box count, and only a single best match is taken —
 * the exact 患者番号, the one patient whose whole name (kana or kanji) is what was typed, or the only hit. Several
 * equally good matches (five 福田 for 「ふくだ」) are shown for a choice instead. Pure; shared by the search box and tests.
 */
import { toKanaSearchKey, toNameSearchKey } from '@/lib/core/kana';

type Candidate = { patientNumber: number; fullName: string; fullNameKana: string; phone: string | null };

export type EnterChoice<T> = { kind: 'pick'; patient: T } | { kind: 'ambiguous'; count: number } | { kind: 'none' };

/** 3 exact (患者番号, whole name), 2 prefix of a name, 1 anything else the search returned. */
export function matchRank(query: string, p: Candidate): number {
  const t = query.normalize('NFKC').trim();
  if (/^[\d\-\s()]+$/.test(t)) {
    const digits = t.replace(/\D/g, '');
    return digits !== '' && p.patientNumber === Number(digits) ? 3 : 1;
  }
  const key = toKanaSearchKey(t);
  const names = [toKanaSearchKey(p.fullNameKana), toNameSearchKey(p.fullName)];
  if (names.includes(key)) return 3;
  if (names.some((n) => n.startsWith(key))) return 2;
  return 1;
}

/** The one patient Enter may take for `query`, given the results of exactly that query. */
export function enterChoice<T extends Candidate>(query: string, results: T[]): EnterChoice<T> {
  if (results.length === 0) return { kind: 'none' };
  if (results.length === 1) return { kind: 'pick', patient: results[0]! };
  const ranks = results.map((p) => matchRank(query, p));
  const best = Math.max(...ranks);
  const top = results.filter((_, i) => ranks[i] === best);
  return top.length === 1 && best > 1 ? { kind: 'pick', patient: top[0]! } : { kind: 'ambiguous', count: top.length };
}
