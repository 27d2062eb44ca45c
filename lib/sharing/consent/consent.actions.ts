'use server';

import { revalidatePath } from 'next/cache';
import { defineAction } from '@/lib/actions/define-action';
import { recordSharingConsentSchema, withdrawSharingConsentSchema } from './consent.schema';
import { recordSharingConsent, withdrawSharingConsent } from './consent.service';

export const recordSharingConsentAction = defineAction(recordSharingConsentSchema, async (input, actor) => {
  const consent = await recordSharingConsent(input, actor);
  revalidatePath(`/patients/${input.patientId}`);
  return consent;
});

export const withdrawSharingConsentAction = defineAction(withdrawSharingConsentSchema, async (input, actor) => {
  const consent = await withdrawSharingConsent(input, actor);
  revalidatePath(`/patients/${consent.patientId}`);
  return consent;
});
