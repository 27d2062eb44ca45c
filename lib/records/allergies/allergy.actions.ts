'use server';

import { revalidatePath } from 'next/cache';
import { defineAction } from '@/lib/actions/define-action';
import { recordAllergySchema, retractAllergySchema, reviseAllergySchema, searchAllergyMasterSchema } from './allergy.schema';
import { recordAllergy, retractAllergy, reviseAllergy, searchAllergenMaster, searchDrugClassMaster, searchDrugMaster } from './allergy.service';

const refresh = (patientId: string) => {
  revalidatePath(`/patients/${patientId}`);
  revalidatePath(`/patients/${patientId}/allergies`);
};

export const recordAllergyAction = defineAction(recordAllergySchema, async (input, actor) => {
  const a = await recordAllergy(input, actor);
  refresh(a.patientId);
  return a;
});

export const reviseAllergyAction = defineAction(reviseAllergySchema, async (input, actor) => {
  const a = await reviseAllergy(input, actor);
  refresh(a.patientId);
  return a;
});

export const retractAllergyAction = defineAction(retractAllergySchema, async (input, actor) => {
  const a = await retractAllergy(input, actor);
  refresh(a.patientId);
  return a;
});

export const searchDrugMasterAction = defineAction(searchAllergyMasterSchema, (input, actor) => searchDrugMaster(input, actor));

export const searchDrugClassAction = defineAction(searchAllergyMasterSchema, (input, actor) => searchDrugClassMaster(input, actor));

export const searchAllergenMasterAction = defineAction(searchAllergyMasterSchema, (input, actor) => searchAllergenMaster(input, actor));
