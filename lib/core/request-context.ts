/** Per-request facts for the audit trail: client IP and a request id, taken from the incoming headers. */
import { randomUUID } from 'node:crypto';
import { BACKGROUND_REQUEST_HEADER } from '@/lib/web/request-headers';

export type RequestContext = {
  ip: string | null;
  requestId: string;
  userAgent: string | null;
  /** polling the browser does by itself: not user activity for the idle timeout */
  background?: boolean;
};

export async function currentRequestContext(): Promise<RequestContext> {
  try {
    const { headers } = await import('next/headers');
    const h = await headers();
    // the last hop is the one our own server (or the proxy in front of it) added; earlier entries are client-supplied
    const forwarded = h.get('x-forwarded-for')?.split(',').at(-1)?.trim();
    return {
      ip: forwarded || h.get('x-real-ip') || null,
      requestId: h.get('x-request-id') || randomUUID(),
      userAgent: h.get('user-agent'),
      background: h.get(BACKGROUND_REQUEST_HEADER) === '1',
    };
  } catch {
    // outside a request (scripts, tests)
    return { ip: null, requestId: randomUUID(), userAgent: null };
  }
}
