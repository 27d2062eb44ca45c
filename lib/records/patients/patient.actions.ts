'use server';

import { revalidatePath } from 'next/cache';
import { defineAction } from '@/lib/actions/define-action';
import { findDuplicatesSchema, registerPatientSchema, searchPatientsSchema, updatePatientSchema, withdrawPatientSchema } from './patient.schema';
import { findLikelyDuplicates, registerPatient, searchPatients, updatePatient, withdrawPatientRegistration } from './patient.service';

export const registerPatientAction = defineAction(registerPatientSchema, async (input, actor) => {
  const patient = await registerPatient(input, actor);
  revalidatePath('/patients');
  return patient;
});

export const updatePatientAction = defineAction(updatePatientSchema, async (input, actor) => {
  const patient = await updatePatient(input, actor);
  revalidatePath(`/patients/${patient.id}`);
  return patient;
});

export const searchPatientsAction = defineAction(searchPatientsSchema, (input, actor) => searchPatients(input, actor));

export const withdrawPatientRegistrationAction = defineAction(withdrawPatientSchema, async (input, actor) => {
  await withdrawPatientRegistration(input, actor);
  revalidatePath('/patients');
  return { withdrawn: true };
});

export const findLikelyDuplicatesAction = defineAction(findDuplicatesSchema, (input, actor) => findLikelyDuplicates(input, actor));
