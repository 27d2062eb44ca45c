'use server';

import { defineAction } from '@/lib/actions/define-action';
import { cancelDocumentSchema, documentIdSchema, saveInstitutionSchema, saveReferralSchema, searchInstitutionsSchema } from './referral.schema';
import { cancelDocument, confirmDocument, saveReferral } from './document.service';
import { saveInstitution, searchInstitutions } from './referral-institution.service';
import { sendDocument } from './document-send.service';
import { saveDischargeSummarySchema } from './discharge-summary.schema';
import { saveDischargeSummary } from './discharge-summary.service';
import { saveCheckupReportSchema } from './checkup-report.schema';
import { saveCheckupReport } from './checkup-report.service';
import { uploadAttachmentSchema } from './document-attachment.schema';
import { uploadDocumentAttachment } from './document-attachment.service';

/** 診療情報提供書: save (draft, or a new version of a 確定 letter with its reason), 確定, 取消. */
export const saveReferralAction = defineAction(saveReferralSchema, (input, actor) => saveReferral(input, actor));

export const confirmDocumentAction = defineAction(documentIdSchema, (input, actor) => confirmDocument(input, actor));

export const cancelDocumentAction = defineAction(cancelDocumentSchema, (input, actor) => cancelDocument(input, actor));

/** 紹介先医療機関: search as you type, create or edit an entry. */
export const searchInstitutionsAction = defineAction(searchInstitutionsSchema, (input, actor) => searchInstitutions(input, actor));

export const saveInstitutionAction = defineAction(saveInstitutionSchema, (input, actor) => saveInstitution(input, actor));

/** 送信: the 確定 letter to the 電子カルテ情報共有サービス (through the sharing outbox and its delivery). */
export const sendDocumentAction = defineAction(documentIdSchema, (input, actor) => sendDocument(input, actor));

/** 退院時サマリー: save (draft, or a new version of a 確定 one with its reason); 確定 and 取消 are the shared actions above. */
export const saveDischargeSummaryAction = defineAction(saveDischargeSummarySchema, (input, actor) => saveDischargeSummary(input, actor));

/** 健康診断結果報告書: save (draft, or a new version of a 確定 one with its reason). */
export const saveCheckupReportAction = defineAction(saveCheckupReportSchema, (input, actor) => saveCheckupReport(input, actor));

/** 添付資料: upload a PDF or image for the patient's letter (base64; checked and stored, then listed by the save). */
export const uploadDocumentAttachmentAction = defineAction(uploadAttachmentSchema, (input, actor) => uploadDocumentAttachment(input, actor));
