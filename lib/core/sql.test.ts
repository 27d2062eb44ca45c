import { describe, expect, it } from 'vitest';
import { and, FALSE, join, or, param, render, sql, toQuery } from './sql';

describe('the SQL builder', () => {
  it('sends every interpolated value as a parameter, numbered in order, and nests fragments', () => {
    const name = "O'Brien; DROP TABLE x";
    const inner = sql`p."familyName" = ${name}`;
    const q = render(sql`SELECT 1 FROM "Patient" p WHERE p."clinicId" = ${'c1'} AND (${inner}) LIMIT ${20}`);
    expect(q.text).toBe('SELECT 1 FROM "Patient" p WHERE p."clinicId" = $1 AND (p."familyName" = $2) LIMIT $3');
    expect(q.values).toEqual(['c1', name, 20]);
  });

  it('sends a Param used several times once', () => {
    const clinic = param('c1');
    const q = render(sql`a."clinicId" = ${clinic} AND b."clinicId" = ${clinic} AND b."x" = ${'v'} AND c."clinicId" = ${clinic}`);
    expect(q.text).toBe('a."clinicId" = $1 AND b."clinicId" = $1 AND b."x" = $2 AND c."clinicId" = $1');
    expect(q.values).toEqual(['c1', 'v']);
  });

  it('combines conditions as Prisma does: null is no condition and is dropped from AND and OR', () => {
    const a = sql`a = ${1}`;
    const b = sql`b = ${2}`;
    expect(and([])).toBeNull();
    expect(or([])).toBeNull();
    expect(or([null, null])).toBeNull();
    expect(render(or([null, a])!).text).toBe('a = $1');
    expect(render(and([a, null, b])!).text).toBe('(a = $1) AND (b = $2)');
    expect(render(or([a, FALSE, b])!).text).toBe('(a = $1) OR (FALSE) OR (b = $2)');
    expect(render(join([a, b], ', ')).text).toBe('a = $1, b = $2');
  });

  it('names a statement by its text: one name per text, another text another name', () => {
    const one = toQuery(sql`SELECT ${1}`, 'test');
    const again = toQuery(sql`SELECT ${2}`, 'test');
    const other = toQuery(sql`SELECT ${1}, ${2}`, 'test');
    expect(one.name).toMatch(/^test_[0-9a-f]{24}$/);
    expect(again.name).toBe(one.name);
    expect(again.values).toEqual([2]);
    expect(other.name).not.toBe(one.name);
    expect(toQuery(sql`SELECT ${1}`, undefined)).toEqual({ text: 'SELECT $1', values: [1] });
  });
});
