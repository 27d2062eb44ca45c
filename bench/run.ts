/**
 * `npm run bench`: every benchmark in order, results written into docs/benchmarks.md (sections replaced in place).
 *   1. patient search (bench/patient-search.bench.ts; data from bench/generate.ts)
 *   2. chart page server render + 保存→visible (bench/chart.bench.ts)
 *   3. login → patient list (bench/login.bench.ts)
 *   4. first-load JS of /patients and /patients/[id] (bench/js-size.bench.ts)
 *   5. master search over the full official files (bench/master-search.bench.ts; needs ../shared/masters; database karte_bench_masters)
 * 2–4 share one fixture database (karte_bench_chart) and one `next start` of the production build in BENCH_APP_DIR
 * (default: this directory; run `npx next build` first — never inside a checkout where others build).
 *
 * Environment (all optional):
 *   BENCH_DATABASE_URL   server to use, default postgresql://postgres@127.0.0.1:5432/postgres. Local hosts only; the
 *                        benchmarks create/drop databases named karte_bench_* there.
 *   BENCH_FULL=1         full sizes: search (a) 100,000 patients in one clinic, (b) 100 clinics × 10,000
 *                        (default: 20,000 and 10 × 10,000)
 *   BENCH_SEARCH_A_PATIENTS, BENCH_SEARCH_B_CLINICS, BENCH_SEARCH_B_PATIENTS, BENCH_SEARCH_ROUNDS (3),
 *   BENCH_SEARCH_SCENARIOS=a,b, BENCH_REGENERATE=1 (rebuild search databases even when sizes match)
 *   BENCH_CHART_VISITS (500), BENCH_CHART_LABS (3000), BENCH_CHART_PRESCRIPTIONS (200), BENCH_CHART_GETS (60),
 *   BENCH_CHART_SAVES (12), BENCH_LOGIN_RUNS (6), BENCH_CHART_CLINIC_PATIENTS (2000)
 *   BENCH_ONLY=search,chart,login,js,masters   run a subset;  BENCH_SKIP=search,…   skip some
 *   BENCH_DB_PREFIX (karte_bench: search databases are <prefix>_search_a / _b)
 *   BENCH_APP_DIR, BENCH_PORT (3199), BENCH_CHROMIUM (default: what scripts/chromium.ts finds), BENCH_NO_WRITE=1 (search: print only)
 *   AUTH_SECRET, AUDIT_HMAC_KEY  passed to the app (bench defaults otherwise)
 */
import { startApp } from './app';
import { chartSection, runChartBench } from './chart.bench';
import { jsSizeSection, runJsSizeBench } from './js-size.bench';
import { spawnSync } from 'node:child_process';
import { benchDbUrl, databaseExists, freshDatabase, pgVersion, writeSection } from './lib';
import { loginSection, runLoginBench } from './login.bench';
import { runPatientSearchBench } from './patient-search.bench';

const only = process.env.BENCH_ONLY?.split(',');
const skip = process.env.BENCH_SKIP?.split(',') ?? [];
const want = (name: string) => (!only || only.includes(name)) && !skip.includes(name);

if (want('search')) await runPatientSearchBench();
if (want('chart') || want('login') || want('js')) {
  const app = await startApp();
  try {
    if (want('chart')) writeSection('Chart page', chartSection(await runChartBench(app), await pgVersion(app.fixture.url), ''));
    if (want('login')) writeSection('Login to patient list', loginSection(await runLoginBench(app)));
    if (want('js')) writeSection('JavaScript shipped to the browser', jsSizeSection(await runJsSizeBench(app)));
  } finally {
    await app.stop();
  }
}
if (want('masters')) {
  const url = benchDbUrl('karte_bench_masters');
  if (!(await databaseExists(url))) await freshDatabase(url);
  const run = (args: string[]) => spawnSync('npx', ['tsx', ...args], { stdio: 'inherit', env: { ...process.env, DATABASE_URL: url } });
  run(['scripts/migrate.ts', 'deploy']);
  run(['bench/master-search.bench.ts']);
}
process.exit(0);
