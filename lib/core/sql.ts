/**
 * A small builder of parameterised SQL for the few statements that go to the pg pool directly (sqlPool, docs/decisions/
 * 0088, 0089). A fragment is SQL text with its values kept apart: `sql\`p."sex" = ${code}\`` holds the text and the
 * value, and `toQuery` numbers the values $1, $2, … in order. A value is never written into the text, so a fragment
 * cannot carry an injection; identifiers and keywords are only ever the literal parts of templates written in code.
 */
import { createHash } from 'node:crypto';

/** A value sent as a parameter. The same `Param` interpolated several times is sent once, as one $n. */
export class Param {
  readonly value: unknown;
  constructor(value: unknown) {
    this.value = value;
  }
}

type Part = string | Param;

export class Sql {
  readonly parts: readonly Part[];
  constructor(parts: readonly Part[]) {
    this.parts = parts;
  }
}

/** A fragment: an interpolated `Sql` is nested, a `Param` kept, anything else becomes a new parameter. */
export function sql(strings: TemplateStringsArray, ...values: unknown[]): Sql {
  const parts: Part[] = [];
  strings.forEach((text, i) => {
    if (text) parts.push(text);
    if (i < values.length) {
      const v = values[i];
      if (v instanceof Sql) parts.push(...v.parts);
      else parts.push(v instanceof Param ? v : new Param(v));
    }
  });
  return new Sql(parts);
}

/** A value to refer to more than once (the clinic id on every table): one parameter. */
export const param = (value: unknown) => new Param(value);

export const FALSE = sql`FALSE`;
const EMPTY = new Sql([]);

/** The fragments separated by `separator` (literal SQL such as ', '). */
export function join(fragments: readonly Sql[], separator: string): Sql {
  return new Sql(fragments.flatMap((f, i) => (i ? [separator, ...f.parts] : [...f.parts])));
}

/**
 * A search condition: `null` is "no condition" — Prisma's `{}`. Combining follows Prisma's where semantics (so a SQL
 * search answers exactly what its Prisma twin answers): `and` and `or` drop the `null` operands, and are `null`
 * themselves when nothing is left. Note that this makes `or([null, x])` just `x`, as Prisma renders `OR: [{}, x]`.
 */
export type Condition = Sql | null;

export function and(conditions: readonly Condition[]): Condition {
  const kept = conditions.filter((c): c is Sql => c !== null);
  if (!kept.length) return null;
  return kept.length === 1 ? kept[0]! : join(kept.map((c) => sql`(${c})`), ' AND ');
}

export function or(conditions: readonly Condition[]): Condition {
  const kept = conditions.filter((c): c is Sql => c !== null);
  if (!kept.length) return null;
  return kept.length === 1 ? kept[0]! : join(kept.map((c) => sql`(${c})`), ' OR ');
}

/** `AND (condition)`, or nothing for no condition. */
export const andWhere = (condition: Condition): Sql => (condition ? sql` AND (${condition})` : EMPTY);

/** The text with $n placeholders and the values in their order. */
export function render(fragment: Sql): { text: string; values: unknown[] } {
  let text = '';
  const values: unknown[] = [];
  const numbers = new Map<Param, number>();
  for (const part of fragment.parts) {
    if (typeof part === 'string') {
      text += part;
      continue;
    }
    let n = numbers.get(part);
    if (n === undefined) {
      values.push(part.value);
      n = values.length;
      numbers.set(part, n);
    }
    text += `$${n}`;
  }
  return { text, values };
}

/** Statement names by text: at most this many texts are prepared (per connection); others run unnamed. */
const MAX_NAMED = 500;
const names = new Map<string, string>();

/**
 * A pg query config. A statement is named (prepared once per connection, then only bound and executed) by a hash of
 * its text, so a name always means one text, also across module reloads on a long-lived pool; the number of names is
 * capped, since a search's text varies with the parameters it combines. No prefix: unnamed.
 */
export function toQuery(fragment: Sql, prefix: string | undefined): { name?: string; text: string; values: unknown[] } {
  const { text, values } = render(fragment);
  if (prefix === undefined) return { text, values };
  let name = names.get(text);
  if (name === undefined && names.size < MAX_NAMED) {
    name = `${prefix}_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    names.set(text, name);
  }
  return name === undefined ? { text, values } : { name, text, values };
}
