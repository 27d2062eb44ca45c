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

/** The JST wall-clock fields of an instant. */
export function jstParts(d: Date): { yyyy: string; MM: string; dd: string; HH: string; mm: string; ss: string } {
  const p = Object.fromEntries(PARTS.formatToParts(d).map((x) => [x.type, x.value])) as Record<string, string>;
  return { yyyy: p.year!.padStart(4, '0'), MM: p.month!, dd: p.day!, HH: p.hour!, mm: p.minute!, ss: p.second! };
}

/** Formats with the tokens yyyy MM dd HH mm ss (everything else is literal), in JST. */
export function formatInTimeZone(d: Date, pattern: string): string {
  const parts = jstParts(d);
  return pattern.replace(/yyyy|MM|dd|HH|mm|ss/g, (t) => parts[t as keyof typeof parts]);
}

/** 'YYYY-MM-DDTHH:mm' entered in JST -> UTC Date. */
export function fromJstLocal(local: string): Date {
  return new Date(`${local.length === 16 ? `${local}:00` : local}+09:00`);
}
