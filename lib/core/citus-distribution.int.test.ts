/**
 * Every table is placed on Citus by the migrations (docs/decisions/0012): a clinic table is distributed by "clinicId"
 * and colocated with "Clinic", a global table is a reference table. Written so that a table someone adds later
 * cannot be forgotten:
 *  - on every database, each table in the schema must be named in a karte_distribute_table / karte_reference_table
 *    call of some migration (so `npm test` on PGlite already catches a missing call), and a table with a "clinicId"
 *    column must be distributed unless it is one of the few global directories listed below;
 *  - on a Citus coordinator, the cluster must actually hold each table that way, and karte_app's grants must exist on
 *    every shard placement on every node.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { db } from '@/lib/core/db';
import { runMigrationScript } from '@/lib/core/migrations';
import { isCitus } from '@/tests/helpers/citus';
import { clinicWithStaff, createPatient } from '@/tests/helpers/factories';

/** Global tables that carry a "clinicId" column but are looked up without knowing the clinic: reference tables. */
const GLOBAL_DIRECTORIES = new Set([
  'LoginName', // login ID -> clinic: the sign-in form has no clinic code
  'LoginChallenge', // a login between password and TOTP, looked up by its token
  'InstitutionNumber', // 保険医療機関番号 -> clinic, keeps the number unique
  'LoginDomain', // login domain -> clinic, keeps the domain unique
  'ApiClientDirectory', // OAuth client_id -> clinic: the token endpoint learns the clinic from the client_id (0046)
  'MasterImport', // a run of a global master import; clinicId only names the operator's tenant that started it (0031)
]);
/** Prisma's bookkeeping: read and written only by `npm run db:migrate` on the coordinator. */
const LOCAL_ONLY = new Set(['_prisma_migrations']);
/** The colocation anchor: distributed by its own id. */
const ANCHOR = 'Clinic';

const MIGRATIONS_DIR = path.join(process.cwd(), 'prisma', 'migrations');

const howToDistribute = (t: string) =>
  `add \`SELECT karte_distribute_table('"${t}"');\` right after its CREATE TABLE in the migration that creates it ` +
  `(before the foreign keys at the end of the file), or in a new migration if that one is already on main (CONTRIBUTING.md)`;
const howToReference = (t: string) =>
  `add \`SELECT karte_reference_table('"${t}"');\` right after its CREATE TABLE in the migration that creates it, ` +
  `or in a new migration if that one is already on main (CONTRIBUTING.md)`;

/** What the migrations say, read from their SQL (comments removed), in order. */
function placementsInMigrations() {
  const placement = new Map<string, 'distributed' | 'reference'>();
  const twice: string[] = [];
  const created = new Set<string>();
  const dirs = readdirSync(MIGRATIONS_DIR).filter((d) => statSync(path.join(MIGRATIONS_DIR, d)).isDirectory()).sort();
  for (const dir of dirs) {
    const sql = readFileSync(path.join(MIGRATIONS_DIR, dir, 'migration.sql'), 'utf8').replace(/--.*$/gm, '');
    const statements = [
      ...sql.matchAll(/CREATE TABLE\s+(?:IF NOT EXISTS\s+)?(?:"?public"?\.)?"?(\w+)"?|DROP TABLE\s+(?:IF EXISTS\s+)?(?:"?public"?\.)?"?(\w+)"?|ALTER TABLE\s+(?:"?public"?\.)?"?(\w+)"?\s+RENAME TO\s+"?(\w+)"?|karte_(distribute|reference)_table\(\s*'"?(\w+)"?'/gi),
    ].sort((a, b) => a.index - b.index);
    for (const m of statements) {
      if (m[1]) created.add(m[1]);
      else if (m[2]) {
        created.delete(m[2]);
        placement.delete(m[2]);
      } else if (m[3] && m[4]) {
        created.delete(m[3]);
        created.add(m[4]);
        const p = placement.get(m[3]);
        placement.delete(m[3]);
        if (p) placement.set(m[4], p);
      } else if (m[5] && m[6]) {
        const kind = m[5] === 'distribute' ? 'distributed' : 'reference';
        if (placement.has(m[6]) && placement.get(m[6]) !== kind) twice.push(m[6]);
        placement.set(m[6], kind);
      }
    }
  }
  return { placement, created, twice };
}

type TableInfo = { name: string; hasClinicId: boolean };
let tables: TableInfo[];

beforeAll(async () => {
  tables = (
    await db().$queryRaw<{ name: string; has_clinic_id: boolean }[]>`
      SELECT c.relname AS name,
             EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'clinicId' AND NOT a.attisdropped) AS has_clinic_id
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
      ORDER BY 1`
  ).map((r) => ({ name: r.name, hasClinicId: r.has_clinic_id })); // Citus hides its shards from pg_class
});

describe('every table is placed on Citus by the migrations', () => {
  it('each table in the database is distributed or made a reference table by a migration', () => {
    const { placement, twice } = placementsInMigrations();
    expect(twice, 'a table both distributed and made a reference table').toEqual([]);
    const problems = tables
      .filter((t) => !LOCAL_ONLY.has(t.name) && !placement.has(t.name))
      .map((t) => `"${t.name}" is placed by no migration: ${t.hasClinicId && !GLOBAL_DIRECTORIES.has(t.name) ? howToDistribute(t.name) : howToReference(t.name)}`);
    expect(problems).toEqual([]);
  });

  it('a table with "clinicId" is distributed (clinic data stays on its clinic\'s shard), a global table is a reference table', () => {
    const { placement } = placementsInMigrations();
    const problems: string[] = [];
    for (const t of tables) {
      const p = placement.get(t.name);
      if (!p || LOCAL_ONLY.has(t.name)) continue;
      const clinicOwned = (t.hasClinicId && !GLOBAL_DIRECTORIES.has(t.name)) || t.name === ANCHOR;
      if (clinicOwned && p !== 'distributed') problems.push(`"${t.name}" has "clinicId", so it is clinic data: ${howToDistribute(t.name)} instead of karte_reference_table`);
      if (!clinicOwned && p === 'distributed') problems.push(`"${t.name}" has no "clinicId" column to distribute by: give it one (first in its keys) or ${howToReference(t.name)}`);
    }
    expect(problems).toEqual([]);
  });

  it('every migration CREATE TABLE is still in the database (the parser reads the migrations right)', () => {
    const { created } = placementsInMigrations();
    const names = new Set(tables.map((t) => t.name));
    expect([...created].filter((t) => !names.has(t))).toEqual([]);
  });
});

describe('a later migration that adds a table the CONTRIBUTING.md way', () => {
  // created and dropped here, after the table list above was read (no other test file lists tables)
  const LATER = `
    CREATE TABLE "KarteLaterMigrationTest" ("clinicId" TEXT NOT NULL, "id" TEXT NOT NULL, "patientId" TEXT NOT NULL,
      CONSTRAINT "KarteLaterMigrationTest_pkey" PRIMARY KEY ("clinicId", "id"));
    SELECT karte_distribute_table('"KarteLaterMigrationTest"');
    CREATE INDEX "KarteLaterMigrationTest_patient_idx" ON "KarteLaterMigrationTest"("clinicId", "patientId");
    ALTER TABLE "KarteLaterMigrationTest" ADD CONSTRAINT "KarteLaterMigrationTest_patient_fkey" FOREIGN KEY ("clinicId", "patientId")
      REFERENCES "Patient"("clinicId", "id") ON DELETE RESTRICT ON UPDATE NO ACTION;
    SET LOCAL citus.enable_unsafe_triggers = on;
    CREATE TRIGGER later_append_only BEFORE UPDATE OR DELETE ON "KarteLaterMigrationTest"
      FOR EACH ROW EXECUTE FUNCTION karte_audit_append_only();`;

  it('applies through the project\'s migrate code (one statement at a time, one transaction), distributed on Citus', async () => {
    const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    try {
      await client.query('DROP TABLE IF EXISTS "KarteLaterMigrationTest"');
      await runMigrationScript(client, LATER);
      const staff = await clinicWithStaff();
      const patient = await createPatient(staff.receptionist);
      await client.query(`INSERT INTO "KarteLaterMigrationTest" VALUES ($1, 'row-1', $2)`, [staff.clinic.id, patient.id]);
      await expect(client.query(`DELETE FROM "KarteLaterMigrationTest" WHERE "clinicId" = $1`, [staff.clinic.id])).rejects.toThrow(/append-only/);
      await expect(client.query(`INSERT INTO "KarteLaterMigrationTest" VALUES ($1, 'row-2', 'no-such-patient')`, [staff.clinic.id])).rejects.toThrow(/foreign key/);
      if (await isCitus()) {
        const [row] = (await client.query(`SELECT citus_table_type AS type, distribution_column AS column, colocation_id AS colocation,
          (SELECT colocation_id FROM citus_tables WHERE table_name = '"Clinic"'::regclass) AS anchor
          FROM citus_tables WHERE table_name = '"KarteLaterMigrationTest"'::regclass`)).rows;
        expect(row).toMatchObject({ type: 'distributed', column: 'clinicId' });
        expect(row.colocation).toBe(row.anchor);
      }
    } finally {
      await client.query('DROP TABLE IF EXISTS "KarteLaterMigrationTest"');
      await client.end();
    }
  });

  it('is all or nothing: a failing statement leaves none of the migration behind', async () => {
    const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    try {
      await expect(runMigrationScript(client, `${LATER}\n    SELECT no_such_function();`)).rejects.toThrow(/no_such_function/);
      expect((await client.query(`SELECT to_regclass('"KarteLaterMigrationTest"') AS t`)).rows[0].t).toBeNull();
    } finally {
      await client.end();
    }
  });
});

describe.runIf(await isCitus())('on the Citus cluster', () => {
  it('holds each clinic table distributed by "clinicId" and colocated with "Clinic", each global table as a reference table', async () => {
    const rows = await db().$queryRaw<{ name: string; type: string; column: string; colocation: number }[]>`
      SELECT trim(both '"' from table_name::text) AS name, citus_table_type AS type, distribution_column AS column, colocation_id AS colocation
      FROM citus_tables`;
    const byName = new Map(rows.map((r) => [r.name, r]));
    const anchor = byName.get(ANCHOR);
    expect(anchor, '"Clinic" must be distributed by its id').toMatchObject({ type: 'distributed', column: 'id' });
    const problems: string[] = [];
    for (const t of tables) {
      if (LOCAL_ONLY.has(t.name) || t.name === ANCHOR) continue;
      const actual = byName.get(t.name);
      if (t.hasClinicId && !GLOBAL_DIRECTORIES.has(t.name)) {
        if (actual?.type !== 'distributed' || actual.column !== 'clinicId' || actual.colocation !== anchor?.colocation) {
          problems.push(`"${t.name}" is ${actual ? `${actual.type} by ${actual.column}` : 'a local table'} on Citus: ${howToDistribute(t.name)}`);
        }
      } else if (actual?.type !== 'reference') {
        problems.push(`"${t.name}" is ${actual ? `${actual.type} by ${actual.column}` : 'a local table'} on Citus, not a reference table: ${howToReference(t.name)}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('has karte_app and its grants on every node: each shard placement of every table grants what the coordinator grants', async () => {
    const workers = await db().$queryRaw<{ result: string }[]>`
      SELECT result FROM run_command_on_workers($$SELECT count(*) FROM pg_roles WHERE rolname = 'karte_app'$$)`;
    expect(workers.length).toBeGreaterThan(0);
    expect(workers.map((w) => w.result)).toEqual(workers.map(() => '1'));
    // each node lists karte_app's privileges on every table it holds (shards included: Citus shows them to its own connections)
    const nodes = await db().$queryRaw<{ nodeid: number; success: boolean; result: string }[]>`
      SELECT nodeid, success, result FROM run_command_on_all_nodes($$
        SELECT string_agg(c.relname || '=' || (SELECT string_agg(has_table_privilege('karte_app', c.oid, p)::text, ',' ORDER BY p)
                                                 FROM unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE']) AS p), ';')
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r'$$)`;
    expect(nodes.every((n) => n.success), JSON.stringify(nodes)).toBe(true);
    const held = new Map(nodes.map((n) => [Number(n.nodeid), new Map(n.result.split(';').map((e) => e.split('=') as [string, string]))]));
    const expected = new Map(
      (
        await db().$queryRaw<{ name: string; privileges: string }[]>`
          SELECT c.relname AS name, (SELECT string_agg(has_table_privilege('karte_app', c.oid, p)::text, ',' ORDER BY p)
                                     FROM unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE']) AS p) AS privileges
          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r'`
      ).map((r) => [r.name, r.privileges]),
    );
    const shards = await db().$queryRaw<{ table: string; shard: string; nodeid: number }[]>`
      SELECT trim(both '"' from s.table_name::text) AS table, s.shard_name AS shard, d.nodeid
      FROM citus_shards s JOIN pg_dist_node d ON d.nodename = s.nodename AND d.nodeport = s.nodeport`;
    const problems: string[] = [];
    for (const t of tables) {
      if (LOCAL_ONLY.has(t.name)) continue;
      const placements = shards.filter((s) => s.table === t.name);
      if (placements.length === 0) problems.push(`"${t.name}" has no shard placements`);
      for (const p of placements) {
        const actual = held.get(Number(p.nodeid))?.get(p.shard.replace(/^public\./, '').replaceAll('"', ''));
        if (actual !== expected.get(t.name)) problems.push(`${p.shard} on node ${p.nodeid}: ${actual ?? 'missing'} (coordinator: ${expected.get(t.name)})`);
      }
    }
    expect(problems).toEqual([]);
  });
});
