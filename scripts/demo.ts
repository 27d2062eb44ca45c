// npm run demo: embedded database (or DATABASE_URL), migrations, demo data, then `next start`.
import { spawn } from 'node:child_process';
import { ensureLocalSecrets } from './local-secrets';

ensureLocalSecrets();
process.env.AUTH_TRUST_HOST ??= 'true';
process.env.NEXT_TELEMETRY_DISABLED = '1';
// Unless a sharing service is configured, the demo runs the sandbox 電子カルテ情報共有サービス as its own HTTP server and
// both the app and the worker talk to it over HTTP, exactly as they would to the real one.
const startSharingSandbox = !process.env.SHARING_MODE && !process.env.SHARING_URL;
if (startSharingSandbox) {
  process.env.SHARING_MODE = 'http';
  process.env.SHARING_URL = `http://127.0.0.1:${process.env.SHARING_SANDBOX_PORT ?? 3180}`;
}

// Likewise the レセコン: unless an ORCA is configured, the demo runs the sandbox ORCA (docs/orca.md) on HTTP and links
// the demo clinics to it.
const startOrcaSandbox = !process.env.ORCA_MODE && !process.env.ORCA_URL;
if (startOrcaSandbox) {
  process.env.ORCA_MODE = 'http';
  process.env.ORCA_URL = `http://127.0.0.1:${process.env.ORCA_SANDBOX_PORT ?? 8000}`;
  process.env.ORCA_USER = 'ormaster';
  process.env.ORCA_PASSWORD = 'ormaster';
}

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
let sharingSandbox: import('@/lib/sharing/sandbox/sandbox-server').SandboxSharingServer | undefined;
if (startSharingSandbox) {
  const { startSharingSandboxServer } = await import('@/lib/sharing/sandbox/sandbox-server');
  const { profileValidator } = await import('@/lib/sharing/sandbox/fhir-validator');
  sharingSandbox = await startSharingSandboxServer({ port: env().SHARING_SANDBOX_PORT, validate: profileValidator });
  console.log(`共有サービスのサンドボックス: ${sharingSandbox.url}（制御API ${sharingSandbox.url}/__sandbox/）`);
}
if (startOrcaSandbox) {
  const { startOrcaSandboxServer } = await import('@/lib/orca/sandbox/sandbox-server');
  const orca = await startOrcaSandboxServer({ port: env().ORCA_SANDBOX_PORT });
  console.log(`ORCAサンドボックス: ${orca.url}（制御API ${orca.url}/__sandbox/）`);
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
const { seedDemoDocuments, seedDemoReferralInstitutions } = await import('@/prisma/seed/demo-documents');
if (await seedDemoReferralInstitutions(db())) console.log('デモ用の紹介先医療機関（架空）を登録しました');
if (await seedDemoDocuments(db())) console.log('デモ用の確定文書（診療情報提供書・退院時サマリー・健診結果報告書）を登録しました');
if (sharingSandbox) {
  // the sandbox holds invented other institutions' 6情報 (架空の医療機関) for the demo patients (他院の情報 in the chart)
  const { demoMemberIds } = await import('@/prisma/seed/demo-sharing');
  const bundles = sharingSandbox.store.seedOtherInstitutions(await demoMemberIds(db()));
  console.log(`共有サービスのサンドボックスに架空の他院情報を登録しました（${bundles}件）`);
  // a letter of another institution (the JP-CLINS example, 港診療所) for みなと's inbox (受信紹介状)
  const { registerDemoInboxLetter } = await import('@/prisma/seed/demo-inbox');
  if (await registerDemoInboxLetter(db(), sharingSandbox.store)) console.log('みなと整形外科医院あての他院の紹介状（JP-CLINSの例）を共有サービスのサンドボックスに登録しました');
}
if (env().ORCA_MODE !== 'off') {
  const { linkDemoClinicsToOrca } = await import('@/prisma/seed/demo-orca');
  await linkDemoClinicsToOrca(db());
  console.log('デモ医療機関をORCA連携に設定しました');
}
const { seedDemoApiClient } = await import('@/prisma/seed/demo-api-client');
const demoApp = await seedDemoApiClient(db());
await disconnectDb();

// The background work — the job queue (lib/jobs, docs/decisions/0027) and the audit sealer that extends each clinic's
// hash chain (docs/decisions/0014). The demo runs it in this process; a deployment runs `npm run worker`.
const { startBackgroundWork } = await import('@/lib/jobs/background');
const background = await startBackgroundWork();

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
${DEMO_STAFF.filter((s) => !s.only).map((s) => `   ${s.role.padEnd(13)} ${demoLoginId(s.local, b!)}  TOTP秘密鍵 ${DEMO_TOTP_SECRETS[s.local === 'doctor2' ? 'doctor' : s.role]}`).join('\n')}
${demoApp ? ` FHIR API（docs/api.md）: http://127.0.0.1:${port}/api/fhir/R4  ${a!.name}のテスト用アプリ client_id ${demoApp.clientId}  秘密鍵 ${demoApp.keyFile}` : ''}
==============================================================`);

const shutdown = async () => {
  next.kill('SIGTERM');
  await background.stop();
  await disconnectDb();
  await stopDb?.();
  process.exit(0);
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
next.on('exit', async (code) => {
  await background.stop();
  await disconnectDb();
  await stopDb?.();
  process.exit(code ?? 0);
});
