/**
 * 健康診断結果報告書 (特定健診, issue 11, docs/decisions/0066): what the form sends and what a version stores — the
 * 健診実施日, the measured items (CHECKUP_ITEMS, numbers as typed), 尿糖 / 尿蛋白 (定性), メタボリックシンドローム判定,
 * 総合判定 and 医師の判断 (text).
 */
import { z } from '@/lib/core/zod';
import { isValidIsoDate } from '@/lib/core/dates';
import { CHECKUP_ITEMS, METABOLIC_JUDGMENTS, QUESTIONNAIRE_ITEMS, URINE_RESULTS, type CheckupItemKey, type QuestionnaireKey } from './document.constants';
import { id, line, section } from './referral.schema';

export const codes = <T extends Record<string, string>>(table: T, message: string) =>
  z.union([z.enum(Object.keys(table) as [keyof T & string, ...(keyof T & string)[]], { error: message }), z.literal('')]).default('');

/** One measured value: '' (not done) or a non-negative number up to the item's bound, as typed (NFKC). */
export const measured = (label: string, max: number) =>
  z
    .string()
    .trim()
    .transform((v) => v.normalize('NFKC'))
    .refine((v) => v === '' || (/^\d+(\.\d+)?$/.test(v) && Number(v) <= max), `${label}は0〜${max}の数値で入力してください。`)
    .default('');

/** One 問診 answer: a choice code of its question ('' or absent: not answered). */
const answer = (q: (typeof QUESTIONNAIRE_ITEMS)[number]) =>
  z
    .union([z.literal('').transform(() => undefined), z.enum(Object.keys(q.choices) as [string, ...string[]], { error: `問診「${q.label}」の回答を選び直してください。` })])
    .optional();

/** The 問診 (標準的な質問票) answers, keyed by QUESTIONNAIRE_ITEMS (docs/decisions/0086). */
export const questionnaireSchema = z
  .object(Object.fromEntries(QUESTIONNAIRE_ITEMS.map((q) => [q.key, answer(q)])) as Record<QuestionnaireKey, ReturnType<typeof answer>>)
  .strict();

const values = z
  .object(Object.fromEntries(CHECKUP_ITEMS.map((i) => [i.key, measured(i.label, i.max)])) as Record<CheckupItemKey, ReturnType<typeof measured>>)
  .strict();

const reportFields = {
  examDate: z
    .string()
    .trim()
    .refine((v) => v === '' || isValidIsoDate(v), '健診実施日は正しい日付で入力してください。')
    .default(''),
  values: values.prefault({}),
  urineGlucose: codes(URINE_RESULTS, '尿糖の結果を選択してください。'),
  urineProtein: codes(URINE_RESULTS, '尿蛋白の結果を選択してください。'),
  metabolic: codes(METABOLIC_JUDGMENTS, 'メタボリックシンドローム判定を選択してください。'),
  /** the 問診 answers (absent in reports written before 0086) */
  questionnaire: questionnaireSchema.optional(),
  /** 総合判定 (A 異常なし … as the clinic words it) */
  overallJudgment: line('総合判定', 100),
  /** 医師の判断 (医師の診断（判定）) */
  doctorComment: section('医師の判断', 2000),
};

export const saveCheckupReportSchema = z
  .object({
    patientId: id,
    documentId: id.optional(),
    ...reportFields,
    changeReason: z.string().trim().max(200, '修正理由は200文字以内で入力してください。').optional(),
  })
  .strict();
export type SaveCheckupReportInput = z.input<typeof saveCheckupReportSchema>;

export const checkupReportContentSchema = z.object(reportFields).strict();
export type CheckupReportContent = z.output<typeof checkupReportContentSchema>;

/** What 確定 needs: the date, at least one measured item, and the doctor's judgment. */
export const checkupReportCompleteSchema = z.object({
  examDate: z.string().min(1, '健診実施日を入力してください。'),
  values: z.record(z.string(), z.string()).refine((v) => Object.values(v).some((x) => x !== ''), '測定結果を1つ以上入力してください。'),
  doctorComment: z.string().min(1, '医師の判断を入力してください。'),
});
