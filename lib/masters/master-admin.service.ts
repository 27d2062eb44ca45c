/** Master imports started from the admin page: run in the background, progress read from MasterImport rows. */
import { AppError } from '@/lib/core/app-error';
import { errorFields, log } from '@/lib/core/logger';
import { recordAuditEventNow } from '@/lib/audit/audit';
import type { Actor } from '@/lib/auth/actor';
import { requirePermission } from '@/lib/auth/guards';
import { importMasterFile } from './import-master';
import { listMasterImports } from './master-import.repository';
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

const MAX_BYTES = 100 * 1024 * 1024;

export async function startMasterImport(input: { fileName: string; kind: string; buffer: Uint8Array }, actor: Actor): Promise<void> {
  await requirePermission(actor, 'master.import');
  if (!input.fileName || input.buffer.byteLength === 0) throw new AppError('INVALID_INPUT', 'ファイルを選択してください。');
  if (input.buffer.byteLength > MAX_BYTES) throw new AppError('INVALID_INPUT', 'ファイルが大きすぎます（100MBまで）。');
  const kind = input.kind === 'auto' ? 'auto' : (MASTER_KINDS as readonly string[]).includes(input.kind) ? (input.kind as MasterKind) : null;
  if (!kind) throw new AppError('INVALID_INPUT', 'マスターの種類が正しくありません。');
  await recordAuditEventNow({ clinicId: actor.clinicId, actor, action: 'import', resourceType: 'master', detail: { fileName: input.fileName, kind, bytes: input.buffer.byteLength }, ctx: actor.ctx });
  // runs after the response; the page follows it through the MasterImport row
  void importMasterFile({ kind, buffer: input.buffer, fileName: input.fileName, startedById: actor.userId }).catch((error) =>
    log('error', 'master import failed', { fileName: input.fileName, ...errorFields(error) }),
  );
}

export async function listRecentMasterImports(actor: Actor) {
  await requirePermission(actor, 'master.import');
  return (await listMasterImports(20)).map((r) => ({
    id: r.id,
    kind: r.kind,
    kindLabel: MASTER_KIND_LABELS[r.kind as MasterKind] ?? r.kind,
    fileName: r.fileName,
    status: r.status,
    totalRows: r.totalRows,
    processedRows: r.processedRows,
    inserted: r.inserted,
    updated: r.updated,
    abolished: r.abolished,
    errors: r.errors.slice(0, 20),
    errorCount: r.errors.length,
    startedAt: r.startedAt.toISOString(),
    finishedAt: r.finishedAt?.toISOString() ?? null,
  }));
}
export type MasterImportRowDto = Awaited<ReturnType<typeof listRecentMasterImports>>[number];
