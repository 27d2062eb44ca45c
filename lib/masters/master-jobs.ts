/**
 * Master imports run on the job queue (lib/jobs, docs/decisions/0032): one job per received upload (key = the run's
 * id, in the tenant of the operator who sent it). The file waits in MasterImportChunk rows, so whichever worker claims
 * the job imports it, and a worker that dies mid-run leaves a job that is claimed again after its lease and imports
 * the file again from the start (upserts: idempotent). After a second interruption the run is failed visibly instead.
 */
import { log } from '@/lib/core/logger';
import { PermanentJobError } from '@/lib/jobs/job-errors';
import { extendJobLease, type JobRow } from '@/lib/jobs/job.repository';
import type { JobQueues } from '@/lib/jobs/job-worker';
import { importMasterFile } from './import-master';
import { countMasterImportChunks, deleteMasterImportChunks, finishMasterImport, getMasterImport } from './master-import.repository';
import type { MasterKind } from './types';

export const MASTER_IMPORT_QUEUE = 'masters.import';
/** claims of one import: the first run, one resumption after an interruption, then a visible failure */
export const MASTER_IMPORT_MAX_ATTEMPTS = 3;
/** how far each progress report moves the job's lease (a batch of 500 rows takes well under a second) */
const LEASE_EXTENSION_MS = 5 * 60_000;

async function failRun(importId: string, message: string): Promise<void> {
  await deleteMasterImportChunks(importId);
  await finishMasterImport(importId, { status: 'failed', errors: [{ row: 0, message }], errorCount: 1 });
}

/** The queue's handler: imports a received upload from its stored chunks, then drops them. */
export async function runMasterImportJob(job: JobRow): Promise<void> {
  const { importId } = job.payload as { importId: string };
  const run = await getMasterImport(importId);
  if (!run) throw new PermanentJobError(`取り込み ${importId} がありません。`);
  if (run.status === 'done' || run.status === 'partial' || run.status === 'failed') return;
  if (job.attempts >= MASTER_IMPORT_MAX_ATTEMPTS) {
    await failRun(importId, '取り込みが途中で止まりました（サーバーの再起動など）。もう一度取り込んでください。');
    throw new PermanentJobError('master import interrupted too often');
  }
  if ((await countMasterImportChunks(importId)) === 0) {
    await failRun(importId, '取り込むファイルが残っていません。もう一度取り込んでください。');
    throw new PermanentJobError('master import has no stored file');
  }
  if (job.attempts > 1) log('warn', 'master import resumed after an interruption', { importId, attempts: job.attempts });
  let leaseMovedAt = Date.now();
  await importMasterFile({
    uploadId: importId,
    kind: run.kind as MasterKind,
    fileName: run.fileName,
    startedById: run.startedById,
    onProgress: () => {
      if (Date.now() - leaseMovedAt < 10_000) return;
      leaseMovedAt = Date.now();
      void extendJobLease(job, new Date(leaseMovedAt + LEASE_EXTENSION_MS), new Date(leaseMovedAt));
    },
  });
  await deleteMasterImportChunks(importId);
}

export const masterJobQueues: JobQueues = { [MASTER_IMPORT_QUEUE]: runMasterImportJob };
