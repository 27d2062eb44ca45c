/** Inputs for registering and editing a patient. Shared by the form, the server actions and tests. */
import { optionalText, z } from '@/lib/core/zod';
import { isKana } from '@/lib/core/kana';
import { isValidIsoDate, todayJst } from '@/lib/core/dates';

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
  z.string().trim().min(1, `${label}を入力してください。`).max(40, `${label}は40文字以内で入力してください。`);

export const insuranceSchema = z
  .object({
    insurerNumber: z
      .string()
      .trim()
      .regex(/^\d{8}$/, '保険者番号は8桁の数字で入力してください（国民健康保険の6桁の番号は先頭に「00」を付けます）。'),
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
  .strict();

export const publicExpenseSchema = z
  .object({
    payerNumber: z.string().trim().regex(/^\d{8}$/, '公費負担者番号は8桁の数字で入力してください。'),
    recipientNumber: z
      .string()
      .trim()
      .transform((v) => (v ? v : undefined))
      .refine((v) => v === undefined || /^\d{7}$/.test(v), '公費受給者番号は7桁の数字で入力してください。')
      .optional(),
    validFrom: optionalIsoDate('公費の開始日'),
    validUntil: optionalIsoDate('公費の有効期限'),
  })
  .strict();

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
    .transform((v) => (v ? v.normalize('NFKC') : undefined))
    .refine((v) => v === undefined || /^0\d{1,4}-?\d{1,4}-?\d{3,4}$/.test(v), '電話番号は「03-1234-5678」の形式で入力してください。')
    .optional(),
  insurance: insuranceSchema.optional(),
  publicExpense: publicExpenseSchema.optional(),
};

export const registerPatientSchema = z.object(patientFields).strict();
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
  })
  .strict();
export type SearchPatientsInput = z.infer<typeof searchPatientsSchema>;

export const SEX_LABELS: Record<Sex, string> = { male: '男', female: '女', other: 'その他', unknown: '不明' };
export const RELATIONSHIP_LABELS = { self: '本人', family: '家族' } as const;
