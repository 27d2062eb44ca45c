/**
 * Patient search latency, server side, through the real code path:
 *   - "SQL": patientRepository.searchIds (one awaited Prisma $queryRaw via the pg adapter: query + transfer)
 *   - "rows": patientRepository.findManyByIds (the 30 rows with their current insurance)
 *   - "service": searchPatients() as the server action calls it (permission check, parse, searchIds,
 *     findManyByIds, DTOs and the hash-chained audit insert), with a receptionist Actor like tests/helpers/factories.ts.
 * Scenarios: (a) BENCH_SEARCH_A_PATIENTS patients in one clinic; (b) BENCH_SEARCH_B_CLINICS × BENCH_SEARCH_B_PATIENTS
 * across clinics, queried in one clinic. Databases karte_bench_search_a / _b on BENCH_DATABASE_URL's server
 * (reused when they already hold the same sizes; BENCH_REGENERATE=1 rebuilds). Goal: p95 ≤ 30 ms.
 * Each query runs once as warm-up, then BENCH_SEARCH_ROUNDS (default 3) times. Slow plans: EXPLAIN (ANALYZE, BUFFERS)
 * of the slowest queries are written to bench/results/patient-search-plans-<scenario>.txt.
 *
 *   npx tsx bench/patient-search.bench.ts            (sizes from env; see bench/run.ts)
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { assertLocalUrl, benchDbUrl, databaseExists, envFlag, envInt, machineLine, ms, pgVersion, stats, writeSection, type Stats } from './lib';
import { generate, loadGeneratedClinics, type GeneratedClinic } from './generate';

const GOAL_P95_MS = 30;
const RESULTS_DIR = join(process.cwd(), 'bench', 'results');

type Category = 'kana 1–2' | 'kana 3–4' | 'kanji 1' | 'kanji 2–3' | '患者番号' | '生年月日' | '電話番号';
const QUERIES: [Category, string][] = [
  ...(['サ', 'さ', 'タ', 'や', 'イ', 'ハ', 'コ', 'ふ', 'サト', 'さと', 'タナ', 'やま', 'イト', 'ハセ', 'コバ', 'なか', 'ワタ', 'おか'] as const).map((q) => ['kana 1–2', q] as [Category, string]),
  ...(['サトウ', 'たなか', 'ヤマモ', 'いのう', 'ハセガ', 'ワタナ', 'すずき', 'コバヤ', 'サトウハ', 'ヤマダタ', 'たかはし', 'なかむら', 'ハセガワ', 'いとうけ', 'ヤマシタ', 'マツモト'] as const).map((q) => ['kana 3–4', q] as [Category, string]),
  ...(['佐', '田', '山', '藤', '高', '中', '小', '井'] as const).map((q) => ['kanji 1', q] as [Category, string]),
  ...(['佐藤', '山田', '田中', '谷川', '藤井', '中村', '長谷川', '佐々木', '山田太', '中村健', '高橋優', '井上'] as const).map((q) => ['kanji 2–3', q] as [Category, string]),
  ...(['1', '42', '777', '1234', '9876', '31415'] as const).map((q) => ['患者番号', q] as [Category, string]),
  ...(['1975-04-01', 'S50.4.1', 'H2.10.3', '19850720', '1960/1/15', 'R1.5.1'] as const).map((q) => ['生年月日', q] as [Category, string]),
  ...(['090-1234', '0312', '080-55', '09012345678', '03-1234-5678', '070'] as const).map((q) => ['電話番号', q] as [Category, string]),
];

export type CategoryResult = { category: Category | 'all'; sql: Stats; rows: Stats; service: Stats; avgHits: number };
export type ScenarioResult = { label: string; clinics: number; patientsPerClinic: number; totalPatients: number; generateMs: number | null; results: CategoryResult[]; slowest: { q: string; category: string; sqlMs: number }[] };

/** Child process: DATABASE_URL is the scenario's database (lib/core/env reads it once per process). */
async function measureInThisProcess(clinic: GeneratedClinic): Promise<Omit<ScenarioResult, 'label' | 'clinics' | 'patientsPerClinic' | 'totalPatients' | 'generateMs'>> {
  const { db, Prisma, disconnectDb } = await import('@/lib/core/db');
  const { patientRepository } = await import('@/lib/records/patients/patient.repository');
  const { searchPatients, parsePatientQuery } = await import('@/lib/records/patients/patient.service');
  const rounds = envInt('BENCH_SEARCH_ROUNDS', 3);
  const actor = {
    userId: clinic.receptionistId,
    clinicId: clinic.id,
    clinicName: clinic.name,
    role: 'receptionist' as const,
    loginId: clinic.receptionistLoginId,
    displayName: '受付 ベンチ',
    sessionId: randomUUID(),
    mustChangePassword: false,
    idleTimeoutMinutes: 30,
    ctx: { ip: '127.0.0.1', requestId: randomUUID(), userAgent: 'bench' },
  };
  const scope = { clinicId: clinic.id };
  const limit = 30; // components/patients/patient-search.tsx asks for 30

  const samples: { category: Category; q: string; sql: number; rows: number; service: number; hits: number }[] = [];
  for (let round = 0; round <= rounds; round++) {
    for (const [category, q] of QUERIES) {
      const criteria = parsePatientQuery(q);
      let t = performance.now();
      const ids = await patientRepository.searchIds(db(), scope, criteria, limit);
      const sql = performance.now() - t;
      t = performance.now();
      if (ids.length) await patientRepository.findManyByIds(db(), scope, ids);
      const rows = performance.now() - t;
      t = performance.now();
      const found = await searchPatients({ q, limit }, actor);
      const service = performance.now() - t;
      if (round > 0) samples.push({ category, q, sql, rows, service, hits: found.length }); // round 0 = warm-up
    }
  }
  const cats = [...new Set(QUERIES.map(([c]) => c))];
  const summarise = (category: Category | 'all', list: typeof samples): CategoryResult => ({
    category,
    sql: stats(list.map((s) => s.sql)),
    rows: stats(list.map((s) => s.rows)),
    service: stats(list.map((s) => s.service)),
    avgHits: list.reduce((a, s) => a + s.hits, 0) / (list.length || 1),
  });
  const results = [...cats.map((c) => summarise(c, samples.filter((s) => s.category === c))), summarise('all', samples)];

  // slowest queries by median SQL time, with their plans
  const byQuery = new Map<string, { category: string; times: number[] }>();
  for (const s of samples) {
    const e = byQuery.get(s.q) ?? { category: s.category, times: [] };
    e.times.push(s.sql);
    byQuery.set(s.q, e);
  }
  const slowest = [...byQuery.entries()]
    .map(([q, e]) => ({ q, category: e.category, sqlMs: stats(e.times).p50 }))
    .sort((a, b) => b.sqlMs - a.sqlMs)
    .slice(0, 6);
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  let plans = '';
  for (const s of slowest) {
    // the repository's own SQL: a client whose $queryRaw runs EXPLAIN ANALYZE on the statement it is given
    const explainer = {
      $queryRaw: async (strings: TemplateStringsArray, ...values: unknown[]) => {
        const sql = Prisma.sql(strings, ...(values as never[]));
        const r = await client.query(`EXPLAIN (ANALYZE, BUFFERS) ${sql.text}`, sql.values as unknown[]);
        plans += `### ${s.category} "${s.q}" (median SQL ${ms(s.sqlMs)} ms)\n${sql.text.replace(/\s+/g, ' ').trim()}\n-- params: ${JSON.stringify(sql.values)}\n${r.rows.map((x) => x['QUERY PLAN']).join('\n')}\n\n`;
        return [];
      },
    };
    await patientRepository.searchIds(explainer as never, scope, parsePatientQuery(s.q), limit);
  }
  await client.end();
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, `patient-search-plans-${process.env.BENCH_SCENARIO_ID ?? 'x'}.txt`), plans);
  await disconnectDb();
  return { results, slowest };
}

export async function ensureData(id: string, clinics: number, perClinic: number): Promise<{ url: string; clinic: GeneratedClinic; generateMs: number | null }> {
  const url = benchDbUrl(`${process.env.BENCH_DB_PREFIX ?? 'karte_bench'}_search_${id}`);
  if (!envFlag('BENCH_REGENERATE') && (await databaseExists(url))) {
    try {
      const existing = await loadGeneratedClinics(url);
      if (existing.length === clinics && existing.every((c) => c.patients === perClinic)) {
        console.log(`scenario ${id}: reusing ${url} (${clinics} × ${perClinic})`);
        return { url, clinic: existing[0]!, generateMs: null };
      }
    } catch {
      /* not a bench database: regenerate */
    }
  }
  console.log(`scenario ${id}: generating ${clinics} clinic(s) × ${perClinic} patients into ${url}`);
  const g = await generate({ url, clinics, patientsPerClinic: perClinic, fresh: true });
  return { url, clinic: g.clinics[0]!, generateMs: g.ms.total };
}

/** Measures the search in a child process whose DATABASE_URL is `url` (lib/core/env reads it once per process). */
export function measureScenario(url: string, clinic: GeneratedClinic, id: string): Pick<ScenarioResult, 'results' | 'slowest'> {
  const resultFile = join(RESULTS_DIR, `patient-search-${id}.json`);
  mkdirSync(RESULTS_DIR, { recursive: true });
  const script = join(process.cwd(), 'bench', 'patient-search.bench.ts');
  const child = spawnSync(process.execPath, [...process.execArgv, script], {
    stdio: 'inherit',
    env: { ...process.env, DATABASE_URL: url, EMBEDDED_DB: 'false', BENCH_SEARCH_CHILD: JSON.stringify(clinic), BENCH_SCENARIO_ID: id, BENCH_RESULT_FILE: resultFile, AUDIT_HMAC_KEY: process.env.AUDIT_HMAC_KEY ?? 'bench-audit-hmac-key-0123456789ab' },
  });
  if (child.status !== 0) throw new Error(`patient search child failed (${id})`);
  return JSON.parse(readFileSync(resultFile, 'utf8'));
}

function table(r: ScenarioResult): string {
  const lines = [
    `| queries | n | SQL p50 | SQL p95 | rows p50 | rows p95 | service p50 | service p95 | service max | avg hits | goal (service p95 ≤ ${GOAL_P95_MS} ms) |`,
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|:---:|',
  ];
  for (const c of r.results) {
    const name = c.category === 'all' ? '**all**' : c.category;
    lines.push(`| ${name} | ${c.sql.n} | ${ms(c.sql.p50)} | ${ms(c.sql.p95)} | ${ms(c.rows.p50)} | ${ms(c.rows.p95)} | ${ms(c.service.p50)} | ${ms(c.service.p95)} | ${ms(c.service.max)} | ${c.avgHits.toFixed(1)} | ${c.service.p95 <= GOAL_P95_MS ? 'yes' : '**no**'} |`);
  }
  return lines.join('\n');
}

export async function runPatientSearchBench(): Promise<ScenarioResult[]> {
  const full = envFlag('BENCH_FULL');
  const scenarios = [
    { id: 'a', label: '(a) one clinic', clinics: 1, perClinic: envInt('BENCH_SEARCH_A_PATIENTS', full ? 100_000 : 20_000) },
    { id: 'b', label: '(b) many clinics, query in one', clinics: envInt('BENCH_SEARCH_B_CLINICS', full ? 100 : 10), perClinic: envInt('BENCH_SEARCH_B_PATIENTS', full ? 10_000 : 10_000) },
  ].filter((s) => !(process.env.BENCH_SEARCH_SCENARIOS && !process.env.BENCH_SEARCH_SCENARIOS.split(',').includes(s.id)));
  const out: ScenarioResult[] = [];
  for (const s of scenarios) {
    const { url, clinic, generateMs } = await ensureData(s.id, s.clinics, s.perClinic);
    const measured = measureScenario(url, clinic, s.id);
    out.push({ label: s.label, clinics: s.clinics, patientsPerClinic: s.perClinic, totalPatients: s.clinics * s.perClinic, generateMs, ...measured });
  }
  const version = await pgVersion(benchDbUrl('postgres'));
  const body = [
    machineLine().replace('PostgreSQL', version),
    '',
    `What: \`searchPatients\` (lib/records/patients/patient.service.ts) with a receptionist Actor, limit 30 as the search box asks. "SQL" = \`patientRepository.searchIds\` alone (one Prisma $queryRaw over the pg adapter, query + transfer); "rows" = \`findManyByIds\` (30 rows + current insurance); "service" = the whole use case incl. the hash-chained audit insert. ${QUERIES.length} queries a receptionist types (kana 1–4 characters in hiragana and katakana, kanji 1–3 characters, 患者番号, 生年月日 in 西暦/和暦/8 digits, phone digits), one warm-up round then ${envInt('BENCH_SEARCH_ROUNDS', 3)} rounds; times in ms. Data: bench/generate.ts (names from prisma/seed/names.ts, 48 family names × 40 given names). Goal: p95 ≤ ${GOAL_P95_MS} ms.`,
    '',
    ...out.flatMap((r) => [
      `### ${r.label}: ${r.clinics} clinic(s) × ${r.patientsPerClinic.toLocaleString('en')} = ${r.totalPatients.toLocaleString('en')} patients${r.generateMs !== null ? ` (generated + indexed in ${(r.generateMs / 1000).toFixed(1)} s)` : ''}`,
      '',
      table(r),
      '',
      `Slowest queries (median SQL ms): ${r.slowest.map((s) => `${s.q} ${ms(s.sqlMs)}`).join(', ')}. Plans: bench/results/patient-search-plans-${r.label.slice(1, 2)}.txt.`,
      '',
    ]),
    'Reproduce: `npm run bench` (small sizes) or `BENCH_FULL=1 BENCH_ONLY=search npm run bench` (100,000 in one clinic; 100 × 10,000).',
  ].join('\n');
  if (!envFlag('BENCH_NO_WRITE')) writeSection(process.env.BENCH_SEARCH_SECTION ?? 'Patient search', body);
  else console.log(body);
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (process.env.BENCH_SEARCH_CHILD) {
    assertLocalUrl(process.env.DATABASE_URL!);
    const measured = await measureInThisProcess(JSON.parse(process.env.BENCH_SEARCH_CHILD));
    writeFileSync(process.env.BENCH_RESULT_FILE!, JSON.stringify(measured));
    for (const r of measured.results) console.log(`  ${r.category.padEnd(10)} SQL p50 ${ms(r.sql.p50)} p95 ${ms(r.sql.p95)} | service p50 ${ms(r.service.p50)} p95 ${ms(r.service.p95)} | hits ${r.avgHits.toFixed(1)}`);
  } else {
    await runPatientSearchBench();
  }
  process.exit(0);
}
