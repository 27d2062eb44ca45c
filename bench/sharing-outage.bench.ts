/**
 * A sharing-service outage (issue 10 benchmarks): N units wait in the outbox while the sandbox service is down for
 * OUTAGE seconds, with the real worker process (scripts/worker.ts) retrying them; when the service is back, the
 * worker is killed (SIGKILL) part-way through the catch-up and a new one takes over. Reported: units sent, lost
 * (never sent), duplicates (one content delivered twice), the catch-up time and rate.
 *   DATABASE_URL (a local server database, created and migrated), BENCH_OUTAGE_UNITS (10000), BENCH_OUTAGE_S (600)
 * Run: DATABASE_URL=postgresql://postgres@127.0.0.1:5432/karte_bench_outage npx tsx bench/sharing-outage.bench.ts
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { loadavg, cpus } from 'node:os';
import pg from 'pg';

process.env.AUDIT_HMAC_KEY ??= 'bench-audit-key-0123456789abcdef';
process.env.AUTH_SECRET ??= 'bench-auth-secret-0123456789abcdef';
process.env.DATA_ENCRYPTION_KEY ??= 'bench-data-key-0123456789abcdef';
const url = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/karte_bench_outage';
process.env.DATABASE_URL = url;
const dbName = new URL(url).pathname.slice(1);
const admin = new pg.Client({ connectionString: url.replace(/\/[^/]+$/, '/postgres') });
await admin.connect();
await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
await admin.query(`CREATE DATABASE "${dbName}"`);
await admin.end();
const { deployMigrations } = await import('@/lib/core/migrations');
await deployMigrations(url);

const N = Number(process.env.BENCH_OUTAGE_UNITS ?? 10_000);
const OUTAGE_S = Number(process.env.BENCH_OUTAGE_S ?? 600);
const { db, disconnectDb } = await import('@/lib/core/db');
const { clinicWithStaff } = await import('@/tests/helpers/factories');
const { registerPatient } = await import('@/lib/records/patients/patient.service');
const { recordDiagnosis } = await import('@/lib/records/diagnoses/diagnosis.service');
const { startSharingSandboxServer } = await import('@/lib/sharing/sandbox/sandbox-server');

const staff = await clinicWithStaff();
const clinicId = staff.clinic.id;
await db().department.create({ data: { clinicId, code: '01', name: '内科' } });
const sandbox = await startSharingSandboxServer({ port: 61695 });
sandbox.store.setControl({ down: true });
const log = (m: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${m}`);

function startWorker(): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'scripts/worker.ts'], {
    env: { ...process.env, WORKER_CLINIC_IDS: clinicId, SHARING_MODE: 'http', SHARING_URL: sandbox.url, JOB_POLL_INTERVAL_MS: '200', JOB_LEASE_MS: '10000', LOG_LEVEL: 'error' },
    stdio: 'ignore',
  });
}
const units = (state?: string) => db().sharingUnit.count({ where: { clinicId, ...(state ? { state } : {}) } });

// the worker runs through the whole outage, as in a clinic: changes keep arriving and are retried
let worker = startWorker();
const outageStart = Date.now();
let t = Date.now();
for (let i = 0; i < N; i++) {
  const p = await registerPatient(
    {
      familyName: '停止',
      givenName: `試験${i}`,
      familyNameKana: 'テイシ',
      givenNameKana: 'シケン',
      sex: 'female',
      birthDate: '1970-01-01',
      postalCode: '160-0023',
      address: '東京都新宿区西新宿2-8-1',
      insurance: { insurerNumber: '06131239', symbol: '1234', number: String(100000 + i), branch: '00', relationship: 'self' },
      duplicateAcknowledged: true,
    },
    staff.receptionist,
  );
  await recordDiagnosis({ patientId: p.id, freeText: '本態性高血圧症', startDate: '2024-04-01', isPrimary: true }, staff.doctor);
}
log(`written ${N} patients × 1 diagnosis in ${((Date.now() - t) / 1000).toFixed(0)} s (service down)`);
const rest = OUTAGE_S * 1000 - (Date.now() - outageStart);
if (rest > 0) await new Promise((r) => setTimeout(r, rest));
const duringOutage = { units: await units(), sent: await units('sent'), retryWait: await units('retry_wait'), error: await units('error') };
log(`outage of ${((Date.now() - outageStart) / 1000).toFixed(0)} s over: ${JSON.stringify(duringOutage)}`);

sandbox.store.setControl({ down: false });
const back = Date.now();
let killedAt: number | null = null;
const deadline = Date.now() + 60 * 60_000;
for (;;) {
  const sent = await units('sent');
  if (killedAt === null && sent >= N * 0.3) {
    worker.kill('SIGKILL');
    killedAt = Date.now();
    log(`worker killed with ${sent} of ${N} sent; a new one starts`);
    worker = startWorker();
  }
  if (sent >= N || Date.now() > deadline) break;
  await new Promise((r) => setTimeout(r, 1000));
}
const catchUpMs = Date.now() - back;
worker.kill('SIGTERM');
const sent = await units('sent');
const duplicates = [...sandbox.store.deliveriesPerContent().values()].filter((n) => n > 1).length;
const attempts = await db().sharingAttempt.count({ where: { clinicId } });
console.log(
  JSON.stringify({ units: N, outageSeconds: OUTAGE_S, duringOutage, sent, lost: N - sent, duplicates, catchUpSeconds: Math.round(catchUpMs / 1000), unitsPerSecond: Math.round((N / catchUpMs) * 1000), ledgerRows: attempts, cpus: cpus().length, load: loadavg()[0]!.toFixed(2) }),
);
await sandbox.close();
await disconnectDb();
process.exit(0);
