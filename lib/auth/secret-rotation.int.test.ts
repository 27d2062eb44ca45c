import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { db } from '@/lib/core/db';
import { createClinic, createStaffUser } from '@/tests/helpers/factories';
import { newTotpSecret } from './totp';
import { dataKeys, isSealedWithCurrentKey, keyId, openSecret, sealSecret } from './secret-box';
import { resealSecrets } from './secret-rotation';

const newKey = () => randomBytes(32).toString('base64url');
const storedSecret = async (clinicId: string, id: string) => (await db().user.findFirstOrThrow({ where: { clinicId, id } })).totpSecret!;

describe('DATA_ENCRYPTION_KEY rotation', () => {
  it('opens values sealed with a previous key, re-seals them with the new one, and reports what no key opens', async () => {
    const clinic = await createClinic();
    const oldKeys = dataKeys();
    const plain = [newTotpSecret(), newTotpSecret(), newTotpSecret()];
    // two users sealed with the old key, one written in the older v1 format (no key id)
    const [a, b, legacy] = await Promise.all(plain.map((secret) => createStaffUser(clinic.id, 'doctor', { totpSecret: secret })));
    const v2 = await storedSecret(clinic.id, legacy!.id);
    const v1 = ['v1', ...v2.split(':').slice(2)].join(':');
    await db().user.update({ where: { clinicId_id: { clinicId: clinic.id, id: legacy!.id } }, data: { totpSecret: v1 } });
    // one sealed with a key nobody configured any more
    const lost = await createStaffUser(clinic.id, 'nurse');
    await db().user.update({ where: { clinicId_id: { clinicId: clinic.id, id: lost.id } }, data: { totpSecret: sealSecret(newTotpSecret(), { current: newKey(), previous: [] }) } });

    const rotated = { current: newKey(), previous: [oldKeys.current] };
    expect(openSecret(await storedSecret(clinic.id, a!.id), rotated)).toBe(plain[0]);
    expect(openSecret(v1, rotated)).toBe(plain[2]);

    const report = await resealSecrets(rotated, clinic.id);
    expect(report).toEqual({ resealed: 3, alreadyCurrent: 0, unreadable: [{ table: 'User', clinicId: clinic.id, id: lost.id }] });
    for (const [i, user] of [a!, b!, legacy!].entries()) {
      const sealed = await storedSecret(clinic.id, user.id);
      expect(sealed.split(':')[1]).toBe(keyId(rotated.current));
      // the old key is no longer needed for them
      expect(openSecret(sealed, { current: rotated.current, previous: [] })).toBe(plain[i]);
      expect(() => openSecret(sealed, oldKeys)).toThrow();
    }
    // the unreadable value is kept as it was, not dropped
    expect(isSealedWithCurrentKey(await storedSecret(clinic.id, lost.id), rotated)).toBe(false);

    // running it again changes nothing
    expect(await resealSecrets(rotated, clinic.id)).toMatchObject({ resealed: 0, alreadyCurrent: 3 });
  });

  it('never swaps a value that changed after it was read (a re-enrolment wins)', async () => {
    const clinic = await createClinic();
    const user = await createStaffUser(clinic.id, 'doctor', { totpSecret: newTotpSecret() });
    const rotated = { current: newKey(), previous: [dataKeys().current] };
    const fresh = sealSecret(newTotpSecret(), rotated);
    await db().user.update({ where: { clinicId_id: { clinicId: clinic.id, id: user.id } }, data: { totpSecret: fresh } });
    expect(await resealSecrets(rotated, clinic.id)).toMatchObject({ resealed: 0, alreadyCurrent: 1 });
    expect(await storedSecret(clinic.id, user.id)).toBe(fresh);
  });
});
