// Optimistic redirect only: real checks happen in every page, action and route (lib/auth).
import { NextResponse, type NextRequest } from 'next/server';

const PUBLIC = ['/login', '/api/auth', '/api/health', '/_next', '/favicon', '/icon.svg', '/robots.txt'];

export function proxy(req: NextRequest) {
  const { pathname } = req.nextUrl;
  if (PUBLIC.some((p) => pathname.startsWith(p))) return NextResponse.next();
  const hasCookie = req.cookies.has('karte.session') || req.cookies.has('__Host-karte.session');
  if (!hasCookie && !pathname.startsWith('/api/')) {
    return NextResponse.redirect(new URL('/login', req.url));
  }
  const res = NextResponse.next();
  // patient data must not stay in browser or proxy caches
  res.headers.set('Cache-Control', 'no-store');
  return res;
}

export const config = { matcher: ['/((?!_next/static|_next/image|favicon.ico).*)'] };
