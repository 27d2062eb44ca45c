/**
 * The embedded PostgreSQL: one process owns the PGlite data directory and serves it over the
 * PostgreSQL wire protocol, so Next, migrations, seed and tests all use the ordinary pg driver.
 */
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { btree_gin } from '@electric-sql/pglite/contrib/btree_gin';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export type EmbeddedDb = { url: string; stop: () => Promise<void> };

function isAlive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** dataDir undefined = in-memory (tests). A lock file keeps a second process off the same directory. */
export async function startEmbeddedDb(opts: { dataDir?: string; port: number; host?: string }): Promise<EmbeddedDb> {
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
  const server = new PGLiteSocketServer({ db: pg, port: opts.port, host, maxConnections: 20 });
  await server.start();
  return {
    url: `postgresql://postgres@${host}:${opts.port}/postgres`,
    stop: async () => {
      await server.stop();
      await pg.close();
      if (lockFile) rmSync(lockFile, { force: true });
    },
  };
}
