/** Staff accounts (clinic_admin), one's own password, logout and clinic security settings. */
import { randomInt } from 'node:crypto';
import { AppError, notFound } from '@/lib/core/app-error';
import { runInTransaction, db } from '@/lib/core/db';
import { recordAuditEvent, recordAuditEventNow } from '@/lib/audit/audit';
import { releaseAttempt, reserveAttempt } from '@/lib/auth/throttle';
import { requirePermission, type Principal } from '@/lib/auth/principal';
import { authRepository } from '@/lib/auth/auth.repository';
import { hashPassword, passwordPolicyError, verifyPassword } from '@/lib/auth/password';
import { ROLES, type StaffRole } from '@/lib/permissions/permissions';
import { oneOf } from '@/lib/core/text-enum';
import { staffRepository } from './staff.repository';
import { createStaffSchema, type ChangePasswordInput, type ClinicSettingsInput, type CreateStaffInput } from './staff.schema';
import { parseInput } from '@/lib/core/zod';

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

export async function listStaff(actor: Principal): Promise<StaffDto[]> {
  await requirePermission(actor, 'staff.manage');
  return (await staffRepository.list(actor.clinicId)).map((u) => ({
    id: u.id,
    loginId: u.loginId,
    displayName: u.displayName,
    displayNameKana: u.displayNameKana,
    role: oneOf(ROLES, u.role),
    mfaEnabled: Boolean(u.totpEnabledAt),
    mustChangePassword: u.mustChangePassword,
    disabled: Boolean(u.disabledAt),
    createdAt: u.createdAt.toISOString(),
  }));
}

/** The part after "@" of the login IDs this clinic creates: its own domain, or its institution number. */
export function clinicLoginDomain(clinic: { loginDomain: string | null; institutionNumber: string }): string {
  return clinic.loginDomain ?? clinic.institutionNumber;
}

export async function getStaffLoginDomain(actor: Principal): Promise<string> {
  await requirePermission(actor, 'staff.manage');
  const clinic = await staffRepository.findClinic(actor.clinicId);
  if (!clinic) throw notFound();
  return clinicLoginDomain(clinic);
}

export const LOGIN_ID_UNAVAILABLE_MESSAGE = 'このログインIDは使用できません。別のIDを指定してください。';

/**
 * New staff get a login ID in the clinic's own namespace (name@<clinic's domain>; docs/decisions/0015): the admin types
 * the name (or the whole ID with the clinic's domain). So a login ID can only collide with one of the clinic's own
 * staff, whom the admin sees anyway; whether an ID exists in another clinic is never part of any answer.
 */
export async function createStaff(raw: CreateStaffInput, actor: Principal): Promise<{ userId: string; loginId: string; temporaryPassword: string }> {
  await requirePermission(actor, 'staff.manage');
  const input = parseInput(createStaffSchema, raw);
  const clinic = await staffRepository.findClinic(actor.clinicId);
  if (!clinic) throw notFound();
  const domain = clinicLoginDomain(clinic);
  const [local, given] = input.loginId.includes('@') ? input.loginId.split('@', 2) : [input.loginId, domain];
  if (given !== domain || !local) {
    const message = `ログインIDは「名前@${domain}」の形にしてください（@より後はこの医療機関のものです）。`;
    throw new AppError('INVALID_INPUT', message, { loginId: message });
  }
  const loginId = `${local}@${domain}`;
  const temporaryPassword = generateTemporaryPassword();
  const passwordHash = await hashPassword(temporaryPassword);
  return runInTransaction(async (tx) => {
    const existing = await staffRepository.findLogin(tx, loginId);
    if (existing) {
      // the same answer whoever holds it (a legacy ID of another clinic could share the domain)
      const suggestion = await suggestLoginId(tx, local, domain);
      const message = `${LOGIN_ID_UNAVAILABLE_MESSAGE}${suggestion ? `（例: ${suggestion}）` : ''}`;
      throw new AppError('CONFLICT', message, { loginId: message });
    }
    const user = await staffRepository.create(tx, { clinicId: actor.clinicId, ...input, loginId, passwordHash, mustChangePassword: true });
    await staffRepository.addLoginName(tx, { loginId, clinicId: actor.clinicId, userId: user.id });
    await recordAuditEvent(tx, { clinicId: actor.clinicId, actor, action: 'staff_created', resourceType: 'user', resourceId: user.id, detail: { loginId, role: input.role }, ctx: actor.ctx });
    return { userId: user.id, loginId, temporaryPassword };
  });
}

/**
 * 運用管理者 accounts exist only by command (npm run operator:add; docs/decisions/0031): whoever runs it already holds the
 * deployment's database, which is the trust an operator needs. The account lives in the tenant that owns the login
 * domain (in a shared cloud, the operator's own tenant) and must change its temporary password at first login.
 */
export async function createOperatorAccount(input: { loginDomain: string; local: string; displayName: string }): Promise<{ userId: string; loginId: string; temporaryPassword: string }> {
  if (!/^[a-z0-9][a-z0-9._-]{1,39}$/.test(input.local)) throw new AppError('INVALID_INPUT', 'ログインIDの名前は半角英数字と . _ - で2〜40文字にしてください。');
  if (!input.displayName.trim()) throw new AppError('INVALID_INPUT', '氏名を指定してください。');
  const tenant = await staffRepository.findClinicByLoginDomain(input.loginDomain);
  if (!tenant) throw new AppError('NOT_FOUND', `ログインドメイン ${input.loginDomain} の医療機関（テナント）がありません。`);
  const loginId = `${input.local}@${input.loginDomain}`;
  const temporaryPassword = generateTemporaryPassword();
  const passwordHash = await hashPassword(temporaryPassword);
  return runInTransaction(async (tx) => {
    if (await staffRepository.findLogin(tx, loginId)) throw new AppError('CONFLICT', LOGIN_ID_UNAVAILABLE_MESSAGE);
    const user = await staffRepository.create(tx, { clinicId: tenant.clinicId, loginId, displayName: input.displayName.trim(), role: 'operator', passwordHash, mustChangePassword: true });
    await staffRepository.addLoginName(tx, { loginId, clinicId: tenant.clinicId, userId: user.id });
    await recordAuditEvent(tx, { clinicId: tenant.clinicId, actor: null, action: 'staff_created', resourceType: 'user', resourceId: user.id, detail: { loginId, role: 'operator', by: 'command' }, ctx: { ip: null, requestId: 'operator:add' } });
    return { userId: user.id, loginId, temporaryPassword };
  });
}

async function suggestLoginId(tx: Parameters<typeof staffRepository.findLogin>[0], local: string, domain: string): Promise<string | null> {
  const base = local.replace(/\d+$/, '');
  for (let n = 2; n < 10; n++) {
    const candidate = `${base}${n}@${domain}`;
    if (!(await staffRepository.findLogin(tx, candidate))) return candidate;
  }
  return null;
}

/** A staff member to change. Operator accounts are managed by command only (docs/decisions/0031), never from a clinic. */
async function loadStaff(actor: Principal, userId: string) {
  const user = await staffRepository.find(db(), actor.clinicId, userId);
  if (!user) throw notFound();
  if (user.role === 'operator') throw new AppError('FORBIDDEN', '運用管理者のアカウントは運用事業者がコマンドで管理します。');
  return user;
}

export async function setStaffRole(input: { userId: string; role: StaffRole }, actor: Principal): Promise<void> {
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

export async function resetStaffPassword(input: { userId: string }, actor: Principal): Promise<{ temporaryPassword: string }> {
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
export async function resetStaffMfa(input: { userId: string }, actor: Principal): Promise<void> {
  await requirePermission(actor, 'staff.manage');
  const user = await loadStaff(actor, input.userId);
  await runInTransaction(async (tx) => {
    await staffRepository.update(tx, actor.clinicId, user.id, { totpSecret: null, totpEnabledAt: null, totpLastStep: null });
    await authRepository.revokeAllSessions(tx, actor.clinicId, user.id, 'mfa_reset');
    await recordAuditEvent(tx, { clinicId: actor.clinicId, actor, action: 'staff_updated', resourceType: 'user', resourceId: user.id, detail: { change: 'mfa_reset' }, ctx: actor.ctx });
  });
}

export async function setStaffDisabled(input: { userId: string; disabled: boolean }, actor: Principal): Promise<void> {
  await requirePermission(actor, 'staff.manage');
  const user = await loadStaff(actor, input.userId);
  if (user.id === actor.userId && input.disabled) throw new AppError('PRECONDITION_FAILED', '自分自身のアカウントは無効にできません。');
  await runInTransaction(async (tx) => {
    await staffRepository.update(tx, actor.clinicId, user.id, { disabledAt: input.disabled ? new Date() : null });
    if (input.disabled) await authRepository.revokeAllSessions(tx, actor.clinicId, user.id, 'disabled');
    await recordAuditEvent(tx, { clinicId: actor.clinicId, actor, action: 'staff_updated', resourceType: 'user', resourceId: user.id, detail: { change: input.disabled ? 'disabled' : 'enabled' }, ctx: actor.ctx });
  });
}

export const MAX_PASSWORD_CHANGE_FAILURES = 5;
const PASSWORD_CHANGE_WINDOW_MS = 15 * 60_000;
export const PASSWORD_CHANGE_THROTTLED_MESSAGE = '現在のパスワードの誤りが続いたため、パスワードの変更を一時的に停止しています。しばらくしてから再度お試しください。';

/**
 * Changing one's password ends every session of the user, this one included. A wrong current password is audited and
 * counts against a limit (5 in 15 minutes, atomic like the login throttle): a stolen session cannot guess the password.
 */
export async function changeOwnPassword(input: ChangePasswordInput, actor: Principal): Promise<void> {
  const user = await staffRepository.find(db(), actor.clinicId, actor.userId);
  if (!user) throw notFound();
  const reservation = await reserveAttempt(
    [{ key: `pwchange:${actor.clinicId}:${actor.userId}`, max: MAX_PASSWORD_CHANGE_FAILURES }],
    PASSWORD_CHANGE_WINDOW_MS,
    PASSWORD_CHANGE_THROTTLED_MESSAGE,
  );
  if (!(await verifyPassword(user.passwordHash, input.currentPassword))) {
    await recordAuditEventNow({ clinicId: actor.clinicId, actor, action: 'password_change_failed', resourceType: 'user', resourceId: actor.userId, outcome: 'failure', detail: { reason: 'bad_current_password' }, ctx: actor.ctx });
    throw new AppError('INVALID_INPUT', '現在のパスワードが正しくありません。', { currentPassword: '現在のパスワードが正しくありません。' });
  }
  await releaseAttempt(reservation);
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

/** A staff member signed in through a session (logout and the idle lock end it). */
type SessionPrincipal = Principal & { sessionId: string };

/** Logout ends all of the user's sessions (every terminal). */
export async function logoutEverywhere(actor: SessionPrincipal): Promise<void> {
  await runInTransaction(async (tx) => {
    await authRepository.revokeAllSessions(tx, actor.clinicId, actor.userId, 'logout');
    await recordAuditEvent(tx, { clinicId: actor.clinicId, actor, action: 'logout', resourceType: 'session', resourceId: actor.sessionId, ctx: actor.ctx });
  });
}

/** An unattended screen locked itself: end this terminal's session only (other terminals stay signed in). */
export async function endIdleSession(actor: SessionPrincipal): Promise<void> {
  await runInTransaction(async (tx) => {
    await authRepository.revokeSession(tx, actor.clinicId, actor.sessionId, 'idle');
    await recordAuditEvent(tx, { clinicId: actor.clinicId, actor, action: 'logout', resourceType: 'session', resourceId: actor.sessionId, detail: { reason: 'idle' }, ctx: actor.ctx });
  });
}

export async function getClinicSettings(actor: Principal) {
  await requirePermission(actor, 'clinic.settings');
  const clinic = await staffRepository.findClinic(actor.clinicId);
  if (!clinic) throw notFound();
  return {
    name: clinic.name,
    institutionNumber: clinic.institutionNumber,
    mfaRequired: clinic.mfaRequired,
    idleTimeoutMinutes: clinic.idleTimeoutMinutes,
    autoPrintPrescription: clinic.autoPrintPrescription,
    prescribeByGenericDefault: clinic.prescribeByGenericDefault,
    hasBeds: clinic.hasBeds,
  };
}

/** Whether the clinic has beds (有床診療所, 0087): the chart offers 入院 and the 退院時サマリー only then. No patient data, no audit. */
export async function clinicHasBeds(actor: Principal): Promise<boolean> {
  const clinic = await staffRepository.findClinic(actor.clinicId);
  if (!clinic) throw notFound();
  return clinic.hasBeds;
}

/** The clinic's prescription preferences every prescriber's editor follows (no patient data, so no audit event). */
export async function getPrescriptionPreferences(actor: Principal): Promise<{ autoPrintPrescription: boolean; prescribeByGenericDefault: boolean }> {
  const clinic = await staffRepository.findClinic(actor.clinicId);
  if (!clinic) throw notFound();
  return { autoPrintPrescription: clinic.autoPrintPrescription, prescribeByGenericDefault: clinic.prescribeByGenericDefault };
}

export async function updateClinicSettings(input: ClinicSettingsInput, actor: Principal): Promise<void> {
  await requirePermission(actor, 'clinic.settings');
  await runInTransaction(async (tx) => {
    await staffRepository.updateClinic(tx, actor.clinicId, input);
    await recordAuditEvent(tx, { clinicId: actor.clinicId, actor, action: 'settings_changed', resourceType: 'clinic', resourceId: actor.clinicId, detail: { ...input }, ctx: actor.ctx });
  });
}
