import { db, type Tx } from '@/lib/core/db';
import type { Prisma } from '@/lib/generated/prisma/client';
import type { RecordStatus } from '@/lib/records/record-version.constants';

type Client = Tx | ReturnType<typeof db>;
export type Scope = { clinicId: string };

/** Clinical documents (ClinicalDocument). The write functions are called only by lib/records/write-path.ts. */
export const documentRepository = {
  findById: (c: Client, scope: Scope & { documentId: string }) =>
    c.clinicalDocument.findUnique({ where: { clinicId_id: { clinicId: scope.clinicId, id: scope.documentId } } }),

  findLatestOfLineage: (c: Client, scope: Scope & { patientId: string; lineageId: string }) =>
    c.clinicalDocument.findFirst({ where: { clinicId: scope.clinicId, patientId: scope.patientId, lineageId: scope.lineageId, isLatest: true } }),

  create: (tx: Tx, data: Prisma.ClinicalDocumentUncheckedCreateInput) => tx.clinicalDocument.create({ data }),

  /** In-place edit of a draft (the trigger allows it); only while it is still the latest draft. */
  updateDraft: (tx: Tx, scope: Scope & { documentId: string }, data: Prisma.ClinicalDocumentUncheckedUpdateManyInput) =>
    tx.clinicalDocument.updateMany({ where: { clinicId: scope.clinicId, id: scope.documentId, status: 'draft', isLatest: true }, data }),

  /** draft → final (確定), guarded by the status the caller saw. */
  finalize: (tx: Tx, scope: Scope & { documentId: string; from: RecordStatus }, data: Prisma.ClinicalDocumentUncheckedUpdateManyInput) =>
    tx.clinicalDocument.updateMany({ where: { clinicId: scope.clinicId, id: scope.documentId, status: scope.from, isLatest: true }, data: { ...data, status: 'final' } }),

  /** The two pointer columns the trigger lets change on a final row. */
  supersede: (tx: Tx, scope: Scope & { documentId: string }) =>
    tx.clinicalDocument.updateMany({ where: { clinicId: scope.clinicId, id: scope.documentId, isLatest: true }, data: { isLatest: false, supersededAt: new Date() } }),

  /** Every 確定 document of the clinic (latest version of each, with the 患者番号), in the order they were 確定d: fhir:export. */
  listFinalForExport: (c: Client, scope: Scope) =>
    c.clinicalDocument.findMany({ where: { clinicId: scope.clinicId, isLatest: true, status: 'final' }, orderBy: [{ confirmedAt: 'asc' }, { id: 'asc' }], include: { patient: { select: { patientNumber: true } } } }),

  /** The patient's documents (latest version of each), newest first. */
  listLatestForPatient: (c: Client, scope: Scope & { patientId: string }) =>
    c.clinicalDocument.findMany({
      where: { clinicId: scope.clinicId, patientId: scope.patientId, isLatest: true },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: 100,
    }),

  /** The clinic as the letter's 紹介元 names it. */
  findClinic: (c: Client, scope: Scope) =>
    c.clinic.findUnique({ where: { id: scope.clinicId }, select: { name: true, postalCode: true, address: true, phone: true, institutionNumber: true } }),

  /** The doctor who signs the letter: name, 医籍登録番号 and department. */
  findAuthor: (c: Client, scope: Scope & { userId: string }) =>
    c.user.findUnique({
      where: { clinicId_id: { clinicId: scope.clinicId, id: scope.userId } },
      select: { id: true, displayName: true, licenseNumber: true, licenseType: true, department: { select: { code: true, name: true } } },
    }),

  listLineage: (c: Client, scope: Scope & { patientId: string; lineageId: string }) =>
    c.clinicalDocument.findMany({ where: { clinicId: scope.clinicId, patientId: scope.patientId, lineageId: scope.lineageId }, orderBy: { version: 'desc' } }),

  /** The patient's document versions by id (documents attached to a letter). */
  findManyOfPatient: (c: Client, scope: Scope & { patientId: string; ids: string[] }) =>
    c.clinicalDocument.findMany({ where: { clinicId: scope.clinicId, patientId: scope.patientId, id: { in: scope.ids } } }),
};
