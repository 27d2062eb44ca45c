/**
 * 健診入力 (issue 11, docs/decisions/0086): the 特定健診 items and 問診 answers of a 健診 visit, entered by a nurse (or a
 * doctor) as her own 確定 record — a ClinicalNote of kind `checkup` on the one write path (versioned, audited, hashed),
 * like a 予診 (0064). A correction is a new 確定 version with a reason; 取消 is the note's (a doctor).
 */
import { randomUUID } from 'node:crypto';
import { AppError, notFound } from '@/lib/core/app-error';
import { db, runInTransaction, type Tx } from '@/lib/core/db';
import { parseInput } from '@/lib/core/zod';
import { isoDate } from '@/lib/core/dates';
import { formatInTimeZone } from '@/lib/core/tz';
import { recordAuditEventNow } from '@/lib/audit/audit';
import { requirePermission, type Principal } from '@/lib/auth/principal';
import type { ClinicalNote } from '@/lib/generated/prisma/client';
import { patientRepository } from '@/lib/records/patients/patient.repository';
import { openVisitToday } from '@/lib/reception/visit.service';
import { visitRepository } from '@/lib/reception/visit.repository';
import { staffNames } from '@/lib/staff/staff-names';
import { appendRecordVersion, createRecord, finalizeRecord } from '@/lib/records/write-path';
import type { VisitTypeValue } from '@/lib/reception/visit.constants';
import { noteRepository } from './note.repository';
import { noteContentHash } from './note.dto';
import { entryColumns, entryCounts, entryOf, type CheckupEntryInput } from './checkup-entry';
import { checkupEntryQuerySchema, saveCheckupEntrySchema, type SaveCheckupEntryInput } from './checkup-entry.schema';

export type CheckupEntryDto = CheckupEntryInput & {
  id: string;
  lineageId: string;
  version: number;
  /** BMI computed from 身長・体重 ('' without both) */
  bmi: string;
  /** 'YYYY-MM-DD': the 健診 visit's date (the 健診実施日) */
  examDate: string;
  enteredBy: string;
  confirmedAt: string | null;
  hashVerified: boolean;
  changeReason: string | null;
};

export type CheckupEntryPageDto = {
  /** today's open visit of the patient, if any */
  visit: { id: string; visitType: VisitTypeValue; visitDate: string } | null;
  /** the latest 健診 entry (of any day), if any */
  entry: CheckupEntryDto | null;
};

/** The entry's 健診実施日: its visit's date, else the day it was first written (JST). */
async function examDateOf(clinicId: string, row: ClinicalNote): Promise<string> {
  const visit = row.visitId ? await visitRepository.find(db(), clinicId, row.visitId) : null;
  return visit ? isoDate(visit.visitDate) : formatInTimeZone(row.createdAt, 'yyyy-MM-dd');
}

export async function toCheckupEntryDto(clinicId: string, row: ClinicalNote): Promise<CheckupEntryDto> {
  const names = await staffNames(clinicId, [row.entererId]);
  return {
    ...entryOf(row),
    id: row.id,
    lineageId: row.lineageId,
    version: row.version,
    examDate: await examDateOf(clinicId, row),
    enteredBy: names.get(row.entererId) ?? '（不明な職員）',
    confirmedAt: row.confirmedAt?.toISOString() ?? null,
    hashVerified: row.contentHash === noteContentHash(row),
    changeReason: row.changeReason,
  };
}

/** 確定 of the row just written as draft by its own author, in the same transaction. */
async function finalizeOwn(tx: Tx, actor: Principal, row: ClinicalNote, facts: Record<string, unknown>): Promise<ClinicalNote> {
  const data = { confirmedById: actor.userId, confirmedAt: new Date(), contentHash: noteContentHash(row) };
  await finalizeRecord(tx, actor, 'confirm', { kind: 'note', current: row, from: 'draft', data }, facts);
  return (await noteRepository.findById(tx, { clinicId: actor.clinicId, noteId: row.id }))!;
}

/**
 * Records a 健診 visit's items and 問診 (version 1, 確定 at once by the writer), or corrects the latest entry (`noteId`:
 * a new 確定 version with a reason). A first entry needs today's open visit to be a 健診 (受付の種別) and not to have one.
 */
export async function saveCheckupEntry(raw: SaveCheckupEntryInput, actor: Principal): Promise<CheckupEntryDto> {
  await requirePermission(actor, 'note.write');
  const input = parseInput(saveCheckupEntrySchema, raw);
  const patient = await patientRepository.findById(db(), { clinicId: actor.clinicId, patientId: input.patientId });
  if (!patient) throw notFound();
  const columns = entryColumns(input);
  const facts = { checkup: true, ...entryCounts(input) };
  const empty = { subjective: '', objective: '', assessment: '', plan: '', pulse: null, bodyTempC: null, spo2: null };

  if (input.noteId) {
    const current = await noteRepository.findById(db(), { clinicId: actor.clinicId, noteId: input.noteId });
    if (!current || current.patientId !== patient.id || current.kind !== 'checkup') throw notFound();
    if (!current.isLatest) throw new AppError('CONFLICT', 'この健診の入力は他の端末で更新されています。画面を更新してください。');
    if (current.status !== 'final') throw new AppError('PRECONDITION_FAILED', '取り消された健診の入力は修正できません。');
    if (!input.changeReason) throw new AppError('INVALID_INPUT', '記録済みの健診の入力を修正するには修正理由を入力してください。', { changeReason: '修正理由を入力してください。' });
    const row = await runInTransaction(async (tx) => {
      const draft = await appendRecordVersion(tx, actor, 'note', 'version', current, {
        lineageId: current.lineageId,
        version: current.version + 1,
        patientId: current.patientId,
        visitId: current.visitId,
        status: 'draft',
        kind: 'checkup',
        ...empty,
        ...columns,
        authorId: actor.userId,
        entererId: actor.userId,
        changeReason: input.changeReason ?? null,
        supersedesId: current.id,
      }, { fromStatus: current.status, ...facts });
      return finalizeOwn(tx, actor, draft, facts);
    });
    return toCheckupEntryDto(actor.clinicId, row);
  }

  const visit = await openVisitToday(patient.id, actor);
  if (!visit || visit.visitType !== 'checkup') {
    throw new AppError('PRECONDITION_FAILED', '本日の健診の受付がありません。受付で「健診」として受付してから入力してください。');
  }
  const existing = await noteRepository.findLatestCheckup(db(), { clinicId: actor.clinicId, patientId: patient.id });
  if (existing?.visitId === visit.id) throw new AppError('CONFLICT', 'この健診の入力はすでに記録されています。記録済みの入力を修正してください。');
  const row = await runInTransaction(async (tx) => {
    const draft = await createRecord(tx, actor, 'note', {
      lineageId: randomUUID(),
      version: 1,
      patientId: patient.id,
      visitId: visit.id,
      status: 'draft',
      kind: 'checkup',
      ...empty,
      ...columns,
      authorId: actor.userId,
      entererId: actor.userId,
    }, facts);
    return finalizeOwn(tx, actor, draft, facts);
  });
  return toCheckupEntryDto(actor.clinicId, row);
}

/** The 健診入力 page: today's visit (is it a 健診?) and the patient's latest entry. An audited read. */
export async function getCheckupEntryPage(raw: { patientId: string }, actor: Principal): Promise<CheckupEntryPageDto> {
  await requirePermission(actor, 'chart.read');
  const { patientId } = parseInput(checkupEntryQuerySchema, raw);
  const patient = await patientRepository.findById(db(), { clinicId: actor.clinicId, patientId });
  if (!patient) throw notFound();
  const [visit, row] = await Promise.all([openVisitToday(patientId, actor), noteRepository.findLatestCheckup(db(), { clinicId: actor.clinicId, patientId })]);
  await recordAuditEventNow({
    clinicId: actor.clinicId,
    actor,
    action: 'read',
    resourceType: 'clinical_note',
    resourceId: row?.lineageId,
    patientId,
    detail: { checkup: true, found: !!row },
    ctx: actor.ctx,
  });
  return { visit, entry: row ? await toCheckupEntryDto(actor.clinicId, row) : null };
}
