/** Per-request facts for the audit trail: client IP and a request id, taken from the incoming headers. */
import { randomUUID } from 'node:crypto';

export type RequestContext = { ip: string | null; requestId: string; userAgent: string | null };

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
    };
  } catch {
    // outside a request (scripts, tests)
    return { ip: null, requestId: randomUUID(), userAgent: null };
  }
}
