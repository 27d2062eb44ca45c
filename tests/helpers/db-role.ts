/**
 * Runs code as another database role, the way production runs as a member of karte_app (docs/decisions/0009).
 * Tests connect as the owner (a superuser, whom privileges never stop), so privilege tests switch role.
 *
 * They switch to LOGIN roles, never to karte_app itself: on Citus the coordinator opens its connections to the
 * workers as the current role, and karte_app (NOLOGIN) may not log in there ("role karte_app is not permitted to
 * log in"). APP_ROLE is what production uses: a LOGIN role whose only privileges are karte_app's, by membership.
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
  const pool = new pg.Pool({
    connectionString: process.env.DATABASE_URL,
    max: 1,
    // awaited by the pool before it hands the connection out
    onConnect: async (client) => {
      await client.query(`SET ROLE ${role}`);
    },
  });
  return withAppClientOn(pool, async (client) => {
    try {
      const current = (await client.$queryRaw<{ r: string }[]>`SELECT current_user AS r`)[0]?.r;
      if (current !== role) throw new Error(`expected to run as ${role}, running as ${current}`);
      return await fn();
    } finally {
      await client.$executeRaw`RESET ROLE`;
    }
  });
}

/** Runs fn with the app's own client (db()) replaced by a Prisma client on `pool`; the usual client comes back after. */
export async function withAppClientOn<T>(pool: pg.Pool, fn: (client: PrismaClient) => Promise<T>): Promise<T> {
  await disconnectDb();
  const client = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
  (globalThis as unknown as { prisma?: PrismaClient }).prisma = client;
  try {
    return await fn(client);
  } finally {
    await disconnectDb();
  }
}

/** A LOGIN member of karte_app with no privileges of its own: what production connects as. */
export const APP_ROLE = 'karte_test_app';

let appRole: Promise<string> | undefined;
/** Creates APP_ROLE once (roles are cluster-wide; Citus creates it on every node). Returns its name. */
export function ensureAppRole(): Promise<string> {
  // written out in the SQL below: an identifier cannot be a bind parameter, and SQL is never built from strings (G3)
  appRole ??= db()
    .$executeRaw`DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'karte_test_app') THEN
    CREATE ROLE karte_test_app LOGIN IN ROLE karte_app;
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$`
    .then(() => APP_ROLE);
  return appRole;
}

/** A LOGIN role like karte_app but without INSERT on AuditEvent (read-only everywhere). Cluster-wide, so created once. */
export async function ensureRoleWithoutAuditInsert(): Promise<string> {
  const role = 'karte_test_no_audit_insert';
  await db().$executeRaw`DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'karte_test_no_audit_insert') THEN
    CREATE ROLE karte_test_no_audit_insert LOGIN;
  ELSIF NOT (SELECT rolcanlogin FROM pg_roles WHERE rolname = 'karte_test_no_audit_insert') THEN
    ALTER ROLE karte_test_no_audit_insert LOGIN; -- created NOLOGIN by an older version of this helper
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$`;
  await db().$executeRaw`GRANT USAGE ON SCHEMA public TO karte_test_no_audit_insert`;
  // on Citus one GRANT over distributed and reference tables must run its shard commands one after another
  // ("cannot modify table … because there was a parallel operation"); on PostgreSQL the setting is an inert placeholder
  await db().$transaction([
    db().$executeRaw`SET LOCAL citus.multi_shard_modify_mode TO 'sequential'`,
    db().$executeRaw`GRANT SELECT ON ALL TABLES IN SCHEMA public TO karte_test_no_audit_insert`,
  ]);
  return role;
}

/**
 * Runs fn as the owner in one transaction (committed) with triggers off for that transaction only, to tamper with
 * protected rows the way an attacker with superuser rights could: `SET LOCAL session_replication_role = replica`,
 * which Citus passes on to the workers when `citus.propagate_set_commands = 'local'` (elsewhere that is just an
 * unused setting). Unlike ALTER TABLE … DISABLE TRIGGER it changes nothing another connection sees, so test files
 * running side by side keep their protections, and Citus accepts it (it refuses DISABLE TRIGGER on distributed
 * tables). Foreign keys are not checked inside either.
 */
export async function withTriggersOff<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SET LOCAL citus.propagate_set_commands = 'local'`);
    await client.query('SET LOCAL session_replication_role = replica');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (e) {
    await client.query('ROLLBACK');
    throw e;
  } finally {
    await client.end();
  }
}
