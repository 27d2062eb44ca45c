'use server';

import { revalidatePath } from 'next/cache';
import { defineAction } from '@/lib/actions/define-action';
import {
  recordDiagnosisOutcomeSchema,
  recordDiagnosisSchema,
  retractDiagnosisSchema,
  reviseDiagnosisSchema,
  searchMasterSchema,
  setDiagnosisFlagSchema,
} from './diagnosis.schema';
import {
  recordDiagnosis,
  recordDiagnosisOutcome,
  retractDiagnosis,
  reviseDiagnosis,
  searchDiseaseMaster,
  searchModifierMaster,
  setDiagnosisFlag,
} from './diagnosis.service';

const refresh = (patientId: string) => {
  revalidatePath(`/patients/${patientId}`);
  revalidatePath(`/patients/${patientId}/diagnoses`);
};

export const recordDiagnosisAction = defineAction(recordDiagnosisSchema, async (input, actor) => {
  const d = await recordDiagnosis(input, actor);
  refresh(d.patientId);
  return d;
});

export const reviseDiagnosisAction = defineAction(reviseDiagnosisSchema, async (input, actor) => {
  const d = await reviseDiagnosis(input, actor);
  refresh(d.patientId);
  return d;
});

export const recordDiagnosisOutcomeAction = defineAction(recordDiagnosisOutcomeSchema, async (input, actor) => {
  const d = await recordDiagnosisOutcome(input, actor);
  refresh(d.patientId);
  return d;
});

export const retractDiagnosisAction = defineAction(retractDiagnosisSchema, async (input, actor) => {
  const d = await retractDiagnosis(input, actor);
  refresh(d.patientId);
  return d;
});

export const setDiagnosisFlagAction = defineAction(setDiagnosisFlagSchema, async (input, actor) => {
  const d = await setDiagnosisFlag(input, actor);
  refresh(d.patientId);
  return d;
});

export const searchDiseaseMasterAction = defineAction(searchMasterSchema, (input, actor) => searchDiseaseMaster(input, actor));

export const searchModifierMasterAction = defineAction(searchMasterSchema, (input, actor) => searchModifierMaster(input, actor));
