/**
 * The embedded PostgreSQL: one process owns the PGlite data directory and serves it over the
 * PostgreSQL wire protocol, so Next, migrations, seed and tests all use the ordinary pg driver.
 */
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { btree_gin } from '@electric-sql/pglite/contrib/btree_gin';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startAuthFront } from './embedded-auth';

export type EmbeddedDb = { url: string; stop: () => Promise<void> };

function isAlive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** postgresql://postgres:<password>@host:port/postgres */
export function embeddedDbUrl(host: string, port: number, password: string): string {
  return `postgresql://postgres:${encodeURIComponent(password)}@${host}:${port}/postgres`;
}

/**
 * dataDir undefined = in-memory (tests). A lock file keeps a second process off the same directory.
 * PGlite's server listens on a Unix socket in a private directory; the TCP port is the password front
 * (embedded-auth.ts), so nobody reaches the superuser without `password`.
 */
export async function startEmbeddedDb(opts: { dataDir?: string; port: number; host?: string; password: string }): Promise<EmbeddedDb> {
  if (opts.password.length < 16) throw new Error('the embedded database password must have at least 16 characters');
  let lockFile: string | undefined;
  if (opts.dataDir) {
    mkdirSync(opts.dataDir, { recursive: true });
    lockFile = path.join(path.dirname(opts.dataDir), `${path.basename(opts.dataDir)}.lock`);
    if (existsSync(lockFile)) {
      const pid = Number(readFileSync(lockFile, 'utf8'));
      if (pid && pid !== process.pid && isAlive(pid)) {
        throw new Error(`The embedded database ${opts.dataDir} is already open by process ${pid}.`);
      }
    }
    writeFileSync(lockFile, String(process.pid));
  }
  const pg = await PGlite.create({ dataDir: opts.dataDir, extensions: { pg_trgm, btree_gin } });
  await pg.exec('CREATE EXTENSION IF NOT EXISTS pg_trgm; CREATE EXTENSION IF NOT EXISTS btree_gin;');
  const host = opts.host ?? '127.0.0.1';
  // mkdtemp makes the directory 0700: only this user can reach the socket inside
  const socketDir = mkdtempSync(path.join(tmpdir(), 'karte-pglite-'));
  const socketPath = path.join(socketDir, '.s.PGSQL');
  const server = new PGLiteSocketServer({ db: pg, path: socketPath, maxConnections: 20 });
  await server.start();
  const front = await startAuthFront({ host, port: opts.port, backendPath: socketPath, password: opts.password });
  return {
    url: embeddedDbUrl(host, opts.port, opts.password),
    stop: async () => {
      await new Promise<void>((resolve) => front.close(() => resolve()));
      await server.stop();
      await pg.close();
      rmSync(socketDir, { recursive: true, force: true });
      if (lockFile) rmSync(lockFile, { force: true });
    },
  };
}
