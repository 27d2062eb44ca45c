/**
 * One job worker process for bench/sharing-outbox.bench.ts with BENCH_SHARING_WORKERS > 1 (as a deployment may run
 * `npm run worker` more than once: the workers claim disjoint jobs with FOR UPDATE SKIP LOCKED). Started with fork();
 * loads the FHIR profiles, answers 'ready', and on {go: sandboxUrl} drains the sharing jobs with the batched delivery,
 * answers its JobRunResult and exits.
 */
import { loadFhirProfiles } from '@/lib/fhir';
import { disconnectDb } from '@/lib/core/db';
import { drainJobs } from '@/lib/jobs/job-worker';
import { HttpSharingService } from '@/lib/sharing/adapters/http-sharing-service';
import { deliverUnits } from '@/lib/sharing/deliver-batch.service';
import { DELIVER_QUEUE } from '@/lib/sharing/sharing.constants';

loadFhirProfiles();
const concurrency = Number(process.env.BENCH_SHARING_CONCURRENCY ?? 16);
process.on('message', (m: { go?: string }) => {
  if (!m.go) return;
  const service = new HttpSharingService({ baseUrl: m.go });
  void drainJobs({ queues: { [DELIVER_QUEUE]: { batch: (jobs) => deliverUnits(jobs, { service, sendConcurrency: concurrency }) } }, concurrency, batchSize: 100 }).then(async (result) => {
    process.send?.({ result });
    await disconnectDb();
    process.disconnect();
  });
});
process.send?.({ ready: true });
