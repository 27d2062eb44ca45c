/**
 * 添付資料 of a 診療情報提供書 (docs/decisions/0085): a doctor uploads a PDF or image for the patient (checked: type by
 * its first bytes, size), stored under the clinic and never changed; a letter version lists the files it carries and
 * the 確定 退院時サマリー / 健康診断結果報告書 it attaches (a snapshot with their hashes, so 確定 freezes them). Uploads
 * and downloads are audited.
 */
import { createHash } from 'node:crypto';
import { AppError, notFound } from '@/lib/core/app-error';
import { db, runInTransaction } from '@/lib/core/db';
import { parseInput } from '@/lib/core/zod';
import { recordAuditEvent, recordAuditEventNow } from '@/lib/audit/audit';
import { requirePermission, type Principal } from '@/lib/auth/principal';
import { patientRepository } from '@/lib/records/patients/patient.repository';
import { documentAttachmentRepository } from './document-attachment.repository';
import { documentRepository } from './document.repository';
import { attachmentFileSchema, attachmentProblem, formatBytes, uploadAttachmentSchema, type AttachedDocumentItem, type AttachmentItem, type UploadAttachmentInput } from './document-attachment.schema';
import { ATTACHABLE_DOCUMENT_KINDS, ATTACHMENT_TYPE_LABELS, DOCUMENT_KIND_LABELS, type AttachmentContentType } from './document.constants';
import type { AttachmentDto } from './document.dto';

const RESOURCE = 'document_attachment';

export const toAttachmentDto = (a: { id: string; fileName: string; contentType: string; size: number }): AttachmentDto => ({
  id: a.id,
  fileName: a.fileName,
  contentType: a.contentType,
  size: a.size,
  typeLabel: ATTACHMENT_TYPE_LABELS[a.contentType as AttachmentContentType] ?? a.contentType,
  sizeLabel: formatBytes(a.size),
});

/** Stores one uploaded file for the patient (a doctor writing a letter); refused in Japanese when it is not what it says. */
export async function uploadDocumentAttachment(raw: UploadAttachmentInput, actor: Principal): Promise<AttachmentDto> {
  await requirePermission(actor, 'document.write');
  const input = parseInput(uploadAttachmentSchema, raw);
  const patient = await patientRepository.findById(db(), { clinicId: actor.clinicId, patientId: input.patientId });
  if (!patient) throw notFound();
  const bytes = Buffer.from(input.dataBase64, 'base64');
  const problem = attachmentProblem(bytes, input.contentType);
  if (problem) throw new AppError('INVALID_INPUT', problem, { file: problem });
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const row = await runInTransaction(async (tx) => {
    const saved = await documentAttachmentRepository.create(tx, {
      clinicId: actor.clinicId,
      patientId: patient.id,
      fileName: input.fileName,
      contentType: input.contentType,
      size: bytes.length,
      sha256,
      data: new Uint8Array(bytes),
      uploadedById: actor.userId,
    });
    await recordAuditEvent(tx, { clinicId: actor.clinicId, actor, action: 'create', resourceType: RESOURCE, resourceId: saved.id, patientId: patient.id, detail: { contentType: input.contentType, size: bytes.length, sha256 }, ctx: actor.ctx });
    return saved;
  });
  return toAttachmentDto(row);
}

/** One stored file of the patient with its bytes (viewing / downloading it from the letter); an audited read. */
export async function getDocumentAttachmentFile(raw: { patientId: string; attachmentId: string }, actor: Principal): Promise<{ fileName: string; contentType: string; data: Uint8Array }> {
  await requirePermission(actor, 'chart.read');
  const input = parseInput(attachmentFileSchema, raw);
  const [row] = await documentAttachmentRepository.findWithData(db(), { clinicId: actor.clinicId, patientId: input.patientId, ids: [input.attachmentId] });
  if (!row) throw notFound();
  await recordAuditEventNow({ clinicId: actor.clinicId, actor, action: 'read', resourceType: RESOURCE, resourceId: row.id, patientId: input.patientId, detail: { sha256: row.sha256 }, ctx: actor.ctx });
  return { fileName: row.fileName, contentType: row.contentType, data: row.data };
}

/** The chosen uploaded files as a letter version stores them, in the order chosen; another patient's or an unknown id is refused. */
export async function pickAttachments(clinicId: string, patientId: string, ids: string[]): Promise<AttachmentItem[]> {
  if (!ids.length) return [];
  const rows = await documentAttachmentRepository.findMeta(db(), { clinicId, patientId, ids });
  return ids.map((id) => {
    const r = rows.find((x) => x.id === id);
    if (!r) throw new AppError('INVALID_INPUT', '添付ファイルが見つかりません。添付し直してください。', { attachmentIds: '添付ファイルを選び直してください。' });
    return { id: r.id, fileName: r.fileName, contentType: r.contentType as AttachmentContentType, size: r.size, sha256: r.sha256 };
  });
}

/** The chosen documents (versions) as a letter stores them: only the patient's 確定 退院時サマリー / 健康診断結果報告書. */
export async function pickAttachedDocuments(clinicId: string, patientId: string, ids: string[]): Promise<AttachedDocumentItem[]> {
  if (!ids.length) return [];
  const rows = await documentRepository.findManyOfPatient(db(), { clinicId, patientId, ids });
  return ids.map((id) => {
    const r = rows.find((x) => x.id === id);
    const kind = ATTACHABLE_DOCUMENT_KINDS.find((k) => k === r?.kind);
    if (!r || !kind || r.status !== 'final' || !r.confirmedAt || !r.contentHash) {
      throw new AppError('INVALID_INPUT', '添付できるのはこの患者の確定した退院時サマリー・健康診断結果報告書です。', { attachedDocumentIds: '添付する文書を選び直してください。' });
    }
    return { id: r.id, lineageId: r.lineageId, version: r.version, kind, title: DOCUMENT_KIND_LABELS[kind], confirmedAt: r.confirmedAt.toISOString(), contentHash: r.contentHash };
  });
}
