import { defineConfig } from 'prisma/config';

// Only `prisma generate` uses this file; migrations run through scripts/migrate.ts (no network needed).
export default defineConfig({
  schema: "prisma/schema",
  migrations: { path: 'prisma/migrations' },
});
