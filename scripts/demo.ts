// npm run demo: embedded database (or DATABASE_URL), migrations, demo data, then `next start`.
import { spawn } from 'node:child_process';
import { ensureLocalSecrets } from './local-secrets';

ensureLocalSecrets();
process.env.AUTH_TRUST_HOST ??= 'true';
process.env.NEXT_TELEMETRY_DISABLED = '1';

const { env, requireSecret } = await import('@/lib/core/env');
const { startEmbeddedDb } = await import('@/lib/core/embedded-db');
const { deployMigrations } = await import('@/lib/core/migrations');

const port = Number(process.env.PORT ?? 3000);
let stopDb: (() => Promise<void>) | undefined;
let url = env().DATABASE_URL;
if (!url) {
  // KARTE_DB_DIR=memory gives a throwaway database (browser tests)
  const dir = process.env.KARTE_DB_DIR ?? 'data/pglite';
  const db = await startEmbeddedDb({ dataDir: dir === 'memory' ? undefined : dir, port: env().EMBEDDED_DB_PORT, password: requireSecret('EMBEDDED_DB_PASSWORD') });
  url = db.url;
  stopDb = db.stop;
  process.env.DATABASE_URL = url;
  process.env.EMBEDDED_DB = 'true';
  console.log(`埋め込みデータベース (PGlite) を起動しました: ${url}`);
}
const applied = await deployMigrations(url);
if (applied.length) console.log(`マイグレーション適用: ${applied.join(', ')}`);

const { db, disconnectDb } = await import('@/lib/core/db');
const { seedDemo, DEMO_CLINICS, DEMO_PASSWORD, DEMO_STAFF, DEMO_TOTP_SECRETS, demoLoginId } = await import('@/prisma/seed/demo-seed');
await seedDemo(db(), { log: (m) => console.log(m) });
const { loadDemoMasters } = await import('@/lib/masters/demo-masters');
await loadDemoMasters();
console.log('デモ用マスターを読み込みました');
const { seedDemoClinical } = await import('@/prisma/seed/demo-clinical');
await seedDemoClinical(db(), (m) => console.log(m));
await disconnectDb();

// The audit sealer extends each clinic's hash chain over the rows the app appends (docs/decisions/0014). The demo runs
// it in this process; a deployment runs it in its worker process.
const { startAuditSealer } = await import('@/lib/audit/audit-sealer');
const sealer = startAuditSealer();

// the production server (scripts/serve.ts: Next behind the client-address edge), as a child process
const next = spawn(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'scripts/serve.ts'], {
  stdio: 'inherit',
  env: { ...process.env, PORT: String(port), HOSTNAME: '127.0.0.1' },
});

const [a, b] = DEMO_CLINICS;
console.log(`
==============================================================
 Karte 電子カルテ デモ:  http://127.0.0.1:${port}
 パスワード（全員共通）: ${DEMO_PASSWORD}
 ${a!.name}（二段階認証なし）:
${DEMO_STAFF.map((s) => `   ${s.role.padEnd(13)} ${demoLoginId(s.local, a!)}`).join('\n')}
 ${b!.name}（二段階認証あり。コードは npm run demo:otp -- <ログインID>）:
${DEMO_STAFF.map((s) => `   ${s.role.padEnd(13)} ${demoLoginId(s.local, b!)}  TOTP秘密鍵 ${DEMO_TOTP_SECRETS[s.local === 'doctor2' ? 'doctor' : s.role]}`).join('\n')}
==============================================================`);

const shutdown = async () => {
  next.kill('SIGTERM');
  await sealer.stop();
  await disconnectDb();
  await stopDb?.();
  process.exit(0);
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
next.on('exit', async (code) => {
  await sealer.stop();
  await disconnectDb();
  await stopDb?.();
  process.exit(code ?? 0);
});
