/** Per-request facts for the audit trail: client IP and a request id, taken from the incoming headers. */
import { randomUUID } from 'node:crypto';
import { BACKGROUND_REQUEST_HEADER } from '@/lib/web/request-headers';
import { acceptableRequestId, normalizeIp } from './client-ip';
import { env } from './env';

export type RequestContext = {
  ip: string | null;
  requestId: string;
  userAgent: string | null;
  /** polling the browser does by itself: not user activity for the idle timeout */
  background?: boolean;
};

/** Set by our HTTP server (scripts/serve.ts) on every request, with the token only this process knows. */
export const CLIENT_IP_HEADER = 'x-karte-client-ip';
export const EDGE_TOKEN_HEADER = 'x-karte-edge';

/**
 * The context of a request from its headers. The client IP is believed only when our own server in front of Next
 * (scripts/serve.ts) resolved it from the TCP peer and TRUSTED_PROXIES and proved it with this process's edge token;
 * under plain `next start`/`next dev` it is unknown (null) rather than whatever a client put in X-Forwarded-For.
 * X-Request-Id is kept only when short and plain (acceptableRequestId); otherwise a new one is made.
 */
export function requestContextFrom(h: Pick<Headers, 'get'>, edgeToken = env().KARTE_EDGE_TOKEN): RequestContext {
  const fromOurServer = Boolean(edgeToken) && h.get(EDGE_TOKEN_HEADER) === edgeToken;
  return {
    ip: fromOurServer ? normalizeIp(h.get(CLIENT_IP_HEADER)) : null,
    requestId: acceptableRequestId(h.get('x-request-id')) ?? randomUUID(),
    userAgent: h.get('user-agent')?.slice(0, 512) ?? null,
    background: h.get(BACKGROUND_REQUEST_HEADER) === '1',
  };
}

export async function currentRequestContext(): Promise<RequestContext> {
  try {
    const { headers } = await import('next/headers');
    return requestContextFrom(await headers());
  } catch {
    // outside a request (scripts, tests)
    return { ip: null, requestId: randomUUID(), userAgent: null };
  }
}
