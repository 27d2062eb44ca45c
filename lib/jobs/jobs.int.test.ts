/**
 * The job queue on the real database (and on the Citus cluster when DATABASE_URL points at it): a job runs once,
 * keys coalesce, failures back off or dead-letter, a dead job can be resent, a dead worker's jobs are taken over after
 * their lease, two workers never run one job, and on Citus every claim and completion is a router query.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { explainTaskCounts, isCitus, isDataStatement, recordStatements } from '@/tests/helpers/citus';
import { PermanentJobError, RetryJobError } from './job-errors';
import { claimJobs, completeJob, countJobs, enqueueJob, enqueueJobs, findJob, findJobByKey, listJobs, requeueDeadJob } from './job.repository';
import { db } from '@/lib/core/db';
import { drainJobs, runDueJobs, startJobWorker, type JobHandler } from './job-worker';

const newClinic = () => `jobs-test-${randomUUID()}`;
/** A queue name per test, so tests never see each other's jobs. */
const newQueue = () => `test.${randomUUID().slice(0, 8)}`;

function clockAt(start: Date) {
  let now = start.getTime();
  return { clock: () => new Date(now), advance: (ms: number) => (now += ms) };
}

describe('job queue', () => {
  it('runs a job once and marks it done', async () => {
    const clinicId = newClinic();
    const queue = newQueue();
    const seen: unknown[] = [];
    const { id } = await enqueueJob(db(), { clinicId, queue, payload: { n: 1 } });
    const result = await drainJobs({ queues: { [queue]: async (job) => void seen.push(job.payload) } });
    expect(seen).toEqual([{ n: 1 }]);
    expect(result).toMatchObject({ claimed: 1, done: 1, dead: 0 });
    expect(await findJob(clinicId, id)).toMatchObject({ state: 'done', attempts: 1, lockToken: null });
  });

  it('a worker given clinicIds takes only those clinics\' jobs', async () => {
    const [mine, theirs] = [newClinic(), newClinic()];
    const queue = newQueue();
    const seen: string[] = [];
    await enqueueJob(db(), { clinicId: mine, queue, payload: {} });
    const { id: otherId } = await enqueueJob(db(), { clinicId: theirs, queue, payload: {} });
    const result = await drainJobs({ queues: { [queue]: async (job) => void seen.push(job.clinicId) }, clinicIds: [mine] });
    expect(seen).toEqual([mine]);
    expect(result).toMatchObject({ claimed: 1, done: 1 });
    expect(await findJob(theirs, otherId)).toMatchObject({ state: 'queued', attempts: 0 });
  });

  it('coalesces jobs of one key while queued, and reruns one enqueued while it was running', async () => {
    const clinicId = newClinic();
    const queue = newQueue();
    let runs = 0;
    for (let i = 0; i < 3; i++) await enqueueJob(db(), { clinicId, queue, key: 'unit-1', payload: { i } });
    const handler: JobHandler = async (job) => {
      runs++;
      // a change arrives while the job runs: it must run again after this run, with the newer payload
      if (runs === 1) {
        expect(job.payload).toEqual({ i: 2 });
        await enqueueJob(db(), { clinicId, queue, key: 'unit-1', payload: { i: 3 } });
      }
    };
    await drainJobs({ queues: { [queue]: handler } });
    expect(runs).toBe(2);
    const job = await findJobByKey(clinicId, queue, 'unit-1');
    expect(job).toMatchObject({ state: 'done', rerun: false, payload: { i: 3 } });
    // a done key is revived by the next change
    await enqueueJob(db(), { clinicId, queue, key: 'unit-1' });
    expect(await findJobByKey(clinicId, queue, 'unit-1')).toMatchObject({ state: 'queued', attempts: 0, id: job!.id });
  });

  it('backs off after a transient failure and honours Retry-After', async () => {
    const clinicId = newClinic();
    const queue = newQueue();
    const t = clockAt(new Date());
    const { id } = await enqueueJob(db(), { clinicId, queue, now: t.clock() });
    const failing: JobHandler = async () => {
      throw new RetryJobError('503', 120_000);
    };
    await runDueJobs({ queues: { [queue]: failing }, clock: t.clock });
    let job = await findJob(clinicId, id);
    expect(job).toMatchObject({ state: 'queued', attempts: 1, lastError: '503' });
    expect(job!.runAt.getTime() - t.clock().getTime()).toBe(120_000);
    // not due yet
    expect((await runDueJobs({ queues: { [queue]: failing }, clock: t.clock })).claimed).toBe(0);
    t.advance(120_000);
    await runDueJobs({ queues: { [queue]: async () => { throw new Error('socket hang up'); } }, clock: t.clock });
    job = await findJob(clinicId, id);
    const delay = job!.runAt.getTime() - t.clock().getTime();
    // second failure without Retry-After: backoff step 2 s, with jitter between 1 and 2 s
    expect(delay).toBeGreaterThanOrEqual(1000);
    expect(delay).toBeLessThanOrEqual(2000);
    expect(job).toMatchObject({ state: 'queued', attempts: 2 });
  });

  it('dead-letters a permanent error at once and after maxAttempts transient ones; a dead job can be resent', async () => {
    const clinicId = newClinic();
    const queue = newQueue();
    const t = clockAt(new Date());
    const permanent = await enqueueJob(db(), { clinicId, queue, key: 'p', now: t.clock() });
    const transient = await enqueueJob(db(), { clinicId, queue, key: 't', maxAttempts: 3, now: t.clock() });
    const handler: JobHandler = async (job) => {
      if (job.key === 'p') throw new PermanentJobError('検証エラー: 病名コードがありません');
      throw new Error('timeout');
    };
    for (let i = 0; i < 5; i++) {
      await runDueJobs({ queues: { [queue]: handler }, clock: t.clock });
      t.advance(10 * 60_000);
    }
    expect(await findJob(clinicId, permanent.id)).toMatchObject({ state: 'dead', attempts: 1, lastError: '検証エラー: 病名コードがありません' });
    expect(await findJob(clinicId, transient.id)).toMatchObject({ state: 'dead', attempts: 3, lastError: 'timeout' });
    expect(await listJobs(clinicId, { state: 'dead' })).toHaveLength(2);
    expect(await countJobs(clinicId)).toEqual([{ queue, state: 'dead', count: 2 }]);

    expect(await requeueDeadJob(clinicId, permanent.id, t.clock())).toBe(true);
    expect(await requeueDeadJob(clinicId, permanent.id, t.clock())).toBe(false);
    await drainJobs({ queues: { [queue]: async () => {} }, clock: t.clock });
    expect(await findJob(clinicId, permanent.id)).toMatchObject({ state: 'done', attempts: 1, lastError: null });
  });

  it('takes over the jobs of a worker that died once their lease has passed; the dead worker cannot complete them', async () => {
    const clinicId = newClinic();
    const queue = newQueue();
    const t = clockAt(new Date());
    await enqueueJob(db(), { clinicId, queue, key: 'a', now: t.clock() });
    const [claimedByDeadWorker] = await claimJobs(clinicId, [queue], { now: t.clock(), limit: 10, leaseMs: 30_000 });
    expect(claimedByDeadWorker).toMatchObject({ state: 'running', attempts: 1 });
    let runs = 0;
    const handler: JobHandler = async () => void runs++;
    expect((await runDueJobs({ queues: { [queue]: handler }, clock: t.clock })).claimed).toBe(0);
    t.advance(30_001);
    expect(await drainJobs({ queues: { [queue]: handler }, clock: t.clock })).toMatchObject({ claimed: 1, done: 1 });
    expect(runs).toBe(1);
    expect(await completeJob(claimedByDeadWorker!, t.clock())).toBe(false);
    expect(await findJob(clinicId, claimedByDeadWorker!.id)).toMatchObject({ state: 'done', attempts: 2 });
  });

  it('never gives one job to two workers running at the same time', async () => {
    const clinicIds = [newClinic(), newClinic()];
    const queue = newQueue();
    for (const clinicId of clinicIds) {
      for (let i = 0; i < 60; i++) await enqueueJob(db(), { clinicId, queue, payload: { i } });
    }
    const runs = new Map<string, number>();
    const handler: JobHandler = async (job) => {
      runs.set(job.id, (runs.get(job.id) ?? 0) + 1);
      await new Promise((r) => setTimeout(r, 1));
    };
    const options = { queues: { [queue]: handler }, batchSize: 7, concurrency: 4 };
    const [a, b] = await Promise.all([drainJobs(options), drainJobs(options)]);
    expect(a.done + b.done).toBe(120);
    expect(runs.size).toBe(120);
    expect([...runs.values()].every((n) => n === 1)).toBe(true);
  });

  it('runs rounds side by side in one worker (parallelRounds): every job once, even past its lease, batches overlapping, and stops cleanly', async () => {
    const clinicId = newClinic();
    const queue = newQueue();
    // the 5 oldest jobs make a slow batch (300 ms) that outlasts its 100 ms lease while the other round goes on with
    // fast ones: that round must not take the slow batch's jobs over, although they are due again and the oldest
    const now = Date.now();
    await enqueueJobs(db(), Array.from({ length: 5 }, (_, i) => ({ clinicId, queue, payload: { slow: true, i }, runAt: new Date(now - 10_000) })));
    await enqueueJobs(db(), Array.from({ length: 30 }, (_, i) => ({ clinicId, queue, payload: { i }, runAt: new Date(now - 1000) })));
    const runs = new Map<string, number>();
    let inFlight = 0;
    let overlapped = false;
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    // the slow batch lasts 300 ms and until another batch has started beside it (at most 10 s): with the rounds side by
    // side that happens however long a claim takes (a loaded Citus coordinator took longer than the 300 ms alone);
    // with the rounds one after the other it never does
    let fastStarted: (() => void) | null = null;
    const batch = async (jobs: { id: string; payload: unknown }[]) => {
      inFlight++;
      if (inFlight > 1) overlapped = true;
      if (jobs.some((j) => (j.payload as { slow?: boolean }).slow)) {
        await Promise.all([sleep(300), Promise.race([new Promise<void>((r) => (fastStarted = r)), sleep(10_000)])]);
        fastStarted = null;
      } else {
        fastStarted?.();
        await sleep(30);
      }
      for (const job of jobs) runs.set(job.id, (runs.get(job.id) ?? 0) + 1);
      inFlight--;
      return jobs.map(() => null);
    };
    const result = await drainJobs({ queues: { [queue]: { batch } }, batchSize: 5, parallelRounds: 2, leaseMs: 100, clinicIds: [clinicId] });
    expect(runs.size).toBe(35);
    expect([...runs.values()].every((n) => n === 1)).toBe(true);
    expect(result).toMatchObject({ claimed: 35, done: 35, lost: 0 });
    expect(overlapped).toBe(true);

    // the long-running worker: both lanes sleep when idle, a wake() starts them, stop() waits for the running rounds
    runs.clear();
    const worker = startJobWorker({ queues: { [queue]: { batch } }, batchSize: 5, parallelRounds: 2, pollMs: 60_000, clinicIds: [clinicId] });
    await new Promise((r) => setTimeout(r, 100));
    await enqueueJobs(db(), Array.from({ length: 10 }, (_, i) => ({ clinicId, queue, payload: { late: i } })));
    worker.wake();
    await expect.poll(() => runs.size, { timeout: 10_000 }).toBe(10);
    await worker.stop();
    expect(await countJobs(clinicId)).toEqual([{ queue, state: 'done', count: 45 }]);
  });

  it('enqueues many jobs in one statement, each coalesced as enqueueJob coalesces it alone', async () => {
    const clinicId = newClinic();
    const queue = newQueue();
    const t0 = new Date('2026-12-07T01:00:00Z');
    const later = new Date(t0.getTime() + 3600_000);
    const queued = await enqueueJob(db(), { clinicId, queue, key: 'queued', runAt: later, now: t0 });
    const running = await enqueueJob(db(), { clinicId, queue, key: 'running', now: t0 });
    const done = await enqueueJob(db(), { clinicId, queue, key: 'done', now: t0 });
    const claimed = await claimJobs(clinicId, [queue], { now: t0, limit: 10, leaseMs: 60_000 });
    expect(claimed.map((j) => j.key).sort()).toEqual(['done', 'running']);
    await completeJob(claimed.find((j) => j.key === 'done')!, t0);

    const ids = await enqueueJobs(db(), ['fresh', 'done', 'queued', 'running'].map((key) => ({ clinicId, queue, key, payload: { key }, now: t0 })));
    expect(ids[1]).toEqual(done);
    expect(ids[2]).toEqual(queued);
    expect(ids[3]).toEqual(running);
    expect(await findJob(clinicId, ids[0]!.id)).toMatchObject({ key: 'fresh', state: 'queued', attempts: 0, payload: { key: 'fresh' } });
    expect(await findJobByKey(clinicId, queue, 'done')).toMatchObject({ state: 'queued', attempts: 0, finishedAt: null });
    expect(await findJobByKey(clinicId, queue, 'queued')).toMatchObject({ state: 'queued', runAt: t0 });
    expect(await findJobByKey(clinicId, queue, 'running')).toMatchObject({ state: 'running', rerun: true });
    await expect(enqueueJobs(db(), [{ clinicId, queue, key: 'x' }, { clinicId, queue, key: 'x' }])).rejects.toThrow(/twice/);
    expect(await enqueueJobs(db(), [])).toEqual([]);
  });

  it('claims only the named clinic\'s jobs', async () => {
    const [mine, other] = [newClinic(), newClinic()];
    const queue = newQueue();
    await enqueueJob(db(), { clinicId: mine, queue });
    await enqueueJob(db(), { clinicId: other, queue });
    const claimed = await claimJobs(mine, [queue], { now: new Date(), limit: 10, leaseMs: 1000 });
    expect(claimed.map((j) => j.clinicId)).toEqual([mine]);
  });
});

describe.runIf(await isCitus())('job queue on Citus', () => {
  it('enqueue (one job or many), claim, completion and failure are router queries (one shard)', async () => {
    const clinicId = newClinic();
    const queue = newQueue();
    const statements = (
      await recordStatements(async () => {
        await enqueueJob(db(), { clinicId, queue, key: 'k' });
        const [job] = await claimJobs(clinicId, [queue], { now: new Date(), limit: 5, leaseMs: 1000 });
        await completeJob(job!, new Date());
        await enqueueJob(db(), { clinicId, queue, key: 'k' });
        await enqueueJobs(db(), [{ clinicId, queue, key: 'k' }, { clinicId, queue, key: 'k2' }]);
        await runDueJobs({ queues: { [queue]: async () => { throw new PermanentJobError('x'); } } });
      })
    ).filter(isDataStatement);
    const problems: string[] = [];
    for (const { statement, taskCounts } of await explainTaskCounts(statements)) {
      // the discovery of clinics with due jobs is the one read across shards (no lock)
      if (/SELECT DISTINCT "clinicId" FROM "Job"/.test(statement.text)) continue;
      if (taskCounts.some((n) => n !== 1)) problems.push(`Task Count ${taskCounts.join('/')}: ${statement.text}`);
    }
    expect(problems).toEqual([]);
    expect(statements.some((s) => /FOR UPDATE SKIP LOCKED/.test(s.text))).toBe(true);
  });
});
