/**
 * Issue 9 item 16, over every schema: any field of any exported schema in lib/**\/*.schema.ts that accepts plain text
 * refuses the same text with a NUL or another control character in it, with the one Japanese message. A schema added
 * later is covered without touching this test (and ESLint keeps schemas on lib/core/zod's z).
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTROL_CHARACTER_MESSAGE, z } from '@/lib/core/zod';

function schemaFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'generated' ? [] : schemaFiles(p);
    return e.name.endsWith('.schema.ts') ? [p] : [];
  });
}

type Field = { name: string; schema: z.ZodType };

/** Leaf fields of an object schema (through optional/nullable/default/pipe wrappers, nested objects and arrays). */
function fieldsOf(name: string, schema: z.ZodType, depth = 0): Field[] {
  if (depth > 6) return [];
  const def = (schema as unknown as { _zod: { def: Record<string, unknown> } })._zod.def;
  switch (def.type) {
    case 'object':
      return Object.entries(def.shape as Record<string, z.ZodType>).flatMap(([k, v]) => fieldsOf(`${name}.${k}`, v, depth + 1));
    case 'array':
      return fieldsOf(`${name}[]`, def.element as z.ZodType, depth + 1);
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
      return fieldsOf(name, def.innerType as z.ZodType, depth + 1).map((f) => (f.name === name ? { name, schema } : f));
    case 'pipe':
      return fieldsOf(name, def.in as z.ZodType, depth + 1).map((f) => (f.name === name ? { name, schema } : f));
    default:
      return [{ name, schema }];
  }
}

const files = schemaFiles(path.resolve('lib'));
/** Text fields checked per file: a file may hold only ids and enums, but the sweep as a whole must check many fields. */
const checked = new Map<string, number>();

describe('no text field takes control characters', () => {
  it('finds the schemas', () => expect(files.length).toBeGreaterThan(5));

  it.each(files.map((f) => [path.relative(process.cwd(), f)]))('%s', async (file) => {
    const mod = (await import(path.resolve(file))) as Record<string, unknown>;
    let textFields = 0;
    let schemas = 0;
    for (const [exportName, value] of Object.entries(mod)) {
      if (!(value instanceof z.ZodType)) continue;
      schemas++;
      for (const field of fieldsOf(exportName, value)) {
        for (const sample of ['山田 太郎', 'abc']) {
          if (!field.schema.safeParse(sample).success) continue;
          textFields++;
          for (const bad of [`${sample}\u0000`, `\u0007${sample}`, `${sample.slice(0, 1)}\u001b${sample.slice(1)}`]) {
            const r = field.schema.safeParse(bad);
            expect(r.success, `${field.name} accepted ${JSON.stringify(bad)}`).toBe(false);
            expect(r.error?.issues.map((i) => i.message), field.name).toContain(CONTROL_CHARACTER_MESSAGE);
          }
          break;
        }
      }
    }
    expect(schemas, 'a schema file that exports no zod schema: the sweep checked nothing').toBeGreaterThan(0);
    checked.set(file, textFields);
  });

  it('checked text fields in most schema files (the sweep is not silently empty)', () => {
    const withText = [...checked.values()].filter((n) => n > 0).length;
    expect(checked.size).toBe(files.length);
    expect(withText).toBeGreaterThanOrEqual(Math.ceil(files.length * 0.75));
    expect([...checked.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(40);
  });
});
