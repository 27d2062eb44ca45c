'use server';

import { revalidatePath } from 'next/cache';
import { defineAction } from '@/lib/actions/define-action';
import { labEntrySchema } from './lab-entry.schema';
import { correctLabResultSchema, importLabCsvSchema, labHistorySchema, markLabResultEnteredInErrorSchema } from './lab-result.schema';
import { correctLabResult, getLabResultHistory, importLabCsv, markLabResultEnteredInError, recordLabResults } from './lab-result.service';

const revalidatePatient = (patientId: string) => {
  revalidatePath(`/patients/${patientId}`);
  revalidatePath(`/patients/${patientId}/labs`);
};

export const recordLabResultsAction = defineAction(labEntrySchema, async (input, actor) => {
  const saved = await recordLabResults(input, actor);
  revalidatePatient(input.patientId);
  return { count: saved.length };
});

export const importLabCsvAction = defineAction(importLabCsvSchema, async (input, actor) => {
  const result = await importLabCsv(input, actor);
  if (result.mode === 'commit') for (const id of new Set(result.rows.map((r) => r.patientId))) revalidatePatient(id);
  return result;
});

export const correctLabResultAction = defineAction(correctLabResultSchema, async (input, actor) => {
  const saved = await correctLabResult(input, actor);
  revalidatePatient(saved.patientId);
  return saved;
});

export const markLabResultEnteredInErrorAction = defineAction(markLabResultEnteredInErrorSchema, async (input, actor) => {
  const saved = await markLabResultEnteredInError(input, actor);
  revalidatePatient(saved.patientId);
  return saved;
});

export const getLabResultHistoryAction = defineAction(labHistorySchema, (input, actor) => getLabResultHistory(input.id, actor));
