/**
 * Formatting in Asia/Tokyo with the platform's time-zone data (Intl), never the host's zone: a server in another
 * zone (or one with daylight saving, where a JST wall time may not exist locally) prints the same JST time.
 */
export const CLINIC_TIME_ZONE = 'Asia/Tokyo';

const PARTS = new Intl.DateTimeFormat('en-CA', {
  timeZone: CLINIC_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** 1952-01-01 00:00 JST: since then Japan has kept +09:00 with no daylight saving (the last was in 1951). */
const FIXED_OFFSET_FROM = Date.UTC(1951, 11, 31, 15);
const OFFSET_MS = 9 * 3600_000;
/** 10000-01-01 00:00 JST: toISOString writes later years with six digits and a sign. */
const MAX_FOUR_DIGIT_YEAR = Date.UTC(9999, 11, 31, 15);
const two = (n: number) => (n < 10 ? `0${n}` : String(n));

/**
 * The JST wall-clock fields of an instant. From 1952 on they are the UTC fields of the instant plus nine hours (the
 * time-zone data agrees, tz.test.ts checks it); this is on every FHIR resource's hot path, where Intl's formatToParts
 * cost ≈ 4 % of a vendor API read. Earlier instants go through Intl.
 */
export function jstParts(d: Date): { yyyy: string; MM: string; dd: string; HH: string; mm: string; ss: string } {
  const t = d.getTime();
  if (t >= FIXED_OFFSET_FROM) {
    const j = new Date(t + OFFSET_MS);
    return { yyyy: String(j.getUTCFullYear()).padStart(4, '0'), MM: two(j.getUTCMonth() + 1), dd: two(j.getUTCDate()), HH: two(j.getUTCHours()), mm: two(j.getUTCMinutes()), ss: two(j.getUTCSeconds()) };
  }
  return intlParts(d);
}

function intlParts(d: Date): { yyyy: string; MM: string; dd: string; HH: string; mm: string; ss: string } {
  const p = Object.fromEntries(PARTS.formatToParts(d).map((x) => [x.type, x.value])) as Record<string, string>;
  return { yyyy: p.year!.padStart(4, '0'), MM: p.month!, dd: p.day!, HH: p.hour!, mm: p.minute!, ss: p.second! };
}

/**
 * An instant as an ISO 8601 local JST time with milliseconds and the offset: 2026-12-04T10:00:00.000+09:00. From 1952
 * to 9999 it is the UTC form of the instant plus nine hours, written by the platform (one Date, no string padding: on
 * every FHIR resource's hot path); other instants through jstParts.
 */
export function jstIsoInstant(d: Date): string {
  const t = d.getTime();
  if (t >= FIXED_OFFSET_FROM && t < MAX_FOUR_DIGIT_YEAR) return `${new Date(t + OFFSET_MS).toISOString().slice(0, 23)}+09:00`;
  const p = jstParts(d);
  return `${p.yyyy}-${p.MM}-${p.dd}T${p.HH}:${p.mm}:${p.ss}.${String(d.getUTCMilliseconds()).padStart(3, '0')}+09:00`;
}

/** Formats with the tokens yyyy MM dd HH mm ss (everything else is literal), in JST. */
/** @internal the Intl path of jstParts, for tz.test.ts */
export const jstPartsByIntl = (d: Date) => intlParts(d);

export function formatInTimeZone(d: Date, pattern: string): string {
  const parts = jstParts(d);
  return pattern.replace(/yyyy|MM|dd|HH|mm|ss/g, (t) => parts[t as keyof typeof parts]);
}

/** 'YYYY-MM-DDTHH:mm' entered in JST -> UTC Date. */
export function fromJstLocal(local: string): Date {
  return new Date(`${local.length === 16 ? `${local}:00` : local}+09:00`);
}
