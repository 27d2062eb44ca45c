/**
 * 定型文 (issue 13, docs/decisions/0052): abbreviations that expand in the note editor. Anyone who writes notes keeps
 * their own; the clinic admin keeps the clinic-wide ones. Clinic-scoped; every change is audited (abbreviation and
 * lengths only: a phrase is note text and stays out of the audit detail and the logs).
 */
import { AppError, notFound } from '@/lib/core/app-error';
import { db, runInTransaction, type Tx } from '@/lib/core/db';
import { parseInput } from '@/lib/core/zod';
import { recordAuditEvent } from '@/lib/audit/audit';
import { requirePermission, type Principal } from '@/lib/auth/principal';
import { can } from '@/lib/permissions/permissions';
import type { PhraseDto } from './phrase.dto';
import { phraseRepository } from './phrase.repository';
import { removePhraseSchema, savePhraseSchema, type RemovePhraseInput, type SavePhraseInput } from './phrase.schema';

const RESOURCE = 'note_phrase';

type Row = { id: string; ownerId: string | null; abbreviation: string; text: string; updatedAt: Date };

function toDto(r: Row, actor: Principal): PhraseDto {
  const personal = r.ownerId !== null;
  return {
    id: r.id,
    abbreviation: r.abbreviation,
    text: r.text,
    personal,
    editable: personal ? r.ownerId === actor.userId : can(actor.role, 'clinic.settings'),
    updatedAt: r.updatedAt.toISOString(),
  };
}

/** The phrases this user can expand: the clinic-wide ones and their own. */
export async function listPhrases(actor: Principal): Promise<PhraseDto[]> {
  // the clinic admin keeps the clinic-wide ones without writing notes
  if (!can(actor.role, 'clinic.settings')) await requirePermission(actor, 'note.write');
  return (await phraseRepository.listForUser(db(), { clinicId: actor.clinicId, userId: actor.userId })).map((r) => toDto(r, actor));
}

/** A clinic-wide phrase needs the clinic admin; a personal one belongs to whoever writes notes. */
async function requireScope(actor: Principal, clinicWide: boolean) {
  await requirePermission(actor, clinicWide ? 'clinic.settings' : 'note.write');
}

/** Loads a phrase of the actor's clinic that the actor may change (another user's own is NOT_FOUND). */
async function loadEditable(tx: Tx, actor: Principal, id: string): Promise<Row> {
  const row = await phraseRepository.findById(tx, { clinicId: actor.clinicId, id });
  if (!row || (row.ownerId !== null && row.ownerId !== actor.userId)) throw notFound();
  await requireScope(actor, row.ownerId === null);
  return row;
}

export async function savePhrase(raw: SavePhraseInput, actor: Principal): Promise<PhraseDto> {
  const input = parseInput(savePhraseSchema, raw);
  const clinicWide = input.scope === 'clinic';
  await requireScope(actor, clinicWide);
  const ownerId = clinicWide ? null : actor.userId;
  return runInTransaction(async (tx) => {
    const before = input.id ? await loadEditable(tx, actor, input.id) : null;
    if (before && (before.ownerId === null) !== clinicWide) {
      throw new AppError('INVALID_INPUT', '共通・個人用の区別は変更できません。新しく登録してください。', { scope: '変更できません。' });
    }
    const same = await phraseRepository.findByAbbreviation(tx, { clinicId: actor.clinicId, ownerId, abbreviation: input.abbreviation });
    if (same && same.id !== before?.id) {
      throw new AppError('INVALID_INPUT', `略語「${input.abbreviation}」はすでに登録されています。`, { abbreviation: 'すでに登録されています。' });
    }
    const data = { abbreviation: input.abbreviation, text: input.text, updatedById: actor.userId };
    const row = before
      ? await phraseRepository.update(tx, { clinicId: actor.clinicId, id: before.id }, data)
      : await phraseRepository.create(tx, actor.clinicId, { ...data, ownerId });
    await recordAuditEvent(tx, {
      clinicId: actor.clinicId, actor, action: 'settings_changed', resourceType: RESOURCE, resourceId: row.id, ctx: actor.ctx,
      detail: {
        scope: input.scope,
        abbreviation: row.abbreviation,
        textLength: row.text.length,
        ...(before ? { before: { abbreviation: before.abbreviation, textLength: before.text.length } } : { created: true }),
      },
    });
    return toDto(row, actor);
  });
}

export async function removePhrase(raw: RemovePhraseInput, actor: Principal): Promise<void> {
  const input = parseInput(removePhraseSchema, raw);
  await runInTransaction(async (tx) => {
    const before = await loadEditable(tx, actor, input.id);
    await phraseRepository.remove(tx, { clinicId: actor.clinicId, id: before.id });
    await recordAuditEvent(tx, {
      clinicId: actor.clinicId, actor, action: 'settings_changed', resourceType: RESOURCE, resourceId: before.id, ctx: actor.ctx,
      detail: { scope: before.ownerId === null ? 'clinic' : 'personal', abbreviation: before.abbreviation, removed: true },
    });
  });
}
