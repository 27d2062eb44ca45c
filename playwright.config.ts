import { defineConfig } from '@playwright/test';
import { existsSync } from 'node:fs';

// Debian's Chromium: Playwright's own browser download is not possible on these machines.
const chromium = process.env.CHROMIUM_PATH ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
if (!chromium) {
  throw new Error('Chromium が見つかりません。`apt-get install -y chromium` でインストールするか、CHROMIUM_PATH にパスを指定してください。');
}

// E2E_PORT / E2E_DB_PORT let several checkouts run their browser tests side by side.
const PORT = Number(process.env.E2E_PORT ?? 3100);

export default defineConfig({
  testDir: 'e2e',
  testIgnore: ['embedded/**'],
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 90_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    locale: 'ja-JP',
    timezoneId: 'Asia/Tokyo',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: chromium,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
    },
  },
  projects: [{ name: 'staff-ui', use: { browserName: 'chromium' } }],
  webServer: {
    command: 'npx tsx scripts/demo.ts',
    url: `http://127.0.0.1:${PORT}/login`,
    timeout: 180_000,
    reuseExistingServer: false,
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      PORT: String(PORT),
      KARTE_DB_DIR: 'memory',
      EMBEDDED_DB_PORT: process.env.E2E_DB_PORT ?? '5544',
      NEXT_TELEMETRY_DISABLED: '1',
    },
  },
});
