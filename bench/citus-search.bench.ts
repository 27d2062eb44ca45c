/**
 * Patient search at 1,000,000 patients (100 clinics × 10,000, queried in one clinic) on a 3-node Citus cluster next to
 * one PostgreSQL server, through the same code path as bench/patient-search.bench.ts (searchPatients with its audit
 * insert). All nodes share this machine's 2 cores, so the comparison shows what Citus adds (planning on the
 * coordinator, one more network hop to the worker), not the speed-up of real extra servers.
 *
 *   CITUS_DB=karte_citus_bench ../shared/citus/cluster.sh start      # creates the database on all three nodes
 *   BENCH_CITUS_URL=postgresql://postgres@127.0.0.1:5441/karte_citus_bench npx tsx bench/citus-search.bench.ts
 *
 * The single server's data is <BENCH_DB_PREFIX, default karte_bench>_search_b on BENCH_DATABASE_URL's server (the patient-search bench's
 * scenario b; generated when missing). The Citus database gets the project's migrations (which distribute the tables)
 * and the same generated data (bench/generate.ts, same seed); a database already holding it is reused.
 * Env: BENCH_SEARCH_B_CLINICS (100), BENCH_SEARCH_B_PATIENTS (10,000), BENCH_SEARCH_ROUNDS (3), BENCH_NO_WRITE=1.
 */
import { loadavg } from 'node:os';
import pg from 'pg';
import { deployMigrations } from '@/lib/core/migrations';
import { assertLocalUrl, envFlag, envInt, machineLine, ms, pgVersion, writeSection } from './lib';
import { generate, loadGeneratedClinics } from './generate';
import { ensureData, measureScenario, type CategoryResult } from './patient-search.bench';

const clinics = envInt('BENCH_SEARCH_B_CLINICS', 100);
const perClinic = envInt('BENCH_SEARCH_B_PATIENTS', 10_000);
const citusUrl = process.env.BENCH_CITUS_URL;
if (!citusUrl) throw new Error('BENCH_CITUS_URL is required (the coordinator URL printed by cluster.sh start)');
assertLocalUrl(citusUrl);

async function citusInfo(url: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const ext = await c.query<{ v: string }>(`SELECT extversion AS v FROM pg_extension WHERE extname = 'citus'`);
    if (!ext.rows[0]) throw new Error(`${url} has no citus extension`);
    const workers = await c.query<{ n: number }>('SELECT count(*)::int AS n FROM citus_get_active_worker_nodes()');
    const shards = await c.query<{ n: number }>(`SELECT count(*)::int AS n FROM citus_shards WHERE table_name = '"Patient"'::regclass`);
    return { citus: ext.rows[0].v, workers: workers.rows[0]!.n, patientShards: shards.rows[0]?.n ?? 0 };
  } finally {
    await c.end();
  }
}

async function ensureCitusData(url: string) {
  await deployMigrations(url);
  const existing = await loadGeneratedClinics(url);
  if (existing.length === clinics && existing.every((c) => c.patients === perClinic)) {
    console.log(`citus: reusing ${url} (${clinics} × ${perClinic})`);
    return { clinic: existing[0]!, generateMs: null as number | null };
  }
  if (existing.length > 0) throw new Error(`${url} holds other bench data: recreate the database on all nodes (cluster.sh) first`);
  console.log(`citus: generating ${clinics} × ${perClinic} patients into ${url}`);
  const g = await generate({ url, clinics, patientsPerClinic: perClinic, fresh: false });
  return { clinic: g.clinics[0]!, generateMs: g.ms.total };
}

const single = await ensureData('b', clinics, perClinic);
const loadBefore = loadavg()[0]!;
const citus = await ensureCitusData(citusUrl);
const info = await citusInfo(citusUrl);

console.log('measuring: one PostgreSQL server');
const onPostgres = measureScenario(single.url, single.clinic, 'single');
console.log(`measuring: Citus ${info.citus}, coordinator + ${info.workers} workers`);
const onCitus = measureScenario(citusUrl, citus.clinic, 'citus');

const loadAfter = loadavg()[0]!;
const row = (name: string, a: CategoryResult, b: CategoryResult) =>
  `| ${name} | ${a.sql.n} | ${ms(a.sql.p50)} | ${ms(b.sql.p50)} | ${ms(a.sql.p95)} | ${ms(b.sql.p95)} | ${ms(a.service.p50)} | ${ms(b.service.p50)} | ${ms(a.service.p95)} | ${ms(b.service.p95)} | ${a.avgHits.toFixed(1)} / ${b.avgHits.toFixed(1)} |`;
const version = await pgVersion(citusUrl);
const body = [
  machineLine().replace('PostgreSQL', version),
  '',
  `What: the patient search of bench/patient-search.bench.ts (searchPatients with a receptionist Actor, limit 30, the hash-chained audit insert included; "SQL" = patientRepository.searchIds alone), ${clinics} clinics × ${perClinic.toLocaleString('en')} = ${(clinics * perClinic).toLocaleString('en')} patients, queried in one clinic, ${envInt('BENCH_SEARCH_ROUNDS', 3)} rounds after a warm-up; times in ms. **PG** = one PostgreSQL server 15 on the same machine; **Citus** = Citus ${info.citus} with a coordinator and ${info.workers} workers (cluster from ../shared/citus, "Patient" in ${info.patientShards} shards colocated by clinicId), the same generated data.${citus.generateMs !== null ? ` Loading it through the coordinator took ${(citus.generateMs / 1000).toFixed(0)} s.` : ''}`,
  '',
  `Load average (1 min) when measuring began / ended: ${loadBefore.toFixed(1)} / ${loadAfter.toFixed(1)} on 2 cores (other engineers' builds and tests share the machine).`,
  '',
  '**Same machine: all three Citus nodes and the single server share its 2 cores and disk, so this shows what Citus adds to each query (planning on the coordinator, one more hop to the worker holding the clinic\'s shard), not the speed-up of separate servers.** Every statement of the search is a router query (lib/core/citus-router-queries.int.test.ts).',
  '',
  '| queries | n | SQL p50 PG | SQL p50 Citus | SQL p95 PG | SQL p95 Citus | service p50 PG | service p50 Citus | service p95 PG | service p95 Citus | avg hits PG / Citus |',
  '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ...onPostgres.results.map((a, i) => row(a.category === 'all' ? '**all**' : a.category, a, onCitus.results[i]!)),
  '',
  'Reproduce: `CITUS_DB=karte_citus_bench ../shared/citus/cluster.sh start`, then `BENCH_CITUS_URL=postgresql://postgres@127.0.0.1:5441/karte_citus_bench npx tsx bench/citus-search.bench.ts`.',
].join('\n');
if (!envFlag('BENCH_NO_WRITE')) writeSection('Patient search on Citus (3 nodes) next to one PostgreSQL server', body);
else console.log(body);
process.exit(0);
