'use server';

import { revalidatePath } from 'next/cache';
import { defineAction } from '@/lib/actions/define-action';
import { drugSearchSchema } from './prescription.schema';
import { removeClinicDrugLimitSchema, saveClinicDrugLimitSchema } from './clinic-drug-limit.schema';
import { removeClinicDrugLimit, saveClinicDrugLimit, searchDrugsForLimits } from './clinic-drug-limit.service';

export const saveClinicDrugLimitAction = defineAction(saveClinicDrugLimitSchema, async (input, actor) => {
  const r = await saveClinicDrugLimit(input, actor);
  revalidatePath('/admin/drug-limits');
  return r;
});

export const removeClinicDrugLimitAction = defineAction(removeClinicDrugLimitSchema, async (input, actor) => {
  await removeClinicDrugLimit(input, actor);
  revalidatePath('/admin/drug-limits');
  return null;
});

export const searchDrugsForLimitsAction = defineAction(drugSearchSchema, (input, actor) => searchDrugsForLimits(input, actor));
