/**
 * 診療情報提供書: what the editor sends (the sections as text, the records chosen by id) and what a version stores
 * (`referralContentSchema`: the sections plus a snapshot of the chosen records, so a 確定 letter never changes when the
 * chart does). Shared by the editor, the server actions and tests.
 */
import { z } from '@/lib/core/zod';
import { attachedDocumentIdsSchema, attachedDocumentItem, attachmentIdsSchema, attachmentItem } from './document-attachment.schema';

export const section = (label: string, max = 4000) =>
  z
    .string()
    .max(max, `${label}は${max}文字以内で入力してください。`)
    .transform((v) => v.replace(/\r\n/g, '\n').replace(/\s+$/, ''))
    .default('');

export const line = (label: string, max = 100) => z.string().trim().max(max, `${label}は${max}文字以内で入力してください。`).default('');

export const id = z.string().uuid('IDの形式が正しくありません。');

/** 紹介先: chosen from the directory (institutionId) and/or typed; the directory's details are copied in at save. */
export const referralDestinationSchema = z
  .object({
    institutionId: id.nullable().default(null),
    name: line('紹介先医療機関名', 200),
    department: line('紹介先の診療科', 60),
    doctor: line('紹介先の医師名', 60),
  })
  .strict();

/** The text sections of the letter (紹介目的 … 備考). */
export const referralSectionsSchema = {
  purpose: section('紹介目的'),
  chiefComplaint: section('主訴', 1000),
  presentIllness: section('現病歴'),
  pastHistory: section('既往歴'),
  familyHistory: section('家族歴', 2000),
  clinicalCourse: section('治療経過', 8000),
  medications: section('現在の処方', 4000),
  diagnosesNote: section('傷病名の補足', 1000),
  allergiesNote: section('アレルギーの補足', 1000),
  labsNote: section('検査結果の補足', 1000),
  remarks: section('備考', 2000),
};

export const chosen = (label: string) => z.array(id).max(100, `${label}は100件までです。`).default([]);

export const saveReferralSchema = z
  .object({
    patientId: id,
    /** the document being edited (any version of its lineage's latest); absent for a new letter */
    documentId: id.optional(),
    destination: referralDestinationSchema,
    ...referralSectionsSchema,
    /** lineage ids of the 傷病名 to list (未告知 ones are refused) */
    diagnosisIds: chosen('傷病名'),
    /** lineage ids of the アレルギー to list */
    allergyIds: chosen('アレルギー'),
    /** ids of the 検査結果 (versions) to list */
    labResultIds: chosen('検査結果'),
    /** ids of the 確定 処方 (versions) to list as 投薬指示 entries */
    prescriptionIds: chosen('処方'),
    /** 添付資料: ids of the patient's uploaded files (DocumentAttachment) */
    attachmentIds: attachmentIdsSchema,
    /** 添付資料: ids (versions) of the patient's 確定 退院時サマリー / 健康診断結果報告書 */
    attachedDocumentIds: attachedDocumentIdsSchema,
    /** required when the latest version is 確定 (the edit makes a new version) */
    changeReason: z.string().trim().max(200, '修正理由は200文字以内で入力してください。').optional(),
  })
  .strict();
export type SaveReferralInput = z.input<typeof saveReferralSchema>;

export const documentIdSchema = z.object({ documentId: id }).strict();
export type DocumentIdInput = z.input<typeof documentIdSchema>;

export const cancelDocumentSchema = z
  .object({ documentId: id, reason: z.string().trim().min(1, '取消の理由を入力してください。').max(200, '取消の理由は200文字以内で入力してください。') })
  .strict();
export type CancelDocumentInput = z.input<typeof cancelDocumentSchema>;

export const prefillReferralSchema = z.object({ patientId: id }).strict();

/** A 傷病名 as the letter lists it (snapshot at save). */
export const diagnosisItem = z.object({
  lineageId: z.string(),
  name: z.string(),
  primary: z.boolean(),
  suspected: z.boolean(),
  startDate: z.string(),
  outcome: z.string().nullable(),
});
export const allergyItem = z.object({ lineageId: z.string(), category: z.string(), name: z.string(), reaction: z.string().nullable(), severity: z.string().nullable() });
/** A 処方 as a document lists it: the version (never changes) and its drug lines as printed (snapshot at save). */
export const prescriptionItem = z.object({ id: z.string(), lineageId: z.string(), version: z.number().int(), issuedDate: z.string(), lines: z.array(z.string()) });
const labItem = z.object({ id: z.string(), name: z.string(), value: z.string(), unit: z.string().nullable(), date: z.string(), abnormal: z.string().nullable() });

/** What one version of a 診療情報提供書 stores in ClinicalDocument.content. */
export const referralContentSchema = z
  .object({
    destination: z.object({
      institutionId: z.string().nullable(),
      code: z.string().nullable(),
      name: z.string(),
      address: z.string().nullable(),
      phone: z.string().nullable(),
      department: z.string(),
      doctor: z.string(),
    }),
    ...referralSectionsSchema,
    diagnoses: z.array(diagnosisItem),
    allergies: z.array(allergyItem),
    labs: z.array(labItem),
    /** absent in versions written before 処方 were listed: none */
    prescriptions: z.array(prescriptionItem).default([]),
    /** 添付資料 (absent in versions written before attachments: none) */
    attachments: z.array(attachmentItem).default([]),
    attachedDocuments: z.array(attachedDocumentItem).default([]),
  })
  .strict();
export type ReferralContent = z.output<typeof referralContentSchema>;

/** What 確定 needs beyond a draft: whom the letter is for and why. */
export const referralCompleteSchema = z.object({
  destination: z.object({ name: z.string().min(1, '紹介先医療機関を入力してください。') }),
  purpose: z.string().min(1, '紹介目的を入力してください。'),
});

/** 紹介先医療機関 directory: search as you type, and create / edit an entry. */
export const searchInstitutionsSchema = z.object({ query: z.string().trim().max(50, '検索語は50文字以内で入力してください。').default('') }).strict();

const names = (label: string) =>
  z.array(z.string().trim().min(1, `${label}を入力してください。`).max(60, `${label}は60文字以内で入力してください。`)).max(50, `${label}は50件までです。`).default([]);

export const saveInstitutionSchema = z
  .object({
    id: id.optional(),
    code: z
      .string()
      .trim()
      .transform((v) => v.normalize('NFKC').replace(/[-\s]/g, ''))
      .pipe(z.string().regex(/^\d{10}$/, '医療機関コードは10桁の数字で入力してください。')),
    name: z.string().trim().min(1, '医療機関名を入力してください。').max(200, '医療機関名は200文字以内で入力してください。'),
    nameKana: z.string().trim().max(200, 'よみがなは200文字以内で入力してください。').optional(),
    address: z.string().trim().max(300, '住所は300文字以内で入力してください。').optional(),
    phone: z
      .string()
      .trim()
      .transform((v) => v.normalize('NFKC'))
      .pipe(z.string().regex(/^[0-9-]{0,20}$/, '電話番号は数字とハイフンで入力してください。'))
      .optional(),
    departments: names('診療科'),
    doctors: names('医師名'),
  })
  .strict();
export type SaveInstitutionInput = z.input<typeof saveInstitutionSchema>;
