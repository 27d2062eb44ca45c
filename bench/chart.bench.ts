/**
 * Chart page (/patients/[id]) for a patient with 10 years of history (BENCH_CHART_VISITS=500 visits with one 確定
 * note each, BENCH_CHART_LABS=3000 lab results, BENCH_CHART_PRESCRIPTIONS=200 prescriptions × 4 items, 6 diagnoses,
 * 3 allergies), served by `next start` of the production build in BENCH_APP_DIR.
 *   1. server render: a doctor logs in once through the real login form (chromium), then BENCH_CHART_GETS (default 60)
 *      document GETs with fetch on loopback: TTFB and full body (the streamed render). Goal p95 ≤ 150 ms.
 *   2. save → visible: in chromium, type into the SOAP editor's S field, press 保存, and wait until the text is shown in
 *      the timeline (BENCH_CHART_SAVES, default 12 timed runs after one warm-up).
 *   npx tsx bench/chart.bench.ts      (BENCH_APP_DIR=/path/with/.next)
 */
import { randomUUID } from 'node:crypto';
import { cookieHeader, startApp, type RunningApp } from './app';
import { envInt, machineLine, ms, pgVersion, stats, writeSection, type Stats } from './lib';

const GOAL_RENDER_P95 = 150;

export type ChartResult = { ttfb: Stats; full: Stats; htmlKb: number; save: Stats; counts: Record<string, number> };

export async function runChartBench(app: RunningApp): Promise<ChartResult> {
  const { baseUrl, fixture } = app;
  const context = await app.browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
  await app.login(context);
  const cookie = await cookieHeader(context);
  const url = `${baseUrl}/patients/${fixture.patientId}`;

  const ttfb: number[] = [];
  const full: number[] = [];
  let htmlBytes = 0;
  const gets = envInt('BENCH_CHART_GETS', 60);
  for (let i = 0; i < gets + 5; i++) {
    const t = performance.now();
    const res = await fetch(url, { headers: { cookie, accept: 'text/html' }, redirect: 'manual' });
    const headers = performance.now() - t;
    const body = await res.text();
    const total = performance.now() - t;
    if (res.status !== 200 || !body.includes('診療録')) throw new Error(`chart GET returned ${res.status} (${body.slice(0, 200)})`);
    if (i >= 5) {
      ttfb.push(headers);
      full.push(total);
      htmlBytes = Buffer.byteLength(body);
    }
  }

  // save → note visible in the timeline
  const page = await context.newPage();
  const save: number[] = [];
  const runs = envInt('BENCH_CHART_SAVES', 12);
  for (let i = 0; i <= runs; i++) {
    await page.goto(url);
    const editor = page.locator('form[aria-label="診療録の入力"]');
    const text = `ベンチマーク所見 ${i} ${randomUUID().slice(0, 8)}`;
    await editor.locator('#note-subjective').fill(text);
    await editor.locator('#note-assessment').fill('#1 高血圧症');
    const submit = editor.locator('button[type="submit"]');
    const t = performance.now();
    await submit.click();
    await page.locator('ol[aria-label="診療録の履歴"]').getByText(text).first().waitFor({ state: 'visible', timeout: 30_000 });
    if (i > 0) save.push(performance.now() - t);
  }
  await context.close();
  return { ttfb: stats(ttfb), full: stats(full), htmlKb: htmlBytes / 1024, save: stats(save), counts: fixture.counts };
}

export function chartSection(r: ChartResult, pg: string, _commit?: string): string {
  return [
    machineLine().replace('PostgreSQL', pg),
    '',
    `Patient with ${r.counts.visits} visits (one 確定 SOAP note each), ${r.counts.labResults} lab results (JLAC10 core items), ${r.counts.prescriptions} prescriptions (${r.counts.prescriptionItems} items), ${r.counts.diagnoses} diagnoses, ${r.counts.allergies} allergies; fixture rows inserted by bench/app.ts. \`next start\` (production build), PostgreSQL on the same machine, doctor session from the real login form. Every GET writes the panels' audit events, as in use.`,
    '',
    '| measurement | n | p50 (ms) | p95 (ms) | max (ms) | goal | met |',
    '|---|---:|---:|---:|---:|---|:---:|',
    `| GET /patients/[id] — time to response headers | ${r.ttfb.n} | ${ms(r.ttfb.p50)} | ${ms(r.ttfb.p95)} | ${ms(r.ttfb.max)} | | |`,
    `| GET /patients/[id] — full document (server render, ${r.htmlKb.toFixed(0)} KiB HTML) | ${r.full.n} | ${ms(r.full.p50)} | ${ms(r.full.p95)} | ${ms(r.full.max)} | p95 ≤ ${GOAL_RENDER_P95} ms | ${r.full.p95 <= GOAL_RENDER_P95 ? 'yes' : '**no**'} |`,
    `| 保存 click → new note text visible in the timeline (chromium) | ${r.save.n} | ${ms(r.save.p50)} | ${ms(r.save.p95)} | ${ms(r.save.max)} | | |`,
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const app = await startApp();
  try {
    const r = await runChartBench(app);
    writeSection('Chart page', chartSection(r, await pgVersion(app.fixture.url), process.env.BENCH_COMMIT ?? 'HEAD'));
  } finally {
    await app.stop();
  }
  process.exit(0);
}
