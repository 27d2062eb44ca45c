/**
 * 添付資料 of a 診療情報提供書 (docs/decisions/0085): the upload (a PDF or image, base64 through a server action), what a
 * letter version stores of each file (name, type, size, SHA-256: the 確定 hash covers them) and of each attached 確定
 * 退院時サマリー / 健康診断結果報告書 (the version, never a later one), and the check of the bytes. Isomorphic.
 */
import { z } from '@/lib/core/zod';
import { ATTACHMENT_CONTENT_TYPES, ATTACHMENT_MAX_BYTES, ATTACHMENT_MAX_FILES, ATTACHMENT_TYPE_LABELS, ATTACHABLE_DOCUMENT_KINDS, type AttachmentContentType } from './document.constants';

const MB = 1024 * 1024;
const maxLabel = `${ATTACHMENT_MAX_BYTES / MB}MB`;

export const uploadAttachmentSchema = z
  .object({
    patientId: z.string().uuid('IDの形式が正しくありません。'),
    fileName: z.string().trim().min(1, 'ファイル名がありません。').max(200, 'ファイル名は200文字以内にしてください。'),
    contentType: z.enum(ATTACHMENT_CONTENT_TYPES, { error: '添付できるのはPDF・PNG・JPEGのファイルです。' }),
    /** the file's bytes, base64 */
    dataBase64: z
      .string()
      .min(1, 'ファイルが空です。')
      .max(Math.ceil(ATTACHMENT_MAX_BYTES / 3) * 4 + 4, `添付ファイルは1件${maxLabel}までです。`)
      .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'ファイルの内容を読み取れませんでした。'),
  })
  .strict();
export type UploadAttachmentInput = z.input<typeof uploadAttachmentSchema>;

/** What a letter version stores of an uploaded file. */
export const attachmentItem = z.object({ id: z.string(), fileName: z.string(), contentType: z.enum(ATTACHMENT_CONTENT_TYPES), size: z.number().int(), sha256: z.string() });
export type AttachmentItem = z.output<typeof attachmentItem>;

/** What a letter version stores of an attached 確定 document: that version (its hash at 確定), never a later one. */
export const attachedDocumentItem = z.object({
  id: z.string(),
  lineageId: z.string(),
  version: z.number().int(),
  kind: z.enum(ATTACHABLE_DOCUMENT_KINDS),
  title: z.string(),
  confirmedAt: z.string(),
  contentHash: z.string(),
});
export type AttachedDocumentItem = z.output<typeof attachedDocumentItem>;

export const attachmentIdsSchema = z.array(z.string().uuid('IDの形式が正しくありません。')).max(ATTACHMENT_MAX_FILES, `添付ファイルは${ATTACHMENT_MAX_FILES}件までです。`).default([]);
export const attachedDocumentIdsSchema = z.array(z.string().uuid('IDの形式が正しくありません。')).max(ATTACHMENT_MAX_FILES, `添付する文書は${ATTACHMENT_MAX_FILES}件までです。`).default([]);

const MAGIC: Record<AttachmentContentType, number[]> = {
  'application/pdf': [0x25, 0x50, 0x44, 0x46, 0x2d], // %PDF-
  'image/png': [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
  'image/jpeg': [0xff, 0xd8, 0xff],
};

/** The bytes are what their type says and within the limit: null, or the problem in Japanese. */
export function attachmentProblem(bytes: Uint8Array, contentType: AttachmentContentType): string | null {
  if (bytes.length === 0) return 'ファイルが空です。';
  if (bytes.length > ATTACHMENT_MAX_BYTES) return `添付ファイルは1件${maxLabel}までです。`;
  const magic = MAGIC[contentType];
  if (!magic.every((b, i) => bytes[i] === b)) return `ファイルの内容が${ATTACHMENT_TYPE_LABELS[contentType]}ではありません。`;
  return null;
}

/** The content type of a file name's extension (the browser's type is not trusted alone). */
export function attachmentTypeOf(fileName: string): AttachmentContentType | null {
  const ext = fileName.toLowerCase().split('.').pop();
  return ext === 'pdf' ? 'application/pdf' : ext === 'png' ? 'image/png' : ext === 'jpg' || ext === 'jpeg' ? 'image/jpeg' : null;
}

export const formatBytes = (n: number) => (n >= MB ? `${(n / MB).toFixed(1)}MB` : `${Math.max(1, Math.round(n / 1024))}KB`);

/** One uploaded file of a patient (viewing it from the letter). */
export const attachmentFileSchema = z.object({ patientId: z.string().uuid('IDの形式が正しくありません。'), attachmentId: z.string().uuid('添付資料の指定が正しくありません。') }).strict();
