/** Dates as clinics see them: JST calendar dates, 和暦, ages. Stored timestamps are UTC. */
import { formatInTimeZone } from './tz';

const ERAS = [
  { name: '令和', short: 'R', start: new Date(Date.UTC(2019, 4, 1)) },
  { name: '平成', short: 'H', start: new Date(Date.UTC(1989, 0, 8)) },
  { name: '昭和', short: 'S', start: new Date(Date.UTC(1926, 11, 25)) },
  { name: '大正', short: 'T', start: new Date(Date.UTC(1912, 6, 30)) },
  { name: '明治', short: 'M', start: new Date(Date.UTC(1868, 0, 25)) },
] as const;

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
  const era = ERAS.find((e) => d >= e.start);
  if (!era) return `${d.getUTCFullYear()}年`;
  const year = d.getUTCFullYear() - era.start.getUTCFullYear() + 1;
  return `${era.name}${year === 1 ? '元' : year}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日`;
}

/** Parses 和暦 like 'S50.4.1', '昭和50年4月1日', 'H1/1/8' to 'YYYY-MM-DD', or null. */
export function parseWareki(text: string): string | null {
  const t = text.normalize('NFKC').trim();
  const m = /^(明治|大正|昭和|平成|令和|[MTSHR])\s*(元|\d{1,2})[.\/年-](\d{1,2})[.\/月-](\d{1,2})日?$/i.exec(t);
  if (!m) return null;
  const era = ERAS.find((e) => e.name === m[1] || e.short === m[1]!.toUpperCase());
  if (!era) return null;
  const year = era.start.getUTCFullYear() + (m[2] === '元' ? 1 : Number(m[2])) - 1;
  const iso = `${year}-${m[3]!.padStart(2, '0')}-${m[4]!.padStart(2, '0')}`;
  return isValidIsoDate(iso) ? iso : null;
}

export function isValidIsoDate(iso: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(iso)) return false;
  const d = dateOnly(iso);
  return !Number.isNaN(d.getTime()) && isoDate(d) === iso;
}

/** Today's date in Japan as 'YYYY-MM-DD'. */
export function todayJst(now = new Date()): string {
  return formatInTimeZone(now, 'yyyy-MM-dd');
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
