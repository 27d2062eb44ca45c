/** Test data through the real database: clinics, staff, actors, patients. Each call makes fresh rows. */
import { randomInt, randomUUID } from 'node:crypto';
import { db, runInTransaction } from '@/lib/core/db';
import type { Actor } from '@/lib/auth/actor';
import { hashPassword } from '@/lib/auth/password';
import { sealSecret } from '@/lib/auth/secret-box';
import type { StaffRole } from '@/lib/permissions/permissions';
import { registerPatient } from '@/lib/records/patients/patient.service';
import type { RegisterPatientInput } from '@/lib/records/patients/patient.schema';
import { neverLogged } from './never-logged';

export const TEST_PASSWORD = 'correct-horse-battery-9';
neverLogged(TEST_PASSWORD);
let passwordHash: Promise<string> | undefined;

export async function createClinic(overrides: { mfaRequired?: boolean; idleTimeoutMinutes?: number; name?: string } = {}) {
  // a well-formed 保険医療機関番号 (都道府県 2 digits, 点数表 1–3, 7 digits), as JP-CLINS bundle identifiers require
  const institutionNumber = `${randomInt(10, 48)}${randomInt(1, 4)}${String(randomInt(0, 10_000_000)).padStart(7, '0')}`;
  // runInTransaction: the app's own wait for a connection (10 s), not Prisma's 2 s default, which a loaded CI machine exceeds
  return runInTransaction(async (tx) => {
    const clinic = await tx.clinic.create({
      data: {
        institutionNumber,
        name: overrides.name ?? `テストクリニック${randomInt(1000, 9999)}`,
        mfaRequired: overrides.mfaRequired ?? false,
        idleTimeoutMinutes: overrides.idleTimeoutMinutes ?? 30,
      },
    });
    await tx.institutionNumber.create({ data: { institutionNumber, clinicId: clinic.id } });
    return clinic;
  });
}

export async function createStaffUser(clinicId: string, role: StaffRole, overrides: { totpSecret?: string; mustChangePassword?: boolean } = {}) {
  passwordHash ??= hashPassword(TEST_PASSWORD);
  neverLogged(overrides.totpSecret);
  const loginId = `${role}-${randomUUID().slice(0, 8)}@test.example.jp`;
  const user = await db().user.create({
    data: {
      clinicId,
      loginId,
      displayName: `${role} テスト`,
      role,
      passwordHash: await passwordHash,
      mustChangePassword: overrides.mustChangePassword ?? false,
      ...(overrides.totpSecret ? { totpSecret: sealSecret(overrides.totpSecret), totpEnabledAt: new Date() } : {}),
    },
  });
  await db().loginName.create({ data: { loginId, clinicId, userId: user.id } });
  return { ...user, role };
}

export function actorFor(user: { id: string; clinicId: string; role: StaffRole; loginId: string; displayName: string }): Actor {
  return {
    userId: user.id,
    clinicId: user.clinicId,
    clinicName: 'テスト',
    role: user.role,
    loginId: user.loginId,
    displayName: user.displayName,
    sessionId: randomUUID(),
    mustChangePassword: false,
    idleTimeoutMinutes: 30,
    ctx: { ip: '127.0.0.1', requestId: randomUUID(), userAgent: 'vitest' },
  };
}

/** A clinic with one actor per role. */
export async function clinicWithStaff(options: { mfaRequired?: boolean } = {}) {
  const clinic = await createClinic(options);
  const roles: StaffRole[] = ['doctor', 'nurse', 'receptionist', 'clinic_admin'];
  const users = await Promise.all(roles.map((r) => createStaffUser(clinic.id, r)));
  const [doctor, nurse, receptionist, admin] = users.map(actorFor) as [Actor, Actor, Actor, Actor];
  return { clinic, doctor, nurse, receptionist, admin, users };
}

export function patientInput(overrides: Partial<RegisterPatientInput> = {}): RegisterPatientInput {
  return {
    familyName: '山田',
    givenName: '太郎',
    familyNameKana: 'ヤマダ',
    givenNameKana: 'タロウ',
    sex: 'male',
    birthDate: '1975-04-01',
    phone: '090-1234-5678',
    insurance: { insurerNumber: '06131239', symbol: '1234', number: '567890', branch: '00', relationship: 'self' },
    ...overrides,
  };
}

export async function createPatient(actor: Actor, overrides: Partial<RegisterPatientInput> = {}) {
  // tests register many 山田太郎 born the same day on purpose; the duplicate warning has its own tests
  return registerPatient({ ...patientInput(overrides), duplicateAcknowledged: overrides.duplicateAcknowledged ?? true }, actor);
}

/** The clinic's newest audit row id now: pass it to auditEventsFor to see only what a test wrote after it. */
export async function auditMark(clinicId: string): Promise<bigint> {
  return (await db().auditEvent.aggregate({ where: { clinicId }, _max: { id: true } }))._max.id ?? 0n;
}

export async function auditEventsFor(
  clinicId: string,
  where: { action?: string; patientId?: string; resourceType?: string; resourceId?: string } = {},
  since?: bigint,
) {
  return db().auditEvent.findMany({ where: { clinicId, ...where, ...(since !== undefined ? { id: { gt: since } } : {}) }, orderBy: { id: 'asc' } });
}
