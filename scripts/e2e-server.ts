// The browser tests' server (playwright.config.ts): the demo start, but with DATABASE_URL (CI, a developer's
// PostgreSQL) on a database of its own, made fresh for each run: `<database>_e2e` on the same server. The unit tests
// share DATABASE_URL and leave rows behind (e.g. the demo clinics that lib/fhir/fhir-export.int.test.ts seeds with the
// tests' encryption key), which the demo must not meet. Without DATABASE_URL the demo uses a throwaway embedded one.
import pg from 'pg';

const given = process.env.DATABASE_URL;
if (given) {
  const url = new URL(given);
  const name = `${decodeURIComponent(url.pathname.slice(1))}_e2e`;
  if (!/^[A-Za-z0-9_]{1,63}$/.test(name)) throw new Error(`e2e-server: unexpected database name ${name}`);
  const admin = new URL(given);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  url.pathname = `/${name}`;
  process.env.DATABASE_URL = url.toString();
  console.log(`e2e: fresh database ${name}`);
}
await import('./demo');
