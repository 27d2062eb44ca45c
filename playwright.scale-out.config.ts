import { defineConfig } from '@playwright/test';
import base from './playwright.config';

// Two app instances on one database, as behind a load balancer (docs/scale-out.md). Needs DATABASE_URL (CI: the Citus
// coordinator) and a production build. The first instance runs the demo start (migrations, demo data); the second is a
// plain `next start` with the same secrets.
const PORT = Number(process.env.E2E_SCALE_OUT_PORT ?? 3300);
export const INSTANCE_A = `http://127.0.0.1:${PORT}`;
export const INSTANCE_B = `http://127.0.0.1:${PORT + 1}`;
const secrets = {
  AUTH_SECRET: process.env.AUTH_SECRET ?? 'scale-out-test-auth-secret-0123456789',
  AUDIT_HMAC_KEY: process.env.AUDIT_HMAC_KEY ?? 'scale-out-test-audit-key-0123456789',
  DATA_ENCRYPTION_KEY: process.env.DATA_ENCRYPTION_KEY ?? 'scale-out-test-data-key-0123456789',
  AUTH_TRUST_HOST: 'true',
  NEXT_TELEMETRY_DISABLED: '1',
};

export default defineConfig({
  ...base,
  testDir: 'e2e/scale-out',
  // its own results folder: CI runs it while the browser tests of playwright.config.ts run (a run empties its folder first)
  outputDir: 'test-results-scale-out',
  testIgnore: [],
  use: { ...base.use, baseURL: INSTANCE_A },
  webServer: [
    { command: 'npx tsx scripts/demo.ts', url: `${INSTANCE_A}/login`, timeout: 300_000, reuseExistingServer: false, stdout: 'ignore', stderr: 'pipe', env: { ...secrets, PORT: String(PORT) } },
    {
      command: `node node_modules/next/dist/bin/next start -p ${PORT + 1} -H 127.0.0.1`,
      url: `${INSTANCE_B}/login`,
      timeout: 120_000,
      reuseExistingServer: false,
      stdout: 'ignore',
      stderr: 'pipe',
      env: secrets,
    },
  ],
});
if (!process.env.DATABASE_URL) throw new Error('playwright.scale-out.config.ts needs DATABASE_URL: both instances must share one database');
