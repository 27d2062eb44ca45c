/**
 * The sandbox sharing service as its own process for the outbox benchmarks (bench/sharing-outbox.bench.ts): as in a
 * deployment, where the 電子カルテ情報共有サービス is another machine, its HTTP parsing and storing do not run on the
 * worker's event loop. Envelope checks only (no profile validation), as the in-process sandbox of the benchmark had.
 * Started with fork(); answers its URL over IPC, then serves until killed.
 */
import { startSharingSandboxServer } from '@/lib/sharing/sandbox/sandbox-server';

const server = await startSharingSandboxServer({ port: 0 });
process.send?.({ url: server.url });
process.on('disconnect', () => void server.close().then(() => process.exit(0)));
