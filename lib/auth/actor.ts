/**
 * The signed-in staff member for this request, from the server-side session row: revoked, expired (12 h),
 * idle (clinic setting, 30 min by default) or disabled users get no actor.
 */
import { cache } from 'react';
import { ROLES, type StaffRole } from '@/lib/permissions/permissions';
import { oneOf } from '@/lib/core/text-enum';
import { AppError } from '@/lib/core/app-error';
import { db } from '@/lib/core/db';
import { currentRequestContext, type RequestContext } from '@/lib/core/request-context';
import { authRepository } from './auth.repository';
import { auth } from './auth';

export type Actor = {
  userId: string;
  clinicId: string;
  clinicName: string;
  role: StaffRole;
  loginId: string;
  displayName: string;
  sessionId: string;
  mustChangePassword: boolean;
  idleTimeoutMinutes: number;
  ctx: RequestContext;
};

const TOUCH_EVERY_MS = 30_000;

export type SessionCheck = { ok: true; actor: Actor } | { ok: false; reason: 'none' | 'revoked' | 'expired' | 'idle' | 'disabled' | 'mfa' };

/** Validates a (clinicId, sessionId) pair against the database. Exported for tests and the proxy-less API. */
export async function checkSession(clinicId: string, sessionId: string, ctx: RequestContext, now = new Date()): Promise<SessionCheck> {
  const session = await authRepository.findSession(clinicId, sessionId);
  if (!session) return { ok: false, reason: 'none' };
  const { user } = session;
  if (session.revokedAt) return { ok: false, reason: 'revoked' };
  if (session.expiresAt <= now) return { ok: false, reason: 'expired' };
  if (now.getTime() - session.lastSeenAt.getTime() > user.clinic.idleTimeoutMinutes * 60_000) {
    await authRepository.revokeSession(db(), clinicId, sessionId, 'idle');
    return { ok: false, reason: 'idle' };
  }
  if (user.disabledAt) return { ok: false, reason: 'disabled' };
  if (user.clinic.mfaRequired && !session.mfaVerified) return { ok: false, reason: 'mfa' };
  if (!ctx.background && now.getTime() - session.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
    await authRepository.touchSession(clinicId, sessionId, now);
  }
  return {
    ok: true,
    actor: {
      userId: user.id,
      clinicId: user.clinicId,
      clinicName: user.clinic.name,
      role: oneOf(ROLES, user.role),
      loginId: user.loginId,
      displayName: user.displayName,
      sessionId,
      mustChangePassword: user.mustChangePassword,
      idleTimeoutMinutes: user.clinic.idleTimeoutMinutes,
      ctx,
    },
  };
}

export async function getActor(): Promise<Actor | null> {
  const session = (await auth()) as { sid?: string; cid?: string } | null;
  if (!session?.sid || !session.cid) return null;
  const result = await checkSession(session.cid, session.sid, await currentRequestContext());
  return result.ok ? result.actor : null;
}

/**
 * For server components: one session check per render, shared by the (clinic) layout and the page (React cache, scoped
 * to the request). Without it each page render looked the session up twice (3 queries each: session, user, clinic).
 * Server actions and route handlers keep calling getActor, so a session an action just changed is read afresh.
 */
export const getRenderActor = cache(getActor);

/** For server actions and route handlers: throws UNAUTHENTICATED; a pending password change blocks all else. */
export async function requireActor(options: { allowPasswordChange?: boolean } = {}): Promise<Actor> {
  const actor = await getActor();
  if (!actor) throw new AppError('UNAUTHENTICATED', 'ログインが必要です。もう一度ログインしてください。');
  if (actor.mustChangePassword && !options.allowPasswordChange) {
    throw new AppError('PRECONDITION_FAILED', '初回ログインのため、パスワードの変更が必要です。');
  }
  return actor;
}
