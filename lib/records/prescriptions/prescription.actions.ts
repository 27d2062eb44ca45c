'use server';

import { revalidatePath } from 'next/cache';
import { defineAction } from '@/lib/actions/define-action';
import type { DrugSearchHit } from '@/lib/masters/master-search.repository';
import { checkDrugOnAdd } from './drug-check.service';
import {
  approvePrescriptionSchema,
  checkDrugOnAddSchema,
  confirmPrescriptionSchema,
  drugSearchSchema,
  enteredInErrorSchema,
  prefillSchema,
  prescriptionRefSchema,
  savePrescriptionSchema,
  type ApprovePrescriptionInput,
  type ConfirmPrescriptionInput,
  type SavePrescriptionInput,
} from './prescription.schema';
import {
  approvePrescription,
  confirmPrescription,
  listPrescriptionVersions,
  markPrescriptionEnteredInError,
  prefillPrescription,
  savePrescription,
  searchDrugsForPrescription,
} from './prescription.service';
import type { PrescriptionActionResult, PrescriptionDto } from './prescription.dto';
import { guardSafety as guard, unwrapSafety as unwrap } from './safety-guard';

const revalidate = (p: PrescriptionDto | null) => {
  if (p) revalidatePath(`/patients/${p.patientId}`);
  revalidatePath('/approvals');
};

const save = defineAction(savePrescriptionSchema, (input, actor) =>
  guard(async () => {
    const p = await savePrescription(input, actor);
    revalidate(p);
    return p;
  }),
);

const confirm = defineAction(confirmPrescriptionSchema, (input, actor) =>
  guard(async () => {
    const p = await confirmPrescription(input, actor);
    revalidate(p);
    return p;
  }),
);

const approve = defineAction(approvePrescriptionSchema, (input, actor) =>
  guard(async () => {
    const p = await approvePrescription(input, actor);
    revalidate(p);
    return p;
  }),
);

/** 保存 / 確定 / 代行入力. PRECONDITION_FAILED with `safety` = show the warnings, resubmit with the acknowledgements. */
export async function savePrescriptionAction(input: SavePrescriptionInput): Promise<PrescriptionActionResult<PrescriptionDto>> {
  return unwrap<PrescriptionDto>(await save(input));
}

export async function confirmPrescriptionAction(input: ConfirmPrescriptionInput): Promise<PrescriptionActionResult<PrescriptionDto>> {
  return unwrap<PrescriptionDto>(await confirm(input));
}

export async function approvePrescriptionAction(input: ApprovePrescriptionInput): Promise<PrescriptionActionResult<PrescriptionDto>> {
  return unwrap<PrescriptionDto>(await approve(input));
}

export const markPrescriptionEnteredInErrorAction = defineAction(enteredInErrorSchema, async (input, actor) => {
  const p = await markPrescriptionEnteredInError(input, actor);
  revalidatePath('/approvals');
  revalidatePath('/patients', 'layout');
  return p;
});

export const prefillPrescriptionAction = defineAction(prefillSchema, (input, actor) => prefillPrescription(input, actor));

export const searchDrugsAction = defineAction(drugSearchSchema, (input, actor): Promise<DrugSearchHit[]> => searchDrugsForPrescription(input, actor));

/** Every version of a prescription (newest first), for the 版の履歴 view. */
export const listPrescriptionVersionsAction = defineAction(prescriptionRefSchema, (input, actor) => listPrescriptionVersions(input.prescriptionId, actor));

export const checkDrugOnAddAction = defineAction(checkDrugOnAddSchema, (input, actor) => checkDrugOnAdd(input, actor));
