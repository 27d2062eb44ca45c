/** Dates as clinics see them: JST calendar dates, 和暦, ages. Stored timestamps are UTC. */
import { formatInTimeZone, jstIsoInstant } from './tz';

/** The eras a clinic meets (birth dates from 明治), with the Gregorian year of each one's first year. */
const ERAS = [
  { name: '令和', short: 'R', firstYear: 2019 },
  { name: '平成', short: 'H', firstYear: 1989 },
  { name: '昭和', short: 'S', firstYear: 1926 },
  { name: '大正', short: 'T', firstYear: 1912 },
  { name: '明治', short: 'M', firstYear: 1868 },
] as const;

// the platform's Japanese calendar decides which era a day belongs to (a DATE is stored as UTC midnight)
const JAPANESE_CALENDAR = new Intl.DateTimeFormat('ja-JP-u-ca-japanese', { era: 'long', year: 'numeric', month: 'numeric', day: 'numeric', timeZone: 'UTC' });

/** The era and year of a calendar date, e.g. { era: '平成', year: 1 } for 1989-01-08. */
export function japaneseEra(d: Date): { era: string; year: number; month: number; day: number } {
  const p = Object.fromEntries(JAPANESE_CALENDAR.formatToParts(d).map((x) => [x.type, x.value])) as Record<string, string>;
  return { era: p.era ?? '', year: Number(p.year), month: Number(p.month), day: Number(p.day) };
}

/** 'YYYY-MM-DD' of a DATE column (stored as UTC midnight). */
export function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** A 'YYYY-MM-DD' string to the Date Prisma stores in a DATE column. */
export function dateOnly(iso: string): Date {
  return new Date(`${iso}T00:00:00.000Z`);
}

/** 和暦, e.g. 昭和50年4月1日 (元年 for the first year). */
export function toWareki(d: Date): string {
  const { era, year, month, day } = japaneseEra(d);
  return `${era}${year === 1 ? '元' : year}年${month}月${day}日`;
}

/**
 * Parses 和暦 like 'S50.4.1', '昭和50年4月1日', 'H1/1/8' to 'YYYY-MM-DD', or null. A date outside its era is refused
 * (S65.1.1 is not 1990; H1.1.1 was still 昭和64年): the platform's Japanese calendar must name the same era and year.
 */
export function parseWareki(text: string): string | null {
  const t = text.normalize('NFKC').trim();
  const m = /^(明治|大正|昭和|平成|令和|[MTSHR])\s*(元|\d{1,2})[.\/年-](\d{1,2})[.\/月-](\d{1,2})日?$/i.exec(t);
  if (!m) return null;
  const era = ERAS.find((e) => e.name === m[1] || e.short === m[1]!.toUpperCase());
  if (!era) return null;
  const eraYear = m[2] === '元' ? 1 : Number(m[2]);
  if (eraYear < 1) return null;
  const iso = `${era.firstYear + eraYear - 1}-${m[3]!.padStart(2, '0')}-${m[4]!.padStart(2, '0')}`;
  if (!isValidIsoDate(iso)) return null;
  const actual = japaneseEra(dateOnly(iso));
  return actual.era === era.name && actual.year === eraYear ? iso : null;
}

/** '2026/12/04（令和8年12月4日）' for a 'YYYY-MM-DD' day: headers and labels. */
export function dayLabel(iso: string): string {
  return `${iso.replaceAll('-', '/')}（${toWareki(dateOnly(iso))}）`;
}

/** The day before a 'YYYY-MM-DD' day. */
export function previousDay(iso: string): string {
  return isoDate(new Date(dateOnly(iso).getTime() - 86_400_000));
}

export function isValidIsoDate(iso: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(iso)) return false;
  const d = dateOnly(iso);
  return !Number.isNaN(d.getTime()) && isoDate(d) === iso;
}

/** Today's date in Japan as 'YYYY-MM-DD' (of `now`, else of the clock, read without making a Date: on every vendor API read's path). */
export function todayJst(now?: Date): string {
  return jstIsoInstant(now ?? Date.now()).slice(0, 10);
}

export function ageOn(birth: Date, onIso = todayJst()): number {
  const [y, m, d] = onIso.split('-').map(Number) as [number, number, number];
  let age = y - birth.getUTCFullYear();
  if (m < birth.getUTCMonth() + 1 || (m === birth.getUTCMonth() + 1 && d < birth.getUTCDate())) age--;
  return age;
}

export function formatDateTimeJst(d: Date): string {
  return formatInTimeZone(d, 'yyyy/MM/dd HH:mm');
}
