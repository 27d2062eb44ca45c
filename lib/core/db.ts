/** Prisma client singleton. Imported only by *.repository.ts files and lib/audit (see ARCHITECTURE.md). */
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient, Prisma } from '@/lib/generated/prisma/client';
import { databaseUrl, isEmbeddedDb } from './env';

export type Tx = Prisma.TransactionClient;
export { Prisma };

const globalForPrisma = globalThis as unknown as { prisma?: PrismaClient; pgPool?: pg.Pool };

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
  const pool = globalForPrisma.pgPool;
  globalForPrisma.pgPool = undefined;
  if (pool && !pool.ended) await pool.end();
}
