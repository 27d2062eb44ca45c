/**
 * 退院時サマリー (issue 11, docs/decisions/0065): what the editor sends (the sections as text, the 入院日/退院日, the
 * 退院時転帰 code, and the diagnoses and allergies chosen by id) and what a version stores
 * (`dischargeSummaryContentSchema`: the sections plus a snapshot of the chosen records, like the 診療情報提供書).
 */
import { z } from '@/lib/core/zod';
import { isValidIsoDate } from '@/lib/core/dates';
import { DISCHARGE_OUTCOME_CODES } from './document.constants';
import { allergyItem, chosen, diagnosisItem, id, line, prescriptionItem, section } from './referral.schema';

const day = (label: string) =>
  z
    .string()
    .trim()
    .refine((v) => v === '' || isValidIsoDate(v), `${label}は正しい日付で入力してください。`)
    .default('');

/** The text sections of the summary. */
export const dischargeSectionsSchema = {
  /** 入院理由 (312) */
  reasonForAdmission: section('入院理由', 2000),
  /** 主訴 (352) */
  chiefComplaint: section('主訴', 1000),
  /** 現病歴 (362) */
  presentIllness: section('現病歴'),
  /** 既往歴 (372) */
  pastHistory: section('既往歴'),
  /** 入院中の経過 (333) */
  hospitalCourse: section('入院中の経過', 8000),
  /** 退院時処方 (444), one line a drug */
  medications: section('退院時処方'),
  /** 退院時の状態 (324 退院時詳細) */
  dischargeCondition: section('退院時の状態', 2000),
  /** 退院時方針指示 (424) */
  instructions: section('退院時の指示・方針', 2000),
  diagnosesNote: section('診断の補足', 1000),
  allergiesNote: section('アレルギーの補足', 1000),
};

const stayFields = {
  admissionDate: day('入院日'),
  dischargeDate: day('退院日'),
  /** 退院先 (自宅, 施設名 …) */
  destination: line('退院先', 200),
  /** 退院時転帰 (DISCHARGE_OUTCOMES), '' until chosen */
  outcome: z.union([z.enum(DISCHARGE_OUTCOME_CODES, { error: '退院時転帰を選択してください。' }), z.literal('')]).default(''),
  /** 担当医 as printed (the signing doctor is who 確定s) */
  attendingDoctor: line('担当医', 60),
};

const checkStay = <T extends { admissionDate: string; dischargeDate: string }>(v: T, ctx: z.RefinementCtx) => {
  if (v.admissionDate && v.dischargeDate && v.dischargeDate < v.admissionDate) {
    ctx.addIssue({ code: 'custom', path: ['dischargeDate'], message: '退院日は入院日以降の日付にしてください。' });
  }
};

/** Which version of which 入院 record a summary was written from. */
export const admissionRef = z.object({ id, lineageId: id, version: z.number().int().positive() }).strict();

export const saveDischargeSummarySchema = z
  .object({
    patientId: id,
    /** the document being edited (its lineage's latest version); absent for a new summary */
    documentId: id.optional(),
    ...stayFields,
    ...dischargeSectionsSchema,
    /** lineage ids of the 入院時診断 (未告知 ones are refused) */
    admissionDiagnosisIds: chosen('入院時診断'),
    /** lineage ids of the 退院時診断 (未告知 ones are refused) */
    dischargeDiagnosisIds: chosen('退院時診断'),
    /** lineage ids of the アレルギー to list */
    allergyIds: chosen('アレルギー'),
    /** ids of the 確定 処方 (versions) of the 退院時処方, listed as 444 entries */
    prescriptionIds: chosen('退院時処方'),
    /** the 入院 version (Admission.id) the summary is written from (docs/decisions/0087); absent: typed by hand */
    admissionId: id.optional(),
    /** required when the latest version is 確定 (the edit makes a new version) */
    changeReason: z.string().trim().max(200, '修正理由は200文字以内で入力してください。').optional(),
  })
  .strict()
  .superRefine(checkStay);
export type SaveDischargeSummaryInput = z.input<typeof saveDischargeSummarySchema>;

/** What one version of a 退院時サマリー stores in ClinicalDocument.content. */
export const dischargeSummaryContentSchema = z
  .object({
    ...stayFields,
    ...dischargeSectionsSchema,
    admissionDiagnoses: z.array(diagnosisItem),
    dischargeDiagnoses: z.array(diagnosisItem),
    allergies: z.array(allergyItem),
    /** absent in versions written before 処方 were listed: none */
    prescriptions: z.array(prescriptionItem).default([]),
    /** the 入院 version it was written from (docs/decisions/0087); absent when the stay was typed by hand */
    admission: admissionRef.optional(),
  })
  .strict();
export type DischargeSummaryContent = z.output<typeof dischargeSummaryContentSchema>;

/** What 確定 needs beyond a draft: the stay, its outcome, a 退院時診断, and the sections the profile requires. */
export const dischargeSummaryCompleteSchema = z.object({
  admissionDate: z.string().min(1, '入院日を入力してください。'),
  dischargeDate: z.string().min(1, '退院日を入力してください。'),
  outcome: z.string().min(1, '退院時転帰を選択してください。'),
  dischargeDiagnoses: z.array(z.object({ lineageId: z.string() })).min(1, '退院時診断を1つ以上選んでください。'),
  hospitalCourse: z.string().min(1, '入院中の経過を入力してください。'),
});

export const prefillDischargeSummarySchema = z.object({ patientId: id, admissionId: id.optional() }).strict();
