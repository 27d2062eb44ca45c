// Serves the embedded PGlite database in ./data/pglite on 127.0.0.1:EMBEDDED_DB_PORT until stopped.
import { startEmbeddedDb } from '@/lib/core/embedded-db';
import { env } from '@/lib/core/env';

const db = await startEmbeddedDb({ dataDir: 'data/pglite', port: env().EMBEDDED_DB_PORT });
console.log(`embedded PostgreSQL (PGlite) at ${db.url}`);
const stop = async () => {
  await db.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
