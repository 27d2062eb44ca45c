'use server';

import { revalidatePath } from 'next/cache';
import { defineAction } from '@/lib/actions/define-action';
import { changeVisitStatusSchema, checkInSchema, recheckEligibilitySchema, startConsultationSchema, updateVisitDetailsSchema, visitIdSchema } from './visit.schema';
import { changeVisitStatus, checkIn, recheckEligibility, startConsultation, updateVisitDetails, adoptEligibilityInsurance } from './visit.service';

export const checkInAction = defineAction(checkInSchema, async (input, actor) => {
  const result = await checkIn(input, actor);
  revalidatePath('/reception');
  return result;
});
export const changeVisitStatusAction = defineAction(changeVisitStatusSchema, (input, actor) => changeVisitStatus(input, actor));
export const recheckEligibilityAction = defineAction(recheckEligibilitySchema, (input, actor) => recheckEligibility(input, actor));
/** Opening the chart from the queue or the 診察待ち list: the visit becomes 診察中 (visit-flow, issue 13). */
export const startConsultationAction = defineAction(startConsultationSchema, (input, actor) => startConsultation(input, actor));
/** 受付の詳細 after check-in (issue 13, 0060). */
export const updateVisitDetailsAction = defineAction(updateVisitDetailsSchema, (input, actor) => updateVisitDetails(input, actor));
/** オンライン資格確認 → the patient's insurance, after the person confirmed (0060). */
export const adoptEligibilityInsuranceAction = defineAction(visitIdSchema, (input, actor) => adoptEligibilityInsurance(input, actor));
