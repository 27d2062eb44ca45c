import { db, type Tx } from '@/lib/core/db';
import type { StaffRole } from '@/lib/permissions/permissions';

type Client = Tx | ReturnType<typeof db>;

export const staffRepository = {
  list: (clinicId: string) =>
    db().user.findMany({ where: { clinicId }, orderBy: [{ disabledAt: { sort: 'asc', nulls: 'first' } }, { role: 'asc' }, { loginId: 'asc' }] }),
  find: (c: Client, clinicId: string, userId: string) => c.user.findUnique({ where: { clinicId_id: { clinicId, id: userId } } }),
  findLogin: (c: Client, loginId: string) => c.loginName.findUnique({ where: { loginId } }),
  create: (tx: Tx, data: { clinicId: string; loginId: string; displayName: string; displayNameKana?: string; role: StaffRole; licenseNumber?: string; licenseType?: string; passwordHash: string; mustChangePassword: boolean }) =>
    tx.user.create({ data }),
  addLoginName: (tx: Tx, data: { loginId: string; clinicId: string; userId: string }) => tx.loginName.create({ data }),
  update: (tx: Tx, clinicId: string, userId: string, data: { role?: StaffRole; disabledAt?: Date | null; passwordHash?: string; mustChangePassword?: boolean; passwordChangedAt?: Date; totpSecret?: null; totpEnabledAt?: null; totpLastStep?: null }) =>
    tx.user.update({ where: { clinicId_id: { clinicId, id: userId } }, data }),
  countActiveAdmins: (c: Client, clinicId: string) => c.user.count({ where: { clinicId, role: 'clinic_admin', disabledAt: null } }),
  findClinic: (clinicId: string) => db().clinic.findUnique({ where: { id: clinicId } }),
  findClinicByLoginDomain: (loginDomain: string) => db().loginDomain.findUnique({ where: { loginDomain } }),
  updateClinic: (tx: Tx, clinicId: string, data: { mfaRequired: boolean; idleTimeoutMinutes: number; autoPrintPrescription: boolean; prescribeByGenericDefault: boolean; hasBeds: boolean }) => tx.clinic.update({ where: { id: clinicId }, data }),
  /** Active doctors of the clinic: who a 代行入力 can be written for and who approves it. */
  listActiveDoctors: (c: Client, clinicId: string) =>
    c.user.findMany({
      where: { clinicId, role: 'doctor', disabledAt: null },
      select: { id: true, displayName: true, displayNameKana: true },
      orderBy: [{ displayNameKana: 'asc' }, { displayName: 'asc' }],
    }),
  findActiveDoctor: (c: Client, clinicId: string, userId: string) =>
    c.user.findFirst({ where: { clinicId, id: userId, role: 'doctor', disabledAt: null }, select: { id: true, displayName: true } }),
  userNames: (clinicId: string, ids: string[]) =>
    db().user.findMany({ where: { clinicId, id: { in: ids } }, select: { id: true, displayName: true, role: true } }),
};
