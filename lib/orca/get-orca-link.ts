/**
 * Picks the ORCA adapter from the settings (ORCA_MODE): `off` (no レセコン link, the default), `sandbox` (an
 * in-process ORCA for development) or `http` (a real ORCA: on-premise glserver, or WebORCA with ORCA_WEBORCA=true).
 * Nothing else in the app knows which one answers.
 */
import { readFileSync } from 'node:fs';
import { env } from '@/lib/core/env';
import { HttpOrcaTransport } from './adapters/http-transport';
import { SandboxOrcaTransport } from './adapters/sandbox-transport';
import { OrcaClient } from './orca-client';
import type { OrcaLink } from './orca-port';
import { OrcaSandbox } from './sandbox/orca-sandbox';

const SANDBOX_KEY = Symbol.for('karte.orca.sandbox');
let cached: { key: string; link: OrcaLink } | undefined;

/** The one in-process sandbox (kept on globalThis so that a dev-server reload does not forget its state). */
export function inProcessOrcaSandbox(): OrcaSandbox {
  const g = globalThis as { [SANDBOX_KEY]?: OrcaSandbox };
  g[SANDBOX_KEY] ??= new OrcaSandbox();
  return g[SANDBOX_KEY];
}

/** The configured link, or null when the clinic runs without ORCA (ORCA_MODE=off). */
export function getOrcaLink(): OrcaLink | null {
  const e = env();
  const key = [e.ORCA_MODE, e.ORCA_URL, e.ORCA_WEBORCA, e.ORCA_USER, e.ORCA_FORMAT, e.ORCA_TIMEOUT_MS].join('|');
  if (cached?.key === key) return cached.link;
  let link: OrcaLink | null = null;
  if (e.ORCA_MODE === 'sandbox') {
    link = new OrcaClient({ transport: new SandboxOrcaTransport(inProcessOrcaSandbox(), e.ORCA_TIMEOUT_MS), format: e.ORCA_FORMAT });
  } else if (e.ORCA_MODE === 'http') {
    if (!e.ORCA_URL) throw new Error('ORCA_URL is required when ORCA_MODE=http');
    const file = (path: string | undefined) => (path ? readFileSync(path, 'utf8') : undefined);
    const transport = new HttpOrcaTransport({
      baseUrl: e.ORCA_URL,
      apiPrefix: e.ORCA_WEBORCA,
      user: e.ORCA_USER,
      password: e.ORCA_PASSWORD,
      clientCert: file(e.ORCA_CLIENT_CERT_FILE),
      clientKey: file(e.ORCA_CLIENT_KEY_FILE),
      ca: file(e.ORCA_CA_FILE),
      timeoutMs: e.ORCA_TIMEOUT_MS,
    });
    link = new OrcaClient({ transport, format: e.ORCA_FORMAT });
  }
  if (link) cached = { key, link };
  return link;
}
