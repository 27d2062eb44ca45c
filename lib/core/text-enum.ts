/**
 * Enumerated columns are TEXT with a CHECK constraint, not PostgreSQL enums (docs/decisions/0011: Citus refuses
 * Prisma's enum casts), so Prisma types them as `string`. Where a row becomes a DTO or a typed value,
 * `oneOf(LIST, row.column)` gives the value its TypeScript type back from the slice's `as const` list, and fails
 * loudly should the database ever hold a value the code does not know. Isomorphic, no imports.
 */
export function oneOf<const T extends readonly string[]>(values: T, value: string): T[number];
export function oneOf<const T extends readonly string[]>(values: T, value: string | null): T[number] | null;
export function oneOf<const T extends readonly string[]>(values: T, value: string | null): T[number] | null {
  if (value === null) return null;
  if (!(values as readonly string[]).includes(value)) {
    throw new Error(`unexpected value ${JSON.stringify(value)}; expected one of ${values.join(', ')}`);
  }
  return value as T[number];
}
