'use server';

import { defineAction } from '@/lib/actions/define-action';
import { previewOrcaChargeSchema } from './orca.schema';
import { previewOrcaCharge } from './orca-link.service';

/** 算定 preview: ORCA's 請求金額シミュレーション for today's orders of the patient. */
export const previewOrcaChargeAction = defineAction(previewOrcaChargeSchema, (input, actor) => previewOrcaCharge(input.patientId, actor));
