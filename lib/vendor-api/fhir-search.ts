/**
 * FHIR search parameter values (https://hl7.org/fhir/R4/search.html): dates with prefixes, tokens, references.
 * Pure parsing; the where clauses are built in fhir-search.repository.ts.
 */
import { fromJstLocal } from '@/lib/core/tz';
import { fhirErrors } from './fhir-http';

export const DATE_PREFIXES = ['eq', 'ne', 'lt', 'gt', 'le', 'ge', 'sa', 'eb'] as const;
export type DatePrefix = (typeof DATE_PREFIXES)[number];

/** A date search value as the half-open interval [start, end) it names, with its prefix. */
export type DateRange = { prefix: DatePrefix; start: Date; end: Date };

const DATE_VALUE = /^(eq|ne|lt|gt|le|ge|sa|eb)?(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

/**
 * Parses `ge2026-04`, `2026-04-01`, `lt2026-04-01T09:00:00+09:00`. A date without a time is a calendar day in JST
 * (`dateColumn`: a DATE column, stored as UTC midnight, so the day is taken in UTC).
 */
export function parseDateParam(name: string, raw: string, dateColumn = false): DateRange {
  const m = DATE_VALUE.exec(raw.trim());
  if (!m) throw fhirErrors.invalidParam(name, `${name}: '${raw}' is not a FHIR date (e.g. ge2026-04-01)`);
  const [, prefix = 'eq', y, mo, d, hh, mi, ss, zone] = m;
  const month = mo ? Number(mo) : 1;
  const day = d ? Number(d) : 1;
  if (month < 1 || month > 12 || day < 1 || day > 31) throw fhirErrors.invalidParam(name, `${name}: '${raw}' is not a valid date`);
  let start: Date;
  let end: Date;
  if (hh !== undefined) {
    const local = `${y}-${mo}-${d}T${hh}:${mi}:${ss ?? '00'}`;
    start = zone ? new Date(`${local}${zone === 'Z' ? 'Z' : zone}`) : fromJstLocal(local);
    end = new Date(start.getTime() + (ss !== undefined ? 1000 : 60_000));
  } else {
    const at = (yy: number, mm: number, dd: number) => {
      const utc = new Date(Date.UTC(yy, mm - 1, dd));
      return dateColumn ? utc : fromJstLocal(`${utc.toISOString().slice(0, 10)}T00:00:00`);
    };
    const year = Number(y);
    start = at(year, month, day);
    end = d ? at(year, month, day + 1) : mo ? at(year, month + 1, 1) : at(year + 1, 1, 1);
  }
  if (Number.isNaN(start.getTime())) throw fhirErrors.invalidParam(name, `${name}: '${raw}' is not a valid date`);
  return { prefix: prefix as DatePrefix, start, end };
}

/** A token `[system]|[code]`, `code` or `system|` (system undefined: any system; '' : no system). */
export type Token = { system?: string; code?: string };

export function parseToken(raw: string): Token {
  const bar = raw.indexOf('|');
  if (bar < 0) return { code: raw };
  const system = raw.slice(0, bar);
  const code = raw.slice(bar + 1);
  return { system, ...(code ? { code } : {}) };
}

/** The id of a reference value `Patient/<id>`, `<id>` or an absolute URL ending so; null for another type. */
export function parseReference(raw: string, type: string): string | null {
  const parts = raw.split('/').filter(Boolean);
  if (parts.length === 1) return parts[0]!;
  return parts[parts.length - 2] === type ? parts[parts.length - 1]! : null;
}

/** Values of one search parameter occurrence: comma-separated alternatives (OR). */
export function alternatives(raw: string): string[] {
  return raw.split(',').map((v) => v.trim()).filter(Boolean);
}
