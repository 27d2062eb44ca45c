'use server';

import { revalidatePath } from 'next/cache';
import { defineAction } from '@/lib/actions/define-action';
import { admitPatientSchema, cancelAdmissionSchema, dischargePatientSchema, reviseAdmissionSchema } from './admission.schema';
import { admitPatient, cancelAdmission, dischargePatient, reviseAdmission } from './admission.service';

export const admitPatientAction = defineAction(admitPatientSchema, async (input, actor) => {
  const saved = await admitPatient(input, actor);
  revalidatePath(`/patients/${saved.patientId}`);
  return saved;
});

export const dischargePatientAction = defineAction(dischargePatientSchema, async (input, actor) => {
  const saved = await dischargePatient(input, actor);
  revalidatePath(`/patients/${saved.patientId}`);
  return saved;
});

export const reviseAdmissionAction = defineAction(reviseAdmissionSchema, async (input, actor) => {
  const saved = await reviseAdmission(input, actor);
  revalidatePath(`/patients/${saved.patientId}`);
  return saved;
});

export const cancelAdmissionAction = defineAction(cancelAdmissionSchema, async (input, actor) => {
  const saved = await cancelAdmission(input, actor);
  revalidatePath(`/patients/${saved.patientId}`);
  return saved;
});
