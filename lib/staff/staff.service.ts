/** Staff accounts (clinic_admin), one's own password, logout and clinic security settings. */
import { randomInt } from 'node:crypto';
import { AppError, notFound } from '@/lib/core/app-error';
import { runInTransaction, db } from '@/lib/core/db';
import { recordAuditEvent } from '@/lib/audit/audit';
import type { Actor } from '@/lib/auth/actor';
import { requirePermission } from '@/lib/auth/guards';
import { authRepository } from '@/lib/auth/auth.repository';
import { hashPassword, passwordPolicyError, verifyPassword } from '@/lib/auth/password';
import type { StaffRole } from '@/lib/generated/prisma/enums';
import { staffRepository } from './staff.repository';
import type { ChangePasswordInput, ClinicSettingsInput, CreateStaffInput } from './staff.schema';

export type StaffDto = {
  id: string;
  loginId: string;
  displayName: string;
  displayNameKana: string | null;
  role: StaffRole;
  mfaEnabled: boolean;
  mustChangePassword: boolean;
  disabled: boolean;
  createdAt: string;
};

const TEMP_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789';
/** A temporary password the admin hands over; it must be changed at first login. */
export function generateTemporaryPassword(length = 14): string {
  return Array.from({ length }, () => TEMP_ALPHABET[randomInt(TEMP_ALPHABET.length)]).join('');
}

export async function listStaff(actor: Actor): Promise<StaffDto[]> {
  await requirePermission(actor, 'staff.manage');
  return (await staffRepository.list(actor.clinicId)).map((u) => ({
    id: u.id,
    loginId: u.loginId,
    displayName: u.displayName,
    displayNameKana: u.displayNameKana,
    role: u.role,
    mfaEnabled: Boolean(u.totpEnabledAt),
    mustChangePassword: u.mustChangePassword,
    disabled: Boolean(u.disabledAt),
    createdAt: u.createdAt.toISOString(),
  }));
}

export async function createStaff(input: CreateStaffInput, actor: Actor): Promise<{ userId: string; temporaryPassword: string }> {
  await requirePermission(actor, 'staff.manage');
  const temporaryPassword = generateTemporaryPassword();
  const passwordHash = await hashPassword(temporaryPassword);
  return runInTransaction(async (tx) => {
    if (await staffRepository.findLogin(tx, input.loginId)) {
      throw new AppError('CONFLICT', 'このログインIDは既に使われています。別のIDを指定してください。', { loginId: 'このログインIDは既に使われています。' });
    }
    const user = await staffRepository.create(tx, { clinicId: actor.clinicId, ...input, passwordHash, mustChangePassword: true });
    await staffRepository.addLoginName(tx, { loginId: input.loginId, clinicId: actor.clinicId, userId: user.id });
    await recordAuditEvent(tx, { clinicId: actor.clinicId, actor, action: 'staff_created', resourceType: 'user', resourceId: user.id, detail: { loginId: input.loginId, role: input.role }, ctx: actor.ctx });
    return { userId: user.id, temporaryPassword };
  });
}

async function loadStaff(actor: Actor, userId: string) {
  const user = await staffRepository.find(db(), actor.clinicId, userId);
  if (!user) throw notFound();
  return user;
}

export async function setStaffRole(input: { userId: string; role: StaffRole }, actor: Actor): Promise<void> {
  await requirePermission(actor, 'staff.manage');
  const user = await loadStaff(actor, input.userId);
  await runInTransaction(async (tx) => {
    if (user.role === 'clinic_admin' && input.role !== 'clinic_admin' && (await staffRepository.countActiveAdmins(tx, actor.clinicId)) <= 1) {
      throw new AppError('PRECONDITION_FAILED', '最後の管理者の職種は変更できません。先に別の管理者を登録してください。');
    }
    await staffRepository.update(tx, actor.clinicId, user.id, { role: input.role });
    // a role change takes effect at once: end the user's sessions
    await authRepository.revokeAllSessions(tx, actor.clinicId, user.id, 'role_changed');
    await recordAuditEvent(tx, { clinicId: actor.clinicId, actor, action: 'staff_updated', resourceType: 'user', resourceId: user.id, detail: { change: 'role', from: user.role, to: input.role }, ctx: actor.ctx });
  });
}

export async function resetStaffPassword(input: { userId: string }, actor: Actor): Promise<{ temporaryPassword: string }> {
  await requirePermission(actor, 'staff.manage');
  const user = await loadStaff(actor, input.userId);
  const temporaryPassword = generateTemporaryPassword();
  const passwordHash = await hashPassword(temporaryPassword);
  await runInTransaction(async (tx) => {
    await staffRepository.update(tx, actor.clinicId, user.id, { passwordHash, mustChangePassword: true, passwordChangedAt: new Date() });
    await authRepository.revokeAllSessions(tx, actor.clinicId, user.id, 'password_reset');
    await recordAuditEvent(tx, { clinicId: actor.clinicId, actor, action: 'staff_updated', resourceType: 'user', resourceId: user.id, detail: { change: 'password_reset' }, ctx: actor.ctx });
  });
  return { temporaryPassword };
}

/** Clears the user's TOTP so they enrol again at next login (lost phone). */
export async function resetStaffMfa(input: { userId: string }, actor: Actor): Promise<void> {
  await requirePermission(actor, 'staff.manage');
  const user = await loadStaff(actor, input.userId);
  await runInTransaction(async (tx) => {
    await staffRepository.update(tx, actor.clinicId, user.id, { totpSecret: null, totpEnabledAt: null, totpLastStep: null });
    await authRepository.revokeAllSessions(tx, actor.clinicId, user.id, 'mfa_reset');
    await recordAuditEvent(tx, { clinicId: actor.clinicId, actor, action: 'staff_updated', resourceType: 'user', resourceId: user.id, detail: { change: 'mfa_reset' }, ctx: actor.ctx });
  });
}

export async function setStaffDisabled(input: { userId: string; disabled: boolean }, actor: Actor): Promise<void> {
  await requirePermission(actor, 'staff.manage');
  const user = await loadStaff(actor, input.userId);
  if (user.id === actor.userId && input.disabled) throw new AppError('PRECONDITION_FAILED', '自分自身のアカウントは無効にできません。');
  await runInTransaction(async (tx) => {
    await staffRepository.update(tx, actor.clinicId, user.id, { disabledAt: input.disabled ? new Date() : null });
    if (input.disabled) await authRepository.revokeAllSessions(tx, actor.clinicId, user.id, 'disabled');
    await recordAuditEvent(tx, { clinicId: actor.clinicId, actor, action: 'staff_updated', resourceType: 'user', resourceId: user.id, detail: { change: input.disabled ? 'disabled' : 'enabled' }, ctx: actor.ctx });
  });
}

/** Changing one's password ends every session of the user, this one included. */
export async function changeOwnPassword(input: ChangePasswordInput, actor: Actor): Promise<void> {
  const user = await staffRepository.find(db(), actor.clinicId, actor.userId);
  if (!user) throw notFound();
  if (!(await verifyPassword(user.passwordHash, input.currentPassword))) {
    throw new AppError('INVALID_INPUT', '現在のパスワードが正しくありません。', { currentPassword: '現在のパスワードが正しくありません。' });
  }
  const policy = passwordPolicyError(input.newPassword, user.loginId);
  if (policy) throw new AppError('INVALID_INPUT', policy, { newPassword: policy });
  if (await verifyPassword(user.passwordHash, input.newPassword)) {
    throw new AppError('INVALID_INPUT', '現在と同じパスワードは使用できません。', { newPassword: '現在と同じパスワードは使用できません。' });
  }
  const passwordHash = await hashPassword(input.newPassword);
  await runInTransaction(async (tx) => {
    await authRepository.setPassword(tx, actor.clinicId, actor.userId, passwordHash, false);
    await authRepository.revokeAllSessions(tx, actor.clinicId, actor.userId, 'password_changed');
    await recordAuditEvent(tx, { clinicId: actor.clinicId, actor, action: 'password_changed', resourceType: 'user', resourceId: actor.userId, ctx: actor.ctx });
  });
}

/** Logout ends all of the user's sessions (every terminal). */
export async function logoutEverywhere(actor: Actor): Promise<void> {
  await runInTransaction(async (tx) => {
    await authRepository.revokeAllSessions(tx, actor.clinicId, actor.userId, 'logout');
    await recordAuditEvent(tx, { clinicId: actor.clinicId, actor, action: 'logout', resourceType: 'session', resourceId: actor.sessionId, ctx: actor.ctx });
  });
}

/** An unattended screen locked itself: end this terminal's session only (other terminals stay signed in). */
export async function endIdleSession(actor: Actor): Promise<void> {
  await runInTransaction(async (tx) => {
    await authRepository.revokeSession(tx, actor.clinicId, actor.sessionId, 'idle');
    await recordAuditEvent(tx, { clinicId: actor.clinicId, actor, action: 'logout', resourceType: 'session', resourceId: actor.sessionId, detail: { reason: 'idle' }, ctx: actor.ctx });
  });
}

export async function getClinicSettings(actor: Actor) {
  await requirePermission(actor, 'clinic.settings');
  const clinic = await staffRepository.findClinic(actor.clinicId);
  if (!clinic) throw notFound();
  return { name: clinic.name, institutionNumber: clinic.institutionNumber, mfaRequired: clinic.mfaRequired, idleTimeoutMinutes: clinic.idleTimeoutMinutes };
}

export async function updateClinicSettings(input: ClinicSettingsInput, actor: Actor): Promise<void> {
  await requirePermission(actor, 'clinic.settings');
  await runInTransaction(async (tx) => {
    await staffRepository.updateClinic(tx, actor.clinicId, input);
    await recordAuditEvent(tx, { clinicId: actor.clinicId, actor, action: 'settings_changed', resourceType: 'clinic', resourceId: actor.clinicId, detail: { ...input }, ctx: actor.ctx });
  });
}
