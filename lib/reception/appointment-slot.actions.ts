'use server';

import { revalidatePath } from 'next/cache';
import { defineAction } from '@/lib/actions/define-action';
import { addSlotRuleSchema, daySlotsSchema, removeSlotRuleSchema } from './appointment-slot.schema';
import { addSlotRule, listDaySlots, removeSlotRule } from './appointment-slot.service';

/** 設定 → 予約枠 (docs/decisions/0060). */
export const addSlotRuleAction = defineAction(addSlotRuleSchema, async (input, actor) => {
  const r = await addSlotRule(input, actor);
  revalidatePath('/admin/appointment-slots');
  return r;
});
export const removeSlotRuleAction = defineAction(removeSlotRuleSchema, async (input, actor) => {
  await removeSlotRule(input, actor);
  revalidatePath('/admin/appointment-slots');
  return null;
});
/** The free slots of a day for the booking form. */
export const listDaySlotsAction = defineAction(daySlotsSchema, (input, actor) => listDaySlots(input, actor));
