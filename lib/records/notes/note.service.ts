/**
 * 診療録 (SOAP + vitals): drafts, 確定, versioned edits, 取消 (entered in error) and 代行入力 with approval.
 * A row that left draft is never rewritten (DB trigger): every later change is a new version of the lineage.
 */
import { randomUUID } from 'node:crypto';
import { AppError, notFound } from '@/lib/core/app-error';
import { db, runInTransaction } from '@/lib/core/db';
import { parseInput } from '@/lib/core/zod';
import { recordAuditEventNow } from '@/lib/audit/audit';
import { requirePermission, type Principal } from '@/lib/auth/principal';
import { can } from '@/lib/permissions/permissions';
import type { ClinicalNote } from '@/lib/generated/prisma/client';
import { patientRepository } from '@/lib/records/patients/patient.repository';
import { openVisitToday } from '@/lib/reception/visit.service';
import { staffNames } from '@/lib/staff/staff-names';
import { staffRepository } from '@/lib/staff/staff.repository';
import { appendRecordVersion, createRecord, finalizeRecord, updateDraftRecord } from '@/lib/records/write-path';
import { noteRepository } from './note.repository';
import { compareTimeline, lineageEntry } from './note-timeline';
import { formatVitalsLine, SOAP_SECTIONS } from './note-format';
import {
  vitalsOf,
  noteContentHash,
  toNoteDto,
  visitDateIso,
  type DoctorOptionDto,
  type NoteCursor,
  type NoteDto,
  type NotesPageDto,
  type NoteWithHistoryDto,
  type PendingApprovalDto,
} from './note.dto';
import {
  createNoteSchema,
  enteredInErrorSchema,
  noteIdSchema,
  updateNoteSchema,
  type CreateNoteInput,
  type EnteredInErrorInput,
  type NoteIdInput,
  type UpdateNoteInput,
} from './note.schema';

/** Notes per page of the chart timeline (the latest encounters); 「さらに表示」 loads the next page. */
export const TIMELINE_PAGE_SIZE = 20;

const isDoctor = (actor: Principal) => can(actor.role, 'note.confirm');

const CONTENT_FIELDS = ['subjective', 'objective', 'assessment', 'plan', 'heightCm', 'weightKg', 'systolicBp', 'diastolicBp', 'pulse', 'bodyTempC', 'spo2'] as const;
type ContentField = (typeof CONTENT_FIELDS)[number];

/** The SOAP and vitals columns of a note, from validated input or from a stored version (copied into the next). */
function contentOf<T extends Record<ContentField, unknown>>(source: T): Pick<T, ContentField> {
  return Object.fromEntries(CONTENT_FIELDS.map((f) => [f, source[f]])) as Pick<T, ContentField>;
}

async function toDtos(clinicId: string, rows: ClinicalNote[]): Promise<NoteDto[]> {
  const names = await staffNames(
    clinicId,
    rows.flatMap((r) => [r.authorId, r.entererId, r.approvedById, r.confirmedById]),
  );
  const visitDates = await noteRepository.visitDates(db(), { clinicId }, [...new Set(rows.map((r) => r.visitId).filter((v): v is string => !!v))]);
  return rows.map((r) => {
    const vd = r.visitId ? visitDates.get(r.visitId) : undefined;
    return toNoteDto(r, names, vd ? visitDateIso(vd) : undefined);
  });
}

async function toDto(clinicId: string, row: ClinicalNote): Promise<NoteDto> {
  return (await toDtos(clinicId, [row]))[0]!;
}

/** The responsible doctor of a 代行入力: an active doctor of the actor's clinic. */
async function requireDoctor(clinicId: string, authorId: string | undefined) {
  if (!authorId) throw new AppError('INVALID_INPUT', '代行入力では担当医を選択してください。', { authorId: '担当医を選択してください。' });
  const doctor = await staffRepository.findActiveDoctor(db(), clinicId, authorId);
  if (!doctor) throw new AppError('INVALID_INPUT', '担当医が見つかりません。選択し直してください。', { authorId: '担当医を選択し直してください。' });
  return doctor;
}

/**
 * A nurse's vitals with no S/O/A/P text are her own measurement, not 代行入力 of the doctor's assessment: she is
 * the author and they are 確定 at once, so they never wait for approval (issue 13, docs/decisions/0052).
 */
const isVitalsOnly = (input: { subjective: string; objective: string; assessment: string; plan: string }) =>
  [input.subjective, input.objective, input.assessment, input.plan].every((t) => t.trim() === '');

/** The audit fact of a nurse's own record: a 予診, or vitals alone. */
const ownRecordFact = (kind: string) => (kind === 'intake' ? { intake: true } : { vitalsOnly: true });

/** 確定 of a row just written as draft by its own author, in the same transaction (hash over the stored row). */
async function finalizeOwnDraft(tx: Parameters<typeof finalizeRecord>[0], actor: Principal, row: ClinicalNote): Promise<ClinicalNote> {
  const data = { confirmedById: actor.userId, confirmedAt: new Date(), contentHash: noteContentHash(row) };
  await finalizeRecord(tx, actor, 'confirm', { kind: 'note', current: row, from: 'draft', data }, ownRecordFact(row.kind));
  return (await noteRepository.findById(tx, { clinicId: actor.clinicId, noteId: row.id }))!;
}

/** Loads a note of the actor's clinic that is still the latest of its lineage. */
async function loadLatest(clinicId: string, noteId: string): Promise<ClinicalNote> {
  const note = await noteRepository.findById(db(), { clinicId, noteId });
  if (!note) throw notFound();
  if (!note.isLatest) throw new AppError('CONFLICT', 'この診療録は他の端末で更新されています。画面を更新してください。');
  return note;
}

/**
 * New note for today's visit (if any). A doctor's note starts as 下書き; a nurse's is 代行入力 (承認待ち), except
 * vitals alone, which she records herself as 確定 (isVitalsOnly).
 */
export async function createNote(raw: CreateNoteInput, actor: Principal): Promise<NoteDto> {
  await requirePermission(actor, 'note.write');
  const input = parseInput(createNoteSchema, raw);
  const patient = await patientRepository.findById(db(), { clinicId: actor.clinicId, patientId: input.patientId });
  if (!patient) throw notFound();
  const intake = input.kind === 'intake';
  if (intake && isDoctor(actor)) throw new AppError('FORBIDDEN', '予診は看護師の記録です。医師は診療録のSに記載してください。');
  if (intake || (!isDoctor(actor) && isVitalsOnly(input))) {
    const visit = await openVisitToday(input.patientId, actor);
    const row = await runInTransaction(async (tx) => {
      const draft = await createRecord(tx, actor, 'note', {
        lineageId: randomUUID(),
        version: 1,
        patientId: input.patientId,
        visitId: visit?.id ?? null,
        status: 'draft',
        kind: input.kind,
        ...contentOf(input),
        authorId: actor.userId,
        entererId: actor.userId,
      }, ownRecordFact(input.kind));
      return finalizeOwnDraft(tx, actor, draft);
    });
    return toDto(actor.clinicId, row);
  }
  const proxy = !isDoctor(actor);
  const authorId = proxy ? (await requireDoctor(actor.clinicId, input.authorId)).id : actor.userId;
  const visit = await openVisitToday(input.patientId, actor);
  const row = await runInTransaction((tx) =>
    createRecord(
      tx,
      actor,
      'note',
      {
        lineageId: randomUUID(),
        version: 1,
        patientId: input.patientId,
        visitId: visit?.id ?? null,
        status: proxy ? 'pending_approval' : 'draft',
        ...contentOf(input),
        authorId,
        entererId: actor.userId,
      },
      proxy ? { proxyFor: authorId } : undefined,
    ),
  );
  return toDto(actor.clinicId, row);
}

/**
 * Edits the latest version. A draft is edited in place (by its author). Anything that left draft gets a new
 * version: a 確定 note needs a changeReason; a doctor's new version is a draft, a nurse's is 承認待ち again.
 */
export async function updateNote(raw: UpdateNoteInput, actor: Principal): Promise<NoteDto> {
  await requirePermission(actor, 'note.write');
  const input = parseInput(updateNoteSchema, raw);
  const current = await loadLatest(actor.clinicId, input.noteId);
  const doctor = isDoctor(actor);
  if (current.status === 'entered_in_error') {
    throw new AppError('PRECONDITION_FAILED', '取り消された診療録は編集できません。新しい診療録を作成してください。');
  }
  if (current.kind === 'intake') return updateIntake(current, input, actor);
  if (current.kind === 'checkup') throw new AppError('PRECONDITION_FAILED', '健診の入力は健診入力の画面で修正してください。');

  if (current.status === 'draft') {
    if (current.authorId !== actor.userId) throw new AppError('FORBIDDEN', '他の医師の下書きは編集できません。');
    const row = await runInTransaction(async (tx) => {
      await updateDraftRecord(tx, actor, { kind: 'note', current, data: contentOf(input) });
      return (await noteRepository.findById(tx, { clinicId: actor.clinicId, noteId: current.id }))!;
    });
    return toDto(actor.clinicId, row);
  }

  let status: 'draft' | 'pending_approval';
  let authorId: string;
  if (current.status === 'pending_approval') {
    if (doctor) {
      // the named doctor reviews and corrects before approving
      if (current.authorId !== actor.userId) throw new AppError('FORBIDDEN', '承認者として指定された医師のみ修正できます。');
      authorId = current.authorId;
    } else {
      if (current.entererId !== actor.userId) throw new AppError('FORBIDDEN', '他の職員が代行入力した診療録は修正できません。');
      authorId = input.authorId ? (await requireDoctor(actor.clinicId, input.authorId)).id : current.authorId;
    }
    status = 'pending_approval';
  } else {
    // final
    if (!input.changeReason) {
      throw new AppError('INVALID_INPUT', '確定済みの診療録を修正するには修正理由を入力してください。', { changeReason: '修正理由を入力してください。' });
    }
    if (doctor) {
      authorId = actor.userId;
      status = 'draft';
    } else if (current.authorId === actor.userId && isVitalsOnly(input)) {
      // a nurse corrects the vitals she recorded herself: a new version, 確定 again by her
      const row = await runInTransaction(async (tx) => {
        const draft = await appendRecordVersion(tx, actor, 'note', 'version', current, {
          lineageId: current.lineageId,
          version: current.version + 1,
          patientId: current.patientId,
          visitId: current.visitId,
          status: 'draft',
          ...contentOf(input),
          authorId: actor.userId,
          entererId: actor.userId,
          changeReason: input.changeReason ?? null,
          supersedesId: current.id,
        }, { fromStatus: current.status, vitalsOnly: true });
        return finalizeOwnDraft(tx, actor, draft);
      });
      return toDto(actor.clinicId, row);
    } else {
      authorId = (await requireDoctor(actor.clinicId, input.authorId ?? current.authorId)).id;
      status = 'pending_approval';
    }
  }

  const row = await runInTransaction((tx) =>
    appendRecordVersion(
      tx,
      actor,
      'note',
      'version',
      current,
      {
        lineageId: current.lineageId,
        version: current.version + 1,
        patientId: current.patientId,
        visitId: current.visitId,
        status,
        ...contentOf(input),
        authorId,
        entererId: actor.userId,
        changeReason: input.changeReason ?? null,
        supersedesId: current.id,
      },
      { fromStatus: current.status, ...(status === 'pending_approval' ? { proxyFor: authorId } : {}) },
    ),
  );
  return toDto(actor.clinicId, row);
}

/**
 * A correction of a 予診 by the nurse who recorded it: a new 確定 version with a reason, still a 予診 (O/A/P stay empty).
 * Nobody else changes her record; a doctor writes what he finds in his own note (0064).
 */
async function updateIntake(current: ClinicalNote, input: ReturnType<typeof updateNoteSchema.parse>, actor: Principal): Promise<NoteDto> {
  if (isDoctor(actor) || current.authorId !== actor.userId) throw new AppError('FORBIDDEN', '予診は記録した看護師のみ修正できます。');
  if (!input.changeReason) {
    throw new AppError('INVALID_INPUT', '確定済みの予診を修正するには修正理由を入力してください。', { changeReason: '修正理由を入力してください。' });
  }
  const extra = (['objective', 'assessment', 'plan'] as const).find((k) => input[k].trim() !== '');
  if (extra) throw new AppError('INVALID_INPUT', '予診には主訴・問診とバイタルだけを記録します。', { [extra]: 'O・A・Pは医師の診療録に記載してください。' });
  const row = await runInTransaction(async (tx) => {
    const draft = await appendRecordVersion(tx, actor, 'note', 'version', current, {
      lineageId: current.lineageId,
      version: current.version + 1,
      patientId: current.patientId,
      visitId: current.visitId,
      status: 'draft',
      kind: 'intake',
      ...contentOf(input),
      authorId: actor.userId,
      entererId: actor.userId,
      changeReason: input.changeReason ?? null,
      supersedesId: current.id,
    }, { fromStatus: current.status, intake: true });
    return finalizeOwnDraft(tx, actor, draft);
  });
  return toDto(actor.clinicId, row);
}

/** 確定 of the doctor's own draft: status final, confirmedBy/At (server time) and the content hash. */
export async function confirmNote(raw: NoteIdInput, actor: Principal): Promise<NoteDto> {
  await requirePermission(actor, 'note.confirm');
  const input = parseInput(noteIdSchema, raw);
  const current = await loadLatest(actor.clinicId, input.noteId);
  if (current.status === 'pending_approval') {
    throw new AppError('PRECONDITION_FAILED', '代行入力の診療録は、指定された医師の承認で確定されます。');
  }
  if (current.status !== 'draft') throw new AppError('PRECONDITION_FAILED', 'この診療録はすでに確定または取消されています。');
  if (current.authorId !== actor.userId) throw new AppError('FORBIDDEN', '他の医師の下書きは確定できません。');
  const row = await runInTransaction(async (tx) => {
    const data = { confirmedById: actor.userId, confirmedAt: new Date(), contentHash: noteContentHash(current) };
    await finalizeRecord(tx, actor, 'confirm', { kind: 'note', current, from: 'draft', data });
    return (await noteRepository.findById(tx, { clinicId: actor.clinicId, noteId: current.id }))!;
  });
  return toDto(actor.clinicId, row);
}

/** 代行入力の承認 by the named doctor: records the approver and 確定s in the same step (the review is the 確定). */
export async function approveNote(raw: NoteIdInput, actor: Principal): Promise<NoteDto> {
  await requirePermission(actor, 'note.approve');
  const input = parseInput(noteIdSchema, raw);
  const current = await loadLatest(actor.clinicId, input.noteId);
  if (current.status !== 'pending_approval') throw new AppError('PRECONDITION_FAILED', 'この診療録は承認待ちではありません。');
  if (current.authorId !== actor.userId) throw new AppError('FORBIDDEN', 'この診療録は承認者として指定された医師のみ承認できます。');
  const row = await runInTransaction(async (tx) => {
    const now = new Date();
    const data = { approvedById: actor.userId, approvedAt: now, confirmedById: actor.userId, confirmedAt: now, contentHash: noteContentHash(current) };
    await finalizeRecord(tx, actor, 'approve', { kind: 'note', current, from: 'pending_approval', data }, { entererId: current.entererId });
    return (await noteRepository.findById(tx, { clinicId: actor.clinicId, noteId: current.id }))!;
  });
  return toDto(actor.clinicId, row);
}

/** 取消 (entered in error): a new version with status entered_in_error and the reason. Doctors only. */
export async function markNoteEnteredInError(raw: EnteredInErrorInput, actor: Principal): Promise<NoteDto> {
  await requirePermission(actor, 'note.confirm');
  const input = parseInput(enteredInErrorSchema, raw);
  const current = await loadLatest(actor.clinicId, input.noteId);
  if (current.status === 'entered_in_error') throw new AppError('PRECONDITION_FAILED', 'この診療録はすでに取り消されています。');
  if (current.status === 'draft' && current.authorId !== actor.userId) throw new AppError('FORBIDDEN', '他の医師の下書きは取り消せません。');
  const row = await runInTransaction(async (tx) => {
    const now = new Date();
    return appendRecordVersion(tx, actor, 'note', 'cancel', current, {
      lineageId: current.lineageId,
      version: current.version + 1,
      patientId: current.patientId,
      visitId: current.visitId,
      status: 'entered_in_error',
      kind: current.kind,
      ...contentOf(current),
      // a 健診 entry keeps its items and 問診 in the 取消 version (0086)
      ...(current.checkup === null ? {} : { checkup: current.checkup }),
      authorId: current.authorId,
      entererId: actor.userId,
      confirmedById: actor.userId,
      confirmedAt: now,
      // same content, next version: the hash covers what the 取消 version says
      contentHash: noteContentHash({ ...current, version: current.version + 1 }),
      changeReason: input.reason,
      supersedesId: current.id,
    }, { fromStatus: current.status });
  });
  return toDto(actor.clinicId, row);
}

/**
 * The chart timeline, one page: the latest version of each note (newest first) with its earlier versions.
 * Without a cursor: the latest TIMELINE_PAGE_SIZE notes and the 承認待ち count; with one: the page after it
 * (「さらに表示」). One read event per page.
 */
export async function listNotesPage(patientId: string, actor: Principal, options: { cursor?: NoteCursor; limit?: number } = {}): Promise<NotesPageDto> {
  await requirePermission(actor, 'chart.read');
  const scope = { clinicId: actor.clinicId, patientId };
  const patient = await patientRepository.findById(db(), scope);
  if (!patient) throw notFound();
  const limit = Math.min(Math.max(Math.trunc(options.limit ?? TIMELINE_PAGE_SIZE), 1), 100);
  const before = options.cursor ? { createdAt: new Date(options.cursor.createdAt), id: options.cursor.id } : undefined;
  const [rows, pendingApprovalCount] = await Promise.all([
    noteRepository.listLatestForPatient(db(), scope, limit + 1, before),
    options.cursor ? Promise.resolve(null) : noteRepository.countLatestWithStatus(db(), { ...scope, status: 'pending_approval' }),
  ]);
  const latest = rows.slice(0, limit);
  const last = latest[latest.length - 1];
  const nextCursor = rows.length > limit && last ? { createdAt: last.createdAt.toISOString(), id: last.id } : null;
  const earlier = await noteRepository.listEarlierVersions(db(), scope, latest.map((n) => n.lineageId));
  const dtos = await toDtos(actor.clinicId, [...latest, ...earlier]);
  const byLineage = new Map<string, NoteDto[]>();
  for (const d of dtos) byLineage.set(d.lineageId, [...(byLineage.get(d.lineageId) ?? []), d]);
  const notes = latest.map((n) => lineageEntry(byLineage.get(n.lineageId)!)).sort(compareTimeline);
  await recordAuditEventNow({
    clinicId: actor.clinicId,
    actor,
    action: 'read',
    resourceType: 'clinical_note',
    patientId,
    detail: { count: notes.length, ...(options.cursor ? { page: 'more', before: options.cursor.createdAt } : {}) },
    ctx: actor.ctx,
  });
  return { notes, nextCursor, pendingApprovalCount };
}

/** The first page of the chart timeline (see listNotesPage). */
export async function listNotesForChart(patientId: string, actor: Principal): Promise<NoteWithHistoryDto[]> {
  return (await listNotesPage(patientId, actor)).notes;
}

/** Every version of one note, newest first (the 版歴 page). */
export async function getNoteHistory(input: { patientId: string; lineageId: string }, actor: Principal): Promise<NoteDto[]> {
  await requirePermission(actor, 'chart.read');
  const scope = { clinicId: actor.clinicId, patientId: input.patientId };
  const patient = await patientRepository.findById(db(), scope);
  if (!patient) throw notFound();
  const rows = await noteRepository.listLineage(db(), { ...scope, lineageId: input.lineageId });
  if (!rows.length) throw notFound();
  const dtos = await toDtos(actor.clinicId, rows);
  const first = dtos[dtos.length - 1]!;
  await recordAuditEventNow({
    clinicId: actor.clinicId,
    actor,
    action: 'read',
    resourceType: 'clinical_note',
    resourceId: input.lineageId,
    patientId: input.patientId,
    detail: { history: true, versions: rows.length },
    ctx: actor.ctx,
  });
  return dtos.map((d) => (d.visitId ? d : { ...d, encounterDate: first.encounterDate }));
}

/** The signed-in doctor's 代行入力 notes awaiting approval (dashboard). */
export async function listPendingApprovalsForDoctor(actor: Principal): Promise<PendingApprovalDto[]> {
  await requirePermission(actor, 'note.approve');
  const rows = await noteRepository.listPendingForDoctor(db(), { clinicId: actor.clinicId, doctorId: actor.userId });
  const names = await staffNames(actor.clinicId, rows.map((r) => r.entererId));
  if (rows.length) {
    await recordAuditEventNow({
      clinicId: actor.clinicId,
      actor,
      action: 'read',
      resourceType: 'clinical_note',
      detail: { pendingApprovals: rows.length, patientIds: [...new Set(rows.map((r) => r.patientId))] },
      ctx: actor.ctx,
    });
  }
  return rows.map((r) => ({
    noteId: r.id,
    lineageId: r.lineageId,
    version: r.version,
    patient: {
      id: r.patient.id,
      patientNumber: r.patient.patientNumber,
      name: `${r.patient.familyName} ${r.patient.givenName}`,
      kana: `${r.patient.familyNameKana} ${r.patient.givenNameKana}`,
    },
    enterer: { id: r.entererId, name: names.get(r.entererId) ?? '（不明な職員）' },
    createdAt: r.createdAt.toISOString(),
    preview: [r.subjective && `S: ${r.subjective}`, r.objective && `O: ${r.objective}`, r.assessment && `A: ${r.assessment}`, r.plan && `P: ${r.plan}`]
      .filter(Boolean)
      .join(' ／ ')
      .slice(0, 160),
    sections: SOAP_SECTIONS.filter((sec) => r[sec.key].trim() !== '').map((sec) => ({ short: sec.short, label: sec.label, text: r[sec.key] })),
    vitals: formatVitalsLine(vitalsOf(r)),
    changeReason: r.changeReason,
  }));
}

/** Doctors a nurse can choose as the responsible doctor of a 代行入力. */
export async function listDoctorsForProxy(actor: Principal): Promise<DoctorOptionDto[]> {
  await requirePermission(actor, 'note.write');
  const rows = await staffRepository.listActiveDoctors(db(), actor.clinicId);
  return rows.map((r) => ({ id: r.id, name: r.displayName }));
}
