import { describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { db } from '@/lib/core/db';
import { AppError } from '@/lib/core/app-error';
import { completeLogin, exchangeLoginGrant, LOGIN_FAILED_MESSAGE, MAX_FAILURES_PER_ACCOUNT, SESSION_ABSOLUTE_MS, startLogin } from './login.service';
import { checkSession } from './actor';
import { newTotpSecret, totpCode } from './totp';
import { actorFor, auditEventsFor, createClinic, createStaffUser, TEST_PASSWORD } from '@/tests/helpers/factories';
import { neverLogged } from '@/tests/helpers/never-logged';

neverLogged('wrong-password-123');
import { changeOwnPassword, createStaff, endIdleSession, logoutEverywhere, setStaffDisabled, setStaffRole } from '@/lib/staff/staff.service';

const ctx = () => ({ ip: `10.1.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`, requestId: randomUUID(), userAgent: 'vitest' });

async function loginFully(loginId: string, password = TEST_PASSWORD, code?: () => string) {
  const c = ctx();
  const step = await startLogin({ loginId, password }, c);
  const { sessionId } = await completeLogin({ token: step.token, code: code?.() }, c);
  const grant = await exchangeLoginGrant(step.token);
  expect(grant?.sessionId).toBe(sessionId);
  return { step, sessionId };
}

async function failure(p: Promise<unknown>) {
  try {
    await p;
  } catch (e) {
    return e as AppError;
  }
  throw new Error('expected a failure');
}

describe('password step', () => {
  it('gives the same answer for an unknown ID and a wrong password, and audits both', async () => {
    const clinic = await createClinic();
    const user = await createStaffUser(clinic.id, 'doctor');
    const unknown = await failure(startLogin({ loginId: `nobody-${randomUUID()}@x.jp`, password: 'whatever-password' }, ctx()));
    const wrong = await failure(startLogin({ loginId: user.loginId, password: 'wrong-password-123' }, ctx()));
    expect(unknown.message).toBe(LOGIN_FAILED_MESSAGE);
    expect(wrong.message).toBe(LOGIN_FAILED_MESSAGE);
    expect(unknown.code).toBe(wrong.code);
    const audited = await auditEventsFor(clinic.id, { action: 'login_failed' });
    expect(audited).toHaveLength(1);
    expect(JSON.stringify(audited[0]!.detail)).not.toContain('wrong-password-123');
  });

  it('stores Argon2id hashes with OWASP parameters', async () => {
    const clinic = await createClinic();
    const user = await createStaffUser(clinic.id, 'nurse');
    expect(user.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it('throttles an account after repeated failures, even with the right password', async () => {
    const clinic = await createClinic();
    const user = await createStaffUser(clinic.id, 'doctor');
    for (let i = 0; i < MAX_FAILURES_PER_ACCOUNT; i++) {
      await failure(startLogin({ loginId: user.loginId, password: `bad-${i}-password` }, ctx()));
    }
    const locked = await failure(startLogin({ loginId: user.loginId, password: TEST_PASSWORD }, ctx()));
    expect(locked.code).toBe('RATE_LIMITED');
  });

  it('throttles an IP that tries many accounts', async () => {
    const c = { ...ctx(), ip: `192.0.2.${Math.floor(Math.random() * 250)}` };
    for (let i = 0; i < 50; i++) await failure(startLogin({ loginId: `spray-${i}-${randomUUID()}@x.jp`, password: 'password-guess-1' }, c));
    expect((await failure(startLogin({ loginId: 'anyone@x.jp', password: 'password-guess-1' }, c))).code).toBe('RATE_LIMITED');
  });

  it('refuses a disabled account', async () => {
    const clinic = await createClinic();
    const user = await createStaffUser(clinic.id, 'doctor');
    await db().user.update({ where: { clinicId_id: { clinicId: clinic.id, id: user.id } }, data: { disabledAt: new Date() } });
    expect((await failure(startLogin({ loginId: user.loginId, password: TEST_PASSWORD }, ctx()))).message).toBe(LOGIN_FAILED_MESSAGE);
  });
});

describe('second factor', () => {
  it('makes a new user of an MFA clinic enrol, then accepts each code only once', async () => {
    const clinic = await createClinic({ mfaRequired: true });
    const user = await createStaffUser(clinic.id, 'doctor');
    const c = ctx();
    const step = await startLogin({ loginId: user.loginId, password: TEST_PASSWORD }, c);
    expect(step.next).toBe('enroll');
    if (step.next !== 'enroll') throw new Error();
    expect(step.enrollment.qrDataUrl).toMatch(/^data:image\/png;base64,/);
    // password alone gives nothing
    expect(await exchangeLoginGrant(step.token)).toBeNull();
    const code = totpCode(step.enrollment.secret);
    await completeLogin({ token: step.token, code }, c);
    expect(await exchangeLoginGrant(step.token)).not.toBeNull();
    expect(await exchangeLoginGrant(step.token)).toBeNull(); // single use
    expect(await auditEventsFor(clinic.id, { action: 'mfa_enrolled' })).toHaveLength(1);
    // the seed is encrypted at rest
    const stored = await db().user.findUnique({ where: { clinicId_id: { clinicId: clinic.id, id: user.id } } });
    expect(stored?.totpSecret).toMatch(/^v2:/);
    expect(stored?.totpSecret).not.toContain(step.enrollment.secret);

    // next login asks for a code; the same code again is refused
    const again = await startLogin({ loginId: user.loginId, password: TEST_PASSWORD }, ctx());
    expect(again.next).toBe('totp');
    expect((await failure(completeLogin({ token: again.token, code }, ctx()))).code).toBe('UNAUTHENTICATED');
  });

  it('ends the login after 5 wrong codes', async () => {
    const secret = newTotpSecret();
    const clinic = await createClinic({ mfaRequired: true });
    const user = await createStaffUser(clinic.id, 'nurse', { totpSecret: secret });
    const step = await startLogin({ loginId: user.loginId, password: TEST_PASSWORD }, ctx());
    const wrong = String((Number(totpCode(secret)) + 1) % 1_000_000).padStart(6, '0');
    for (let i = 0; i < 4; i++) expect((await failure(completeLogin({ token: step.token, code: wrong }, ctx()))).code).toBe('UNAUTHENTICATED');
    expect((await failure(completeLogin({ token: step.token, code: wrong }, ctx()))).code).toBe('RATE_LIMITED');
    expect((await failure(completeLogin({ token: step.token, code: totpCode(secret) }, ctx()))).code).toBe('UNAUTHENTICATED');
  });

  it('does not let a session without MFA work in a clinic that requires it', async () => {
    const clinic = await createClinic({ mfaRequired: false });
    const user = await createStaffUser(clinic.id, 'doctor');
    const { sessionId } = await loginFully(user.loginId);
    expect((await checkSession(clinic.id, sessionId, ctx())).ok).toBe(true);
    await db().clinic.update({ where: { id: clinic.id }, data: { mfaRequired: true } });
    expect(await checkSession(clinic.id, sessionId, ctx())).toEqual({ ok: false, reason: 'mfa' });
  });
});

describe('sessions', () => {
  it('times out after the idle limit and after 12 hours, and is unknown in another clinic', async () => {
    const clinic = await createClinic({ idleTimeoutMinutes: 30 });
    const user = await createStaffUser(clinic.id, 'doctor');
    const { sessionId } = await loginFully(user.loginId);
    const now = Date.now();
    expect((await checkSession(clinic.id, sessionId, ctx(), new Date(now + 29 * 60_000))).ok).toBe(true);
    expect(await checkSession(clinic.id, sessionId, ctx(), new Date(now + 29 * 60_000 + 31 * 60_000))).toEqual({ ok: false, reason: 'idle' });
    expect(await checkSession(clinic.id, sessionId, ctx())).toEqual({ ok: false, reason: 'revoked' });

    const second = await loginFully(user.loginId);
    // activity every 20 minutes still ends at 12 h
    let t = Date.now();
    for (let i = 0; i < 3; i++) {
      t += 20 * 60_000;
      await db().userSession.update({ where: { clinicId_id: { clinicId: clinic.id, id: second.sessionId } }, data: { lastSeenAt: new Date(t) } });
    }
    expect(await checkSession(clinic.id, second.sessionId, ctx(), new Date(Date.now() + 12 * 3600_000 + 60_000))).toMatchObject({ ok: false });
    const other = await createClinic();
    expect(await checkSession(other.id, second.sessionId, ctx())).toEqual({ ok: false, reason: 'none' });
  });

  it('ends at 12 hours even for a user active minutes ago (absolute expiry, not the idle limit)', async () => {
    const clinic = await createClinic({ idleTimeoutMinutes: 30 });
    const user = await createStaffUser(clinic.id, 'doctor');
    const { sessionId } = await loginFully(user.loginId);
    const row = await db().userSession.findFirstOrThrow({ where: { clinicId: clinic.id, id: sessionId } });
    expect(row.expiresAt.getTime() - row.createdAt.getTime()).toBeGreaterThanOrEqual(SESSION_ABSOLUTE_MS - 1_000);
    const at = (ms: number) => new Date(row.createdAt.getTime() + ms);
    // somebody worked 5 minutes before each check: the idle limit never applies here
    const activeAt = async (ms: number) =>
      db().userSession.update({ where: { clinicId_id: { clinicId: clinic.id, id: sessionId } }, data: { lastSeenAt: at(ms - 5 * 60_000) } });
    await activeAt(SESSION_ABSOLUTE_MS - 60_000);
    expect((await checkSession(clinic.id, sessionId, ctx(), at(SESSION_ABSOLUTE_MS - 60_000))).ok).toBe(true);
    await activeAt(SESSION_ABSOLUTE_MS + 60_000);
    expect(await checkSession(clinic.id, sessionId, ctx(), at(SESSION_ABSOLUTE_MS + 60_000))).toEqual({ ok: false, reason: 'expired' });
  });

  it('does not count background polling as activity, and an idle lock ends only that terminal', async () => {
    const clinic = await createClinic({ idleTimeoutMinutes: 30 });
    const user = await createStaffUser(clinic.id, 'receptionist');
    const { sessionId } = await loginFully(user.loginId);
    const lastSeen = async (id: string) => (await db().userSession.findFirstOrThrow({ where: { clinicId: clinic.id, id } })).lastSeenAt.getTime();
    const start = await lastSeen(sessionId);
    // a reception screen polling the queue for 40 minutes with nobody at it
    for (let minute = 5; minute <= 25; minute += 5) {
      expect((await checkSession(clinic.id, sessionId, { ...ctx(), background: true }, new Date(start + minute * 60_000))).ok).toBe(true);
    }
    expect(await lastSeen(sessionId)).toBe(start);
    expect(await checkSession(clinic.id, sessionId, { ...ctx(), background: true }, new Date(start + 31 * 60_000))).toEqual({ ok: false, reason: 'idle' });

    // somebody using the screen (a heartbeat or any request) does count
    const other = await loginFully(user.loginId);
    const t0 = await lastSeen(other.sessionId);
    expect((await checkSession(clinic.id, other.sessionId, ctx(), new Date(t0 + 20 * 60_000))).ok).toBe(true);
    expect(await lastSeen(other.sessionId)).toBe(t0 + 20 * 60_000);
    expect((await checkSession(clinic.id, other.sessionId, ctx(), new Date(t0 + 45 * 60_000))).ok).toBe(true);

    // the idle lock ends this terminal's session, audited, and leaves the user's other terminal alone
    const third = await loginFully(user.loginId);
    await endIdleSession({ ...actorFor(user), sessionId: third.sessionId });
    expect(await checkSession(clinic.id, third.sessionId, ctx())).toEqual({ ok: false, reason: 'revoked' });
    expect((await checkSession(clinic.id, other.sessionId, ctx(), new Date(t0 + 50 * 60_000))).ok).toBe(true);
    const audit = await auditEventsFor(clinic.id, { action: 'logout', resourceId: third.sessionId });
    expect(audit).toHaveLength(1);
    expect(audit[0]!.detail).toEqual({ reason: 'idle' });
  });

  it('ends every session of the user on logout, password change, disable and role change', async () => {
    const clinic = await createClinic();
    const admin = actorFor(await createStaffUser(clinic.id, 'clinic_admin'));
    const user = await createStaffUser(clinic.id, 'doctor');
    const actor = actorFor(user);

    let s1 = await loginFully(user.loginId);
    let s2 = await loginFully(user.loginId);
    await logoutEverywhere({ ...actor, sessionId: s1.sessionId });
    expect((await checkSession(clinic.id, s2.sessionId, ctx())).ok).toBe(false);

    s1 = await loginFully(user.loginId);
    await changeOwnPassword({ currentPassword: TEST_PASSWORD, newPassword: 'a-much-better-passphrase', confirmPassword: 'a-much-better-passphrase' }, actor);
    expect((await checkSession(clinic.id, s1.sessionId, ctx())).ok).toBe(false);
    expect((await failure(startLogin({ loginId: user.loginId, password: TEST_PASSWORD }, ctx()))).message).toBe(LOGIN_FAILED_MESSAGE);

    s2 = await loginFully(user.loginId, 'a-much-better-passphrase');
    await setStaffRole({ userId: user.id, role: 'nurse' }, admin);
    expect((await checkSession(clinic.id, s2.sessionId, ctx())).ok).toBe(false);

    s2 = await loginFully(user.loginId, 'a-much-better-passphrase');
    await setStaffDisabled({ userId: user.id, disabled: true }, admin);
    expect((await checkSession(clinic.id, s2.sessionId, ctx())).ok).toBe(false);
  });
});

describe('staff management', () => {
  it('issues a temporary password that must be changed at first login', async () => {
    const clinic = await createClinic();
    const admin = actorFor(await createStaffUser(clinic.id, 'clinic_admin'));
    const { temporaryPassword, userId, loginId } = await createStaff({ loginId: `new-${randomUUID().slice(0, 6)}`, displayName: '新人 看護師', role: 'nurse' }, admin);
    expect(loginId).toBe(`${loginId.split('@')[0]}@${clinic.institutionNumber}`);
    neverLogged(temporaryPassword);
    const { sessionId } = await loginFully(loginId, temporaryPassword);
    const check = await checkSession(clinic.id, sessionId, ctx());
    expect(check.ok && check.actor.mustChangePassword).toBe(true);
    const created = await auditEventsFor(clinic.id, { action: 'staff_created' });
    expect(created[0]!.resourceId).toBe(userId);
    expect(JSON.stringify(created, (_k, v) => (typeof v === 'bigint' ? String(v) : v))).not.toContain(temporaryPassword);
  });

  it('rejects weak new passwords', async () => {
    const c1 = await createClinic();
    const user = await createStaffUser(c1.id, 'doctor');
    const weak = await failure(changeOwnPassword({ currentPassword: TEST_PASSWORD, newPassword: 'short', confirmPassword: 'short' }, actorFor(user)));
    expect(weak.message).toContain('12文字以上');
  });

  it('keeps at least one clinic admin and forbids staff management to other roles', async () => {
    const clinic = await createClinic();
    const admin = actorFor(await createStaffUser(clinic.id, 'clinic_admin'));
    const doctor = actorFor(await createStaffUser(clinic.id, 'doctor'));
    expect((await failure(setStaffRole({ userId: admin.userId, role: 'doctor' }, admin))).code).toBe('PRECONDITION_FAILED');
    expect((await failure(createStaff({ loginId: `x-${randomUUID().slice(0, 6)}@c.jp`, displayName: 'x', role: 'doctor' }, doctor))).code).toBe('FORBIDDEN');
    const other = await createClinic();
    const foreignAdmin = actorFor(await createStaffUser(other.id, 'clinic_admin'));
    expect((await failure(setStaffDisabled({ userId: doctor.userId, disabled: true }, foreignAdmin))).code).toBe('NOT_FOUND');
  });
});
