'use server';

import { defineAction } from '@/lib/actions/define-action';
import { resendSharingUnitSchema } from './sharing.schema';
import { resendSharingUnit } from './sharing-status.service';

/** 再送 of one sharing unit (after its cause was fixed): re-enqueued on the same delivery path, audited. */
export const resendSharingUnitAction = defineAction(resendSharingUnitSchema, (input, actor) => resendSharingUnit(input.unitId, actor));
