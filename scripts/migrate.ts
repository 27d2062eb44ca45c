// npm run db:migrate            apply pending migrations
// npm run db:migrate:new NAME   write prisma/migrations/<timestamp>_NAME from the schema change
// npm run db:migrate status     report history
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { deployMigrations, diffMigrationsToSchema, migrationStatus, MIGRATIONS_DIR } from '@/lib/core/migrations';
import { databaseUrl } from '@/lib/core/env';
import { ensureLocalSecrets } from './local-secrets';

// the embedded database's password (and the other local secrets) when DATABASE_URL is not set
if (!process.env.DATABASE_URL) ensureLocalSecrets();
const [command = 'deploy', name] = process.argv.slice(2);
const url = databaseUrl();

if (command === 'deploy') {
  const applied = await deployMigrations(url);
  console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
} else if (command === 'new') {
  if (!name || !/^[a-z0-9_]+$/.test(name)) throw new Error('usage: npm run db:migrate:new <snake_case_name>');
  const sql = await diffMigrationsToSchema(url);
  if (!sql.trim()) {
    console.log('no schema change');
  } else {
    const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
    const dir = path.join(MIGRATIONS_DIR, `${stamp}_${name}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'migration.sql'), sql);
    console.log(`wrote ${dir}/migration.sql`);
  }
} else if (command === 'status') {
  console.log(JSON.stringify(await migrationStatus(url), (_k, v) => (typeof v === 'bigint' ? String(v) : v), 2));
} else {
  throw new Error(`unknown command ${command}`);
}
process.exit(0);
