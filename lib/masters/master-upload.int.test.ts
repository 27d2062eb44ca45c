/**
 * Master uploads (issue 9 items 18, 19): received as a stream and checked against what the sender declared, a run with
 * failed rows is not 完了, only the operator role imports, and each tenant sees only its own runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db, disconnectDb } from '@/lib/core/db';
import { AppError } from '@/lib/core/app-error';
import type { Actor } from '@/lib/auth/actor';
import { actorFor, clinicWithStaff, createStaffUser } from '@/tests/helpers/factories';
import { listRecentMasterImports, receiveMasterUpload } from './master-admin.service';
import { countMasterImportChunks, getMasterImport } from './master-import.repository';
import { CHUNK_BYTES } from './master-upload';
import { drainJobs } from '@/lib/jobs/job-worker';
import { claimJobs, findJobByKey } from '@/lib/jobs/job.repository';
import { MASTER_IMPORT_QUEUE, masterJobQueues } from './master-jobs';
import { searchLabCodes } from './master-search.repository';

afterAll(() => disconnectDb());

const HEADER = 'code17,analyte5,identification4,specimen3,method3,result2,display\n';
/** Codes starting with 'ZZ' exist in no JLAC10 release: the generated rows cannot be mistaken for real ones. */
function jlacRow(n: number, tag: string): string {
  const code = `ZZ${tag}${String(n).padStart(15 - tag.length, '0')}`;
  return `${code},${code.slice(0, 5)},0000,023,000,00,生成試験項目${tag}${n}_血清_生成法_定量\n`;
}

function streamOf(text: string | Uint8Array, piece = 64 * 1024): ReadableStream<Uint8Array> {
  const bytes = typeof text === 'string' ? new TextEncoder().encode(text) : text;
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.subarray(at, at + piece));
      at += piece;
    },
  });
}

function upload(text: string, overrides: Partial<{ fileName: string; kind: string; declaredBytes: number | null; declaredLines: number | null }> = {}) {
  const bytes = new TextEncoder().encode(text);
  return {
    fileName: 'jlac10_generated.csv',
    kind: 'auto',
    declaredBytes: bytes.length,
    declaredLines: text.split('\n').length - (text.endsWith('\n') ? 1 : 0),
    body: streamOf(bytes),
    ...overrides,
  };
}

/** Runs the import jobs (as the worker would) and returns the run once it has ended. */
async function finished(importId: string) {
  await drainJobs({ queues: masterJobQueues });
  for (let i = 0; i < 600; i++) {
    const run = await getMasterImport(importId);
    if (run && !['receiving', 'queued', 'running'].includes(run.status)) return run;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('import did not finish');
}

async function appError(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

let operatorA: Actor;
let operatorB: Actor;
let adminA: Actor;
beforeAll(async () => {
  const a = await clinicWithStaff();
  const b = await clinicWithStaff();
  adminA = a.admin;
  operatorA = actorFor(await createStaffUser(a.clinic.id, 'operator'));
  operatorB = actorFor(await createStaffUser(b.clinic.id, 'operator'));
});

describe('receiving an upload', () => {
  it('streams a file larger than several chunks, records what arrived, imports every row and drops the chunks', async () => {
    const tag = String(Date.now() % 1000);
    const rows = 30_000; // ≈ 2.9 MB: three 1 MiB chunks
    const text = HEADER + Array.from({ length: rows }, (_, i) => jlacRow(i, tag)).join('');
    expect(Buffer.byteLength(text)).toBeGreaterThan(2 * CHUNK_BYTES);
    const { importId } = await receiveMasterUpload(upload(text), operatorA);
    const run = await finished(importId);
    expect(run).toMatchObject({ kind: 'jlac10', status: 'done', processedRows: rows, totalRows: rows, errorCount: 0, fileLines: rows + 1, clinicId: operatorA.clinicId });
    expect(run.fileBytes).toBe(Buffer.byteLength(text));
    expect(run.fileSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(await countMasterImportChunks(importId)).toBe(0);
    expect((await searchLabCodes(`生成試験項目${tag}${rows - 1}`, 5)).map((r) => r.code)).toContain(`ZZ${tag}${String(rows - 1).padStart(15 - tag.length, '0')}`);
   }, 180_000); // on the Citus cluster every master row is written to three nodes

  it('fails loudly when fewer bytes arrive than were declared, and imports nothing', async () => {
    const text = HEADER + jlacRow(1, 'T');
    const error = await appError(receiveMasterUpload(upload(text, { declaredBytes: Buffer.byteLength(text) + 500 }), operatorA));
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.message).toContain('ファイルが途中で切れています');
    const [run] = await listRecentMasterImports(operatorA);
    expect(run).toMatchObject({ status: 'failed', errorCount: 1 });
    expect(run!.errors[0]!.message).toContain('途中で切れています');
    expect(await countMasterImportChunks(run!.id)).toBe(0);
  });

  it('fails when the line count differs from the sender’s', async () => {
    const text = HEADER + jlacRow(1, 'L') + jlacRow(2, 'L');
    const error = await appError(receiveMasterUpload(upload(text, { declaredLines: 7 }), operatorA));
    expect(error.message).toContain('行数（3行）が送信元の行数（7行）と違います');
  });

  it('refuses a file of unknown kind with a message for the page, and the run shows it', async () => {
    const error = await appError(receiveMasterUpload(upload('a,b,c\n1,2,3\n', { fileName: 'notes.csv' }), operatorA));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toContain('マスターの種類を判定できません（notes.csv）');
    const [run] = await listRecentMasterImports(operatorA);
    expect(run).toMatchObject({ fileName: 'notes.csv', status: 'failed' });
  });

  it('a run with failed rows ends as partial (一部エラー), listing which rows and why', async () => {
    const text = HEADER + jlacRow(1, 'P') + 'BAD,x,x,x,x,x,壊れた行\n' + jlacRow(2, 'P') + `ZZP000000000000009,,,,,,\n`;
    const { importId } = await receiveMasterUpload(upload(text), operatorA);
    const run = await finished(importId);
    expect(run).toMatchObject({ status: 'partial', processedRows: 4, errorCount: 2 });
    expect(run.errors.map((e) => e.row)).toEqual([3, 5]);
    expect(run.errors[0]!.message).toContain('17 桁ではありません');
    const listed = (await listRecentMasterImports(operatorA)).find((r) => r.id === importId)!;
    expect(listed).toMatchObject({ statusLabel: '一部エラー', errorCount: 2 });
  });
});

describe('imports run as jobs (docs/decisions/0032)', () => {
  it('a received file waits as a queued job; a worker that dies mid-run leaves it to the next, which imports it whole', async () => {
    const text = HEADER + Array.from({ length: 50 }, (_, i) => jlacRow(i, 'R')).join('');
    const { importId } = await receiveMasterUpload(upload(text), operatorA);
    expect(await getMasterImport(importId)).toMatchObject({ status: 'queued' });
    const job = await findJobByKey(operatorA.clinicId, MASTER_IMPORT_QUEUE, importId);
    expect(job).toMatchObject({ state: 'queued', payload: { importId } });
    // a worker claims it and dies (its lease of 1 ms passes with nothing done)
    const [claimed] = await claimJobs(operatorA.clinicId, [MASTER_IMPORT_QUEUE], { now: new Date(), limit: 10, leaseMs: 1 });
    expect(claimed?.id).toBe(job!.id);
    await new Promise((r) => setTimeout(r, 20));
    const run = await finished(importId);
    expect(run).toMatchObject({ status: 'done', processedRows: 50, errorCount: 0 });
    expect(await findJobByKey(operatorA.clinicId, MASTER_IMPORT_QUEUE, importId)).toMatchObject({ state: 'done', attempts: 2 });
    expect(await countMasterImportChunks(importId)).toBe(0);
  });

  it('after repeated interruptions the run fails visibly instead of staying 取込中', async () => {
    const { importId } = await receiveMasterUpload(upload(HEADER + jlacRow(1, 'K')), operatorA);
    for (let i = 0; i < 2; i++) {
      await claimJobs(operatorA.clinicId, [MASTER_IMPORT_QUEUE], { now: new Date(), limit: 10, leaseMs: 1 });
      await new Promise((r) => setTimeout(r, 20));
    }
    const run = await finished(importId);
    expect(run).toMatchObject({ status: 'failed' });
    expect(run.errors[0]!.message).toContain('取り込みが途中で止まりました');
    expect(await findJobByKey(operatorA.clinicId, MASTER_IMPORT_QUEUE, importId)).toMatchObject({ state: 'dead' });
    expect(await countMasterImportChunks(importId)).toBe(0);
  });
});

describe('who imports national masters (docs/decisions/0031)', () => {
  it('a clinic_admin cannot import or list runs, and the denial is audited', async () => {
    const before = await db().auditEvent.count({ where: { clinicId: adminA.clinicId, userId: adminA.userId, action: 'permission_denied' } });
    expect((await appError(receiveMasterUpload(upload(HEADER + jlacRow(1, 'A')), adminA))).code).toBe('FORBIDDEN');
    expect((await appError(listRecentMasterImports(adminA))).code).toBe('FORBIDDEN');
    expect(await db().auditEvent.count({ where: { clinicId: adminA.clinicId, userId: adminA.userId, action: 'permission_denied' } })).toBe(before + 2);
  });

  it('each tenant lists only the runs it started', async () => {
    const { importId } = await receiveMasterUpload(upload(HEADER + jlacRow(1, 'B')), operatorB);
    await finished(importId);
    const seenByB = await listRecentMasterImports(operatorB);
    expect(seenByB.map((r) => r.id)).toEqual([importId]);
    const seenByA = await listRecentMasterImports(operatorA);
    expect(seenByA.length).toBeGreaterThan(0);
    expect(seenByA.map((r) => r.id)).not.toContain(importId);
  });
});
