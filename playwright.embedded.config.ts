import { defineConfig } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import base from './playwright.config';

// The newcomer's path: no DATABASE_URL, the embedded PGlite database on disk, demo data, `next start`.
const PORT = Number(process.env.E2E_EMBEDDED_PORT ?? 3200);
export default defineConfig({
  ...base,
  testDir: 'e2e/embedded',
  // its own results folder: CI runs it while the browser tests of playwright.config.ts run (a run empties its folder first)
  outputDir: 'test-results-embedded',
  testIgnore: [],
  use: { ...base.use, baseURL: `http://127.0.0.1:${PORT}` },
  webServer: {
    command: 'npx tsx scripts/demo.ts',
    url: `http://127.0.0.1:${PORT}/login`,
    timeout: 180_000,
    reuseExistingServer: false,
    stdout: 'ignore',
    stderr: 'pipe',
    env: { PORT: String(PORT), KARTE_DB_DIR: path.join(mkdtempSync(path.join(tmpdir(), 'karte-pglite-')), 'pglite'), EMBEDDED_DB_PORT: process.env.E2E_EMBEDDED_DB_PORT ?? '5546', NEXT_TELEMETRY_DISABLED: '1' },
  },
});
