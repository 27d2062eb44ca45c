/** Shared by the versioned clinical records (真正性): content hashes and the version bump. */
import { createHash } from 'node:crypto';

function canonical(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'bigint') return JSON.stringify(value.toString());
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (typeof value === 'object' && value !== null && 'toFixed' in value && typeof (value as { toString: () => string }).toString === 'function' && !Array.isArray(value)) {
    // Prisma Decimal
    return JSON.stringify((value as { toString: () => string }).toString());
  }
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object') {
    return `{${Object.keys(value as object)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** SHA-256 of the canonical JSON of a record's clinical content (stored at 確定, re-checkable later). */
export function contentHash(content: Record<string, unknown>): string {
  return createHash('sha256').update(canonical(content)).digest('hex');
}

/** Names of the fields whose value differs from the previous version (for the audit detail, never the values). */
export function changedFieldNames<T extends Record<string, unknown>>(fields: T, previous: Record<string, unknown>): (keyof T & string)[] {
  return (Object.keys(fields) as (keyof T & string)[]).filter((k) => JSON.stringify(fields[k]) !== JSON.stringify(previous[k]));
}
