/** Bulk Data exports and their NDJSON files; every query is by clinic (and, for what an app may see, by its client id). */
import { db, type Tx } from '@/lib/core/db';
import type { Prisma } from '@/lib/generated/prisma/client';

type Client = Tx | ReturnType<typeof db>;
const key = (clinicId: string, id: string) => ({ clinicId_id: { clinicId, id } });

export const bulkExportRepository = {
  inProgressOf: (c: Client, clinicId: string, clientId: string) =>
    c.bulkExport.findFirst({ where: { clinicId, clientId, status: { in: ['queued', 'running'] } }, select: { id: true } }),
  create: (tx: Tx, data: Prisma.BulkExportUncheckedCreateInput) => tx.bulkExport.create({ data }),
  find: (c: Client, clinicId: string, id: string) => c.bulkExport.findFirst({ where: { clinicId, id } }),
  findOfClient: (c: Client, clinicId: string, clientId: string, id: string) => c.bulkExport.findFirst({ where: { clinicId, id, clientId } }),
  update: (c: Client, clinicId: string, id: string, data: Prisma.BulkExportUncheckedUpdateInput) =>
    c.bulkExport.update({ where: key(clinicId, id), data, select: { status: true } }),
  /** Updates only while the export is running (a cancel in between wins); returns how many rows changed. */
  updateIfRunning: async (c: Client, clinicId: string, id: string, data: Prisma.BulkExportUncheckedUpdateManyInput) =>
    (await c.bulkExport.updateMany({ where: { clinicId, id, status: 'running' }, data })).count,
  remove: (c: Client, clinicId: string, id: string) => c.bulkExport.deleteMany({ where: { clinicId, id } }),
  removeExpired: async (c: Client, clinicId: string, now: Date) => (await c.bulkExport.deleteMany({ where: { clinicId, expiresAt: { lte: now } } })).count,

  listFiles: (c: Client, clinicId: string, exportId: string) =>
    c.bulkExportFile.findMany({ where: { clinicId, exportId }, select: { id: true, type: true, count: true, seq: true }, orderBy: [{ type: 'asc' }, { seq: 'asc' }] }),
  addFile: (c: Client, data: Prisma.BulkExportFileUncheckedCreateInput) => c.bulkExportFile.create({ data, select: { id: true } }),
  fileOfClient: (c: Client, clinicId: string, clientId: string, id: string) =>
    c.bulkExportFile.findFirst({ where: { clinicId, id, export: { clientId } }, include: { export: { select: { status: true, expiresAt: true } } } }),
  removeFile: (c: Client, clinicId: string, id: string) => c.bulkExportFile.delete({ where: key(clinicId, id) }),
  removeFiles: (c: Client, clinicId: string, exportId: string) => c.bulkExportFile.deleteMany({ where: { clinicId, exportId } }),
};
