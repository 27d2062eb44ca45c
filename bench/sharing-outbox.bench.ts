/**
 * Outbox → sandbox throughput (issue 10 benchmarks): N patients with two diagnoses each are written through the
 * services (so the write path fills the outbox), relayed into units, then delivered by the job worker over real HTTP
 * to the sandbox service; units per second of the delivery phase are reported (build + validate + ledger + send).
 * The sandbox service runs as its own process (bench/sharing-sandbox-process.ts), as the real service is another
 * machine; BENCH_SHARING_SANDBOX=inline runs it in the worker's process as before (for before/after pairs).
 * BENCH_SHARING_WORKERS=N (default 1: the worker in this process) runs N worker processes (bench/sharing-worker-process.ts)
 * side by side instead, started and loaded before the clock starts.
 *   DATABASE_URL (a local server database, created and migrated), BENCH_SHARING_UNITS (500), BENCH_SHARING_CONCURRENCY (16)
 *   BENCH_SHARING_WARM (2000): units of other patients delivered before the clock starts, as a long-running worker has
 *   compiled its hot code (0: the cold start); BENCH_SHARING_ROUNDS (2): rounds at once, as JOB_PARALLEL_ROUNDS of
 *   `npm run worker`; BENCH_SHARING_BATCH (100): jobs claimed per round; BENCH_SHARING_THREADS (1): validation threads
 * Run: DATABASE_URL=postgresql://postgres@127.0.0.1:5432/karte_bench_sharing npx tsx bench/sharing-outbox.bench.ts
 */
import pg from 'pg';

process.env.AUDIT_HMAC_KEY ??= 'bench-audit-key-0123456789abcdef';
process.env.AUTH_SECRET ??= 'bench-auth-secret-0123456789abcdef';
process.env.DATA_ENCRYPTION_KEY ??= 'bench-data-key-0123456789abcdef';
const url = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/karte_bench_sharing';
process.env.DATABASE_URL = url;
const dbName = new URL(url).pathname.slice(1);
const admin = new pg.Client({ connectionString: url.replace(/\/[^/]+$/, '/postgres') });
await admin.connect();
await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
await admin.query(`CREATE DATABASE "${dbName}"`);
await admin.end();
const { deployMigrations } = await import('@/lib/core/migrations');
await deployMigrations(url);

const N = Number(process.env.BENCH_SHARING_UNITS ?? 500);
const concurrency = Number(process.env.BENCH_SHARING_CONCURRENCY ?? 16);
// jobs claimed per round, as JOB_BATCH_SIZE of the worker (default 100)
const batchSize = Number(process.env.BENCH_SHARING_BATCH ?? 100);
// rounds at once in the worker (JOB_PARALLEL_ROUNDS of `npm run worker`, default 2; 1 = one round after another as before)
const parallelRounds = Number(process.env.BENCH_SHARING_ROUNDS ?? 2);
const { db, disconnectDb } = await import('@/lib/core/db');
const { clinicWithStaff, createPatient } = await import('@/tests/helpers/factories');
const { recordDiagnosis } = await import('@/lib/records/diagnoses/diagnosis.service');
const { relaySharingOutbox } = await import('@/lib/sharing/outbox-relay.repository');
const { drainJobs } = await import('@/lib/jobs/job-worker');
const { deliverUnit } = await import('@/lib/sharing/deliver-unit.service');
const { deliverUnits } = await import('@/lib/sharing/deliver-batch.service');
// BENCH_SHARING_MODE=single: one unit per job as before ADR 0079 (for before/after pairs)
const mode = process.env.BENCH_SHARING_MODE === 'single' ? 'single' : 'batch';
const { HttpSharingService } = await import('@/lib/sharing/adapters/http-sharing-service');
const { startSharingSandboxServer } = await import('@/lib/sharing/sandbox/sandbox-server');
const { DELIVER_QUEUE } = await import('@/lib/sharing/sharing.constants');

const staff = await clinicWithStaff();
await db().department.create({ data: { clinicId: staff.clinic.id, code: '01', name: '内科' } });
/** `count` patients from number `from` on, each with two diagnoses, written through the services (4 at a time). */
async function writePatients(from: number, count: number) {
  let next = from;
  await Promise.all(Array.from({ length: 4 }, async () => {
    while (next < from + count) {
      const i = next++;
      const p = await createPatient(staff.doctor, { postalCode: '160-0023', address: '東京都新宿区西新宿2-8-1', insurance: { insurerNumber: '06131239', symbol: '1234', number: String(100000 + i), branch: '00', relationship: 'self' } });
      await recordDiagnosis({ patientId: p.id, freeText: '本態性高血圧症', startDate: '2024-04-01', isPrimary: true }, staff.doctor);
      await recordDiagnosis({ patientId: p.id, freeText: '脂質異常症', startDate: '2025-01-10' }, staff.doctor);
    }
  }));
}

// the R4 definitions and the profiles are loaded once per process, before the clock starts (the FHIR bundles section times it)
(await import('@/lib/fhir')).loadFhirProfiles();
const sandboxMode = process.env.BENCH_SHARING_SANDBOX === 'inline' ? 'inline' : 'process';
const { fork } = await import('node:child_process');
const child = sandboxMode === 'process' ? fork(new URL('./sharing-sandbox-process.ts', import.meta.url), { execArgv: ['--import', 'tsx', ...(process.env.SANDBOX_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.SANDBOX_PROF}`] : [])] }) : null;
const inline = child ? null : await startSharingSandboxServer({ port: 0 });
const sandboxUrl = child ? await new Promise<string>((resolve) => child.once('message', (m: { url: string }) => resolve(m.url))) : inline!.url;
const service = new HttpSharingService({ baseUrl: sandboxUrl });
// more than one worker: processes started (and their profiles loaded) before the clock starts
const workers = Math.max(1, Number(process.env.BENCH_SHARING_WORKERS ?? 1));
const children = workers > 1 ? Array.from({ length: workers }, () => fork(new URL('./sharing-worker-process.ts', import.meta.url), { execArgv: ['--import', 'tsx'] })) : [];
await Promise.all(children.map((c) => new Promise((resolve) => c.once('message', resolve))));
// validation threads beside the worker's main thread, as `npm run worker` starts them (SHARING_VALIDATION_THREADS,
// default 1; BENCH_SHARING_THREADS=0 validates on the main thread as before), loaded before the clock starts
const threadCount = Number(process.env.BENCH_SHARING_THREADS ?? 1);
const threads = threadCount > 0 && !children.length ? (await import('@/lib/fhir/validation-threads')).startValidationThreads(threadCount) : null;
await threads?.ready();
const handler = mode === 'single' ? async (job: Parameters<typeof deliverUnit>[0]) => void (await deliverUnit(job, { service })) : { batch: (jobs: Parameters<typeof deliverUnits>[0]) => deliverUnits(jobs, { service, sendConcurrency: concurrency, validateAsync: threads?.validate }) };

// a long-running worker and service, as in a clinic (BENCH_SHARING_WARM, default 2000; one worker process only): that
// many units of other patients are written and delivered before the clock starts, so that V8 has compiled the
// delivery's and the validation's hot code (with 50 units it was still compiling ~500 functions on the other core
// through the first few thousand; BENCH_SHARING_WARM=0 measures that start-up)
const WARM = children.length ? 0 : Number(process.env.BENCH_SHARING_WARM ?? 2000);
let t = Date.now();
if (WARM > 0) {
  await writePatients(N, WARM);
  await relaySharingOutbox();
  await drainJobs({ queues: { [DELIVER_QUEUE]: handler }, concurrency, batchSize, parallelRounds });
  console.log(`warmed with ${WARM} units in ${((Date.now() - t) / 1000).toFixed(1)} s`);
}
const sentBefore = await db().sharingUnit.count({ where: { clinicId: staff.clinic.id, state: 'sent' } });
const duplicatesBefore = ((await (await fetch(`${sandboxUrl}/__sandbox/state`)).json()) as { duplicates: unknown[] }).duplicates.length;
t = Date.now();
await writePatients(0, N);
console.log(`written ${N} patients × 2 diagnoses in ${((Date.now() - t) / 1000).toFixed(1)} s`);
// planner statistics for the new rows, as a clinic's database has them (autovacuum gathers them within a minute or so;
// the delivery would otherwise start before it did)
await db().$executeRaw`ANALYZE`;

t = Date.now();
const relayed = await relaySharingOutbox();
const relayMs = Date.now() - t;
t = Date.now();
// CPU per unit of each process during the delivery (a figure that moves far less with other work on the machine than
// units/s): the worker(s), the sandbox service and the PostgreSQL backends of this database
const { postgresBackendsCpuMs, processTreeCpuMs } = await import('./lib');
const ownCpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const workerCpuMs = () => (children.length ? children.reduce((sum, c) => sum + processTreeCpuMs(c.pid!), 0) : ownCpuMs());
const sandboxCpuMs = () => (child ? processTreeCpuMs(child.pid!) : 0);
const cpu0 = { worker: workerCpuMs(), sandbox: sandboxCpuMs(), postgres: postgresBackendsCpuMs(dbName) };
type RunResult = Awaited<ReturnType<typeof drainJobs>>;
const result = children.length
  ? (await Promise.all(children.map((c) => new Promise<RunResult>((resolve) => {
      c.once('message', (m: { result: RunResult }) => resolve(m.result));
      c.send({ go: sandboxUrl });
    })))).reduce((a, b) => Object.fromEntries(Object.entries(a).map(([k, v]) => [k, v + b[k as keyof RunResult]])) as RunResult)
  : await drainJobs({ queues: { [DELIVER_QUEUE]: handler }, concurrency, batchSize, parallelRounds });
const ms = Date.now() - t;
// per delivered unit (a patient's two outbox rows relayed in two batches count twice in relayed.units)
const delivered = Math.max(1, result.done);
const perUnit = (now: number, before: number) => +((now - before) / delivered).toFixed(2);
const cpuPerUnitMs = { worker: perUnit(workerCpuMs(), cpu0.worker), sandbox: child ? perUnit(sandboxCpuMs(), cpu0.sandbox) : null, postgres: perUnit(postgresBackendsCpuMs(dbName), cpu0.postgres) };
// contents the service received more than once (the sandbox's own count, over its control API)
const duplicates = ((await (await fetch(`${sandboxUrl}/__sandbox/state`)).json()) as { duplicates: unknown[] }).duplicates.length - duplicatesBefore;
const sent = (await db().sharingUnit.count({ where: { clinicId: staff.clinic.id, state: 'sent' } })) - sentBefore;
const cpus = (await import('node:os')).cpus().length;
const load = (await import('node:os')).loadavg()[0]!.toFixed(2);
console.log(JSON.stringify({ units: relayed.units, outboxRows: relayed.rows, relayMs, deliveryMs: ms, unitsPerSecond: Math.round((result.done / ms) * 1000), sent, duplicates, result, cpuPerUnitMs, validationThreads: threads ? threadCount : 0, warm: WARM, parallelRounds, batchSize, mode, sandbox: sandboxMode, workers, concurrency, cpus, load }));
child?.disconnect();
await threads?.close();
await inline?.close();
await disconnectDb();
process.exit(0);
