/**
 * The clinic's directory of 紹介先医療機関 (issue 11): searched as you type in the referral editor (recently used
 * first), created and edited by the clinic's doctors and admins. Not patient data; every change is audited.
 */
import { AppError, notFound } from '@/lib/core/app-error';
import { db, runInTransaction } from '@/lib/core/db';
import { parseInput } from '@/lib/core/zod';
import { recordAuditEvent } from '@/lib/audit/audit';
import { requirePermission, type Principal } from '@/lib/auth/principal';
import type { ReferralInstitution } from '@/lib/generated/prisma/client';
import { referralInstitutionRepository } from './referral-institution.repository';
import type { InstitutionDto } from './document.dto';
import { saveInstitutionSchema, searchInstitutionsSchema, type SaveInstitutionInput } from './referral.schema';

const RESOURCE = 'referral_institution';

const toDto = (r: ReferralInstitution): InstitutionDto => ({
  id: r.id,
  code: r.code,
  name: r.name,
  nameKana: r.nameKana,
  address: r.address,
  phone: r.phone,
  departments: r.departments,
  doctors: r.doctors,
  lastUsedAt: r.lastUsedAt?.toISOString() ?? null,
});

/** Search as you type (empty text: the most recently used). */
export async function searchInstitutions(raw: { query?: string }, actor: Principal): Promise<InstitutionDto[]> {
  await requirePermission(actor, 'document.write');
  const input = parseInput(searchInstitutionsSchema, raw);
  const rows = await referralInstitutionRepository.search(db(), actor.clinicId, input.query.normalize('NFKC'), 20);
  return rows.map(toDto);
}

/** Creates an entry, or edits one (by id). 医療機関コード is unique in the clinic's directory. */
export async function saveInstitution(raw: SaveInstitutionInput, actor: Principal): Promise<InstitutionDto> {
  await requirePermission(actor, 'institution.write');
  const input = parseInput(saveInstitutionSchema, raw);
  const sameCode = await referralInstitutionRepository.findByCode(db(), actor.clinicId, input.code);
  if (sameCode && sameCode.id !== input.id) {
    throw new AppError('CONFLICT', `医療機関コード ${input.code} はすでに登録されています（${sameCode.name}）。`, { code: 'すでに登録されている医療機関コードです。' });
  }
  const data = {
    code: input.code,
    name: input.name,
    nameKana: input.nameKana || null,
    address: input.address || null,
    phone: input.phone || null,
    departments: [...new Set(input.departments)],
    doctors: [...new Set(input.doctors)],
  };
  const row = await runInTransaction(async (tx) => {
    let saved: ReferralInstitution | null;
    if (input.id) {
      const { count } = await referralInstitutionRepository.update(tx, actor.clinicId, input.id, data);
      if (count !== 1) throw notFound();
      saved = await referralInstitutionRepository.findById(tx, actor.clinicId, input.id);
    } else {
      saved = await referralInstitutionRepository.create(tx, { ...data, clinicId: actor.clinicId });
    }
    await recordAuditEvent(tx, {
      clinicId: actor.clinicId,
      actor,
      action: input.id ? 'update' : 'create',
      resourceType: RESOURCE,
      resourceId: saved!.id,
      detail: { code: input.code },
      ctx: actor.ctx,
    });
    return saved!;
  });
  return toDto(row);
}
