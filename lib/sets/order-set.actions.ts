'use server';

import { revalidatePath } from 'next/cache';
import { defineAction } from '@/lib/actions/define-action';
import type { PrescriptionActionResult } from '@/lib/records/prescriptions/prescription.dto';
import { guardSafety, unwrapSafety } from '@/lib/records/prescriptions/safety-guard';
import type { ApplyOrderSetResultDto } from './order-set.dto';
import {
  applyOrderSetSchema,
  orderSetFromVisitSchema,
  orderSetRefSchema,
  renameOrderSetSchema,
  saveOrderSetSchema,
  type ApplyOrderSetInput,
} from './order-set.schema';
import {
  applyOrderSet,
  createOrderSetFromVisit,
  listOrderSetVersions,
  removeOrderSet,
  renameOrderSet,
  saveOrderSet,
  shareOrderSet,
} from './order-set.service';

const revalidateSets = () => {
  revalidatePath('/sets');
  revalidatePath('/patients', 'layout');
};

export const saveOrderSetAction = defineAction(saveOrderSetSchema, async (input, actor) => {
  const r = await saveOrderSet(input, actor);
  revalidateSets();
  return r;
});

export const renameOrderSetAction = defineAction(renameOrderSetSchema, async (input, actor) => {
  const r = await renameOrderSet(input, actor);
  revalidateSets();
  return r;
});

export const shareOrderSetAction = defineAction(orderSetRefSchema, async (input, actor) => {
  const r = await shareOrderSet(input, actor);
  revalidateSets();
  return r;
});

export const removeOrderSetAction = defineAction(orderSetRefSchema, async (input, actor) => {
  await removeOrderSet(input, actor);
  revalidateSets();
  return null;
});

export const listOrderSetVersionsAction = defineAction(orderSetRefSchema, (input, actor) => listOrderSetVersions(input, actor));

export const createOrderSetFromVisitAction = defineAction(orderSetFromVisitSchema, async (input, actor) => {
  const r = await createOrderSetFromVisit(input, actor);
  revalidateSets();
  return r;
});

const apply = defineAction(applyOrderSetSchema, (input, actor) =>
  guardSafety(async () => {
    const r = await applyOrderSet(input, actor);
    revalidatePath(`/patients/${input.patientId}`);
    return r;
  }),
);

/** PRECONDITION_FAILED with `safety` = the prescription's warnings: show them, resubmit with the acknowledgements. */
export async function applyOrderSetAction(input: ApplyOrderSetInput): Promise<PrescriptionActionResult<ApplyOrderSetResultDto>> {
  return unwrapSafety<ApplyOrderSetResultDto>(await apply(input));
}
