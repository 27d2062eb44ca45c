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
  'lab.order', // 検査オーダー (依頼・取消), doctors only (docs/decisions/0070)
  'admission.write', // 入院登録・退院登録・修正 of a 有床診療所, doctors and nurses (docs/decisions/0087)
  'admission.cancel', // 取消 of an admission, doctors only (docs/decisions/0087)
  'prescription.write',
  'prescription.proxy', // 代行入力 of a prescription
  'prescription.confirm',
  'prescription.print',
  'staff.manage',
  'clinic.settings',
  'audit.read',
  'sharing.consent', // record / withdraw the patient's consent to read other institutions' 6情報
  'shared.copy', // copy another institution's diagnosis or allergy into the chart (after review)
  'master.import', // national masters: shared by every clinic, so only the operator (docs/decisions/0031)
  'sharing.preview', // what would be sent to the 電子カルテ情報共有サービス, for any patient (docs/decisions/0038)
  'sharing.resend', // 再送 of a sharing unit after its cause was fixed
  'sharing.manage', // the clinic's units that need attention (エラー / 停止した送信)
  'document.write', // 診療情報提供書 etc.: drafts, new versions (docs/decisions/0048)
  'document.confirm', // 確定 and 取消 of a document
  'institution.write', // the clinic's directory of 紹介先医療機関
] as const;

export type Permission = (typeof PERMISSIONS)[number];

/** Staff roles (職種): the values of User.role (TEXT + CHECK, docs/decisions/0011). */
export const ROLES = ['doctor', 'nurse', 'receptionist', 'clinic_admin', 'operator'] as const;
export type StaffRole = (typeof ROLES)[number];

/**
 * The roles a clinic_admin may give. `operator` (運用管理者) is above the clinics: it replaces the national masters
 * every clinic uses, so its accounts are created and managed only by command (npm run operator:add, docs/decisions/0031).
 */
export const CLINIC_ROLES = ['doctor', 'nurse', 'receptionist', 'clinic_admin'] as const satisfies readonly StaffRole[];
export type ClinicRole = (typeof CLINIC_ROLES)[number];

export const ROLE_LABELS: Record<StaffRole, string> = {
  doctor: '医師',
  nurse: '看護師',
  receptionist: '受付・医療事務',
  clinic_admin: '管理者',
  operator: '運用管理者',
};

export const ROLE_PERMISSIONS: Record<StaffRole, readonly Permission[]> = {
  doctor: [
    'patient.read', 'patient.write', 'reception.read', 'reception.write', 'eligibility.check',
    'chart.read', 'note.write', 'note.confirm', 'note.approve', 'diagnosis.write', 'diagnosis.flag',
    'allergy.write', 'lab.write', 'lab.order', 'prescription.write', 'prescription.confirm', 'prescription.print',
    'sharing.preview', 'sharing.resend', 'sharing.manage', 'sharing.consent', 'shared.copy',
    'document.write', 'document.confirm', 'institution.write', 'admission.write', 'admission.cancel',
  ],
  nurse: [
    'patient.read', 'reception.read', 'reception.write', 'chart.read', 'note.write', 'allergy.write',
    'lab.write', 'prescription.proxy', 'sharing.consent', 'admission.write',
  ],
  receptionist: ['patient.read', 'patient.write', 'reception.read', 'reception.write', 'eligibility.check', 'sharing.consent'],
  clinic_admin: ['patient.read', 'staff.manage', 'clinic.settings', 'audit.read', 'reception.read', 'sharing.preview', 'sharing.resend', 'sharing.manage', 'institution.write'],
  operator: ['master.import'],
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
