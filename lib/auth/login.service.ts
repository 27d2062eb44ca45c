/**
 * Sign-in in two steps: password (startLogin) then second factor (completeLogin), then next-auth exchanges
 * the completed challenge for a JWT naming a server-side session (exchangeLoginGrant). Failures all look
 * the same to the caller and are throttled per account and per IP.
 */
import { createHash, randomBytes } from 'node:crypto';
import { AppError } from '@/lib/core/app-error';
import { db, runInTransaction } from '@/lib/core/db';
import type { RequestContext } from '@/lib/core/request-context';
import { recordAuditEvent, recordAuditEventNow, SYSTEM_CLINIC } from '@/lib/audit/audit';
import { authRepository } from './auth.repository';
import { hashPassword, verifyPassword } from './password';
import { newTotpSecret, totpEnrollment, verifyTotp } from './totp';
import { openSecret, sealSecret } from './secret-box';
import { releaseAttempt, reserveAttempt } from './throttle';

export const LOGIN_FAILED_MESSAGE = 'ログインIDまたはパスワードが正しくありません。';
export const LOGIN_THROTTLED_MESSAGE = 'ログインの失敗が続いたため、一時的にロックしています。しばらくしてから再度お試しください。';
export const OTP_FAILED_MESSAGE = '認証コードが正しくありません。';

export const THROTTLE_WINDOW_MS = 15 * 60_000;
export const MAX_FAILURES_PER_ACCOUNT = 10;
export const MAX_FAILURES_PER_IP = 50;
export const MAX_OTP_FAILURES = 5;
const CHALLENGE_TTL_MS = 5 * 60_000;
export const SESSION_ABSOLUTE_MS = 12 * 60 * 60_000;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
let dummyHash: Promise<string> | undefined;

export type LoginStep =
  | { next: 'totp'; token: string }
  | { next: 'enroll'; token: string; enrollment: { secret: string; uri: string; qrDataUrl: string } }
  | { next: 'done'; token: string };

/** Reserves this attempt against the per-account and per-IP limits before anything is checked (throttle.ts). */
function reserveLoginAttempt(loginId: string, ip: string | null): Promise<bigint[]> {
  return reserveAttempt(
    [{ key: `acct:${loginId.toLowerCase()}`, max: MAX_FAILURES_PER_ACCOUNT }, ...(ip ? [{ key: `ip:${ip}`, max: MAX_FAILURES_PER_IP }] : [])],
    THROTTLE_WINDOW_MS,
    LOGIN_THROTTLED_MESSAGE,
  );
}

async function auditLoginFailure(loginId: string, ctx: RequestContext, clinicId: string | null, userId: string | null, reason: string) {
  await recordAuditEventNow({
    clinicId: clinicId ?? SYSTEM_CLINIC,
    actor: userId ? { userId, role: 'unknown', loginId } : null,
    action: 'login_failed',
    resourceType: 'session',
    outcome: 'failure',
    detail: { loginId, reason },
    ctx,
  });
}

/** A failure after the password step (a wrong code): counts against the account and IP like a wrong password. */
async function failLogin(loginId: string, ctx: RequestContext, clinicId: string | null, userId: string | null, reason: string) {
  await authRepository.addFailures([`acct:${loginId.toLowerCase()}`, ...(ctx.ip ? [`ip:${ctx.ip}`] : [])]);
  await auditLoginFailure(loginId, ctx, clinicId, userId, reason);
}

/** Step 1: the password. Never says whether the ID exists. */
export async function startLogin(input: { loginId: string; password: string }, ctx: RequestContext): Promise<LoginStep> {
  const loginId = input.loginId.trim();
  const reservation = await reserveLoginAttempt(loginId, ctx.ip);
  const entry = await authRepository.findLogin(loginId.toLowerCase());
  const user = entry ? await authRepository.findUser(db(), entry.clinicId, entry.userId) : null;
  if (!user) {
    dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
    await verifyPassword(await dummyHash, input.password);
    await auditLoginFailure(loginId, ctx, null, null, 'unknown_id');
    throw new AppError('UNAUTHENTICATED', LOGIN_FAILED_MESSAGE);
  }
  const passwordOk = await verifyPassword(user.passwordHash, input.password);
  if (!passwordOk || user.disabledAt) {
    await auditLoginFailure(loginId, ctx, user.clinicId, user.id, user.disabledAt ? 'disabled' : 'bad_password');
    throw new AppError('UNAUTHENTICATED', LOGIN_FAILED_MESSAGE);
  }
  await releaseAttempt(reservation);
  const token = randomBytes(32).toString('base64url');
  const needsEnrolment = !user.totpEnabledAt && user.clinic.mfaRequired;
  const pendingSecret = needsEnrolment ? newTotpSecret() : null;
  await authRepository.createChallenge({
    tokenHash: sha256(token),
    clinicId: user.clinicId,
    userId: user.id,
    pendingSecret: pendingSecret ? sealSecret(pendingSecret) : null,
    expiresAt: new Date(Date.now() + CHALLENGE_TTL_MS),
    ip: ctx.ip,
  });
  if (user.totpEnabledAt) return { next: 'totp', token };
  if (pendingSecret) return { next: 'enroll', token, enrollment: await totpEnrollment(pendingSecret, user.loginId) };
  return { next: 'done', token };
}

const CHALLENGE_EXPIRED_MESSAGE = 'ログインの有効期限が切れました。もう一度ログインしてください。';

/**
 * Step 2: the second factor (or nothing, for a clinic that does not require it). Creates the session.
 * Each attempt is counted atomically before its code is checked (otpFailures counts attempts), so parallel guesses are
 * all counted and none is checked after the limit; the code's time step and the challenge are each used once, by
 * conditional updates in the session's transaction.
 */
export async function completeLogin(input: { token: string; code?: string }, ctx: RequestContext): Promise<{ sessionId: string }> {
  const tokenHash = sha256(input.token);
  const challenge = await authRepository.findChallenge(db(), tokenHash);
  if (!challenge || challenge.consumedAt || challenge.sessionId || challenge.expiresAt < new Date() || challenge.otpFailures >= MAX_OTP_FAILURES) {
    throw new AppError('UNAUTHENTICATED', CHALLENGE_EXPIRED_MESSAGE);
  }
  const attempt = await authRepository.countOtpAttempt(tokenHash);
  if (attempt > MAX_OTP_FAILURES) throw new AppError('UNAUTHENTICATED', CHALLENGE_EXPIRED_MESSAGE);
  const user = await authRepository.findUser(db(), challenge.clinicId, challenge.userId);
  if (!user || user.disabledAt) throw new AppError('UNAUTHENTICATED', LOGIN_FAILED_MESSAGE);

  const sealed = user.totpEnabledAt ? user.totpSecret : challenge.pendingSecret;
  const secret = sealed ? openSecret(sealed) : null;
  let acceptedStep: number | null = null;
  if (secret) {
    acceptedStep = verifyTotp(secret, (input.code ?? '').trim(), user.totpEnabledAt ? user.totpLastStep : null);
    if (acceptedStep === null) {
      await failLogin(user.loginId, ctx, user.clinicId, user.id, 'bad_otp');
      if (attempt >= MAX_OTP_FAILURES) {
        throw new AppError('RATE_LIMITED', '認証コードの誤りが続いたため、このログインは無効になりました。最初からやり直してください。');
      }
      throw new AppError('UNAUTHENTICATED', OTP_FAILED_MESSAGE);
    }
  }

  const actor = { userId: user.id, role: user.role, loginId: user.loginId };
  return runInTransaction(async (tx) => {
    if (secret && acceptedStep !== null) {
      const enrol = user.totpEnabledAt ? null : { totpSecret: sealed!, totpEnabledAt: new Date() };
      if ((await authRepository.acceptTotpStep(tx, user.clinicId, user.id, BigInt(acceptedStep), enrol)) !== 1) {
        // the same code was accepted by a parallel request a moment ago
        throw new AppError('UNAUTHENTICATED', OTP_FAILED_MESSAGE);
      }
      if (enrol) {
        await recordAuditEvent(tx, { clinicId: user.clinicId, actor, action: 'mfa_enrolled', resourceType: 'user', resourceId: user.id, ctx });
      }
    }
    const session = await authRepository.createSession(tx, {
      clinicId: user.clinicId,
      userId: user.id,
      mfaVerified: Boolean(secret),
      expiresAt: new Date(Date.now() + SESSION_ABSOLUTE_MS),
      ip: ctx.ip,
      userAgent: ctx.userAgent,
    });
    if ((await authRepository.completeChallenge(tx, tokenHash, session.id)) !== 1) {
      throw new AppError('UNAUTHENTICATED', CHALLENGE_EXPIRED_MESSAGE);
    }
    await recordAuditEvent(tx, {
      clinicId: user.clinicId,
      actor,
      action: 'login',
      resourceType: 'session',
      resourceId: session.id,
      detail: { mfa: Boolean(secret) },
      ctx,
    });
    return { sessionId: session.id };
  });
}

/** Called by next-auth's authorize(): a completed challenge yields its session once. */
export async function exchangeLoginGrant(token: string): Promise<{ id: string; clinicId: string; sessionId: string } | null> {
  const tokenHash = sha256(token);
  const challenge = await authRepository.findChallenge(db(), tokenHash);
  if (!challenge?.sessionId) return null;
  const { count } = await authRepository.consumeCompletedChallenge(tokenHash, new Date());
  if (count !== 1) return null;
  const user = await authRepository.findUser(db(), challenge.clinicId, challenge.userId);
  if (user) await authRepository.clearFailures(`acct:${user.loginId.toLowerCase()}`);
  return { id: challenge.userId, clinicId: challenge.clinicId, sessionId: challenge.sessionId };
}
