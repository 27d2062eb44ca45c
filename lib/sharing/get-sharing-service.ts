/**
 * The one place that decides which sharing adapter runs (SHARING_MODE): `sandbox` answers in process with the sandbox's
 * rules; `http` talks to SHARING_URL — the real service's gateway, or our sandbox server (`npm run sandbox:sharing`,
 * which the demo starts and points SHARING_URL at).
 */
import { env } from '@/lib/core/env';
import { HttpSharingService } from './adapters/http-sharing-service';
import { SandboxSharingService } from './adapters/sandbox-sharing-service';
import type { SharingService } from './sharing-service';

let cached: SharingService | undefined;

export function getSharingService(): SharingService {
  if (cached) return cached;
  const e = env();
  if (e.SHARING_MODE === 'http') {
    if (!e.SHARING_URL) throw new Error('SHARING_MODE=http needs SHARING_URL');
    cached = new HttpSharingService({ baseUrl: e.SHARING_URL, token: e.SHARING_TOKEN, timeoutMs: e.SHARING_TIMEOUT_MS });
  } else {
    cached = new SandboxSharingService();
  }
  return cached;
}
