/** Inputs for 傷病名: record, revise, 転帰, 取消, flags and master search. Shared by forms, actions and tests. */
import { z } from '@/lib/core/zod';
import { isValidIsoDate } from '@/lib/core/dates';
import { SUSPECTED_MODIFIER_CODE, SUSPECTED_MODIFIER_NAME, DIAGNOSIS_OUTCOMES, OUTCOME_LABELS, DIAGNOSIS_FLAGS, FLAG_LABELS, type DiagnosisOutcome, type DiagnosisFlag } from './diagnosis.constants';
export * from './diagnosis.constants';

const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

const optionalIsoDate = (label: string) =>
  z.preprocess(emptyToUndefined, z.string().refine(isValidIsoDate, `${label}は正しい日付で入力してください。`).optional());

const optionalText = (max: number, label: string) =>
  z.preprocess(emptyToUndefined, z.string().trim().max(max, `${label}は${max}文字以内で入力してください。`).optional());

const reason = (label: string) =>
  z.string({ error: `${label}を入力してください。` }).trim().min(1, `${label}を入力してください。`).max(200, `${label}は200文字以内で入力してください。`);

/** The content of one diagnosis version. Codes are looked up again on the server; names come from the master. */
const diagnosisContent = z
  .object({
    diseaseCode: z.preprocess(emptyToUndefined, z.string().regex(/^\d{7}$/, '傷病名コードは7桁の数字です。').optional()),
    /** 病名の自由入力 (マスターにない場合). Ignored when diseaseCode is given. */
    freeText: optionalText(100, '傷病名'),
    modifierCodes: z.array(z.string().regex(/^\d{4}$/, '修飾語コードは4桁の数字です。')).max(10, '修飾語は10個までです。').default([]),
    isPrimary: z.boolean().default(false),
    isSuspected: z.boolean().default(false),
    startDate: optionalIsoDate('開始日'),
    outcome: z.preprocess(emptyToUndefined, z.enum(DIAGNOSIS_OUTCOMES, { error: '転帰を選択してください。' }).optional()),
    endDate: optionalIsoDate('転帰日'),
    note: optionalText(500, 'メモ'),
  })
  .strict();

type Content = z.infer<typeof diagnosisContent>;

/** Cross-field rules shared by record and revise. */
function checkContent(v: Content, ctx: z.RefinementCtx) {
  if (!v.diseaseCode && !v.freeText) {
    ctx.addIssue({ code: 'custom', path: ['diseaseCode'], message: '傷病名をマスターから選択するか、自由入力してください。' });
  }
  if (v.outcome && !v.endDate) ctx.addIssue({ code: 'custom', path: ['endDate'], message: '転帰を入力する場合は転帰日（終了日）を入力してください。' });
  if (v.endDate && !v.outcome) ctx.addIssue({ code: 'custom', path: ['outcome'], message: '終了日を入力する場合は転帰を選択してください。' });
  if (v.endDate && v.startDate && v.endDate < v.startDate) {
    ctx.addIssue({ code: 'custom', path: ['endDate'], message: '転帰日は開始日以降の日付を入力してください。' });
  }
}

export const recordDiagnosisSchema = diagnosisContent
  .extend({ patientId: z.string().uuid('患者IDが正しくありません。') })
  .strict()
  .superRefine(checkContent);
export type RecordDiagnosisInput = z.input<typeof recordDiagnosisSchema>;
export type RecordDiagnosisData = z.output<typeof recordDiagnosisSchema>;

/** An edit: a new version of the lineage whose latest row is diagnosisId. */
export const reviseDiagnosisSchema = diagnosisContent
  .extend({ diagnosisId: z.string().uuid('傷病名IDが正しくありません。'), changeReason: reason('修正理由') })
  .strict()
  .superRefine(checkContent);
export type ReviseDiagnosisInput = z.input<typeof reviseDiagnosisSchema>;
export type ReviseDiagnosisData = z.output<typeof reviseDiagnosisSchema>;

export const recordDiagnosisOutcomeSchema = z
  .object({
    diagnosisId: z.string().uuid('傷病名IDが正しくありません。'),
    outcome: z.enum(DIAGNOSIS_OUTCOMES, { error: '転帰を選択してください。' }),
    endDate: z.string({ error: '転帰日を入力してください。' }).refine(isValidIsoDate, '転帰日は正しい日付で入力してください。'),
  })
  .strict();
export type RecordDiagnosisOutcomeInput = z.input<typeof recordDiagnosisOutcomeSchema>;

export const retractDiagnosisSchema = z
  .object({ diagnosisId: z.string().uuid('傷病名IDが正しくありません。'), reason: reason('取消理由') })
  .strict();
export type RetractDiagnosisInput = z.input<typeof retractDiagnosisSchema>;

export const setDiagnosisFlagSchema = z
  .object({
    diagnosisId: z.string().uuid('傷病名IDが正しくありません。'),
    flag: z.enum(DIAGNOSIS_FLAGS, { error: 'フラグの種類が正しくありません。' }),
    value: z.boolean(),
  })
  .strict();
export type SetDiagnosisFlagInput = z.input<typeof setDiagnosisFlagSchema>;

export const searchMasterSchema = z
  .object({
    q: z.string().trim().max(50, '検索語は50文字以内で入力してください。'),
    limit: z.number().int().min(1).max(50).default(20),
  })
  .strict();
export type SearchMasterInput = z.input<typeof searchMasterSchema>;
