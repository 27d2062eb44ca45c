import { defineConfig } from '@playwright/test';
import { findChromium } from './scripts/chromium';

// CHROMIUM_PATH, a system Chromium, Playwright's own download, or the one inside @sparticuz/chromium (scripts/chromium.ts)
const browser = await findChromium();
if (process.env.TEST_WORKER_INDEX === undefined) console.log(`browser: ${browser.version} (${browser.source}: ${browser.executablePath})`);

// E2E_PORT / E2E_DB_PORT let several checkouts run their browser tests side by side.
const PORT = Number(process.env.E2E_PORT ?? 3100);

export default defineConfig({
  testDir: 'e2e',
  testIgnore: ['embedded/**', 'scale-out/**'],
  fullyParallel: false,
  workers: 1,
  // one retry in CI: a test that passes only on its retry is reported as flaky in the log (and must be fixed), not hidden
  retries: process.env.CI ? 1 : 0,
  timeout: 90_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    locale: 'ja-JP',
    timezoneId: 'Asia/Tokyo',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: browser.executablePath,
      env: { ...process.env, ...browser.env } as Record<string, string>,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
    },
  },
  projects: [{ name: 'staff-ui', use: { browserName: 'chromium' } }],
  webServer: {
    // the demo start; with DATABASE_URL on a fresh database of its own (scripts/e2e-server.ts)
    command: 'npx tsx scripts/e2e-server.ts',
    url: `http://127.0.0.1:${PORT}/login`,
    timeout: 180_000,
    reuseExistingServer: false,
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      PORT: String(PORT),
      KARTE_DB_DIR: 'memory',
      EMBEDDED_DB_PORT: process.env.E2E_DB_PORT ?? '5544',
      // the demo's sandbox sharing service (one per checkout, like the other ports)
      SHARING_SANDBOX_PORT: process.env.E2E_SHARING_PORT ?? String(61600 + PORT - 3100),
      // the demo's sandbox ORCA (レセコン), likewise
      ORCA_SANDBOX_PORT: process.env.E2E_ORCA_PORT ?? String(61800 + PORT - 3100),
      NEXT_TELEMETRY_DISABLED: '1',
    },
  },
});
