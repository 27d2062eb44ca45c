'use server';

import { revalidatePath } from 'next/cache';
import { z } from '@/lib/core/zod';
import { defineAction } from '@/lib/actions/define-action';
import { applyOrcaPatientChangeSchema, importOrcaPatientSchema, orcaSettingsSchema, previewOrcaChargeSchema, resendOrcaJobSchema } from './orca.schema';
import { importOrcaPatient } from './orca-patients.service';
import { takeOverOrcaAcceptance, takeOverOrcaAcceptanceSchema } from './orca-counter.service';
import { applyOrcaPatientChange } from './orca-patient-changes.service';
import { previewOrcaCharge } from './orca-link.service';
import { checkOrcaConnection, resendOrcaJob, saveOrcaSettings } from './orca-admin.service';

/** 算定 preview: ORCA's 請求金額シミュレーション for today's orders of the patient. */
export const previewOrcaChargeAction = defineAction(previewOrcaChargeSchema, (input, actor) => previewOrcaCharge(input.patientId, actor));

/** レセコン連携の設定 (admin). */
export const saveOrcaSettingsAction = defineAction(orcaSettingsSchema, async (input, actor) => {
  await saveOrcaSettings(input, actor);
  revalidatePath('/admin/orca');
});

/** 接続確認: ORCA's ドクター and 診療科 lists. */
export const checkOrcaConnectionAction = defineAction(z.object({}).strict(), (_input, actor) => checkOrcaConnection(actor));

/** 再送 of a stopped or waiting ORCA send. */
export const resendOrcaJobAction = defineAction(resendOrcaJobSchema, async (input, actor) => {
  await resendOrcaJob(input.jobId, actor);
  revalidatePath('/admin/orca');
});

/** 取込 of a patient registered at the ORCA counter (new EHR patient, or linked to an existing one). */
// (no revalidation: the row stays on screen with its result and the link to the patient; a reload drops it from the list)
export const importOrcaPatientAction = defineAction(importOrcaPatientSchema, (input, actor) => importOrcaPatient(input, actor));

/** 受付 made at the ORCA counter, taken over into the EHR queue (linked to ORCA's 受付; nothing is sent to ORCA). */
export const takeOverOrcaAcceptanceAction = defineAction(takeOverOrcaAcceptanceSchema, async (input, actor) => {
  const result = await takeOverOrcaAcceptance(input, actor);
  revalidatePath('/reception');
  return result;
});

/** 反映 of a change made in ORCA to a linked patient (a new version of the EHR patient). */
export const applyOrcaPatientChangeAction = defineAction(applyOrcaPatientChangeSchema, (input, actor) => applyOrcaPatientChange(input, actor));
