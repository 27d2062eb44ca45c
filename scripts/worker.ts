// npm run worker: the background process of a deployment with a server database (DATABASE_URL): the job queue
// (lib/jobs: sharing deliveries, imports, …) and the audit sealer. SIGTERM/SIGINT finish the running round first.
import { ensureLocalSecrets } from './local-secrets';

if (!process.env.DATABASE_URL) ensureLocalSecrets();
const { startBackgroundWork } = await import('@/lib/jobs/background');
const { disconnectDb } = await import('@/lib/core/db');

const { env } = await import('@/lib/core/env');
const work = await startBackgroundWork({ validationThreads: env().SHARING_VALIDATION_THREADS, parallelRounds: env().JOB_PARALLEL_ROUNDS });
console.log('ワーカーを起動しました（ジョブキューと監査ログの封印）');
let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  await work.stop();
  await disconnectDb();
  process.exit(0);
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
