/**
 * The clinic's own per-drug maxima (issue 9 item 4, docs/decisions/0045): a clinic admin sets, for one drug of the
 * master, a maximum per day and/or per prescription in the drug's unit. Prescribing warns at add and needs a reason
 * at 確定 over it (duration-limits.ts). Clinic-scoped; every change is audited with the values before and after.
 */
import { AppError } from '@/lib/core/app-error';
import { db, runInTransaction } from '@/lib/core/db';
import { parseInput } from '@/lib/core/zod';
import { recordAuditEvent } from '@/lib/audit/audit';
import { requirePermission, type Principal } from '@/lib/auth/principal';
import { getDrugsByCodes, searchDrugs, type DrugSearchHit } from '@/lib/masters/master-search.repository';
import { drugSearchSchema, type DrugSearchInput } from './prescription.schema';
import { drugLimitsRepository } from './drug-limits.repository';
import { toClinicDrugLimitDto, type ClinicDrugLimitDto } from './clinic-drug-limit.dto';
import {
  removeClinicDrugLimitSchema,
  saveClinicDrugLimitSchema,
  type RemoveClinicDrugLimitInput,
  type SaveClinicDrugLimitInput,
} from './clinic-drug-limit.schema';

const RESOURCE = 'drug_limit';

const values = (r: ClinicDrugLimitDto | null) => (r ? { maxPerDay: r.maxPerDay, maxPerPrescription: r.maxPerPrescription, unit: r.unit } : null);

export async function listClinicDrugLimits(actor: Principal): Promise<ClinicDrugLimitDto[]> {
  await requirePermission(actor, 'clinic.settings');
  return (await drugLimitsRepository.listForClinic(db(), actor.clinicId)).map(toClinicDrugLimitDto);
}

/** Drug search for the admin screen (a master read, no patient data). */
export async function searchDrugsForLimits(raw: DrugSearchInput, actor: Principal): Promise<DrugSearchHit[]> {
  await requirePermission(actor, 'clinic.settings');
  const { q, limit } = parseInput(drugSearchSchema, raw);
  return searchDrugs(q, limit);
}

/** Sets (or changes) the clinic's maximum for one drug; the unit is the drug master's. */
export async function saveClinicDrugLimit(raw: SaveClinicDrugLimitInput, actor: Principal): Promise<ClinicDrugLimitDto> {
  await requirePermission(actor, 'clinic.settings');
  const input = parseInput(saveClinicDrugLimitSchema, raw);
  const drug = (await getDrugsByCodes([input.receiptCode]))[0];
  if (!drug) throw new AppError('INVALID_INPUT', '医薬品マスターにない薬品です。検索から選び直してください。', { receiptCode: '医薬品マスターにない薬品です。' });
  if (!drug.unit) throw new AppError('INVALID_INPUT', 'この薬品はマスターに単位がないため上限を設定できません。', { receiptCode: 'マスターに単位がありません。' });
  return runInTransaction(async (tx) => {
    const before = await drugLimitsRepository.findByCode(tx, actor.clinicId, input.receiptCode);
    const row = await drugLimitsRepository.upsert(
      tx,
      actor.clinicId,
      { receiptCode: drug.code, drugName: drug.name, unit: drug.unit!, maxPerDay: input.maxPerDay ?? null, maxPerPrescription: input.maxPerPrescription ?? null, note: input.note ?? null },
      actor.userId,
    );
    const dto = toClinicDrugLimitDto(row);
    await recordAuditEvent(tx, {
      clinicId: actor.clinicId, actor, action: 'settings_changed', resourceType: RESOURCE, resourceId: drug.code, ctx: actor.ctx,
      detail: { drugName: drug.name, before: values(before ? toClinicDrugLimitDto(before) : null), after: values(dto) },
    });
    return dto;
  });
}

/** Removes the clinic's maximum for one drug (the audit event keeps what it was). */
export async function removeClinicDrugLimit(raw: RemoveClinicDrugLimitInput, actor: Principal): Promise<void> {
  await requirePermission(actor, 'clinic.settings');
  const input = parseInput(removeClinicDrugLimitSchema, raw);
  await runInTransaction(async (tx) => {
    const before = await drugLimitsRepository.findByCode(tx, actor.clinicId, input.receiptCode);
    if (!before) throw new AppError('NOT_FOUND', 'この薬品の上限は設定されていません。');
    await drugLimitsRepository.remove(tx, actor.clinicId, input.receiptCode);
    await recordAuditEvent(tx, {
      clinicId: actor.clinicId, actor, action: 'settings_changed', resourceType: RESOURCE, resourceId: input.receiptCode, ctx: actor.ctx,
      detail: { drugName: before.drugName, before: values(toClinicDrugLimitDto(before)), after: null },
    });
  });
}
