/**
 * next-auth (Auth.js 5) with one Credentials provider that only exchanges a completed login challenge
 * (lib/auth/login.service.ts). The JWT carries the server-side session id; lib/auth/actor.ts checks that
 * row on every request, which makes sessions revocable and enforces the idle and absolute timeouts.
 */
import NextAuth from 'next-auth';
import Credentials from 'next-auth/providers/credentials';
import { env, requireSecret } from '@/lib/core/env';
import { log } from '@/lib/core/logger';
import { exchangeLoginGrant, SESSION_ABSOLUTE_MS } from './login.service';

export const SESSION_COOKIE = env().SECURE_COOKIES ? '__Host-karte.session' : 'karte.session';

export const { auth, handlers, signIn, signOut } = NextAuth(() => ({
  secret: requireSecret('AUTH_SECRET'),
  trustHost: true,
  session: { strategy: 'jwt', maxAge: SESSION_ABSOLUTE_MS / 1000 },
  pages: { signIn: '/login', error: '/login' },
  // A forged or stale cookie is a warning, not a stack trace; nothing from the token is logged.
  logger: {
    error: (error) => log('warn', 'auth: rejected', { kind: error.name, cause: (error.cause as { err?: Error } | undefined)?.err?.name }),
    warn: (code) => log('warn', 'auth: warning', { code }),
    debug: () => undefined,
  },
  cookies: {
    sessionToken: {
      name: SESSION_COOKIE,
      options: { httpOnly: true, sameSite: 'lax', path: '/', secure: env().SECURE_COOKIES },
    },
  },
  providers: [
    Credentials({
      credentials: { token: {} },
      authorize: async (credentials) => {
        const token = typeof credentials?.token === 'string' ? credentials.token : '';
        if (!token) return null;
        const grant = await exchangeLoginGrant(token);
        return grant ? { id: grant.id, clinicId: grant.clinicId, sessionId: grant.sessionId } : null;
      },
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      if (user) {
        const u = user as { id: string; clinicId: string; sessionId: string };
        token.sid = u.sessionId;
        token.cid = u.clinicId;
        token.uid = u.id;
      }
      return token;
    },
    session({ session, token }) {
      return { ...session, sid: token.sid as string, cid: token.cid as string };
    },
  },
}));
