// npm run sandbox:sharing: the sandbox 電子カルテ情報共有サービス on HTTP (lib/sharing/sandbox/sandbox-server.ts), on
// SHARING_SANDBOX_PORT (3180). Control API under /__sandbox/ (down, slow, 503/429 with Retry-After, reject).
import { env } from '@/lib/core/env';
import { startSharingSandboxServer } from '@/lib/sharing/sandbox/sandbox-server';
import { profileValidator } from '@/lib/sharing/sandbox/fhir-validator';

const running = await startSharingSandboxServer({ port: env().SHARING_SANDBOX_PORT, validate: profileValidator });
console.log(`共有サービスのサンドボックスを起動しました: ${running.url} (制御API: ${running.url}/__sandbox/)`);
const stop = () => void running.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
