import { db, type Tx } from '@/lib/core/db';

type Client = Tx | ReturnType<typeof db>;
type Scope = { clinicId: string; patientId: string };

const META = { id: true, fileName: true, contentType: true, size: true, sha256: true, createdAt: true } as const;

/** 添付資料 (DocumentAttachment): insert-only (a trigger refuses UPDATE and DELETE); reads always by clinic and patient. */
export const documentAttachmentRepository = {
  create: (tx: Tx, data: { clinicId: string; patientId: string; fileName: string; contentType: string; size: number; sha256: string; data: Uint8Array<ArrayBuffer>; uploadedById: string }) =>
    tx.documentAttachment.create({ data, select: META }),

  /** The files' details without their bytes. */
  findMeta: (c: Client, scope: Scope & { ids: string[] }) =>
    c.documentAttachment.findMany({ where: { clinicId: scope.clinicId, patientId: scope.patientId, id: { in: scope.ids } }, select: META }),

  /** The files with their bytes (the FHIR document, the download). */
  findWithData: (c: Client, scope: Scope & { ids: string[] }) =>
    c.documentAttachment.findMany({ where: { clinicId: scope.clinicId, patientId: scope.patientId, id: { in: scope.ids } }, select: { ...META, data: true } }),
};
