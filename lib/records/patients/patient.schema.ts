/** Inputs for registering and editing a patient. Shared by the form, the server actions and tests. */
import { optionalText, z } from '@/lib/core/zod';
import { isKana } from '@/lib/core/kana';
import { isValidIsoDate, todayJst } from '@/lib/core/dates';
import { charactersOutsideJisX0208 } from '@/lib/core/jis-x0208';
import { isValidInsurerNumber, isValidPayerNumber, isValidRecipientNumber } from './identity-numbers';

/** Patient.sex (TEXT + CHECK, docs/decisions/0011). */
export const SEXES = ['male', 'female', 'other', 'unknown'] as const;
export type Sex = (typeof SEXES)[number];

const isoDate = (label: string) =>
  z.string({ error: `${label}を入力してください。` }).refine(isValidIsoDate, `${label}は正しい日付で入力してください。`);


const optionalIsoDate = (label: string) =>
  z
    .string()
    .transform((v) => (v ? v : undefined))
    .refine((v) => v === undefined || isValidIsoDate(v), `${label}は正しい日付で入力してください。`)
    .optional();

const kana = (label: string) =>
  z
    .string()
    .trim()
    .min(1, `${label}を入力してください。`)
    .max(40, `${label}は40文字以内で入力してください。`)
    .refine(isKana, `${label}はカタカナまたはひらがなで入力してください。`);

const name = (label: string) =>
  z
    .string()
    .trim()
    .min(1, `${label}を入力してください。`)
    .max(40, `${label}は40文字以内で入力してください。`)
    .superRefine((v, ctx) => {
      const bad = charactersOutsideJisX0208(v);
      if (bad.length) {
        ctx.addIssue({
          code: 'custom',
          message: `${label}にレセプトで使えない文字があります（${bad.map((c) => `「${c}」`).join('')}）。絵文字は使えません。JIS第1・第2水準の字体で入力してください（例: 髙→高、﨑→崎）。`,
        });
      }
    });

/** Dash-like characters an IME or a full-width keyboard produces in a phone number. */
const PHONE_DASHES = /[ー－‐‑‒–—―−ｰ]/g;

/** 電話番号 as typed (full-width digits, 「ー」 from the IME, spaces) → 090-1234-5678. */
export function normalizePhone(v: string): string {
  return v.normalize('NFKC').replace(PHONE_DASHES, '-').replace(/\s+/g, '');
}

const digitsOnly = (v: string) => v.normalize('NFKC').replace(/\s+/g, '');

/** validFrom after validUntil is a typing error (or a card read wrongly): refused on the 有効期限 field. */
const periodInOrder = (fromLabel: string) => (v: { validFrom?: string; validUntil?: string }, ctx: z.RefinementCtx) => {
  if (v.validFrom && v.validUntil && v.validFrom > v.validUntil) {
    ctx.addIssue({ code: 'custom', path: ['validUntil'], message: `有効期限が${fromLabel}より前になっています。日付を確認してください。` });
  }
};

export const insuranceSchema = z
  .object({
    insurerNumber: z
      .string()
      .transform(digitsOnly)
      .pipe(
        z
          .string()
          .regex(/^\d{8}$/, '保険者番号は8桁の数字で入力してください（国民健康保険の6桁の番号は先頭に「00」を付けます）。')
          .refine(isValidInsurerNumber, '保険者番号の検証番号（最後の1桁）が合いません。保険証の番号を確認してください。'),
      ),
    symbol: optionalText(40, '記号'),
    number: z.string().trim().min(1, '番号を入力してください。').max(40, '番号は40文字以内で入力してください。'),
    branch: z
      .string()
      .trim()
      .transform((v) => (v ? v : undefined))
      .refine((v) => v === undefined || /^\d{2}$/.test(v), '枝番は2桁の数字で入力してください。')
      .optional(),
    relationship: z.enum(['self', 'family'], { error: '本人・家族を選択してください。' }),
    validFrom: optionalIsoDate('資格取得日'),
    validUntil: optionalIsoDate('有効期限'),
  })
  .strict()
  .superRefine(periodInOrder('資格取得日'));

export const publicExpenseSchema = z
  .object({
    payerNumber: z
      .string()
      .transform(digitsOnly)
      .pipe(
        z
          .string()
          .regex(/^\d{8}$/, '公費負担者番号は8桁の数字で入力してください。')
          .refine(isValidPayerNumber, '公費負担者番号の検証番号（最後の1桁）が合いません。受給者証の番号を確認してください。'),
      ),
    recipientNumber: z
      .string()
      .transform((v) => (digitsOnly(v) ? digitsOnly(v) : undefined))
      .refine((v) => v === undefined || /^\d{7}$/.test(v), '公費受給者番号は7桁の数字で入力してください。')
      .refine((v) => v === undefined || !/^\d{7}$/.test(v) || isValidRecipientNumber(v), '公費受給者番号の検証番号（最後の1桁）が合いません。受給者証の番号を確認してください。')
      .optional(),
    validFrom: optionalIsoDate('公費の開始日'),
    validUntil: optionalIsoDate('公費の有効期限'),
  })
  .strict()
  .superRefine(periodInOrder('開始日'));

const patientFields = {
  familyName: name('氏（漢字）'),
  givenName: name('名（漢字）'),
  familyNameKana: kana('氏（カナ）'),
  givenNameKana: kana('名（カナ）'),
  sex: z.enum(SEXES, { error: '性別を選択してください。' }),
  birthDate: isoDate('生年月日').refine((v) => v <= todayJst() && v >= '1880-01-01', '生年月日が正しくありません。'),
  postalCode: z
    .string()
    .trim()
    .transform((v) => (v ? v.normalize('NFKC') : undefined))
    .refine((v) => v === undefined || /^\d{3}-?\d{4}$/.test(v), '郵便番号は「123-4567」の形式で入力してください。')
    .optional(),
  address: optionalText(200, '住所'),
  phone: z
    .string()
    .trim()
    .transform((v) => (v ? normalizePhone(v) : undefined))
    .refine((v) => v === undefined || /^0\d{1,4}-?\d{1,4}-?\d{3,4}$/.test(v), '電話番号は「03-1234-5678」の形式で入力してください。')
    .optional(),
  insurance: insuranceSchema.optional(),
  publicExpense: publicExpenseSchema.optional(),
};

export const registerPatientSchema = z
  .object({
    ...patientFields,
    /** The receptionist saw the likely duplicates (findLikelyDuplicates) and registers a different person anyway. */
    duplicateAcknowledged: z.boolean().optional(),
  })
  .strict();
export type RegisterPatientInput = z.infer<typeof registerPatientSchema>;

export const updatePatientSchema = z
  .object({
    ...patientFields,
    patientId: z.string().uuid(),
    expectedVersion: z.number().int().positive(),
    reason: optionalText(200, '変更理由'),
  })
  .strict();
export type UpdatePatientInput = z.infer<typeof updatePatientSchema>;

export const withdrawPatientSchema = z
  .object({
    patientId: z.string().uuid(),
    expectedVersion: z.number().int().positive(),
    reason: z.string().trim().min(1, '取消理由を入力してください。').max(200, '取消理由は200文字以内で入力してください。'),
  })
  .strict();
export type WithdrawPatientInput = z.infer<typeof withdrawPatientSchema>;

export const searchPatientsSchema = z
  .object({
    q: z.string().trim().max(50, '検索語は50文字以内で入力してください。'),
    limit: z.number().int().min(1).max(100).default(30),
    /** paging: how many matches to skip (the list shows 30 a page) */
    offset: z.number().int().min(0).max(5000).optional(),
  })
  .strict();
export type SearchPatientsInput = z.infer<typeof searchPatientsSchema>;

/** What identifies a person at the desk: the same kana (or kanji) name and birth date, or birth date and phone. */
export const findDuplicatesSchema = z
  .object({
    familyName: z.string().trim().max(40),
    givenName: z.string().trim().max(40),
    familyNameKana: z.string().trim().max(40),
    givenNameKana: z.string().trim().max(40),
    birthDate: z.string().refine(isValidIsoDate, '生年月日は正しい日付で入力してください。'),
    phone: z.string().trim().max(20).transform((v) => (v ? normalizePhone(v) : undefined)).optional(),
  })
  .strict();
export type FindDuplicatesInput = z.infer<typeof findDuplicatesSchema>;

export const SEX_LABELS: Record<Sex, string> = { male: '男', female: '女', other: 'その他', unknown: '不明' };
export const RELATIONSHIP_LABELS = { self: '本人', family: '家族' } as const;
