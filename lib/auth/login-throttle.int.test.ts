/**
 * Issue 9 item 13: the throttles hold under real parallel requests against the database (no check-then-act race).
 */
import { describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { db } from '@/lib/core/db';
import { AppError } from '@/lib/core/app-error';
import { completeLogin, exchangeLoginGrant, MAX_FAILURES_PER_ACCOUNT, MAX_FAILURES_PER_IP, MAX_OTP_FAILURES, startLogin } from './login.service';
import { newTotpSecret, totpCode } from './totp';
import { auditEventsFor, createClinic, createStaffUser, TEST_PASSWORD } from '@/tests/helpers/factories';
import { neverLogged } from '@/tests/helpers/never-logged';

neverLogged('wrong-password-parallel');
const ctx = (ip = `10.9.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`) => ({ ip, requestId: randomUUID(), userAgent: 'vitest' });

async function outcome(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    if (e instanceof AppError) return e.code;
    throw e;
  }
}

const tally = (codes: string[]) => codes.reduce<Record<string, number>>((t, c) => ({ ...t, [c]: (t[c] ?? 0) + 1 }), {});

describe('password throttle under parallel attempts', () => {
  it('lets at most the account limit of 40 parallel wrong passwords be checked, then refuses the right one', async () => {
    const clinic = await createClinic();
    const user = await createStaffUser(clinic.id, 'doctor');
    const codes = await Promise.all(
      Array.from({ length: 40 }, () => outcome(startLogin({ loginId: user.loginId, password: 'wrong-password-parallel' }, ctx()))),
    );
    const t = tally(codes);
    expect(t.UNAUTHENTICATED ?? 0).toBeLessThanOrEqual(MAX_FAILURES_PER_ACCOUNT);
    expect(t.RATE_LIMITED ?? 0).toBeGreaterThanOrEqual(40 - MAX_FAILURES_PER_ACCOUNT);
    // (a burst may be refused whole: each attempt counts the others in flight; refused ones check nothing)
    const checkedPasswords = async () =>
      (await auditEventsFor(clinic.id, { action: 'login_failed' })).filter((e) => (e.detail as { reason?: string }).reason === 'bad_password').length;
    expect(await checkedPasswords()).toBe(t.UNAUTHENTICATED ?? 0);
    // one at a time from here: the total checked reaches the limit exactly, then even the right password is refused
    while ((await outcome(startLogin({ loginId: user.loginId, password: 'wrong-password-parallel' }, ctx()))) === 'UNAUTHENTICATED');
    expect(await checkedPasswords()).toBe(MAX_FAILURES_PER_ACCOUNT);
    expect(await outcome(startLogin({ loginId: user.loginId, password: TEST_PASSWORD }, ctx()))).toBe('RATE_LIMITED');
  });

  it('does not let the right password through in a burst once the limit is reached', async () => {
    const clinic = await createClinic();
    const user = await createStaffUser(clinic.id, 'doctor');
    const attempts = Array.from({ length: 40 }, (_, i) => (i === 35 ? TEST_PASSWORD : 'wrong-password-parallel'));
    const codes = await Promise.all(attempts.map((password) => outcome(startLogin({ loginId: user.loginId, password }, ctx()))));
    const wrongChecked = codes.filter((c, i) => i !== 35 && c === 'UNAUTHENTICATED').length;
    expect(wrongChecked).toBeLessThanOrEqual(MAX_FAILURES_PER_ACCOUNT);
    // the right password passes only while the count (itself included) is within the limit; it is never "wrong"
    expect(['ok', 'RATE_LIMITED']).toContain(codes[35]);
    const failures = await db().authFailure.count({ where: { key: `acct:${user.loginId.toLowerCase()}` } });
    expect(failures).toBe(wrongChecked);
  });

  it('holds the per-IP limit for parallel attempts on many accounts from one address', async () => {
    const ip = `198.51.100.${Math.floor(Math.random() * 250)}`;
    const codes = await Promise.all(
      Array.from({ length: 80 }, (_, i) => outcome(startLogin({ loginId: `spray-${i}-${randomUUID()}@x.jp`, password: 'password-guess-1' }, ctx(ip)))),
    );
    const t = tally(codes);
    expect(t.UNAUTHENTICATED ?? 0).toBeLessThanOrEqual(MAX_FAILURES_PER_IP);
    let checked = t.UNAUTHENTICATED ?? 0;
    while ((await outcome(startLogin({ loginId: `spray-${randomUUID()}@x.jp`, password: 'password-guess-1' }, ctx(ip)))) === 'UNAUTHENTICATED') checked++;
    expect(checked).toBe(MAX_FAILURES_PER_IP);
    expect(await outcome(startLogin({ loginId: 'anyone@x.jp', password: 'password-guess-1' }, ctx(ip)))).toBe('RATE_LIMITED');
  });

  it('does not count the right password, so a user who types it correctly is never locked by it', async () => {
    const clinic = await createClinic();
    const user = await createStaffUser(clinic.id, 'doctor');
    for (let i = 0; i < MAX_FAILURES_PER_ACCOUNT + 5; i++) {
      expect(await outcome(startLogin({ loginId: user.loginId, password: TEST_PASSWORD }, ctx()))).toBe('ok');
    }
  });
});

describe('second-factor throttle under parallel attempts', () => {
  it('counts all 500 parallel wrong codes and refuses the right code after the limit', async () => {
    const secret = newTotpSecret();
    const clinic = await createClinic({ mfaRequired: true });
    const user = await createStaffUser(clinic.id, 'nurse', { totpSecret: secret });
    const step = await startLogin({ loginId: user.loginId, password: TEST_PASSWORD }, ctx());
    const right = totpCode(secret);
    const wrong = String((Number(right) + 1) % 1_000_000).padStart(6, '0');
    const codes = await Promise.all(Array.from({ length: 500 }, () => outcome(completeLogin({ token: step.token, code: wrong }, ctx()))));
    expect(codes.every((c) => c !== 'ok')).toBe(true);
    const challenge = await db().loginChallenge.findFirstOrThrow({ where: { userId: user.id } });
    expect(challenge.otpFailures).toBe(500);
    // only the attempts within the limit were checked (and audited as wrong codes)
    const checked = (await auditEventsFor(clinic.id, { action: 'login_failed' })).filter((e) => (e.detail as { reason?: string }).reason === 'bad_otp');
    expect(checked.length).toBeLessThanOrEqual(MAX_OTP_FAILURES);
    expect(await outcome(completeLogin({ token: step.token, code: right }, ctx()))).toBe('UNAUTHENTICATED');
    expect(await exchangeLoginGrant(step.token)).toBeNull();
  });

  it('accepts one code once even when it is sent twice in parallel', async () => {
    const secret = newTotpSecret();
    const clinic = await createClinic({ mfaRequired: true });
    const user = await createStaffUser(clinic.id, 'doctor', { totpSecret: secret });
    const [a, b] = await Promise.all([
      startLogin({ loginId: user.loginId, password: TEST_PASSWORD }, ctx()),
      startLogin({ loginId: user.loginId, password: TEST_PASSWORD }, ctx()),
    ]);
    const code = totpCode(secret);
    const codes = await Promise.all([a!, b!, a!].map((s) => outcome(completeLogin({ token: s.token, code }, ctx()))));
    expect(codes.filter((c) => c === 'ok')).toHaveLength(1);
    expect(await db().userSession.count({ where: { clinicId: clinic.id, userId: user.id } })).toBe(1);
  });
});
