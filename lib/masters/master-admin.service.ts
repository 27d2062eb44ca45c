/**
 * Master imports from the web (the operator's page, docs/decisions/0031): the upload is received as a stream into the
 * database and checked against what the sender declared, then imported by a job (0032); the page follows the run.
 */
import { AppError } from '@/lib/core/app-error';
import { errorFields, log } from '@/lib/core/logger';
import { recordAuditEventNow } from '@/lib/audit/audit';
import { requirePermission, type Principal } from '@/lib/auth/principal';
import { runInTransaction } from '@/lib/core/db';
import { enqueueJob } from '@/lib/jobs/job.repository';
import { MAX_STORED_ERRORS } from './import-master';
import { MASTER_IMPORT_MAX_ATTEMPTS, MASTER_IMPORT_QUEUE } from './master-jobs';
import { detectMasterKind } from './detect-kind';
import {
  createMasterImport,
  deleteMasterImportChunks,
  finishMasterImport,
  listMasterImportsOfClinic,
  markMasterImportReceived,
} from './master-import.repository';
import { MASTER_IMPORT_STATUS_LABELS, MASTER_UPLOAD_MAX_BYTES } from './master-import.constants';
import { receiveUploadIntoChunks } from './master-upload';
import { MASTER_KINDS, type MasterKind } from './types';

export const MASTER_KIND_LABELS: Record<MasterKind, string> = {
  'ssk-disease': '傷病名マスター（支払基金 b）',
  'ssk-modifier': '修飾語マスター（支払基金 z）',
  'ssk-drug': '医薬品マスター（支払基金 y）',
  'medis-disease': '標準病名マスター 病名（MEDIS nmain）',
  'medis-modifier': '標準病名マスター 修飾語（MEDIS mdfy）',
  'generic-name': '一般名処方マスタ（厚労省）',
  jfagy: 'J-FAGY アレルゲン',
  jlac10: 'JLAC10 臨床検査コード',
  'jami-usage': 'JAMI 標準用法コード',
};

const MB = 1024 * 1024;

export interface MasterUploadInput {
  fileName: string;
  kind: string;
  /** what the sender says it sends: bytes (X-File-Size or Content-Length) and, from the admin page, lines */
  declaredBytes: number | null;
  declaredLines: number | null;
  body: ReadableStream<Uint8Array> | null;
}

async function failUpload(importId: string, message: string, finishedAt = new Date()): Promise<void> {
  await deleteMasterImportChunks(importId);
  await finishMasterImport(importId, { status: 'failed', errors: [{ row: 0, message }], errorCount: 1 }, finishedAt);
}

/**
 * Receives one master file and queues its import. Fails loudly — an AppError for the sender, and a failed run in the
 * history — when the file is larger than allowed, arrived cut short, has another number of lines than declared, or is
 * of a kind that cannot be determined. Returns the run's id.
 */
export async function receiveMasterUpload(input: MasterUploadInput, actor: Principal): Promise<{ importId: string }> {
  await requirePermission(actor, 'master.import');
  const kind = input.kind === 'auto' ? 'auto' : (MASTER_KINDS as readonly string[]).includes(input.kind) ? (input.kind as MasterKind) : null;
  if (!kind) throw new AppError('INVALID_INPUT', 'マスターの種類が正しくありません。');
  if (!input.fileName || !input.body || input.declaredBytes === 0) throw new AppError('INVALID_INPUT', 'ファイルを選択してください。');
  if (input.declaredBytes === null) {
    throw new AppError('BAD_REQUEST', 'ファイルの大きさ（X-File-Size または Content-Length）を付けて送ってください。届いたファイルが欠けていないか確かめるために使います。');
  }
  if (input.declaredBytes > MASTER_UPLOAD_MAX_BYTES) {
    throw new AppError('PAYLOAD_TOO_LARGE', `ファイルが大きすぎます（${MASTER_UPLOAD_MAX_BYTES / MB}MBまで）。`);
  }
  const importId = await createMasterImport({ kind, fileName: input.fileName, status: 'receiving', clinicId: actor.clinicId, startedById: actor.userId });
  await recordAuditEventNow({
    clinicId: actor.clinicId,
    actor,
    action: 'import',
    resourceType: 'master',
    resourceId: importId,
    detail: { fileName: input.fileName, kind, bytes: input.declaredBytes },
    ctx: actor.ctx,
  });
  const received = await receiveUploadIntoChunks(importId, input.body, { maxBytes: MASTER_UPLOAD_MAX_BYTES }).catch(async (error: unknown) => {
    await failUpload(importId, 'ファイルを保存できませんでした。もう一度送ってください。').catch(() => undefined);
    throw error;
  });
  if (!received.ok) {
    if (received.error) log('warn', 'master upload aborted', { importId, bytes: received.bytes, ...errorFields(received.error)});
    const message =
      received.reason === 'too_large'
        ? `ファイルが大きすぎます（${MASTER_UPLOAD_MAX_BYTES / MB}MBまで）。`
        : `ファイルの受信が途中で途切れました（${input.declaredBytes}バイト中${received.bytes}バイト）。もう一度送ってください。`;
    await failUpload(importId, message);
    throw new AppError(received.reason === 'too_large' ? 'PAYLOAD_TOO_LARGE' : 'BAD_REQUEST', message);
  }
  if (received.bytes !== input.declaredBytes) {
    const message = `ファイルが途中で切れています（${input.declaredBytes}バイト中${received.bytes}バイト受信）。取り込みませんでした。もう一度送ってください。`;
    await failUpload(importId, message);
    throw new AppError('BAD_REQUEST', message);
  }
  if (input.declaredLines !== null && received.lines !== input.declaredLines) {
    const message = `届いたファイルの行数（${received.lines}行）が送信元の行数（${input.declaredLines}行）と違います。取り込みませんでした。もう一度送ってください。`;
    await failUpload(importId, message);
    throw new AppError('BAD_REQUEST', message);
  }
  const detected = kind === 'auto' ? detectMasterKind(input.fileName, received.head) : kind;
  if (!detected) {
    const message = `マスターの種類を判定できません（${input.fileName}）。公式ファイルの名前のまま送るか、「種類」を選んでください。`;
    await failUpload(importId, message);
    throw new AppError('INVALID_INPUT', message);
  }
  // the run and its job commit together: a received file is never left without someone to import it
  await runInTransaction(async (tx) => {
    await markMasterImportReceived(importId, { kind: detected, bytes: received.bytes, lines: received.lines, sha256: received.sha256 }, tx);
    await enqueueJob(tx, { clinicId: actor.clinicId, queue: MASTER_IMPORT_QUEUE, key: importId, payload: { importId }, maxAttempts: MASTER_IMPORT_MAX_ATTEMPTS });
  });
  return { importId };
}

/** The runs of the actor's own tenant, newest first, with their row errors (at most MAX_STORED_ERRORS each). */
export async function listRecentMasterImports(actor: Principal) {
  await requirePermission(actor, 'master.import');
  return (await listMasterImportsOfClinic(actor.clinicId, 20)).map((r) => ({
    id: r.id,
    kind: r.kind,
    kindLabel: MASTER_KIND_LABELS[r.kind as MasterKind] ?? '（判定前）',
    fileName: r.fileName,
    status: r.status,
    statusLabel: MASTER_IMPORT_STATUS_LABELS[r.status],
    totalRows: r.totalRows,
    processedRows: r.processedRows,
    inserted: r.inserted,
    updated: r.updated,
    abolished: r.abolished,
    errors: r.errors.slice(0, MAX_STORED_ERRORS),
    errorCount: r.errorCount,
    fileBytes: r.fileBytes,
    fileSha256: r.fileSha256,
    startedAt: r.startedAt.toISOString(),
    finishedAt: r.finishedAt?.toISOString() ?? null,
  }));
}
export type MasterImportRowDto = Awaited<ReturnType<typeof listRecentMasterImports>>[number];
