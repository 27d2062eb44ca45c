/** Inputs for アレルギー (薬剤アレルギー等 / その他アレルギー等). Shared by forms, actions and tests. */
import { z } from '@/lib/core/zod';
import { isValidIsoDate, todayJst } from '@/lib/core/dates';
import { ALLERGY_CATEGORIES, CATEGORY_LABELS, ALLERGY_SEVERITIES, SEVERITY_LABELS, ALLERGY_CLINICAL_STATUSES, CLINICAL_STATUS_LABELS, ALLERGY_VERIFICATIONS, VERIFICATION_LABELS, type AllergyCategory, type AllergySeverity, type AllergyClinicalStatus, type AllergyVerification } from './allergy.constants';
export * from './allergy.constants';

const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

const optionalText = (max: number, label: string) =>
  z.preprocess(emptyToUndefined, z.string().trim().max(max, `${label}は${max}文字以内で入力してください。`).optional());

const reason = (label: string) =>
  z.string({ error: `${label}を入力してください。` }).trim().min(1, `${label}を入力してください。`).max(200, `${label}は200文字以内で入力してください。`);

const allergyContent = z
  .object({
    category: z.enum(ALLERGY_CATEGORIES, { error: '分類を選択してください。' }),
    /** 医薬品マスターの9桁コード (薬剤). The server looks up the YJ code and name. */
    drugCode: z.preprocess(emptyToUndefined, z.string().regex(/^\d{9}$/, '医薬品コードは9桁の数字です。').optional()),
    /** 薬効分類 (4 digits, lib/records/allergies/drug-classes.ts): an allergy to a whole class, e.g. 6131 ペニシリン系. */
    drugClassCode: z.preprocess(emptyToUndefined, z.string().regex(/^\d{4}$/, '薬効分類は4桁の数字です。').optional()),
    /** J-FAGY code (食物・非食物・薬剤). */
    allergenCode: z.preprocess(emptyToUndefined, z.string().regex(/^[A-Z0-9]{12}$/, 'J-FAGYコードは12桁の英数字です。').optional()),
    /** 物質名: shown everywhere; defaults to the master name when a code is chosen. Required for free text. */
    substanceName: optionalText(100, '原因物質名'),
    reaction: optionalText(200, '症状'),
    severity: z.preprocess(emptyToUndefined, z.enum(ALLERGY_SEVERITIES, { error: '重症度を選択してください。' }).optional()),
    onsetDate: z.preprocess(
      emptyToUndefined,
      z.string().refine(isValidIsoDate, '発症日は正しい日付で入力してください。').refine((v) => v <= todayJst(), '発症日に未来の日付は入力できません。').optional(),
    ),
    /** 終了日: when the allergy stopped applying (解消 / 非活動) */
    endDate: z.preprocess(
      emptyToUndefined,
      z.string().refine(isValidIsoDate, '終了日は正しい日付で入力してください。').refine((v) => v <= todayJst(), '終了日に未来の日付は入力できません。').optional(),
    ),
    clinicalStatus: z.enum(ALLERGY_CLINICAL_STATUSES, { error: '状態を選択してください。' }).default('active'),
    verification: z.enum(ALLERGY_VERIFICATIONS, { error: '確からしさを選択してください。' }).default('confirmed'),
    note: optionalText(500, 'メモ'),
  })
  .strict();

type Content = z.infer<typeof allergyContent>;

function checkContent(v: Content & { keepCoding?: boolean }, ctx: z.RefinementCtx) {
  if (!v.drugCode && !v.allergenCode && !v.drugClassCode && !v.substanceName && !v.keepCoding) {
    ctx.addIssue({ code: 'custom', path: ['substanceName'], message: '原因物質をマスターから選択するか、自由入力してください。' });
  }
  if (v.endDate && v.onsetDate && v.endDate < v.onsetDate) {
    ctx.addIssue({ code: 'custom', path: ['endDate'], message: '終了日は発症日以降の日付を入力してください。' });
  }
  if ([v.drugCode, v.allergenCode, v.drugClassCode].filter(Boolean).length > 1) {
    ctx.addIssue({ code: 'custom', path: ['drugCode'], message: '医薬品・薬効分類・J-FAGYのどれか一つを選択してください。' });
  }
  if (v.drugClassCode && v.category !== 'medication') {
    ctx.addIssue({ code: 'custom', path: ['category'], message: '薬効分類を選んだ場合は分類を「薬剤」にしてください。' });
  }
  if (v.drugCode && v.category !== 'medication') {
    ctx.addIssue({ code: 'custom', path: ['category'], message: '医薬品を選んだ場合は分類を「薬剤」にしてください。' });
  }
}

export const recordAllergySchema = allergyContent
  .extend({ patientId: z.string().uuid('患者IDが正しくありません。') })
  .strict()
  .superRefine(checkContent);
export type RecordAllergyInput = z.input<typeof recordAllergySchema>;
export type RecordAllergyData = z.output<typeof recordAllergySchema>;

/** An edit: version n+1. keepCoding keeps the previous version's code (the form cannot resend a YJ-coded drug's 9-digit code). */
export const reviseAllergySchema = allergyContent
  .extend({
    allergyId: z.string().uuid('アレルギーIDが正しくありません。'),
    keepCoding: z.boolean().default(false),
    changeReason: reason('修正理由'),
  })
  .strict()
  .superRefine(checkContent);
export type ReviseAllergyInput = z.input<typeof reviseAllergySchema>;

export const retractAllergySchema = z
  .object({ allergyId: z.string().uuid('アレルギーIDが正しくありません。'), reason: reason('取消理由') })
  .strict();
export type RetractAllergyInput = z.input<typeof retractAllergySchema>;

export const searchAllergyMasterSchema = z
  .object({
    q: z.string().trim().max(50, '検索語は50文字以内で入力してください。'),
    /** J-FAGY search only: restrict to food / non-food / medication codes */
    kind: z.enum(['food', 'nonfood', 'medication']).optional(),
    limit: z.number().int().min(1).max(50).default(20),
  })
  .strict();
export type SearchAllergyMasterInput = z.input<typeof searchAllergyMasterSchema>;
