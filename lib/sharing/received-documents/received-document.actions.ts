'use server';

import { revalidatePath } from 'next/cache';
import { defineAction } from '@/lib/actions/define-action';
import { fetchInboxSchema, importReceivedAllergySchema, importReceivedDiagnosisSchema, linkReceivedSchema } from './received-document.schema';
import { fetchInboxNow, importReceivedAllergy, importReceivedDiagnosis, linkReceivedDocument } from './received-document.service';

/** 受信確認: fetch the clinic's letters now. */
export const fetchInboxAction = defineAction(fetchInboxSchema, async (input, actor) => {
  const r = await fetchInboxNow(input, actor);
  revalidatePath('/inbox');
  return r;
});

/** 患者と紐付け (a person confirmed the patient). */
export const linkReceivedAction = defineAction(linkReceivedSchema, async (input, actor) => {
  const r = await linkReceivedDocument(input, actor);
  revalidatePath(`/inbox/${input.receivedId}`);
  return r;
});

/** 確認して取り込み: a reviewed allergy / diagnosis of the linked letter into the chart. */
export const importReceivedAllergyAction = defineAction(importReceivedAllergySchema, async (input, actor) => {
  const r = await importReceivedAllergy(input, actor);
  revalidatePath(`/inbox/${input.receivedId}`);
  return r;
});

export const importReceivedDiagnosisAction = defineAction(importReceivedDiagnosisSchema, async (input, actor) => {
  const r = await importReceivedDiagnosis(input, actor);
  revalidatePath(`/inbox/${input.receivedId}`);
  return r;
});
