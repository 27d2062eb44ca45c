// npm run sandbox:orca: an ORCA sandbox on HTTP (docs/orca.md "Sandbox"). ORCA_SANDBOX_PORT (8000), ORCA_SANDBOX_WEBORCA=true
// for the /api prefix; user/password ormaster/ormaster unless ORCA_USER/ORCA_PASSWORD are set. Control API under /__sandbox/.
// (A script: it reads its few settings itself; the app reads them through lib/core/env.ts.)
import { startOrcaSandboxServer } from '@/lib/orca/sandbox/sandbox-server';

const running = await startOrcaSandboxServer({
  port: Number(process.env.ORCA_SANDBOX_PORT ?? 8000),
  apiPrefix: process.env.ORCA_SANDBOX_WEBORCA === 'true',
  user: process.env.ORCA_USER || 'ormaster',
  password: process.env.ORCA_PASSWORD || 'ormaster',
});
console.log(`ORCAサンドボックスを起動しました: ${running.url}${process.env.ORCA_SANDBOX_WEBORCA === 'true' ? '/api' : ''} (制御API: ${running.url}/__sandbox/)`);
const stop = () => void running.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
