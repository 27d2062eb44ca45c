/**
 * The job table's queries (docs/decisions/0027). Every statement that locks or changes jobs names one clinic, so on
 * Citus it is a router query on that clinic's shard; only the discovery of clinics with due jobs reads across shards,
 * without locks. Times are passed as parameters (Citus refuses now() in ON CONFLICT DO UPDATE, and one clock — the
 * worker's — decides what is due).
 */
import { randomUUID } from 'node:crypto';
import { db, Prisma, type Tx } from '@/lib/core/db';
import { oneOf } from '@/lib/core/text-enum';
import { JOB_STATES, type JobState } from './job.constants';

type Client = Tx | ReturnType<typeof db>;

export type JobRow = {
  clinicId: string;
  id: string;
  queue: string;
  key: string;
  payload: unknown;
  state: JobState;
  rerun: boolean;
  attempts: number;
  maxAttempts: number;
  runAt: Date;
  lockToken: string | null;
  lockedUntil: Date | null;
  lastError: string | null;
  createdAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
};

type RawJob = Omit<JobRow, 'state'> & { state: string };
const toJob = (r: RawJob): JobRow => ({ ...r, state: oneOf(JOB_STATES, r.state) });

export type EnqueueJob = {
  clinicId: string;
  queue: string;
  payload?: unknown;
  /** coalescing key (one job per clinic+queue+key); defaults to a fresh id, i.e. no coalescing */
  key?: string;
  runAt?: Date;
  maxAttempts?: number;
  now?: Date;
};

/**
 * Adds a job, or coalesces with the job of the same key: a queued one keeps waiting (not later than `runAt` unless it
 * is backing off after failures), a running one is marked to run once more when it finishes, a done or dead one is
 * queued again with its attempts reset. Pass the caller's transaction to enqueue atomically with its write.
 */
export async function enqueueJob(client: Client, job: EnqueueJob): Promise<{ id: string }> {
  return (await enqueueJobs(client, [job]))[0]!;
}

/**
 * enqueueJob for many jobs in one statement (one multi-row INSERT; on Citus each row goes to its clinic's shard), each
 * coalesced as enqueueJob coalesces it; the ids in the order of `jobs`. The (clinic, queue, key) of the jobs must be
 * distinct: one statement cannot coalesce a job twice.
 */
export async function enqueueJobs(client: Client, jobs: readonly EnqueueJob[]): Promise<{ id: string }[]> {
  if (jobs.length === 0) return [];
  const keyOf = (clinicId: string, queue: string, key: string) => `${clinicId}\u0000${queue}\u0000${key}`;
  const keys: string[] = [];
  const values = jobs.map((job) => {
    const now = job.now ?? new Date();
    const id = randomUUID();
    const key = job.key ?? id;
    keys.push(keyOf(job.clinicId, job.queue, key));
    return Prisma.sql`(${job.clinicId}, ${id}, ${job.queue}, ${key}, ${JSON.stringify(job.payload ?? {})}::jsonb, 'queued', ${job.runAt ?? now}, ${job.maxAttempts ?? 25}, ${now}, ${now})`;
  });
  if (new Set(keys).size !== keys.length) throw new Error('enqueueJobs: the same job key twice in one call');
  const rows = await client.$queryRaw<{ id: string; clinicId: string; queue: string; key: string }[]>`
    INSERT INTO "Job" ("clinicId", id, queue, key, payload, state, "runAt", "maxAttempts", "createdAt", "updatedAt")
    VALUES ${Prisma.join(values)}
    ON CONFLICT ("clinicId", queue, key) DO UPDATE SET
      payload = EXCLUDED.payload,
      rerun = ("Job".state = 'running'),
      state = CASE WHEN "Job".state = 'running' THEN 'running' ELSE 'queued' END,
      "runAt" = CASE
        WHEN "Job".state = 'queued' AND "Job".attempts > 0 THEN "Job"."runAt"
        WHEN "Job".state = 'queued' THEN LEAST("Job"."runAt", EXCLUDED."runAt")
        ELSE EXCLUDED."runAt" END,
      attempts = CASE WHEN "Job".state IN ('done', 'dead') THEN 0 ELSE "Job".attempts END,
      "maxAttempts" = EXCLUDED."maxAttempts",
      "finishedAt" = CASE WHEN "Job".state IN ('done', 'dead') THEN NULL ELSE "Job"."finishedAt" END,
      "updatedAt" = EXCLUDED."updatedAt"
    RETURNING id, "clinicId", queue, key`;
  const idOf = new Map(rows.map((r) => [keyOf(r.clinicId, r.queue, r.key), r.id]));
  return keys.map((k) => ({ id: idOf.get(k)! }));
}

/** Clinics that have a due job (queued and due, or running with an expired lease). Reads every shard, takes no lock. */
export async function clinicsWithDueJobs(queues: string[], now: Date, limit: number, onlyClinics?: string[]): Promise<string[]> {
  const rows = await db().$queryRaw<{ clinicId: string }[]>`
    SELECT DISTINCT "clinicId" FROM "Job"
    WHERE queue = ANY(${queues}::text[])
      AND (${onlyClinics ?? null}::text[] IS NULL OR "clinicId" = ANY(${onlyClinics ?? null}::text[]))
      AND ((state = 'queued' AND "runAt" <= ${now}) OR (state = 'running' AND "lockedUntil" < ${now}))
    LIMIT ${limit}`;
  return rows.map((r) => r.clinicId);
}

/**
 * Claims up to `limit` due jobs of one clinic (oldest due first) for `leaseMs`, skipping rows another worker holds.
 * Each claim counts as an attempt, so a job whose handler kills its worker is dead-lettered after maxAttempts.
 * `running`: jobs the caller's process is still handling, never claimed again by it even after their lease passed
 * (another round of the same worker would otherwise take over a job whose request is still out).
 */
export async function claimJobs(clinicId: string, queues: string[], options: { now: Date; limit: number; leaseMs: number; running?: readonly string[] }): Promise<JobRow[]> {
  const token = randomUUID();
  const until = new Date(options.now.getTime() + options.leaseMs);
  const rows = await db().$queryRaw<RawJob[]>`
    UPDATE "Job" AS j SET state = 'running', "lockToken" = ${token}, "lockedUntil" = ${until}, attempts = j.attempts + 1, "updatedAt" = ${options.now}
    WHERE j."clinicId" = ${clinicId} AND j.id IN (
      SELECT c.id FROM "Job" c
      WHERE c."clinicId" = ${clinicId} AND c.queue = ANY(${queues}::text[])
        AND ((c.state = 'queued' AND c."runAt" <= ${options.now}) OR (c.state = 'running' AND c."lockedUntil" < ${options.now}))
        AND NOT (c.id = ANY(${options.running ?? []}::text[]))
      ORDER BY c."runAt"
      LIMIT ${options.limit}
      FOR UPDATE SKIP LOCKED)
    RETURNING j.*`;
  return rows.map(toJob).sort((a, b) => a.runAt.getTime() - b.runAt.getTime());
}

/** A long job keeps its claim: moves the lease on while the claim still holds. False if the claim was lost. */
export async function extendJobLease(job: Pick<JobRow, 'clinicId' | 'id' | 'lockToken'>, until: Date, now: Date): Promise<boolean> {
  const n = await db().$executeRaw`
    UPDATE "Job" SET "lockedUntil" = ${until}, "updatedAt" = ${now}
    WHERE "clinicId" = ${job.clinicId} AND id = ${job.id} AND "lockToken" = ${job.lockToken} AND state = 'running'`;
  return n === 1;
}

/** The claim's job succeeded: done, or queued again at once if it was enqueued meanwhile. False if the claim was lost. */
export async function completeJob(job: Pick<JobRow, 'clinicId' | 'id' | 'lockToken'>, now: Date): Promise<boolean> {
  const n = await db().$executeRaw`
    UPDATE "Job" SET
      state = CASE WHEN rerun THEN 'queued' ELSE 'done' END,
      attempts = CASE WHEN rerun THEN 0 ELSE attempts END,
      "finishedAt" = CASE WHEN rerun THEN NULL ELSE ${now}::timestamptz END,
      "runAt" = CASE WHEN rerun THEN ${now}::timestamptz ELSE "runAt" END,
      rerun = false, "lockToken" = NULL, "lockedUntil" = NULL, "lastError" = NULL, "updatedAt" = ${now}
    WHERE "clinicId" = ${job.clinicId} AND id = ${job.id} AND "lockToken" = ${job.lockToken}`;
  return n === 1;
}

/** completeJob for many claimed jobs of one clinic in one statement; returns the ids whose claim still held. */
export async function completeJobs(clinicId: string, jobs: Pick<JobRow, 'id' | 'lockToken'>[], now: Date): Promise<Set<string>> {
  const rows = await db().$queryRaw<{ id: string }[]>`
    UPDATE "Job" AS j SET
      state = CASE WHEN j.rerun THEN 'queued' ELSE 'done' END,
      attempts = CASE WHEN j.rerun THEN 0 ELSE j.attempts END,
      "finishedAt" = CASE WHEN j.rerun THEN NULL ELSE ${now}::timestamptz END,
      "runAt" = CASE WHEN j.rerun THEN ${now}::timestamptz ELSE j."runAt" END,
      rerun = false, "lockToken" = NULL, "lockedUntil" = NULL, "lastError" = NULL, "updatedAt" = ${now}
    FROM unnest(${jobs.map((j) => j.id)}::text[], ${jobs.map((j) => j.lockToken ?? '')}::text[]) AS c(id, token)
    WHERE j."clinicId" = ${clinicId} AND j.id = c.id AND j."lockToken" = c.token
    RETURNING j.id`;
  return new Set(rows.map((r) => r.id));
}

/**
 * The claim's job failed. `retryAt` set: queued again then; null: dead-lettered with the error, for a person to see and
 * resend — unless it was enqueued again meanwhile (its input changed, so it gets a fresh set of attempts at once).
 */
export async function failJob(
  job: Pick<JobRow, 'clinicId' | 'id' | 'lockToken'>,
  outcome: { error: string; retryAt: Date | null },
  now: Date,
): Promise<boolean> {
  const dead = outcome.retryAt === null;
  const n = await db().$executeRaw`
    UPDATE "Job" SET
      state = CASE WHEN ${dead}::boolean AND NOT rerun THEN 'dead' ELSE 'queued' END,
      attempts = CASE WHEN ${dead}::boolean AND rerun THEN 0 ELSE attempts END,
      "runAt" = CASE WHEN ${dead}::boolean THEN ${now}::timestamptz ELSE ${outcome.retryAt ?? now}::timestamptz END,
      "finishedAt" = CASE WHEN ${dead}::boolean AND NOT rerun THEN ${now}::timestamptz ELSE NULL END,
      rerun = false, "lockToken" = NULL, "lockedUntil" = NULL, "lastError" = ${outcome.error.slice(0, 2000)}, "updatedAt" = ${now}
    WHERE "clinicId" = ${job.clinicId} AND id = ${job.id} AND "lockToken" = ${job.lockToken}`;
  return n === 1;
}

/** A dead-lettered job queued again (after the cause was fixed), attempts reset. False if it is not dead. */
export async function requeueDeadJob(clinicId: string, id: string, now: Date, client: Client = db()): Promise<boolean> {
  const n = await client.$executeRaw`
    UPDATE "Job" SET state = 'queued', attempts = 0, "runAt" = ${now}, "finishedAt" = NULL, "updatedAt" = ${now}
    WHERE "clinicId" = ${clinicId} AND id = ${id} AND state = 'dead'`;
  return n === 1;
}

export async function findJob(clinicId: string, id: string): Promise<JobRow | null> {
  const rows = await db().$queryRaw<RawJob[]>`SELECT * FROM "Job" WHERE "clinicId" = ${clinicId} AND id = ${id}`;
  return rows[0] ? toJob(rows[0]) : null;
}

export async function findJobByKey(clinicId: string, queue: string, key: string): Promise<JobRow | null> {
  const rows = await db().$queryRaw<RawJob[]>`SELECT * FROM "Job" WHERE "clinicId" = ${clinicId} AND queue = ${queue} AND key = ${key}`;
  return rows[0] ? toJob(rows[0]) : null;
}

/** A clinic's jobs, newest change first (the admin view; dead-lettered ones are the clinic's tasks). */
export async function listJobs(clinicId: string, filter: { queue?: string; state?: JobState; limit?: number } = {}): Promise<JobRow[]> {
  const rows = await db().$queryRaw<RawJob[]>`
    SELECT * FROM "Job" WHERE "clinicId" = ${clinicId}
      AND (${filter.queue ?? null}::text IS NULL OR queue = ${filter.queue ?? null})
      AND (${filter.state ?? null}::text IS NULL OR state = ${filter.state ?? null})
    ORDER BY "updatedAt" DESC LIMIT ${filter.limit ?? 100}`;
  return rows.map(toJob);
}

/** Count of a clinic's jobs per queue and state. */
export async function countJobs(clinicId: string): Promise<{ queue: string; state: JobState; count: number }[]> {
  const rows = await db().$queryRaw<{ queue: string; state: string; count: bigint }[]>`
    SELECT queue, state, count(*) AS count FROM "Job" WHERE "clinicId" = ${clinicId} GROUP BY queue, state ORDER BY queue, state`;
  return rows.map((r) => ({ queue: r.queue, state: oneOf(JOB_STATES, r.state), count: Number(r.count) }));
}

/** Removes finished jobs of one clinic older than `before` (done only; dead ones stay until resent). */
export async function pruneDoneJobs(clinicId: string, before: Date): Promise<number> {
  return db().$executeRaw`DELETE FROM "Job" WHERE "clinicId" = ${clinicId} AND state = 'done' AND "finishedAt" < ${before}`;
}

/** A queued job (e.g. waiting in backoff) made due now: a person asked for it. False if no such job is queued. */
export async function runQueuedJobNow(client: Client, job: { clinicId: string; queue: string; key: string }, now: Date): Promise<boolean> {
  const n = await client.$executeRaw`
    UPDATE "Job" SET "runAt" = ${now}, "updatedAt" = ${now}
    WHERE "clinicId" = ${job.clinicId} AND queue = ${job.queue} AND key = ${job.key} AND state = 'queued' AND "runAt" > ${now}`;
  return n === 1;
}

/** A queued job (waiting in backoff after a failure) made due now, by id: a person asked for it. False if not queued. */
export async function runJobNow(client: Client, clinicId: string, id: string, now: Date): Promise<boolean> {
  const n = await client.$executeRaw`
    UPDATE "Job" SET "runAt" = ${now}, "updatedAt" = ${now}
    WHERE "clinicId" = ${clinicId} AND id = ${id} AND state = 'queued'`;
  return n === 1;
}
