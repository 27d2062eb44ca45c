import { describe, expect, it } from 'vitest';
import { splitSqlStatements } from './migrations';

describe('splitting a migration into statements (PostgreSQL\'s own parser)', () => {
  it('keeps function bodies, strings and comments with ";" whole, and finds a last statement without ";"', async () => {
    const script = [
      '-- 真正性: コメント; with a semicolon',
      'CREATE TABLE "T" (a text DEFAULT \'x;y\');',
      'CREATE FUNCTION f() RETURNS trigger AS $$',
      'BEGIN',
      "  RAISE EXCEPTION '確定済み; 変更不可';",
      'END $$ LANGUAGE plpgsql;',
      '/* block; comment */ SELECT karte_distribute_table(\'"T"\');',
      'ALTER TABLE "T" ADD COLUMN b text',
    ].join('\n');
    const statements = await splitSqlStatements(script);
    expect(statements).toHaveLength(4);
    expect(statements[0]).toBe('CREATE TABLE "T" (a text DEFAULT \'x;y\')');
    expect(statements[1]).toMatch(/^CREATE FUNCTION f\(\)[\s\S]*確定済み; 変更不可[\s\S]*LANGUAGE plpgsql$/);
    expect(statements[2]).toMatch(/SELECT karte_distribute_table\('"T"'\)$/);
    expect(statements[3]).toBe('ALTER TABLE "T" ADD COLUMN b text');
  });

  it('refuses a script that does not parse, before anything runs', async () => {
    await expect(splitSqlStatements('CREATE TABLE "T" (a text;')).rejects.toThrow(/syntax error/);
  });
});
