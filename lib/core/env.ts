/** The only reader of process.env. Validated once; a bad value stops the boot with a clear message. */
import { z } from 'zod';
import { parseTrustedProxies } from './client-ip';

export const EMBEDDED_DB_PORT_DEFAULT = 5433;

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must be a postgresql:// URL').optional(),
  EMBEDDED_DB_PORT: z.coerce.number().int().positive().default(EMBEDDED_DB_PORT_DEFAULT),
  /** the embedded database's superuser password (generated into ./data/secrets.json) */
  EMBEDDED_DB_PASSWORD: z.string().min(16).optional(),
  /** set when DATABASE_URL points at the embedded PGlite server (tests, demo) */
  EMBEDDED_DB: z.enum(['true', 'false']).optional(),
  AUTH_SECRET: z.string().min(16).optional(),
  AUDIT_HMAC_KEY: z.string().min(16).optional(),
  /** encrypts TOTP secrets at rest (lib/auth/secret-box.ts) */
  DATA_ENCRYPTION_KEY: z.string().min(16).optional(),
  /** earlier DATA_ENCRYPTION_KEYs, comma-separated, kept until `npm run keys:rotate` has re-sealed everything */
  DATA_ENCRYPTION_KEY_PREVIOUS: z.string().optional(),
  /** オンライン資格確認 adapter */
  ELIGIBILITY_MODE: z.enum(['sandbox', 'http']).default('sandbox'),
  ELIGIBILITY_URL: z.string().url().optional(),
  /** cookies get Secure only behind HTTPS */
  SECURE_COOKIES: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v === 'true'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  /**
   * Reverse proxies in front of the app whose X-Forwarded-For may be believed: IP addresses and CIDR ranges,
   * comma-separated (e.g. "10.0.0.0/8,192.168.1.10"). Unset: nobody's; the client is the TCP peer.
   */
  TRUSTED_PROXIES: z
    .string()
    .optional()
    .superRefine((v, ctx) => {
      try {
        parseTrustedProxies(v);
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: (e as Error).message });
      }
    }),
  /** set by scripts/serve.ts for its own process: proves that the client-IP header came from it (not configurable) */
  KARTE_EDGE_TOKEN: z.string().min(32).optional(),
  /** where each sealing pass anchors the head of every clinic's audit chain, outside the database (docs/decisions/0014) */
  AUDIT_ANCHOR_FILE: z.string().min(1).default('data/audit-anchors.jsonl'),
  /** milliseconds between sealing passes of the audit sealer (startAuditSealer) */
  AUDIT_SEAL_INTERVAL_MS: z.coerce.number().int().min(100).max(600_000).default(2000),
});

export type Env = z.infer<typeof schema>;

let cached: Env | undefined;
export function env(): Env {
  if (!cached) {
    const parsed = schema.safeParse(Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== '')));
    if (!parsed.success) {
      throw new Error(`Invalid environment: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    }
    cached = parsed.data;
  }
  return cached;
}

/** Embedded PGlite (served by scripts/db-server.ts) unless DATABASE_URL points at a real server. */
export function databaseUrl(): string {
  const e = env();
  if (e.DATABASE_URL) return e.DATABASE_URL;
  if (!e.EMBEDDED_DB_PASSWORD) throw new Error('EMBEDDED_DB_PASSWORD is not set (npm run demo / db:server generate one under ./data)');
  return `postgresql://postgres:${encodeURIComponent(e.EMBEDDED_DB_PASSWORD)}@127.0.0.1:${e.EMBEDDED_DB_PORT}/postgres`;
}

/** The embedded server multiplexes connections onto one PGlite session: clients must use one connection. */
export function isEmbeddedDb(): boolean {
  const e = env();
  return !e.DATABASE_URL || e.EMBEDDED_DB === 'true';
}

export function requireSecret(name: 'AUTH_SECRET' | 'AUDIT_HMAC_KEY' | 'DATA_ENCRYPTION_KEY' | 'EMBEDDED_DB_PASSWORD'): string {
  const value = env()[name];
  if (!value) throw new Error(`${name} is not set (npm run demo generates one under ./data)`);
  return value;
}
