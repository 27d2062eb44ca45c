// Optimistic redirect only: real checks happen in every page, action and route (lib/auth).
// Every response also gets a Content-Security-Policy with a per-request script nonce.
import { NextResponse, type NextRequest } from 'next/server';
import { env } from './lib/core/env';
import { contentSecurityPolicy, newNonce } from './lib/web/csp';
import { bodyLimitFor, exceedsBodyLimit } from './lib/web/body-limits';

const PUBLIC = ['/login', '/api/auth', '/api/health', '/_next', '/favicon', '/icon.svg', '/robots.txt'];

export function proxy(req: NextRequest) {
  const { pathname } = req.nextUrl;
  // a body over its limit is answered here, before Next reads (and truncates or fails on) it
  const bodyLimit = bodyLimitFor(req.method, pathname, req.headers);
  if (bodyLimit && exceedsBodyLimit(bodyLimit, req.headers)) {
    return NextResponse.json(
      { error: { code: 'PAYLOAD_TOO_LARGE', message: bodyLimit.message } },
      { status: 413, headers: { 'Cache-Control': 'no-store', Connection: 'close' } },
    );
  }
  const nonce = newNonce();
  const csp = contentSecurityPolicy(nonce, env().NODE_ENV !== 'production');
  const isPublic = PUBLIC.some((p) => pathname.startsWith(p));
  const hasCookie = req.cookies.has('karte.session') || req.cookies.has('__Host-karte.session');
  if (!isPublic && !hasCookie && !pathname.startsWith('/api/')) {
    return NextResponse.redirect(new URL('/login', req.url));
  }
  // Next reads the nonce from the request's policy and puts it on the scripts it renders.
  const requestHeaders = new Headers(req.headers);
  requestHeaders.set('x-nonce', nonce);
  requestHeaders.set('Content-Security-Policy', csp);
  const res = NextResponse.next({ request: { headers: requestHeaders } });
  res.headers.set('Content-Security-Policy', csp);
  // patient data must not stay in browser or proxy caches
  if (!isPublic) res.headers.set('Cache-Control', 'no-store');
  return res;
}

// The master upload route stays outside: running the proxy makes Next buffer a request body for it and cut it at
// 10 MB (proxyClientMaxBodySize); the route streams the body itself and answers its own 413 (lib/masters).
export const config = { matcher: ['/((?!_next/static|_next/image|favicon.ico|api/internal/masters/imports).*)'] };
