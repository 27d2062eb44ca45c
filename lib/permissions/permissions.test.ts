import { describe, expect, it } from 'vitest';
import { can, PERMISSIONS, ROLE_PERMISSIONS, ROLES } from './permissions';

describe('permission matrix', () => {
  it('keeps clinical content away from receptionists and clinic admins', () => {
    for (const p of ['chart.read', 'note.write', 'diagnosis.write', 'prescription.write', 'lab.write'] as const) {
      expect(can('receptionist', p)).toBe(false);
      expect(can('clinic_admin', p)).toBe(false);
    }
  });

  it('lets only doctors 確定, approve 代行入力 and set 未告知', () => {
    for (const p of ['note.confirm', 'note.approve', 'diagnosis.flag', 'prescription.confirm'] as const) {
      expect(ROLES.filter((r) => can(r, p))).toEqual(['doctor']);
    }
  });

  it('lets nurses prescribe only as 代行入力', () => {
    expect(can('nurse', 'prescription.write')).toBe(false);
    expect(can('nurse', 'prescription.proxy')).toBe(true);
  });

  it('gives staff and audit management to clinic_admin alone', () => {
    expect(ROLES.filter((r) => can(r, 'staff.manage'))).toEqual(['clinic_admin']);
    expect(ROLES.filter((r) => can(r, 'audit.read'))).toEqual(['clinic_admin']);
  });

  it('lets doctors and clinic admins preview, resend and oversee sharing, nobody else', () => {
    for (const p of ['sharing.preview', 'sharing.resend', 'sharing.manage'] as const) {
      expect(ROLES.filter((r) => can(r, p))).toEqual(['doctor', 'clinic_admin']);
    }
  });

  it('uses only known permissions, and every permission is granted to someone', () => {
    const granted = new Set(Object.values(ROLE_PERMISSIONS).flat());
    for (const p of granted) expect(PERMISSIONS).toContain(p);
    for (const p of PERMISSIONS) expect(granted.has(p)).toBe(true);
  });
});
