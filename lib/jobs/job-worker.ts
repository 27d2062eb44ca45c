/**
 * The job worker (docs/decisions/0027): finds clinics with due jobs, claims a batch per clinic with FOR UPDATE SKIP
 * LOCKED (several workers never run the same job), runs each job's handler with bounded concurrency, then completes,
 * reschedules (exponential backoff with jitter and a cap, or the Retry-After the handler reports) or dead-letters it.
 * A worker that dies leaves its jobs `running` until their lease passes; then any worker claims them again.
 *
 * No Next, no request context: it runs in `npm run worker` (scripts/worker.ts) and in the demo's process.
 */
import { hostname } from 'node:os';
import { errorFields, log } from '@/lib/core/logger';
import { DEFAULT_BACKOFF, retryDelayMs, type BackoffPolicy } from './backoff';
import { PermanentJobError, RetryJobError } from './job-errors';
import { claimJobs, clinicsWithDueJobs, completeJob, completeJobs, failJob, type JobRow } from './job.repository';

export type JobHandler = (job: JobRow) => Promise<void>;
/**
 * A queue whose claimed jobs are handled together (one clinic's batch at a time): the handler answers, for each job in
 * order, null (done) or the error the job failed with (PermanentJobError / RetryJobError as for a single job). A throw
 * fails every job of the batch with that error.
 */
export type BatchJobHandler = { batch: (jobs: JobRow[]) => Promise<(unknown | null)[]> };
export type JobQueues = Record<string, JobHandler | BatchJobHandler>;

export type JobWorkerOptions = {
  queues: JobQueues;
  /** jobs run at the same time by this worker */
  concurrency?: number;
  /** jobs claimed per clinic per round */
  batchSize?: number;
  /** how long a claim lasts before another worker may take the job */
  leaseMs?: number;
  /** pause between rounds that found nothing */
  pollMs?: number;
  backoff?: BackoffPolicy;
  clock?: () => Date;
  /** only these clinics' jobs (a worker dedicated to some clinics; a test that must not take another test's jobs) */
  clinicIds?: string[];
  /**
   * rounds run at once (default 1), each claiming its own jobs as separate workers do: one round's database phases
   * (finding and claiming due jobs, loading their records, the final transaction, completing them) then overlap
   * another's handling, which a single round leaves the CPU idle for (ADR 0079 addendum)
   */
  parallelRounds?: number;
};

export type JobRunResult = { claimed: number; done: number; retried: number; dead: number; lost: number };

const emptyResult = (): JobRunResult => ({ claimed: 0, done: 0, retried: 0, dead: 0, lost: 0 });

/** Runs `items` through `fn` with at most `limit` at once. */
async function eachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  });
  await Promise.all(lanes);
}

/** The backoff's time, but not after the work's deadline (a Retry-After the other side gave wins). */
function retryTime(now: Date, delayMs: number, deadline: Date | null): Date {
  const at = now.getTime() + delayMs;
  return new Date(deadline ? Math.min(at, deadline.getTime()) : at);
}

type RunOptions = Required<Pick<JobWorkerOptions, 'backoff' | 'clock'>>;

async function runJob(job: JobRow, handler: JobHandler, options: RunOptions, result: JobRunResult) {
  try {
    await handler(job);
  } catch (error) {
    return settleFailure(job, error, options, result);
  }
  if (await completeJob(job, options.clock())) result.done++;
  else result.lost++;
}

/** The job's handler failed: retried (backoff, Retry-After, the work's deadline) or dead-lettered. */
async function settleFailure(job: JobRow, error: unknown, options: RunOptions, result: JobRunResult) {
  const message = error instanceof Error ? error.message : String(error);
  const retryAfterMs = error instanceof RetryJobError ? error.retryAfterMs : undefined;
  const now = options.clock();
  const deadline = error instanceof RetryJobError && error.deadline && error.deadline > now ? error.deadline : null;
  const permanent = error instanceof PermanentJobError || (job.attempts >= job.maxAttempts && !deadline);
  const retryAt = permanent ? null : retryTime(now, retryDelayMs(job.attempts, { policy: options.backoff, retryAfterMs }), retryAfterMs === undefined ? deadline : null);
  if (!(error instanceof PermanentJobError) && !(error instanceof RetryJobError)) {
    log('warn', 'job failed unexpectedly', { queue: job.queue, clinicId: job.clinicId, jobId: job.id, attempts: job.attempts, ...errorFields(error) });
  }
  if (await failJob(job, { error: message, retryAt }, now)) {
    if (permanent) result.dead++;
    else result.retried++;
  } else {
    result.lost++;
  }
}

/** One clinic's claimed jobs of a batch queue: one handler call, the successes completed in one statement. */
async function runBatch(jobs: JobRow[], handler: BatchJobHandler, options: RunOptions, result: JobRunResult) {
  let outcomes: (unknown | null)[];
  try {
    outcomes = await handler.batch(jobs);
  } catch (error) {
    outcomes = jobs.map(() => error);
  }
  const done = jobs.filter((_, i) => outcomes[i] === null || outcomes[i] === undefined);
  const completed = done.length ? await completeJobs(jobs[0]!.clinicId, done, options.clock()) : new Set<string>();
  result.done += completed.size;
  result.lost += done.length - completed.size;
  for (const [i, job] of jobs.entries()) {
    const error = outcomes[i];
    if (error !== null && error !== undefined) await settleFailure(job, error, options, result);
  }
}

/** The ids of the jobs a worker's rounds are running, shared by its parallel rounds (keyed by its options object). */
const runningByWorker = new WeakMap<JobWorkerOptions, Set<string>>();
function runningJobs(options: JobWorkerOptions): Set<string> {
  let running = runningByWorker.get(options);
  if (!running) runningByWorker.set(options, (running = new Set()));
  return running;
}

/**
 * One round: every clinic with due jobs (up to 100 clinics), up to `batchSize` jobs each. Returns what happened;
 * `claimed` 0 means nothing was due.
 */
export async function runDueJobs(options: JobWorkerOptions): Promise<JobRunResult> {
  const clock = options.clock ?? (() => new Date());
  const queueNames = Object.keys(options.queues);
  const result = emptyResult();
  const clinics = await clinicsWithDueJobs(queueNames, clock(), 100, options.clinicIds);
  const claimed: JobRow[] = [];
  // the jobs this worker's other rounds are still running are not taken over by this one, even past their lease
  const running = runningJobs(options);
  for (const clinicId of clinics) {
    const jobs = await claimJobs(clinicId, queueNames, { now: clock(), limit: options.batchSize ?? 50, leaseMs: options.leaseMs ?? 60_000, running: [...running] });
    for (const job of jobs) running.add(job.id);
    claimed.push(...jobs);
  }
  result.claimed = claimed.length;
  const run = { backoff: options.backoff ?? DEFAULT_BACKOFF, clock };
  const single: JobRow[] = [];
  const batches = new Map<string, JobRow[]>();
  for (const job of claimed) {
    const handler = options.queues[job.queue]!;
    if (typeof handler === 'function') single.push(job);
    else batches.set(`${job.clinicId}|${job.queue}`, [...(batches.get(`${job.clinicId}|${job.queue}`) ?? []), job]);
  }
  try {
    await Promise.all([
      eachLimited(single, options.concurrency ?? 8, (job) => runJob(job, options.queues[job.queue] as JobHandler, run, result)),
      (async () => {
        for (const jobs of batches.values()) await runBatch(jobs, options.queues[jobs[0]!.queue] as BatchJobHandler, run, result);
      })(),
    ]);
  } finally {
    for (const job of claimed) running.delete(job.id);
  }
  return result;
}

/** Rounds until nothing is due (tests, scripts). Jobs scheduled for later stay queued. */
export async function drainJobs(options: JobWorkerOptions & { maxRounds?: number }): Promise<JobRunResult> {
  const total = emptyResult();
  let round = 0;
  // each lane runs rounds until one finds nothing due (another lane may still be running its last)
  const lane = async () => {
    while (round++ < (options.maxRounds ?? 1000)) {
      const r = await runDueJobs(options);
      for (const k of Object.keys(total) as (keyof JobRunResult)[]) total[k] += r[k];
      if (r.claimed === 0) break;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.parallelRounds ?? 1) }, lane));
  return total;
}

export type JobWorker = { stop: () => Promise<void>; rounds: () => number; wake: () => void };

/**
 * Runs rounds until stop(): back to back while there is work, every `pollMs` (default 1 s) when idle. stop() waits for
 * the running round, so no claimed job is abandoned by a clean shutdown.
 */
export function startJobWorker(options: JobWorkerOptions): JobWorker {
  const pollMs = options.pollMs ?? 1000;
  let stopped = false;
  let rounds = 0;
  const sleepers = new Set<() => void>();
  const loop = async () => {
    while (!stopped) {
      let claimed = 0;
      try {
        claimed = (await runDueJobs(options)).claimed;
      } catch (error) {
        log('warn', 'job worker: round failed', errorFields(error));
      }
      rounds++;
      if (claimed === 0 && !stopped) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(wake, pollMs);
          function wake() {
            clearTimeout(timer);
            sleepers.delete(wake);
            resolve();
          }
          sleepers.add(wake);
        });
      }
    }
  };
  const lanes = Math.max(1, options.parallelRounds ?? 1);
  log('info', 'job worker started', { host: hostname(), queues: Object.keys(options.queues), parallelRounds: lanes });
  const running = Promise.all(Array.from({ length: lanes }, loop));
  const wakeAll = () => {
    for (const wake of [...sleepers]) wake();
  };
  return {
    rounds: () => rounds,
    wake: wakeAll,
    stop: async () => {
      stopped = true;
      wakeAll();
      await running;
    },
  };
}
