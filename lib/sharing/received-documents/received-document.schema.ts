/** Inputs of the inbox (受信した紹介状): link a letter to a patient, import one of its entries after review. */
import { z } from '@/lib/core/zod';
import { diagnosisNamed, reviewedAllergyFields, reviewedDiagnosisFields } from '../shared-records/shared-records.schema';

const receivedId = z.string().uuid('受信文書の指定が正しくありません。');
const entryRef = { receivedId, index: z.number({ error: '取り込む項目の指定が正しくありません。' }).int().min(0).max(10_000) };

export const receivedIdSchema = z.object({ receivedId }).strict();
export const fetchInboxSchema = z.object({}).strict();
export const linkReceivedSchema = z.object({ receivedId, patientId: z.string().uuid('患者を選択してください。') }).strict();
export const importReceivedDiagnosisSchema = z.object({ ...entryRef, ...reviewedDiagnosisFields }).strict().superRefine(diagnosisNamed);
export const importReceivedAllergySchema = z.object({ ...entryRef, ...reviewedAllergyFields }).strict();

export type LinkReceivedInput = z.input<typeof linkReceivedSchema>;
export type ImportReceivedDiagnosisInput = z.input<typeof importReceivedDiagnosisSchema>;
export type ImportReceivedAllergyInput = z.input<typeof importReceivedAllergySchema>;

/** One 添付資料 of a received letter (the index of its DocumentReference entry in the letter). */
export const receivedAttachmentSchema = z.object({ receivedId, index: z.coerce.number({ error: '添付資料の指定が正しくありません。' }).int().min(0).max(10_000) }).strict();
export type ReceivedAttachmentInput = z.input<typeof receivedAttachmentSchema>;
