/** Prisma client singleton. Imported only by *.repository.ts files and lib/audit (see ARCHITECTURE.md). */
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient, Prisma } from '@/lib/generated/prisma/client';
import { databaseUrl, isEmbeddedDb } from './env';

export type Tx = Prisma.TransactionClient;
export { Prisma };

const globalForPrisma = globalThis as unknown as { prisma?: PrismaClient };

function createClient() {
  const adapter = new PrismaPg({ connectionString: databaseUrl(), max: isEmbeddedDb() ? 1 : 10 });
  return new PrismaClient({ adapter });
}

export function db(): PrismaClient {
  globalForPrisma.prisma ??= createClient();
  return globalForPrisma.prisma;
}

/** Runs fn in one transaction. Inside, use only tx: the outer client would block on PGlite. */
export function runInTransaction<T>(fn: (tx: Tx) => Promise<T>, options?: { timeoutMs?: number }): Promise<T> {
  return db().$transaction(fn, { timeout: options?.timeoutMs ?? 15_000, maxWait: 10_000 });
}

export async function disconnectDb() {
  await globalForPrisma.prisma?.$disconnect();
  globalForPrisma.prisma = undefined;
}
