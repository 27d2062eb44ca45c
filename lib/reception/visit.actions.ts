'use server';

import { revalidatePath } from 'next/cache';
import { defineAction } from '@/lib/actions/define-action';
import { changeVisitStatusSchema, checkInSchema, recheckEligibilitySchema } from './visit.schema';
import { changeVisitStatus, checkIn, recheckEligibility } from './visit.service';

export const checkInAction = defineAction(checkInSchema, async (input, actor) => {
  const result = await checkIn(input, actor);
  revalidatePath('/reception');
  return result;
});
export const changeVisitStatusAction = defineAction(changeVisitStatusSchema, (input, actor) => changeVisitStatus(input, actor));
export const recheckEligibilityAction = defineAction(recheckEligibilitySchema, (input, actor) => recheckEligibility(input, actor));
