/** Issue 9 item 15: own-password changes are throttled and audited; staff login IDs reveal nothing about other clinics. */
import { describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { db } from '@/lib/core/db';
import { AppError } from '@/lib/core/app-error';
import { actorFor, auditEventsFor, createClinic, createStaffUser, TEST_PASSWORD } from '@/tests/helpers/factories';
import { neverLogged } from '@/tests/helpers/never-logged';
import { changeOwnPassword, createStaff, MAX_PASSWORD_CHANGE_FAILURES } from './staff.service';

neverLogged('not-my-password-1');

async function failure(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected a failure');
}

describe('changeOwnPassword', () => {
  it('audits every wrong current password and stops after the limit, even for the right one', async () => {
    const clinic = await createClinic();
    const actor = actorFor(await createStaffUser(clinic.id, 'doctor'));
    const change = (current: string) => changeOwnPassword({ currentPassword: current, newPassword: 'a-brand-new-passphrase', confirmPassword: 'a-brand-new-passphrase' }, actor);
    for (let i = 0; i < MAX_PASSWORD_CHANGE_FAILURES; i++) expect((await failure(change('not-my-password-1'))).code).toBe('INVALID_INPUT');
    const audited = await auditEventsFor(clinic.id, { action: 'password_change_failed' });
    expect(audited).toHaveLength(MAX_PASSWORD_CHANGE_FAILURES);
    expect(audited[0]).toMatchObject({ userId: actor.userId, outcome: 'failure', resourceId: actor.userId });
    expect(JSON.stringify(audited[0]!.detail)).not.toContain('not-my-password-1');
    expect((await failure(change(TEST_PASSWORD))).code).toBe('RATE_LIMITED');
  });

  it('holds the limit for parallel guesses', async () => {
    const clinic = await createClinic();
    const actor = actorFor(await createStaffUser(clinic.id, 'nurse'));
    const codes = await Promise.all(
      Array.from({ length: 20 }, () =>
        failure(changeOwnPassword({ currentPassword: 'not-my-password-1', newPassword: 'a-brand-new-passphrase', confirmPassword: 'a-brand-new-passphrase' }, actor)).then((e) => e.code),
      ),
    );
    expect(codes.filter((c) => c === 'INVALID_INPUT').length).toBeLessThanOrEqual(MAX_PASSWORD_CHANGE_FAILURES);
    expect((await auditEventsFor(clinic.id, { action: 'password_change_failed' })).length).toBeLessThanOrEqual(MAX_PASSWORD_CHANGE_FAILURES);
  });
});

describe('createStaff licence', () => {
  it('stores the licence type next to the number, and refuses a number without its type', async () => {
    const c = await createClinic();
    const admin = actorFor(await createStaffUser(c.id, 'clinic_admin'));
    const created = await createStaff({ loginId: `lic-${randomUUID().slice(0, 6)}`, displayName: '医師', role: 'doctor', licenseNumber: '123456', licenseType: 'medical_registration' }, admin);
    expect(await db().user.findFirstOrThrow({ where: { clinicId: c.id, id: created.userId } })).toMatchObject({ licenseNumber: '123456', licenseType: 'medical_registration' });
    const refused = await createStaff({ loginId: `lic-${randomUUID().slice(0, 6)}`, displayName: '医師2', role: 'doctor', licenseNumber: '654321' }, admin).then(() => null, (e: unknown) => e);
    expect(refused).toMatchObject({ code: 'INVALID_INPUT', fieldErrors: { licenseType: '登録番号の種類を選択してください。' } });
  });
});

describe('createStaff login IDs (per-clinic namespace)', () => {
  it("gives the same answer for another clinic's existing ID and one that never existed", async () => {
    const c1 = await createClinic();
    const c2 = await createClinic();
    const a1 = actorFor(await createStaffUser(c1.id, 'clinic_admin'));
    const a2 = actorFor(await createStaffUser(c2.id, 'clinic_admin'));
    const name = `dup-${randomUUID().slice(0, 6)}`;
    const first = await createStaff({ loginId: name, displayName: '一人目', role: 'doctor' }, a1);
    expect(first.loginId).toBe(`${name}@${c1.institutionNumber}`);

    // asking for clinic 1's ID from clinic 2: refused for its domain, exactly like an ID nobody has
    const taken = await failure(createStaff({ loginId: first.loginId, displayName: '二人目', role: 'doctor' }, a2));
    const free = await failure(createStaff({ loginId: `never-${randomUUID().slice(0, 6)}@${c1.institutionNumber}`, displayName: '二人目', role: 'doctor' }, a2));
    expect({ code: taken.code, message: taken.message }).toEqual({ code: free.code, message: free.message });
    expect(taken.code).toBe('INVALID_INPUT');
    expect(taken.message).toContain(`@${c2.institutionNumber}`);

    // the same name in clinic 2 is its own ID
    const second = await createStaff({ loginId: name, displayName: '二人目', role: 'doctor' }, a2);
    expect(second.loginId).toBe(`${name}@${c2.institutionNumber}`);
  });

  it('answers a clash inside the clinic neutrally with a free suggestion, also for a legacy ID held elsewhere', async () => {
    const clinic = await createClinic();
    const domain = `c${randomUUID().slice(0, 8)}.example.jp`;
    await db().$transaction([
      db().clinic.update({ where: { id: clinic.id }, data: { loginDomain: domain } }),
      db().loginDomain.create({ data: { loginDomain: domain, clinicId: clinic.id } }),
    ]);
    const admin = actorFor(await createStaffUser(clinic.id, 'clinic_admin'));
    const own = await createStaff({ loginId: 'tanaka', displayName: '田中', role: 'nurse' }, admin);
    expect(own.loginId).toBe(`tanaka@${domain}`);
    const clash = await failure(createStaff({ loginId: `tanaka@${domain}`, displayName: '田中', role: 'nurse' }, admin));
    expect(clash).toMatchObject({ code: 'CONFLICT' });
    expect(clash.message).toContain(`tanaka2@${domain}`);

    // an ID created before namespaces, in another clinic, that happens to have this domain: the same kind of answer
    const other = await createClinic();
    const legacy = await createStaffUser(other.id, 'doctor');
    await db().loginName.create({ data: { loginId: `suzuki@${domain}`, clinicId: other.id, userId: legacy.id } });
    const legacyClash = await failure(createStaff({ loginId: 'suzuki', displayName: '鈴木', role: 'nurse' }, admin));
    expect(legacyClash.code).toBe('CONFLICT');
    expect(legacyClash.message.replace(/（例:.*）/, '')).toBe(clash.message.replace(/（例:.*）/, ''));
  });
});
