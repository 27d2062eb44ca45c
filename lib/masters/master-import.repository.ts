/** MasterImport rows: one per importer run, polled by the admin page for its progress bar. */
import { db, Prisma } from '@/lib/core/db';
import type { ImportError, MasterKind } from './types';

export interface MasterImportDto {
  id: string;
  kind: string;
  fileName: string;
  status: string;
  totalRows: number;
  processedRows: number;
  inserted: number;
  updated: number;
  abolished: number;
  errors: ImportError[];
  startedById: string | null;
  startedAt: Date;
  finishedAt: Date | null;
}

export async function createMasterImport(input: {
  kind: MasterKind;
  fileName: string;
  totalRows: number;
  startedById?: string | null;
}): Promise<string> {
  const row = await db().masterImport.create({
    data: { kind: input.kind, fileName: input.fileName, totalRows: input.totalRows, startedById: input.startedById ?? null },
    select: { id: true },
  });
  return row.id;
}

export async function updateMasterImportProgress(
  id: string,
  progress: { processedRows: number; totalRows?: number; inserted: number; updated: number; abolished: number },
): Promise<void> {
  await db().masterImport.update({ where: { id }, data: progress });
}

export async function finishMasterImport(
  id: string,
  result: {
    status: 'done' | 'failed';
    processedRows: number;
    totalRows: number;
    inserted: number;
    updated: number;
    abolished: number;
    errors: ImportError[];
  },
): Promise<void> {
  await db().masterImport.update({
    where: { id },
    data: { ...result, errors: result.errors as unknown as Prisma.InputJsonValue, finishedAt: new Date() },
  });
}

export async function getMasterImport(id: string): Promise<MasterImportDto | null> {
  const row = await db().masterImport.findUnique({ where: { id } });
  return row ? { ...row, errors: row.errors as unknown as ImportError[] } : null;
}

export async function listMasterImports(limit = 20): Promise<MasterImportDto[]> {
  const rows = await db().masterImport.findMany({ orderBy: { startedAt: 'desc' }, take: limit });
  return rows.map((row) => ({ ...row, errors: row.errors as unknown as ImportError[] }));
}
