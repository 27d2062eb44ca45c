/** Prisma client singleton. Imported only by *.repository.ts files and lib/audit (see ARCHITECTURE.md). */
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient, Prisma } from '@/lib/generated/prisma/client';
import { databaseUrl, isEmbeddedDb } from './env';

export type Tx = Prisma.TransactionClient;
export { Prisma };

const globalForPrisma = globalThis as unknown as { prisma?: PrismaClient; pgPool?: pg.Pool; batchPool?: pg.Pool; batchPoolReady?: Promise<pg.Pool> };

function createClient() {
  const adapter = new PrismaPg(sqlPool());
  return new PrismaClient({ adapter });
}

export function db(): PrismaClient {
  globalForPrisma.prisma ??= createClient();
  return globalForPrisma.prisma;
}

/**
 * The connection pool under the Prisma client, for the few hot statements that skip Prisma's query engine (the vendor
 * API's audited reads, docs/decisions/0088): the same connections, so the embedded database's single one is shared.
 */
export function sqlPool(): pg.Pool {
  globalForPrisma.pgPool ??= new pg.Pool({ connectionString: databaseUrl(), max: isEmbeddedDb() ? 1 : 10 });
  return globalForPrisma.pgPool;
}

/**
 * A few connections for the statements that one group of concurrent callers shares (lib/core/group-statement.ts:
 * the vendor API's reads and their audit rows, docs/decisions/0091). Their prepared statements always run one generic
 * plan: their parameters are arrays of the batch's rows, whose values do not change the best plan, while PostgreSQL's
 * default would plan every execution again — a third of the database's CPU per read, measured (not on Citus). One statement in
 * flight per group (two groups), and room for a failed batch's rows retried one by one. On the embedded database: the
 * one shared connection.
 */
export function batchPool(): Promise<pg.Pool> {
  if (isEmbeddedDb()) return Promise.resolve(sqlPool());
  globalForPrisma.batchPoolReady ??= (async () => {
    // not on Citus, whose coordinator cannot plan these router statements generically ("could not create distributed
    // plan"); the setting is a startup parameter of each connection, so no statement runs before it
    const { rows } = await sqlPool().query<{ citus: boolean }>(`SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') AS citus`);
    const pool = new pg.Pool({ connectionString: databaseUrl(), max: 4, ...(rows[0]?.citus ? {} : { options: '-c plan_cache_mode=force_generic_plan' }) });
    globalForPrisma.batchPool = pool;
    return pool;
  })().catch((error: unknown) => {
    globalForPrisma.batchPoolReady = undefined;
    throw error;
  });
  return globalForPrisma.batchPoolReady;
}

/**
 * The name (or names' prefix) of a prepared statement for sqlPool().query: PostgreSQL then parses and plans the text
 * once per connection.
 * None on the embedded database, whose socket server runs every connection in one PGlite session (names would collide).
 */
export function statementName(name: string): string | undefined {
  return isEmbeddedDb() ? undefined : name;
}

/** Runs fn in one transaction. Inside, use only tx: the outer client would block on PGlite. */
export function runInTransaction<T>(fn: (tx: Tx) => Promise<T>, options?: { timeoutMs?: number }): Promise<T> {
  return db().$transaction(fn, { timeout: options?.timeoutMs ?? 15_000, maxWait: 10_000 });
}

export async function disconnectDb() {
  await globalForPrisma.prisma?.$disconnect();
  globalForPrisma.prisma = undefined;
  globalForPrisma.batchPoolReady = undefined;
  for (const key of ['batchPool', 'pgPool'] as const) {
    const pool = globalForPrisma[key];
    globalForPrisma[key] = undefined;
    if (pool && !pool.ended) await pool.end();
  }
}
