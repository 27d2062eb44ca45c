/**
 * Prisma migrations without a network: the schema engine compiled to WebAssembly, driven here.
 * Used by `npm run db:migrate`, `npm run db:migrate:new`, the demo start and the test setup.
 * Clinics on closed networks (閉域網) have the same constraint, so this is the product's own migrate command.
 */
import { createRequire } from 'node:module';
import { readFileSync, readdirSync, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { btree_gin } from '@electric-sql/pglite/contrib/btree_gin';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import { loadModule, parseSync } from 'libpg-query';

const require = createRequire(import.meta.url);
const ROOT = process.cwd();
export const SCHEMA_DIR = path.join(ROOT, 'prisma', 'schema');
export const MIGRATIONS_DIR = path.join(ROOT, 'prisma', 'migrations');

type Engine = {
  diff(input: unknown): Promise<{ exitCode: number; stdout?: string | null }>;
  applyMigrations(input: unknown): Promise<{ appliedMigrationNames: string[] }>;
  diagnoseMigrationHistory(input: unknown): Promise<Record<string, unknown>>;
  markMigrationRolledBack(input: unknown): Promise<unknown>;
};

let bgPromise: Promise<any> | undefined;
async function loadWasm() {
  bgPromise ??= (async () => {
    const bg = await import('@prisma/schema-engine-wasm/schema_engine_bg' as string);
    const dir = path.dirname(require.resolve('@prisma/schema-engine-wasm'));
    const { instance } = await WebAssembly.instantiate(readFileSync(path.join(dir, 'schema_engine_bg.wasm')), {
      './schema_engine_bg.js': bg,
    });
    bg.__wbg_set_wasm(instance.exports);
    (instance.exports as any).__wbindgen_start();
    return bg;
  })();
  return bgPromise;
}

export function readSchemaFiles(): [string, string][] {
  return readdirSync(SCHEMA_DIR)
    .filter((f) => f.endsWith('.prisma'))
    .sort()
    .map((f) => [path.join('prisma', 'schema', f), readFileSync(path.join(SCHEMA_DIR, f), 'utf8')]);
}

export function readMigrationsList() {
  const dirs = existsSync(MIGRATIONS_DIR)
    ? readdirSync(MIGRATIONS_DIR)
        .filter((d) => statSync(path.join(MIGRATIONS_DIR, d)).isDirectory())
        .sort()
    : [];
  const lockPath = path.join(MIGRATIONS_DIR, 'migration_lock.toml');
  return {
    baseDir: MIGRATIONS_DIR,
    lockfile: { path: 'migration_lock.toml', content: existsSync(lockPath) ? readFileSync(lockPath, 'utf8') : null },
    shadowDbInitScript: '',
    migrationDirectories: dirs.map((d) => ({
      path: d,
      migrationFile: {
        path: 'migration.sql',
        content: { tag: 'ok', value: readFileSync(path.join(MIGRATIONS_DIR, d, 'migration.sql'), 'utf8') },
      },
    })),
  };
}

const FILTERS = { externalTables: [], externalEnums: [] };

async function openEngine(connectionString: string, log: (msg: string) => void = () => {}) {
  const bg = await loadWasm();
  const main = new PrismaPg({ connectionString });
  const factory = {
    provider: 'postgres' as const,
    adapterName: main.adapterName,
    connect: async () => {
      const adapter = await main.connect();
      (adapter as any).executeScript = (script: string) => runMigrationScript((adapter as any).client, script);
      return adapter;
    },
    // The shadow database is an in-memory PGlite, never the main server (a PrismaPg shadow would run there).
    connectToShadowDb: async () => {
      const pg = new PGlite({ extensions: { pg_trgm, btree_gin } });
      const adapter = await new PrismaPGlite(pg).connect();
      // as shipped, executeScript does not wait: a failing shadow migration would go unseen
      (adapter as any).executeScript = async (sql: string) => {
        await pg.exec(sql);
      };
      return adapter;
    },
  };
  const engine: Engine = await bg.SchemaEngine.new(
    { datamodels: readSchemaFiles() },
    log,
    bindMigrationAwareSqlAdapterFactory(factory as any),
  );
  return engine;
}

/**
 * The statements of a SQL script, split by PostgreSQL's own parser (libpg-query), so dollar-quoted function bodies,
 * strings and comments holding ';' stay whole. (Its locations are byte offsets into the UTF-8 text.)
 */
export async function splitSqlStatements(script: string): Promise<string[]> {
  await loadModule();
  const bytes = Buffer.from(script, 'utf8');
  return (parseSync(script).stmts ?? [])
    .map((s) => {
      const start = s.stmt_location ?? 0;
      return bytes.subarray(start, s.stmt_len ? start + s.stmt_len : bytes.length).toString('utf8').trim();
    })
    .filter((s) => s.length > 0);
}

/**
 * Runs one migration: a transaction, one statement at a time. PrismaPg's own executeScript splits on ';' (breaking
 * function bodies), and one multi-statement query string fails on Citus as soon as it holds DDL on a distributed
 * table ("cannot insert multiple commands into a prepared statement": Citus forwards the whole string to the workers).
 */
export async function runMigrationScript(client: { query: (sql: string) => Promise<unknown> }, script: string): Promise<void> {
  const statements = await splitSqlStatements(script);
  await client.query('BEGIN');
  try {
    for (const statement of statements) await client.query(statement);
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK');
    throw e;
  }
}

/** Applies every pending migration. Returns the names applied. */
export async function deployMigrations(connectionString: string): Promise<string[]> {
  const engine = await openEngine(connectionString);
  const result = await engine.applyMigrations({ migrationsList: readMigrationsList(), filters: FILTERS });
  return result.appliedMigrationNames;
}

/** SQL that brings the migrations up to the current schema files ('' when nothing changed). */
export async function diffMigrationsToSchema(connectionString: string): Promise<string> {
  const engine = await openEngine(connectionString);
  const result = (await engine.diff({
    from: { tag: 'migrations', ...readMigrationsList() },
    to: { tag: 'schemaDatamodel', files: readSchemaFiles().map(([p, content]) => ({ path: p, content })) },
    script: true,
    exitCode: null,
    filters: FILTERS,
  })) as { stdout: string | null };
  const out = dropNoOpIndexRecreations(result.stdout ?? '', readMigrationsList());
  return out.includes('This is an empty migration.') || !out.replace(/--.*$/gm, '').trim() ? '' : out;
}

/**
 * Prisma reads a btree_gin operator class back differently from how the schema writes it, so every diff would
 * drop and re-create the (clinicId, trigram) indexes unchanged. A DROP + CREATE pair whose CREATE statement is
 * identical to one an existing migration already ran is a no-op: leave it out.
 */
export function dropNoOpIndexRecreations(sql: string, list: ReturnType<typeof readMigrationsList>): string {
  const existing = new Set(
    list.migrationDirectories.flatMap((d) => (d.migrationFile.content.value.match(/^CREATE (UNIQUE )?INDEX [^;]+;/gm) ?? []).map((x) => x.trim())),
  );
  const blocks = sql.split(/\n\s*\n/);
  const recreated = new Set(
    blocks
      .map((b) => b.replace(/^--.*\n/gm, '').trim())
      .filter((b) => existing.has(b))
      .map((b) => /INDEX "([^"]+)"/.exec(b)?.[1]),
  );
  return blocks
    .filter((b) => {
      const stmt = b.replace(/^--.*\n/gm, '').trim();
      const name = /^(DROP|CREATE)( UNIQUE)? INDEX "([^"]+)"/.exec(stmt)?.[3];
      return !(name && recreated.has(name));
    })
    .join('\n\n');
}

export async function migrationStatus(connectionString: string) {
  const engine = await openEngine(connectionString);
  return engine.diagnoseMigrationHistory({ migrationsList: readMigrationsList(), optInToShadowDatabase: false, filters: FILTERS });
}

export async function markRolledBack(connectionString: string, migrationName: string) {
  const engine = await openEngine(connectionString);
  await engine.markMigrationRolledBack({ migrationName });
}
