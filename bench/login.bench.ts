/**
 * Login → patient list: in chromium, submit the real login form on /login (doctor of a clinic with mfaRequired=false),
 * wait for the landing page (/reception for every role today), then open /patients and wait until result rows are
 * visible. BENCH_LOGIN_RUNS (default 6) fresh browser contexts; the first is a warm-up.
 *   npx tsx bench/login.bench.ts      (BENCH_APP_DIR=/path/with/.next)
 */
import { BENCH_PASSWORD } from './generate';
import { startApp, type RunningApp } from './app';
import { envInt, machineLine, ms, stats, writeSection, type Stats } from './lib';

export type LoginResult = { landing: Stats; list: Stats; landingPath: string };

export async function runLoginBench(app: RunningApp): Promise<LoginResult> {
  const landing: number[] = [];
  const list: number[] = [];
  let landingPath = '';
  const runs = envInt('BENCH_LOGIN_RUNS', 6);
  for (let i = 0; i <= runs; i++) {
    const context = await app.browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
    const page = await context.newPage();
    await page.goto(`${app.baseUrl}/login`);
    await page.getByLabel('ログインID').fill(app.fixture.clinic.doctorLoginId);
    await page.getByLabel('パスワード').fill(BENCH_PASSWORD);
    const t = performance.now();
    await page.getByRole('button', { name: 'ログイン' }).click();
    await page.waitForURL((u) => !u.pathname.startsWith('/login'), { timeout: 30_000 });
    await page.waitForLoadState('load');
    const tLanding = performance.now() - t;
    landingPath = new URL(page.url()).pathname;
    await page.goto(`${app.baseUrl}/patients`);
    await page.locator('[data-testid="patient-results"] tr').first().waitFor({ state: 'visible', timeout: 30_000 });
    const tList = performance.now() - t;
    if (i > 0) {
      landing.push(tLanding);
      list.push(tList);
    }
    await context.close();
  }
  return { landing: stats(landing), list: stats(list), landingPath };
}

export function loginSection(r: LoginResult): string {
  return [
    machineLine(),
    '',
    `Chromium (playwright-core, /usr/bin/chromium), fresh context per run, doctor of a clinic with mfaRequired=false (no TOTP step). Timer starts at the click on ログイン. The app lands on ${r.landingPath} after login; the patient list is then opened with a navigation to /patients (the recent-patients list loads through the search server action).`,
    '',
    '| measurement | n | p50 (ms) | p95 (ms) | max (ms) |',
    '|---|---:|---:|---:|---:|',
    `| ログイン click → ${r.landingPath} loaded | ${r.landing.n} | ${ms(r.landing.p50)} | ${ms(r.landing.p95)} | ${ms(r.landing.max)} |`,
    `| ログイン click → /patients rows visible | ${r.list.n} | ${ms(r.list.p50)} | ${ms(r.list.p95)} | ${ms(r.list.max)} |`,
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const app = await startApp();
  try {
    writeSection('Login to patient list', loginSection(await runLoginBench(app)));
  } finally {
    await app.stop();
  }
  process.exit(0);
}
