/**
 * The checks that run the moment a drug is added to a prescription, before anything is saved or validated
 * (issue 9 items 4 and 5): the patient's drug allergies (the same rule as on save and 確定, safety-check.ts), and the
 * clinic's last use of the drug as the starting dose, and the drug's 投与日数 limit and clinic maximum (duration-limits.ts). Saving and 確定 still run every check again.
 */
import { recordAuditEventNow } from '@/lib/audit/audit';
import { requirePermission, type Principal } from '@/lib/auth/principal';
import { db } from '@/lib/core/db';
import { parseInput } from '@/lib/core/zod';
import { oneOf } from '@/lib/core/text-enum';
import { getDrugsByCodes } from '@/lib/masters/master-search.repository';
import { ingredientLabel } from '@/lib/records/allergies/ingredient-label';
import { listActiveMedicationAllergies } from '@/lib/records/allergies/allergy.repository';
import { DOSE_BASES, MEDICATION_KINDS } from './prescription.constants';
import { checkDrugOnAddSchema, type CheckDrugOnAddInput } from './prescription.schema';
import { checkAllergies, type AllergyConflict } from './safety-check';
import { drugCheckRepository } from './drug-check.repository';
import { loadDrugLimitInfos } from './limit-check';
import { todayJst } from '@/lib/core/dates';
import type { DrugOnAddDto } from './prescription.dto';

export async function checkDrugOnAdd(raw: CheckDrugOnAddInput, actor: Principal): Promise<DrugOnAddDto> {
  await requirePermission(actor, 'chart.read');
  const input = parseInput(checkDrugOnAddSchema, raw);
  const scope = { clinicId: actor.clinicId, patientId: input.patientId };
  const drug = input.receiptCode ? (await getDrugsByCodes([input.receiptCode]))[0] : undefined;
  const allergies = await listActiveMedicationAllergies(db(), scope);
  await recordAuditEventNow({ clinicId: actor.clinicId, actor, action: 'read', resourceType: 'allergy', patientId: input.patientId, detail: { purpose: 'order_check', count: allergies.length }, ctx: actor.ctx });
  const conflicts: AllergyConflict[] = checkAllergies(
    [{ index: 0, drugName: drug?.name ?? input.drugName, yjCode: drug?.yjCode ?? null, ingredient: drug ? ingredientLabel(drug) : null }],
    allergies,
  );
  const limits = (drug ? (await loadDrugLimitInfos(db(), actor.clinicId, [drug], todayJst())).get(drug.code) : undefined) ?? { legal: null, clinic: null };
  const last = input.receiptCode ? await drugCheckRepository.lastUse({ clinicId: actor.clinicId }, input.receiptCode) : null;
  return {
    allergyConflicts: conflicts,
    limits,
    lastUse: last
      ? {
          kind: oneOf(MEDICATION_KINDS, last.kind),
          dose: Number(last.dose),
          doseUnit: last.doseUnit,
          doseBasis: oneOf(DOSE_BASES, last.doseBasis),
          usageCode: last.usageCode ?? undefined,
          usageText: last.usageText,
          days: last.days ?? undefined,
          times: last.times ?? undefined,
        }
      : null,
  };
}
