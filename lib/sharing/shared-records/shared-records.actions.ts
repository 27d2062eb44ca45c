'use server';

import { revalidatePath } from 'next/cache';
import { defineAction } from '@/lib/actions/define-action';
import { copySharedAllergySchema, copySharedDiagnosisSchema } from './shared-records.schema';
import { copySharedAllergy, copySharedDiagnosis } from './shared-records.service';

export const copySharedDiagnosisAction = defineAction(copySharedDiagnosisSchema, async (input, actor) => {
  const dx = await copySharedDiagnosis(input, actor);
  revalidatePath(`/patients/${input.patientId}`);
  return dx;
});

export const copySharedAllergyAction = defineAction(copySharedAllergySchema, async (input, actor) => {
  const allergy = await copySharedAllergy(input, actor);
  revalidatePath(`/patients/${input.patientId}`);
  return allergy;
});
