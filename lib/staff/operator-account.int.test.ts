/** 運用管理者 accounts (docs/decisions/0031): created by command only; a clinic_admin can neither grant nor take over one. */
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { db, disconnectDb } from '@/lib/core/db';
import { AppError } from '@/lib/core/app-error';
import { can } from '@/lib/permissions/permissions';
import { actorFor, clinicWithStaff, createStaffUser } from '@/tests/helpers/factories';
import { createStaffSchema, setRoleSchema } from './staff.schema';
import { createOperatorAccount, resetStaffPassword, setStaffDisabled, setStaffRole } from './staff.service';

afterAll(() => disconnectDb());

async function codeOf(promise: Promise<unknown>) {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(AppError);
  return (error as AppError).code;
}

describe('operator role', () => {
  it('only the operator may import masters; the operator sees no patients', () => {
    expect(can('operator', 'master.import')).toBe(true);
    expect(can('clinic_admin', 'master.import')).toBe(false);
    expect(can('operator', 'patient.read')).toBe(false);
    expect(can('operator', 'staff.manage')).toBe(false);
  });

  it('a clinic_admin cannot give the operator role, on creation or by a role change', () => {
    expect(createStaffSchema.safeParse({ loginId: 'ops', displayName: '運用', role: 'operator' }).success).toBe(false);
    expect(setRoleSchema.safeParse({ userId: randomUUID(), role: 'operator' }).success).toBe(false);
    expect(setRoleSchema.safeParse({ userId: randomUUID(), role: 'doctor' }).success).toBe(true);
  });

  it('a clinic_admin cannot change, reset or disable an operator account of its tenant', async () => {
    const { clinic, admin } = await clinicWithStaff();
    const operator = await createStaffUser(clinic.id, 'operator');
    expect(await codeOf(setStaffRole({ userId: operator.id, role: 'doctor' }, admin))).toBe('FORBIDDEN');
    expect(await codeOf(resetStaffPassword({ userId: operator.id }, admin))).toBe('FORBIDDEN');
    expect(await codeOf(setStaffDisabled({ userId: operator.id, disabled: true }, admin))).toBe('FORBIDDEN');
    expect(await db().user.findUnique({ where: { clinicId_id: { clinicId: clinic.id, id: operator.id } } })).toMatchObject({ role: 'operator', disabledAt: null });
    expect(actorFor(operator).role).toBe('operator');
  });

  it('the command creates an operator in the tenant of a login domain, with a temporary password', async () => {
    const { clinic } = await clinicWithStaff();
    const domain = `ops-${randomUUID().slice(0, 8)}.example.jp`;
    await db().loginDomain.create({ data: { loginDomain: domain, clinicId: clinic.id } });
    const created = await createOperatorAccount({ loginDomain: domain, local: 'tanaka', displayName: '田中 運用' });
    expect(created.loginId).toBe(`tanaka@${domain}`);
    expect(created.temporaryPassword).toHaveLength(14);
    const user = await db().user.findUnique({ where: { clinicId_id: { clinicId: clinic.id, id: created.userId } } });
    expect(user).toMatchObject({ role: 'operator', mustChangePassword: true, loginId: created.loginId });
    const audit = await db().auditEvent.findFirst({ where: { clinicId: clinic.id, resourceId: created.userId, action: 'staff_created' } });
    expect(audit?.detail).toMatchObject({ role: 'operator', by: 'command' });
    expect(await codeOf(createOperatorAccount({ loginDomain: domain, local: 'tanaka', displayName: '別人' }))).toBe('CONFLICT');
    expect(await codeOf(createOperatorAccount({ loginDomain: 'nowhere.example.jp', local: 'x1', displayName: 'x' }))).toBe('NOT_FOUND');
  });
});
