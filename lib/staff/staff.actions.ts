'use server';

import { revalidatePath } from 'next/cache';
import { z } from '@/lib/core/zod';
import { defineAction } from '@/lib/actions/define-action';
import { changePasswordSchema, clinicSettingsSchema, createStaffSchema, setRoleSchema, staffIdSchema } from './staff.schema';
import { changeOwnPassword, createStaff, resetStaffMfa, resetStaffPassword, setStaffDisabled, setStaffRole, updateClinicSettings } from './staff.service';

const done = <T>(v: T) => {
  revalidatePath('/admin/staff');
  return v;
};

export const createStaffAction = defineAction(createStaffSchema, async (input, actor) => done(await createStaff(input, actor)));
export const setStaffRoleAction = defineAction(setRoleSchema, async (input, actor) => done(await setStaffRole(input, actor)));
export const resetStaffPasswordAction = defineAction(staffIdSchema, async (input, actor) => done(await resetStaffPassword(input, actor)));
export const resetStaffMfaAction = defineAction(staffIdSchema, async (input, actor) => done(await resetStaffMfa(input, actor)));
export const setStaffDisabledAction = defineAction(
  z.object({ userId: z.string().uuid(), disabled: z.boolean() }).strict(),
  async (input, actor) => done(await setStaffDisabled(input, actor)),
);
export const changeOwnPasswordAction = defineAction(changePasswordSchema, (input, actor) => changeOwnPassword(input, actor), { allowPasswordChange: true });
export const updateClinicSettingsAction = defineAction(clinicSettingsSchema, async (input, actor) => {
  await updateClinicSettings(input, actor);
  revalidatePath('/admin/settings');
});
