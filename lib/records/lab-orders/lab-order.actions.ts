'use server';

import { revalidatePath } from 'next/cache';
import { defineAction } from '@/lib/actions/define-action';
import { cancelLabOrderSchema, labOrderPatientSchema, orderLabsSchema } from './lab-order.schema';
import { cancelLabOrder, getLabOrderPanel, orderLabs } from './lab-order.service';

export const orderLabsAction = defineAction(orderLabsSchema, async (input, actor) => {
  const saved = await orderLabs(input, actor);
  revalidatePath(`/patients/${input.patientId}`);
  return saved;
});

export const cancelLabOrderAction = defineAction(cancelLabOrderSchema, async (input, actor) => {
  const saved = await cancelLabOrder(input, actor);
  revalidatePath(`/patients/${saved.patientId}`);
  return saved;
});

export const getLabOrderPanelAction = defineAction(labOrderPatientSchema, (input, actor) => getLabOrderPanel(input.patientId, actor));
