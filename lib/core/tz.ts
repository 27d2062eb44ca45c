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
const DAY_MS = 86_400_000;
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
 * to 9999 the fields are computed from the instant plus nine hours with integer arithmetic (the proleptic Gregorian
 * calendar, as Date's UTC fields): no Date is made — on every FHIR resource's hot path, and in the server process Next
 * wraps the Date constructor, which made a Date per instant a tenth of an Observation search's CPU. Other instants
 * through jstParts.
 */
export function jstIsoInstant(d: Date | number): string {
  const t = typeof d === 'number' ? d : d.getTime();
  if (!(t >= FIXED_OFFSET_FROM && t < MAX_FOUR_DIGIT_YEAR)) {
    const date = typeof d === 'number' ? new Date(d) : d;
    const p = jstParts(date);
    return `${p.yyyy}-${p.MM}-${p.dd}T${p.HH}:${p.mm}:${p.ss}.${String(date.getUTCMilliseconds()).padStart(3, '0')}+09:00`;
  }
  const local = t + OFFSET_MS;
  const days = Math.floor(local / DAY_MS);
  let rest = local - days * DAY_MS;
  const hh = Math.floor(rest / 3600_000);
  rest -= hh * 3600_000;
  const mi = Math.floor(rest / 60_000);
  rest -= mi * 60_000;
  const ss = Math.floor(rest / 1000);
  const ms = rest - ss * 1000;
  // days since 1970-01-01 → civil date (H. Hinnant's civil_from_days; eras of 400 years from 0000-03-01)
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return `${year}-${two(month)}-${two(day)}T${two(hh)}:${two(mi)}:${two(ss)}.${ms < 10 ? `00${ms}` : ms < 100 ? `0${ms}` : ms}+09:00`;
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
