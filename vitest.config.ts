import { defineConfig } from 'vitest/config';
import path from 'node:path';

export default defineConfig({
  resolve: { alias: { '@': path.resolve(import.meta.dirname) } },
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'e2e/**', '.next/**', 'data/**'],
    globalSetup: ['tests/global-setup.ts'],
    setupFiles: ['tests/setup-env.ts'],
    server: { deps: { inline: ['next-auth', '@auth/core'] } },
    pool: 'forks',
    // the embedded PGlite server serves one session: one worker; a real server takes two
    maxWorkers: process.env.DATABASE_URL ? 2 : 1,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
