/** MasterImport rows (one per importer run, polled by the admin page) and the uploaded file's chunks. */
import { db, Prisma, type Tx } from '@/lib/core/db';
import { oneOf } from '@/lib/core/text-enum';
import { MASTER_IMPORT_STATUSES, type MasterImportStatus } from './master-import.constants';
import type { ImportError, MasterKind } from './types';

export interface MasterImportDto {
  id: string;
  kind: string;
  fileName: string;
  status: MasterImportStatus;
  totalRows: number;
  processedRows: number;
  inserted: number;
  updated: number;
  abolished: number;
  errors: ImportError[];
  errorCount: number;
  fileBytes: number | null;
  fileLines: number | null;
  fileSha256: string | null;
  clinicId: string | null;
  startedById: string | null;
  startedAt: Date;
  finishedAt: Date | null;
}

type Row = Prisma.MasterImportGetPayload<object>;
function toDto(row: Row): MasterImportDto {
  return {
    ...row,
    status: oneOf(MASTER_IMPORT_STATUSES, row.status),
    errors: row.errors as unknown as ImportError[],
    fileBytes: row.fileBytes === null ? null : Number(row.fileBytes),
  };
}

export async function createMasterImport(input: {
  kind: MasterKind | 'auto';
  fileName: string;
  totalRows?: number;
  status?: MasterImportStatus;
  clinicId?: string | null;
  startedById?: string | null;
}): Promise<string> {
  const row = await db().masterImport.create({
    data: {
      kind: input.kind,
      fileName: input.fileName,
      totalRows: input.totalRows ?? 0,
      status: input.status ?? 'running',
      clinicId: input.clinicId ?? null,
      startedById: input.startedById ?? null,
    },
    select: { id: true },
  });
  return row.id;
}

/** The upload arrived whole: what was received, and the kind the file turned out to be. */
export async function markMasterImportReceived(
  id: string,
  file: { kind: MasterKind; bytes: number; lines: number; sha256: string },
  client: Tx | ReturnType<typeof db> = db(),
): Promise<void> {
  await client.masterImport.update({
    where: { id },
    data: { status: 'queued', kind: file.kind, fileBytes: BigInt(file.bytes), fileLines: file.lines, fileSha256: file.sha256 },
  });
}

export async function markMasterImportRunning(id: string, totalRows: number, kind: MasterKind): Promise<void> {
  await db().masterImport.update({
    where: { id },
    data: { status: 'running', kind, totalRows, processedRows: 0, inserted: 0, updated: 0, abolished: 0, errors: [], errorCount: 0 },
  });
}

export async function updateMasterImportProgress(
  id: string,
  progress: { processedRows: number; totalRows?: number; inserted: number; updated: number; abolished: number; errorCount?: number },
): Promise<void> {
  await db().masterImport.update({ where: { id }, data: progress });
}

export async function finishMasterImport(
  id: string,
  result: {
    status: 'done' | 'partial' | 'failed';
    processedRows?: number;
    totalRows?: number;
    inserted?: number;
    updated?: number;
    abolished?: number;
    errors: ImportError[];
    errorCount: number;
  },
  finishedAt: Date = new Date(),
): Promise<void> {
  await db().masterImport.update({
    where: { id },
    data: { ...result, errors: result.errors as unknown as Prisma.InputJsonValue, finishedAt },
  });
}

export async function getMasterImport(id: string): Promise<MasterImportDto | null> {
  const row = await db().masterImport.findUnique({ where: { id } });
  return row ? toDto(row) : null;
}

/** The runs one tenant started (each clinic sees only its own), newest first. */
export async function listMasterImportsOfClinic(clinicId: string, limit = 20): Promise<MasterImportDto[]> {
  const rows = await db().masterImport.findMany({ where: { clinicId }, orderBy: { startedAt: 'desc' }, take: limit });
  return rows.map(toDto);
}

/**
 * Stores one chunk; idempotent, and retried twice: the embedded database multiplexes its clients onto one session, and
 * under load another client's statement can replace an unnamed prepared statement between Parse and Execute (26000).
 */
export async function appendMasterImportChunk(importId: string, seq: number, data: Uint8Array): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await db().masterImportChunk.createMany({ data: [{ importId, seq, data: Buffer.from(data) }], skipDuplicates: true });
      return;
    } catch (error) {
      if (attempt >= 3) throw error;
      await new Promise((r) => setTimeout(r, 50 * attempt));
    }
  }
}

/** The stored upload, chunk by chunk in order (one row in memory at a time). */
export async function* readMasterImportChunks(importId: string): AsyncGenerator<Buffer> {
  let seq = -1;
  for (;;) {
    const row = await db().masterImportChunk.findFirst({ where: { importId, seq: { gt: seq } }, orderBy: { seq: 'asc' } });
    if (!row) return;
    seq = row.seq;
    yield Buffer.from(row.data);
  }
}

export async function countMasterImportChunks(importId: string): Promise<number> {
  return db().masterImportChunk.count({ where: { importId } });
}

export async function deleteMasterImportChunks(importId: string): Promise<void> {
  await db().masterImportChunk.deleteMany({ where: { importId } });
}
