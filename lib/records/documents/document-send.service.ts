/**
 * Sending a 確定 clinical document to the 電子カルテ情報共有サービス (issue 11, docs/decisions/0058). The letter becomes
 * a sharing unit of kind `document` (its lineage is the key) in the same unit / job / delivery machinery as the 6情報:
 * retries, the ledger, idempotency by identifier + content hash, and the states the clinic sees. 送信 checks exactly
 * what the delivery will send (the same builder and validator as the preview) before anything is queued. Once a
 * letter was sent, a new 確定 version resends it under the same identifier (差替) and 取消 deletes it at the service:
 * confirm and cancel call queueDocumentResend inside their transaction.
 */
import { AppError, notFound } from '@/lib/core/app-error';
import { db, runInTransaction, type Tx } from '@/lib/core/db';
import { parseInput } from '@/lib/core/zod';
import { recordAuditEvent } from '@/lib/audit/audit';
import { requirePermission, type Principal } from '@/lib/auth/principal';
import { findDocumentUnit, listDocumentUnits, markUnitChanged, type SharingUnitRow } from '@/lib/sharing/sharing-unit.repository';
import { documentToSend } from './document-fhir.service';
import { documentRepository } from './document.repository';
import { documentSendingDto, type DocumentSendingDto } from './document.dto';
import { documentIdSchema, type DocumentIdInput } from './referral.schema';

/** The delivery state of each of these lineages that was ever sent. */
export async function sendingStates(clinicId: string, lineageIds: string[], cancelled: Set<string>): Promise<Map<string, DocumentSendingDto>> {
  const units = await listDocumentUnits(clinicId, lineageIds);
  return new Map(units.map((u) => [u.labReportId, toSending(u, cancelled.has(u.labReportId))]));
}

function toSending(u: SharingUnitRow, cancelled: boolean): DocumentSendingDto {
  return documentSendingDto({ state: u.state, removed: u.removed, cancelled, reason: u.reason, sentAt: u.sentAt?.toISOString() ?? null });
}

/** 送信: queue the delivery of the letter's latest 確定 version, after checking what will go. */
export async function sendDocument(raw: DocumentIdInput, actor: Principal): Promise<DocumentSendingDto> {
  await requirePermission(actor, 'document.confirm');
  const input = parseInput(documentIdSchema, raw);
  const row = await documentRepository.findById(db(), { clinicId: actor.clinicId, documentId: input.documentId });
  if (!row) throw notFound();
  if (!row.isLatest) throw new AppError('CONFLICT', 'この文書は他の端末で更新されています。画面を更新してください。');
  if (row.status !== 'final') throw new AppError('PRECONDITION_FAILED', row.status === 'entered_in_error' ? '取り消された文書は送信できません。' : '確定した文書だけを送信できます。確定してから送信してください。');
  const unit = await findDocumentUnit(actor.clinicId, row.patientId, row.lineageId);
  const doc = await documentToSend(actor.clinicId, row.patientId, row.lineageId, unit?.identifier ?? null);
  if (doc.state !== 'final') throw new AppError('PRECONDITION_FAILED', '確定した文書だけを送信できます。');
  const errors = doc.issues.filter((i) => i.severity === 'error');
  if (errors.length) {
    throw new AppError('PRECONDITION_FAILED', `送信前の検証でエラーがあります: ${errors.slice(0, 3).map((i) => `${i.field}: ${i.message.replace(/。$/, '')}`).join(' / ')}${errors.length > 3 ? ` ほか${errors.length - 3}件` : ''}。`);
  }
  if (!doc.member) throw new AppError('PRECONDITION_FAILED', '被保険者個人識別子（保険証の記号・番号）がないため送信できません。保険情報を登録してください。');
  const now = new Date();
  await runInTransaction(async (tx) => {
    await markUnitChanged(tx, { clinicId: actor.clinicId, patientId: row.patientId, kind: 'document', labReportId: row.lineageId }, now);
    await recordAuditEvent(tx, {
      clinicId: actor.clinicId,
      actor,
      action: 'export',
      resourceType: 'clinical_document',
      resourceId: row.id,
      patientId: row.patientId,
      detail: { intent: 'send', lineageId: row.lineageId, version: row.version, identifier: doc.built.identifier },
      ctx: actor.ctx,
    });
  });
  const queued = (await findDocumentUnit(actor.clinicId, row.patientId, row.lineageId))!;
  return toSending(queued, false);
}

/**
 * Inside the transaction of a 確定 or 取消: a letter that was sent (it has a unit) is delivered again — the new
 * version replaces it (差替), a 取消 deletes it. A letter never sent queues nothing.
 */
export async function queueDocumentResend(tx: Tx, doc: { clinicId: string; patientId: string; lineageId: string }, now: Date): Promise<boolean> {
  const unit = await findDocumentUnit(doc.clinicId, doc.patientId, doc.lineageId, tx);
  if (!unit) return false;
  await markUnitChanged(tx, { clinicId: doc.clinicId, patientId: doc.patientId, kind: 'document', labReportId: doc.lineageId }, now);
  return true;
}
