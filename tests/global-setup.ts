/**
 * One database for the run: the real server when DATABASE_URL is set (CI), else an in-memory PGlite
 * served over the PostgreSQL protocol. Migrations are applied once, with the project's own migrate code.
 */
import type { TestProject } from 'vitest/node';

export default async function setup(_project: TestProject) {
  const { startEmbeddedDb } = await import('../lib/core/embedded-db');
  const { deployMigrations } = await import('../lib/core/migrations');
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const path = await import('node:path');
  let stop: (() => Promise<void>) | undefined;
  // the audit sealer's anchors outside the database (lib/audit/audit-anchor.ts): one file for the run, shared by the workers
  const scratch = mkdtempSync(path.join(tmpdir(), 'karte-test-'));
  process.env.AUDIT_ANCHOR_FILE ??= path.join(scratch, 'audit-anchors.jsonl');
  if (!process.env.DATABASE_URL) {
    const port = 56000 + (process.pid % 1000);
    const { randomBytes } = await import('node:crypto');
    const db = await startEmbeddedDb({ port, password: randomBytes(24).toString('base64url') });
    process.env.DATABASE_URL = db.url;
    process.env.EMBEDDED_DB = 'true';
    stop = db.stop;
  } else if (!/@(127\.0\.0\.1|localhost)[:/]/.test(process.env.DATABASE_URL)) {
    throw new Error('Refusing to run tests against a non-local database');
  }
  await deployMigrations(process.env.DATABASE_URL);
  return async () => {
    await stop?.();
    rmSync(scratch, { recursive: true, force: true });
  };
}
