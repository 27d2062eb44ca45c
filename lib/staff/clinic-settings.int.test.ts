/** Issue 13: the clinic's prescription settings (印刷を自動で開く, 一般名で処方) — admin only, audited, one clinic's. */
import { describe, expect, it } from 'vitest';
import { AppError } from '@/lib/core/app-error';
import { actorFor, auditEventsFor, createClinic, createStaffUser } from '@/tests/helpers/factories';
import { clinicSettingsSchema } from './staff.schema';
import { clinicHasBeds, getClinicSettings, getPrescriptionPreferences, updateClinicSettings } from './staff.service';

async function failure(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected a failure');
}

const ON = { mfaRequired: true, idleTimeoutMinutes: 15, autoPrintPrescription: true, prescribeByGenericDefault: true, hasBeds: true };

describe('clinic prescription settings', () => {
  it('are off by default, and an admin turns them on with an audit event', async () => {
    const clinic = await createClinic();
    const admin = actorFor(await createStaffUser(clinic.id, 'clinic_admin'));
    const doctor = actorFor(await createStaffUser(clinic.id, 'doctor'));
    expect(await getPrescriptionPreferences(doctor)).toEqual({ autoPrintPrescription: false, prescribeByGenericDefault: false });
    expect(await getClinicSettings(admin)).toMatchObject({ autoPrintPrescription: false, prescribeByGenericDefault: false });
    // 無床 by default: the chart's 文書 panel offers no 退院時サマリー
    expect(await clinicHasBeds(doctor)).toBe(false);

    await updateClinicSettings(ON, admin);
    expect(await getClinicSettings(admin)).toMatchObject(ON);
    // every prescriber's editor reads them (no admin permission needed for that)
    expect(await getPrescriptionPreferences(doctor)).toEqual({ autoPrintPrescription: true, prescribeByGenericDefault: true });
    expect(await clinicHasBeds(doctor)).toBe(true);

    const audited = await auditEventsFor(clinic.id, { action: 'settings_changed', resourceType: 'clinic' });
    expect(audited).toHaveLength(1);
    expect(audited[0]).toMatchObject({ userId: admin.userId, resourceId: clinic.id, outcome: 'success' });
    expect(audited[0]!.detail).toMatchObject({ autoPrintPrescription: true, prescribeByGenericDefault: true });

    await updateClinicSettings({ ...ON, autoPrintPrescription: false }, admin);
    expect(await getPrescriptionPreferences(doctor)).toEqual({ autoPrintPrescription: false, prescribeByGenericDefault: true });
    expect(await auditEventsFor(clinic.id, { action: 'settings_changed', resourceType: 'clinic' })).toHaveLength(2);
  });

  it('refuse everyone but the clinic admin, and change nothing then', async () => {
    const clinic = await createClinic();
    for (const role of ['doctor', 'nurse', 'receptionist'] as const) {
      const actor = actorFor(await createStaffUser(clinic.id, role));
      expect((await failure(updateClinicSettings(ON, actor))).code).toBe('FORBIDDEN');
      expect((await failure(getClinicSettings(actor))).code).toBe('FORBIDDEN');
      expect(await getPrescriptionPreferences(actor)).toEqual({ autoPrintPrescription: false, prescribeByGenericDefault: false });
    }
    expect(await auditEventsFor(clinic.id, { action: 'settings_changed', resourceType: 'clinic' })).toHaveLength(0);
  });

  it("belong to one clinic: another clinic's settings stay as they were", async () => {
    const a = await createClinic();
    const b = await createClinic();
    await updateClinicSettings(ON, actorFor(await createStaffUser(a.id, 'clinic_admin')));
    const doctorB = actorFor(await createStaffUser(b.id, 'doctor'));
    expect(await getPrescriptionPreferences(doctorB)).toEqual({ autoPrintPrescription: false, prescribeByGenericDefault: false });
    expect(await getClinicSettings(actorFor(await createStaffUser(b.id, 'clinic_admin')))).toMatchObject({ autoPrintPrescription: false, prescribeByGenericDefault: false });
    expect(await auditEventsFor(b.id, { action: 'settings_changed', resourceType: 'clinic' })).toHaveLength(0);
  });

  it('take booleans only, and refuse an unknown field', () => {
    expect(clinicSettingsSchema.safeParse({ ...ON, autoPrintPrescription: 'yes' }).success).toBe(false);
    expect(clinicSettingsSchema.safeParse({ ...ON, printer: 'A' }).success).toBe(false);
    expect(clinicSettingsSchema.safeParse(ON).success).toBe(true);
  });
});
