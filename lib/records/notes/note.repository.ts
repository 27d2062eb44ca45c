import { db, type Tx } from '@/lib/core/db';
import type { Prisma } from '@/lib/generated/prisma/client';
import type { RecordStatus } from '@/lib/records/record-version.constants';

type Client = Tx | ReturnType<typeof db>;
export type Scope = { clinicId: string };

const patientName = { select: { id: true, familyName: true, givenName: true, familyNameKana: true, givenNameKana: true, patientNumber: true } } as const;

export const noteRepository = {
  findById: (c: Client, scope: Scope & { noteId: string }) =>
    c.clinicalNote.findUnique({ where: { clinicId_id: { clinicId: scope.clinicId, id: scope.noteId } } }),

  create: (tx: Tx, data: Prisma.ClinicalNoteUncheckedCreateInput) => tx.clinicalNote.create({ data }),

  /** The patient's latest 健診 entry (kind checkup, latest version, not 取消), with its visit's date and type (0086). */
  findLatestCheckup: (c: Client, scope: Scope & { patientId: string }) =>
    c.clinicalNote.findFirst({
      where: { clinicId: scope.clinicId, patientId: scope.patientId, kind: 'checkup', isLatest: true, status: 'final' },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    }),

  /** In-place edit of a draft (the trigger allows it); only while it is still the latest draft. */
  updateDraft: (tx: Tx, scope: Scope & { noteId: string }, data: Prisma.ClinicalNoteUncheckedUpdateManyInput) =>
    tx.clinicalNote.updateMany({ where: { clinicId: scope.clinicId, id: scope.noteId, status: 'draft', isLatest: true }, data }),

  /** draft → final (確定) or pending_approval → final (承認), guarded by the status the caller saw. */
  finalize: (tx: Tx, scope: Scope & { noteId: string; from: RecordStatus }, data: Prisma.ClinicalNoteUncheckedUpdateManyInput) =>
    tx.clinicalNote.updateMany({ where: { clinicId: scope.clinicId, id: scope.noteId, status: scope.from, isLatest: true }, data: { ...data, status: 'final' } }),

  /** The two pointer columns the trigger lets change on a final row. */
  supersede: (tx: Tx, scope: Scope & { noteId: string }) =>
    tx.clinicalNote.updateMany({ where: { clinicId: scope.clinicId, id: scope.noteId, isLatest: true }, data: { isLatest: false, supersededAt: new Date() } }),

  /**
   * One page of the latest versions, newest first; `before` = (createdAt, id) of the last row of the previous page.
   * Index: ClinicalNote(clinicId, patientId, isLatest, createdAt).
   */
  listLatestForPatient: (c: Client, scope: Scope & { patientId: string }, limit: number, before?: { createdAt: Date; id: string }) =>
    c.clinicalNote.findMany({
      where: {
        clinicId: scope.clinicId,
        patientId: scope.patientId,
        isLatest: true,
        ...(before ? { OR: [{ createdAt: { lt: before.createdAt } }, { createdAt: before.createdAt, id: { lt: before.id } }] } : {}),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit,
    }),

  /** How many of the patient's notes are in one status (latest versions), e.g. 承認待ち for the timeline heading. */
  countLatestWithStatus: (c: Client, scope: Scope & { patientId: string; status: RecordStatus }) =>
    c.clinicalNote.count({ where: { clinicId: scope.clinicId, patientId: scope.patientId, isLatest: true, status: scope.status } }),

  listEarlierVersions: (c: Client, scope: Scope & { patientId: string }, lineageIds: string[]) =>
    lineageIds.length
      ? c.clinicalNote.findMany({
          where: { clinicId: scope.clinicId, patientId: scope.patientId, lineageId: { in: lineageIds }, isLatest: false },
          orderBy: [{ lineageId: 'asc' }, { version: 'desc' }],
        })
      : Promise.resolve([]),

  listLineage: (c: Client, scope: Scope & { patientId: string; lineageId: string }) =>
    c.clinicalNote.findMany({
      where: { clinicId: scope.clinicId, patientId: scope.patientId, lineageId: scope.lineageId },
      orderBy: { version: 'desc' },
    }),

  /** 代行入力 notes waiting for this doctor's approval, with the patient's name. */
  listPendingForDoctor: (c: Client, scope: Scope & { doctorId: string }) =>
    c.clinicalNote.findMany({
      where: { clinicId: scope.clinicId, authorId: scope.doctorId, status: 'pending_approval', isLatest: true },
      orderBy: { createdAt: 'asc' },
      include: { patient: patientName },
      take: 200,
    }),

  /** How many 代行入力 notes wait for this doctor (the 承認待ち menu's count). */
  countPendingForDoctor: (c: Client, scope: Scope & { doctorId: string }) =>
    c.clinicalNote.count({ where: { clinicId: scope.clinicId, authorId: scope.doctorId, status: 'pending_approval', isLatest: true } }),

  visitDates: async (c: Client, scope: Scope, visitIds: string[]): Promise<Map<string, Date>> => {
    if (!visitIds.length) return new Map();
    const rows = await c.visit.findMany({ where: { clinicId: scope.clinicId, id: { in: visitIds } }, select: { id: true, visitDate: true } });
    return new Map(rows.map((r) => [r.id, r.visitDate]));
  },
};
