/**
 * The background work of a deployment: the job worker over every registered queue (job-queues.ts) and the audit
 * sealer (docs/decisions/0014). `npm run worker` runs it beside a server database; the embedded demo runs it in its
 * own process (scripts/demo.ts). Nothing here imports Next.
 */
import { startAuditSealer } from '@/lib/audit/audit-sealer';
import { env } from '@/lib/core/env';
import { loadJobQueues } from './job-queues';
import { startJobWorker, type JobWorker } from './job-worker';

export type BackgroundWork = { worker: JobWorker; stop: () => Promise<void> };

/**
 * `validationThreads`: threads that validate the sharing deliveries' new bundles beside the main thread (0079
 * addendum; `npm run worker` starts SHARING_VALIDATION_THREADS of them); none: validated on the main thread.
 * `parallelRounds`: job rounds at once (`npm run worker`: JOB_PARALLEL_ROUNDS, 2); the demo's in-process worker runs one.
 */
export async function startBackgroundWork(options: { sealer?: boolean; validationThreads?: number; parallelRounds?: number } = {}): Promise<BackgroundWork> {
  const e = env();
  const { startValidationThreads } = await import('@/lib/fhir/validation-threads');
  const threads = options.validationThreads ? startValidationThreads(options.validationThreads, { warmUpRounds: e.FHIR_WARM_UP_ROUNDS }) : undefined;
  // the documents (letters, summaries, reports) are built and validated on this thread when they are sent (ADR 0094)
  if (e.FHIR_WARM_UP_ROUNDS > 0) {
    const { warmUpFhir } = await import('@/lib/fhir/warm-up');
    warmUpFhir('documents', e.FHIR_WARM_UP_ROUNDS).catch((error: unknown) => console.error('FHIR warm-up failed', error));
  }
  const worker = startJobWorker({
    queues: await loadJobQueues({ validateAsync: threads?.validate }),
    concurrency: e.JOB_CONCURRENCY,
    batchSize: e.JOB_BATCH_SIZE,
    pollMs: e.JOB_POLL_INTERVAL_MS,
    leaseMs: e.JOB_LEASE_MS,
    clinicIds: e.WORKER_CLINIC_IDS,
    parallelRounds: options.parallelRounds,
  });
  const sealer = options.sealer === false ? undefined : startAuditSealer();
  // the write path's sharing outbox becomes unit deliveries (lib/sharing, docs/decisions/0029)
  const { startOutboxRelay } = await import('@/lib/sharing/outbox-relay.repository');
  const relay = startOutboxRelay({ intervalMs: e.JOB_POLL_INTERVAL_MS, onRelayed: () => worker.wake(), clinicIds: e.WORKER_CLINIC_IDS });
  // each clinic's received letters are fetched by a job queued on this interval (docs/decisions/0058)
  const { startInboxPolling } = await import('@/lib/sharing/received-documents/received-document.service');
  const inbox = startInboxPolling({ intervalMs: e.DOCUMENT_INBOX_INTERVAL_MS, clinicIds: e.WORKER_CLINIC_IDS, onQueued: () => worker.wake() });
  return {
    worker,
    stop: async () => {
      inbox.stop();
      await relay.stop();
      await worker.stop();
      await sealer?.stop();
      await threads?.close();
    },
  };
}
