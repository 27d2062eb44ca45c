/**
 * The vendor FHIR API over HTTP (issue 12, Performance): a production server (`next start` through scripts/serve.ts,
 * started separately from a real clone — `next build` does not work with a symlinked node_modules) answers
 * authenticated `GET Patient/{id}`, `Patient?name=…&_count=20` and `Observation?patient=…&code=…` at 1, 16 and 64
 * connections (keep-alive, one client process on the same machine: autocannon, or node:http's client with
 * BENCH_FHIR_CLIENT=node — the figures before 2026-12-07 02:00 UTC were taken with node:http, which costs the machine
 * about twice autocannon's CPU per request). Every read writes its audit row: the
 * bench counts the clinic's audit rows before and after each run and reports them next to the 200 answers.
 *   BENCH_FHIR_URL   the server's origin (e.g. http://127.0.0.1:3141); its DATABASE_URL must be this one
 *   DATABASE_URL     the server's database (migrated; the bench adds a clinic, patients, results and an app)
 *   BENCH_FHIR_SECONDS (10 per run), BENCH_FHIR_PATIENTS (1000), BENCH_FHIR_CONNECTIONS (1,16,64)
 *   BENCH_FHIR_ONLY  run only the requests whose name starts with one of these (comma-separated, e.g. `GET,Patient?`)
 *   BENCH_SERVER_PID  the server's process id: its CPU time (with its child processes, from /proc) per answered
 *                     request is reported — a figure that moves far less than req/s with other work on the machine;
 *                     so are the CPU time of the PostgreSQL backends serving DATABASE_URL's database (found by
 *                     their process titles) and of this client
 * The server needs API_RATE_LIMIT / API_RATE_BURST above the offered load (e.g. 100000), else it answers 429.
 */
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import autocannon from 'autocannon';

process.env.AUDIT_HMAC_KEY ??= 'bench-audit-key-0123456789abcdef';
process.env.AUTH_SECRET ??= 'bench-auth-secret-0123456789abcdef';
process.env.DATA_ENCRYPTION_KEY ??= 'bench-data-key-0123456789abcdef';

const origin = process.env.BENCH_FHIR_URL ?? 'http://127.0.0.1:3141';
const seconds = Number(process.env.BENCH_FHIR_SECONDS ?? 10);
const nPatients = Number(process.env.BENCH_FHIR_PATIENTS ?? 1000);
const connections = (process.env.BENCH_FHIR_CONNECTIONS ?? '1,16,64').split(',').map(Number);
const base = `${origin}/api/fhir/R4`;

const { db, disconnectDb } = await import('@/lib/core/db');
const { clinicWithStaff, createPatient } = await import('@/tests/helpers/factories');
const { registerApiClient } = await import('@/lib/vendor-api/api-client.service');
const { CLIENT_ASSERTION_TYPE } = await import('@/lib/vendor-api/token.service');
const { exportJWK, generateKeyPair, SignJWT } = await import('jose');
const { machineLine, percentile, postgresBackendsCpuMs, processTreeCpuMs } = await import('./lib');


// data: one clinic, N patients (a few family names, so a name search finds more than a page), 30 results of one patient
const staff = await clinicWithStaff();
const clinicId = staff.clinic.id;
const FAMILY = [['山田', 'ヤマダ'], ['佐藤', 'サトウ'], ['鈴木', 'スズキ'], ['高橋', 'タカハシ'], ['田中', 'タナカ']] as const;
let t = Date.now();
const patientIds: string[] = [];
for (let i = 0; i < nPatients; i++) {
  const [family, kana] = FAMILY[i % FAMILY.length]!;
  const p = await createPatient(staff.receptionist, { familyName: family, familyNameKana: kana, givenName: `太郎${i}`, givenNameKana: 'タロウ', insurance: { insurerNumber: '06131239', symbol: '1234', number: String(200000 + i), branch: '00', relationship: 'self' } });
  patientIds.push(p.id);
}
console.log(`${nPatients} patients in ${((Date.now() - t) / 1000).toFixed(1)} s`);

const { publicKey, privateKey } = await generateKeyPair('RS384', { extractable: true });
const kid = randomUUID();
const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'RS384', use: 'sig' }] });
const app = await registerApiClient({ name: `ベンチ ${kid.slice(0, 4)}`, scopes: ['system/Patient.rs', 'system/Observation.crs'], jwks }, staff.admin);

async function token(scope: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const assertion = await new SignJWT({}).setProtectedHeader({ alg: 'RS384', kid, typ: 'JWT' }).setIssuer(app.clientId).setSubject(app.clientId)
    .setAudience(`${base}/token`).setExpirationTime(now + 240).setJti(randomUUID()).sign(privateKey);
  const res = await fetch(`${base}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'client_credentials', scope, client_assertion_type: CLIENT_ASSERTION_TYPE, client_assertion: assertion }) });
  if (res.status !== 200) throw new Error(`token: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

// 30 HbA1c results of one patient through the API (the write path), for the Observation search
const labPatient = patientIds[0]!;
const writer = await token('system/Observation.crs');
for (let i = 0; i < 30; i++) {
  const body = {
    resourceType: 'Observation', status: 'final',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }] }],
    code: { coding: [{ system: 'http://jpfhir.jp/fhir/clins/CodeSystem/JP_CLINS_ObsLabResult_LocalCode_CS', code: 'K-HBA1C', display: 'HbA1c' }, { system: 'http://medis.or.jp/CodeSystem/master-JLAC10-17digits', code: '3D046000001906202' }] },
    subject: { reference: `Patient/${labPatient}` },
    effectiveDateTime: `2026-${String((i % 11) + 1).padStart(2, '0')}-${String((i % 27) + 1).padStart(2, '0')}T09:30:00+09:00`,
    valueQuantity: { value: 5 + i / 10, unit: '%' },
  };
  const res = await fetch(`${base}/Observation`, { method: 'POST', headers: { authorization: `Bearer ${writer}`, 'content-type': 'application/fhir+json', 'idempotency-key': randomUUID() }, body: JSON.stringify(body) });
  if (res.status !== 201) throw new Error(`Observation create: ${res.status} ${await res.text()}`);
}

// Planner statistics for the new rows, as a clinic's database has them (autovacuum gathers them within a minute or so of
// such a load, and the first runs would start before it did): without them the batch statements' generic plans
// (docs/decisions/0091) guessed a scan of every patient of the clinic per batch, 70 % more PostgreSQL CPU per read.
await db().$executeRaw`ANALYZE`;

type Scenario = { name: string; path: () => string };
let next = 0;
const scenarios: Scenario[] = [
  { name: 'GET Patient/{id}', path: () => `/api/fhir/R4/Patient/${patientIds[next++ % patientIds.length]}` },
  { name: 'Patient?name=…&_count=20', path: () => `/api/fhir/R4/Patient?name=${encodeURIComponent(FAMILY[next++ % FAMILY.length]![1])}&_count=20` },
  { name: 'Observation?patient=…&code=…', path: () => `/api/fhir/R4/Observation?patient=${labPatient}&code=${encodeURIComponent('http://medis.or.jp/CodeSystem/master-JLAC10-17digits|3D046000001906202')}` },
];

const serverPid = process.env.BENCH_SERVER_PID ? Number(process.env.BENCH_SERVER_PID) : null;
const databaseName = new URL(process.env.DATABASE_URL ?? 'postgresql://x/postgres').pathname.slice(1);
const postgresCpuMs = () => postgresBackendsCpuMs(databaseName);
const clientCpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

const url = new URL(origin);
/** The load generator: autocannon (default; raw sockets, a pre-built request, little CPU of its own) or node:http. */
const clientKind = process.env.BENCH_FHIR_CLIENT === 'node' ? 'node' : 'autocannon';

type Load = { times: number[] | null; latency: { p50: number; p99: number; max: number }; requests: number; statuses: Map<number, number> };

/** node:http's keep-alive client: every response's latency kept. */
async function nodeLoad(scenario: Scenario, conns: number, bearer: string, secs: number): Promise<Load> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: conns });
  const times: number[] = [];
  const statuses = new Map<number, number>();
  const end = Date.now() + secs * 1000;
  const one = () => new Promise<void>((resolve, reject) => {
    const start = process.hrtime.bigint();
    const req = http.request({ host: url.hostname, port: url.port, path: scenario.path(), agent, headers: { authorization: `Bearer ${bearer}`, accept: 'application/fhir+json' } }, (res) => {
      res.resume();
      res.on('end', () => {
        times.push(Number(process.hrtime.bigint() - start) / 1e6);
        statuses.set(res.statusCode ?? 0, (statuses.get(res.statusCode ?? 0) ?? 0) + 1);
        resolve();
      });
    });
    req.on('error', reject);
    req.end();
  });
  await Promise.all(Array.from({ length: conns }, async () => {
    while (Date.now() < end) await one();
  }));
  agent.destroy();
  const s = times.sort((a, b) => a - b);
  return { times: s, latency: { p50: percentile(s, 50), p99: percentile(s, 99), max: s[s.length - 1] ?? 0 }, requests: s.length, statuses };
}

/**
 * autocannon: `conns` keep-alive connections, one request in flight on each, a new path per request. Latencies are
 * taken from its 'response' events (ms with a fraction; its own histogram keeps whole milliseconds).
 */
async function autocannonLoad(scenario: Scenario, conns: number, bearer: string, secs: number): Promise<Load> {
  const times: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: origin,
        connections: conns,
        pipelining: 1,
        duration: secs,
        headers: { authorization: `Bearer ${bearer}`, accept: 'application/fhir+json' },
        requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: scenario.path() }) }],
      },
      (error, done) => (error ? reject(error) : resolve(done)),
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => times.push(responseTime));
  });
  if (result.errors || result.timeouts) throw new Error(`autocannon: ${result.errors} errors, ${result.timeouts} timeouts`);
  const statuses = new Map(Object.entries(result.statusCodeStats ?? {}).map(([code, { count }]) => [Number(code), Number(count)]));
  const s = times.sort((x, y) => x - y);
  return { times: s, latency: { p50: percentile(s, 50), p99: percentile(s, 99), max: s[s.length - 1] ?? 0 }, requests: s.length, statuses };
}

async function run(scenario: Scenario, conns: number, bearer: string, secs = seconds) {
  const auditBefore = await db().auditEvent.count({ where: { clinicId } });
  const cpuBefore = serverPid ? processTreeCpuMs(serverPid) : 0;
  const pgBefore = postgresCpuMs();
  const clientBefore = clientCpuMs();
  const started = Date.now();
  const load = clientKind === 'node' ? await nodeLoad(scenario, conns, bearer, secs) : await autocannonLoad(scenario, conns, bearer, secs);
  const elapsed = (Date.now() - started) / 1000;
  const serverCpuMs = serverPid ? processTreeCpuMs(serverPid) - cpuBefore : null;
  const pgCpuMs = postgresCpuMs() - pgBefore;
  const clientCpu = clientCpuMs() - clientBefore;
  const auditRows = (await db().auditEvent.count({ where: { clinicId } })) - auditBefore;
  const n = load.requests;
  return { scenario: scenario.name, client: clientKind, conns, requests: n, rps: Math.round(n / elapsed), p50: load.latency.p50, p99: load.latency.p99, max: load.latency.max, ok: load.statuses.get(200) ?? 0, other: [...load.statuses].filter(([k]) => k !== 200).map(([k, v]) => `${k}×${v}`).join(' '), auditRows, cpuPerRequest: serverCpuMs === null || !n ? null : serverCpuMs / n, pgCpuPerRequest: n ? pgCpuMs / n : null, clientCpuPerRequest: n ? clientCpu / n : null, load: loadavg()[0]!.toFixed(2) };
}

console.log(machineLine());
console.log(`load generator: ${clientKind}`);
const rows = [];
const only = process.env.BENCH_FHIR_ONLY?.split(',').filter(Boolean);
for (const scenario of scenarios.filter((s) => !only || only.some((o) => s.name.startsWith(o)))) {
  for (const conns of connections) {
    const bearer = await token('system/Patient.rs system/Observation.rs'); // 5-minute tokens: a fresh one per run
    // warm-up: the route's code, the pool's connections
    await run(scenario, conns, bearer, 2);
    const r = await run(scenario, conns, bearer);
    rows.push(r);
    console.log(JSON.stringify(r));
  }
}
console.log('\n| request | connections | req/s | p50 (ms) | p99 (ms) | max (ms) | 200 | other | audit rows | server CPU per request (ms) | PostgreSQL CPU per request (ms) | client CPU per request (ms) | load |\n|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|');
for (const r of rows) console.log(`| ${r.scenario} | ${r.conns} | ${r.rps} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.max.toFixed(1)} | ${r.ok} | ${r.other} | ${r.auditRows} | ${r.cpuPerRequest === null ? '' : r.cpuPerRequest.toFixed(2)} | ${r.pgCpuPerRequest === null ? '' : r.pgCpuPerRequest.toFixed(2)} | ${r.clientCpuPerRequest === null ? '' : r.clientCpuPerRequest.toFixed(2)} | ${r.load} |`);
await disconnectDb();
process.exit(0);
