'use server';

import { revalidatePath } from 'next/cache';
import { defineAction } from '@/lib/actions/define-action';
import { appointmentIdSchema, bookAppointmentSchema, moveAppointmentSchema } from './appointment.schema';
import { bookAppointment, cancelAppointment, checkInAppointment, moveAppointment } from './appointment.service';

/** 次回予約 from the chart. */
export const bookAppointmentAction = defineAction(bookAppointmentSchema, (input, actor) => bookAppointment(input, actor));
export const cancelAppointmentAction = defineAction(appointmentIdSchema, (input, actor) => cancelAppointment(input, actor));
/** 受付 of a booked patient in one action (本日の予約 at reception). */
export const checkInAppointmentAction = defineAction(appointmentIdSchema, async (input, actor) => {
  const result = await checkInAppointment(input, actor);
  revalidatePath('/reception');
  return result;
});
/** 予約変更 from 本日の予約 / 予約表. */
export const moveAppointmentAction = defineAction(moveAppointmentSchema, async (input, actor) => {
  const result = await moveAppointment(input, actor);
  revalidatePath('/reception');
  return result;
});
