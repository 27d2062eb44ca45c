/**
 * Runs code as another database role, the way production runs as a member of karte_app (docs/decisions/0009).
 * Tests connect as the owner (a superuser, whom privileges never stop), so privilege tests switch role.
 */
import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '@/lib/generated/prisma/client';
import { db, disconnectDb } from '@/lib/core/db';

const ROLE_NAME = /^[a-z_][a-z0-9_]*$/;

export type SqlOutcome = { ok: true; rowCount: number | null } | { ok: false; code: string; message: string };

/** One statement in its own transaction, as `role` (SET LOCAL ROLE; null = the owner), always rolled back. */
export async function sqlAs(role: string | null, sql: string, params: unknown[] = []): Promise<SqlOutcome> {
  if (role !== null && !ROLE_NAME.test(role)) throw new Error(`bad role name ${role}`);
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    await client.query('BEGIN');
    if (role) await client.query(`SET LOCAL ROLE ${role}`);
    try {
      const result = await client.query(sql, params);
      return { ok: true, rowCount: result.rowCount };
    } catch (e) {
      const err = e as { code?: string; message: string };
      return { ok: false, code: err.code ?? '', message: err.message };
    }
  } finally {
    await client.query('ROLLBACK');
    await client.end();
  }
}

/**
 * Runs fn with the app's own database client (db()) replaced by one whose single connection is `SET ROLE role`,
 * so the services under test run unchanged but with that role's privileges. The embedded PGlite server shares
 * one session between connections, hence one connection and RESET ROLE before handing the session back.
 */
export async function withAppClientAs<T>(role: string, fn: () => Promise<T>): Promise<T> {
  if (!ROLE_NAME.test(role)) throw new Error(`bad role name ${role}`);
  await disconnectDb();
  const pool = new pg.Pool({
    connectionString: process.env.DATABASE_URL,
    max: 1,
    // awaited by the pool before it hands the connection out
    onConnect: async (client) => {
      await client.query(`SET ROLE ${role}`);
    },
  });
  const client = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
  (globalThis as unknown as { prisma?: PrismaClient }).prisma = client;
  try {
    const current = (await client.$queryRaw<{ r: string }[]>`SELECT current_user AS r`)[0]?.r;
    if (current !== role) throw new Error(`expected to run as ${role}, running as ${current}`);
    return await fn();
  } finally {
    await client.$executeRaw`RESET ROLE`;
    await disconnectDb();
  }
}

/** A role like karte_app but without INSERT on AuditEvent (read-only everywhere). Cluster-wide, so created once. */
export async function ensureRoleWithoutAuditInsert(): Promise<string> {
  // written out in the SQL below: an identifier cannot be a bind parameter, and SQL is never built from strings (G3)
  const role = 'karte_test_no_audit_insert';
  await db().$executeRaw`DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'karte_test_no_audit_insert') THEN
    CREATE ROLE karte_test_no_audit_insert NOLOGIN;
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$`;
  await db().$executeRaw`GRANT USAGE ON SCHEMA public TO karte_test_no_audit_insert`;
  await db().$executeRaw`GRANT SELECT ON ALL TABLES IN SCHEMA public TO karte_test_no_audit_insert`;
  return role;
}
