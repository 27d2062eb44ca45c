/**
 * The permission matrix (role × action on resource). One vocabulary for staff roles and, later, vendor
 * API scopes. Checked on the server in every service; the UI uses can() only to hide buttons.
 */
import { AppError } from '@/lib/core/app-error';

export const PERMISSIONS = [
  'patient.read', // demographics, insurance
  'patient.write',
  'reception.read',
  'reception.write',
  'eligibility.check',
  'chart.read', // clinical content: notes, diagnoses, allergies, labs, prescriptions
  'note.write',
  'note.confirm', // 確定
  'note.approve', // 代行入力の承認
  'diagnosis.write',
  'diagnosis.flag', // 未告知 / 長期保存
  'allergy.write',
  'lab.write',
  'prescription.write',
  'prescription.proxy', // 代行入力 of a prescription
  'prescription.confirm',
  'prescription.print',
  'staff.manage',
  'clinic.settings',
  'audit.read',
  'master.import',
] as const;

export type Permission = (typeof PERMISSIONS)[number];

/** Staff roles (職種): the values of User.role (TEXT + CHECK, docs/decisions/0011). */
export const ROLES = ['doctor', 'nurse', 'receptionist', 'clinic_admin'] as const;
export type StaffRole = (typeof ROLES)[number];

export const ROLE_LABELS: Record<StaffRole, string> = {
  doctor: '医師',
  nurse: '看護師',
  receptionist: '受付・医療事務',
  clinic_admin: '管理者',
};

export const ROLE_PERMISSIONS: Record<StaffRole, readonly Permission[]> = {
  doctor: [
    'patient.read', 'patient.write', 'reception.read', 'reception.write', 'eligibility.check',
    'chart.read', 'note.write', 'note.confirm', 'note.approve', 'diagnosis.write', 'diagnosis.flag',
    'allergy.write', 'lab.write', 'prescription.write', 'prescription.confirm', 'prescription.print',
  ],
  nurse: [
    'patient.read', 'reception.read', 'reception.write', 'chart.read', 'note.write', 'allergy.write',
    'lab.write', 'prescription.proxy',
  ],
  receptionist: ['patient.read', 'patient.write', 'reception.read', 'reception.write', 'eligibility.check'],
  clinic_admin: ['patient.read', 'staff.manage', 'clinic.settings', 'audit.read', 'master.import', 'reception.read'],
};

export function can(role: StaffRole, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role]?.includes(permission) ?? false;
}

export type PermissionSubject = { role: StaffRole };

/** Throws FORBIDDEN. Callers audit the denial (see lib/auth/actor.ts requirePermission). */
export function assertCan(subject: PermissionSubject, permission: Permission): void {
  if (!can(subject.role, permission)) {
    throw new AppError('FORBIDDEN', 'この操作を行う権限がありません。');
  }
}
