/** The only reader of process.env. Validated once; a bad value stops the boot with a clear message. */
import { z } from 'zod';
import { parseTrustedProxies } from './client-ip';

/** The FHIR warm-up's rounds at start unless FHIR_WARM_UP_ROUNDS says otherwise (lib/fhir/warm-up.ts, ADR 0094). */
export const DEFAULT_FHIR_WARM_UP_ROUNDS = 500;

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
  /** レセコン (ORCA) link: off, sandbox (in-process, development) or http (a real ORCA); docs/orca.md */
  ORCA_MODE: z.enum(['off', 'sandbox', 'http']).default('off'),
  /** ORCA's base URL, e.g. http://192.168.0.10:8000 (on-premise) or the WebORCA host */
  ORCA_URL: z.string().url().optional(),
  /** WebORCA: API paths are under /api */
  ORCA_WEBORCA: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v === 'true'),
  /** the ORCA 職員 (operator) the link signs in as with HTTP Basic; use one dedicated to the EHR */
  ORCA_USER: z.string().optional(),
  ORCA_PASSWORD: z.string().optional(),
  /** PEM files for glserver's SSL client authentication instead of (or with) Basic */
  ORCA_CLIENT_CERT_FILE: z.string().optional(),
  ORCA_CLIENT_KEY_FILE: z.string().optional(),
  ORCA_CA_FILE: z.string().optional(),
  /** xml (ORCA's xml2, the reference) or json (`?format=json`, where the ORCA version offers it) */
  ORCA_FORMAT: z.enum(['xml', 'json']).default('xml'),
  /** port of `npm run sandbox:orca` (the demo starts it and points ORCA_URL at it unless an ORCA is configured) */
  ORCA_SANDBOX_PORT: z.coerce.number().int().positive().default(8000),
  /** milliseconds before an ORCA request counts as lost (then the worker reads before it resends) */
  ORCA_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
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
  /** the address vendors reach this server at, e.g. https://karte.example.jp: the FHIR API's base URL and the `aud` of
   *  client assertions (unset: taken from each request's Host header, for local use) */
  PUBLIC_URL: z.string().url().optional(),
  /** 電子カルテ情報共有サービス adapter (lib/sharing/get-sharing-service.ts): sandbox in process, or http to SHARING_URL */
  SHARING_MODE: z.enum(['sandbox', 'http']).default('sandbox'),
  SHARING_URL: z.string().url().optional(),
  SHARING_TOKEN: z.string().min(1).optional(),
  SHARING_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /** how often the worker queues each clinic's document inbox fetch (受信した紹介状) */
  DOCUMENT_INBOX_INTERVAL_MS: z.coerce.number().int().min(1000).max(86_400_000).default(60_000),
  /** port of `npm run sandbox:sharing` (the demo starts it and sets SHARING_URL to it) */
  SHARING_SANDBOX_PORT: z.coerce.number().int().positive().default(3180),
  /** job worker (lib/jobs): jobs run at once, pause between idle rounds, how long a claim lasts before another worker may take it */
  JOB_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(16),
  /** jobs a worker claims per clinic per round (a batch queue such as the sharing deliveries handles them together) */
  JOB_BATCH_SIZE: z.coerce.number().int().min(1).max(1000).default(100),
  /** rounds `npm run worker` runs at once, each claiming its own jobs (ADR 0079 addendum; the demo's in-process worker runs one) */
  JOB_PARALLEL_ROUNDS: z.coerce.number().int().min(1).max(8).default(2),
  /** threads of `npm run worker` that validate the sharing deliveries' bundles beside its main thread (0 = none) */
  SHARING_VALIDATION_THREADS: z.coerce.number().int().min(0).max(16).default(1),
  /** rounds of the FHIR builders' and validators' warm-up at start of the web server, the worker and each validation thread (ADR 0094; 0 = none) */
  FHIR_WARM_UP_ROUNDS: z.coerce.number().int().min(0).max(100_000).default(DEFAULT_FHIR_WARM_UP_ROUNDS),
  JOB_POLL_INTERVAL_MS: z.coerce.number().int().min(10).max(60_000).default(500),
  JOB_LEASE_MS: z.coerce.number().int().min(1000).max(3_600_000).default(60_000),
  // vendor API: sustained requests per second per app (per app server) and the burst above it (docs/decisions/0056)
  API_RATE_LIMIT: z.coerce.number().min(1).max(100_000).default(200),
  API_RATE_BURST: z.coerce.number().int().min(1).max(100_000).default(400),
  // vendor webhooks may go to http://127.0.0.1 / localhost (tests, the demo); otherwise https only (SSRF)
  WEBHOOK_ALLOW_LOOPBACK: z
    .enum(['0', '1', 'true', 'false'])
    .optional()
    .transform((v) => v === '1' || v === 'true'),
  // a worker dedicated to some clinics (comma-separated clinic ids); unset = every clinic
  WORKER_CLINIC_IDS: z
    .string()
    .optional()
    .transform((v) => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : undefined)),
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
