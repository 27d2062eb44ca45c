// Serves the embedded PGlite database in ./data/pglite on 127.0.0.1:EMBEDDED_DB_PORT until stopped, behind the
// password in ./data/secrets.json (EMBEDDED_DB_PASSWORD; `npm run dev` and the other scripts read it from there too).
import { ensureLocalSecrets } from './local-secrets';

ensureLocalSecrets();
const { startEmbeddedDb } = await import('@/lib/core/embedded-db');
const { env, requireSecret } = await import('@/lib/core/env');

const db = await startEmbeddedDb({ dataDir: 'data/pglite', port: env().EMBEDDED_DB_PORT, password: requireSecret('EMBEDDED_DB_PASSWORD') });
console.log(`embedded PostgreSQL (PGlite) at 127.0.0.1:${env().EMBEDDED_DB_PORT} (user postgres, password in ./data/secrets.json)`);
const stop = async () => {
  await db.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
