/** Inputs for 処方 (院外処方箋). Shared by the editor, the server actions and tests. */
import { optionalText, z } from '@/lib/core/zod';
import { MEDICATION_KINDS, MEDICATION_KIND_LABELS, DOSE_BASES, DOSE_BASIS_LABELS, SUBSTITUTION_REASONS, REFILL_TIMES, type MedicationKindValue, type DoseBasis } from './prescription.constants';
export * from './prescription.constants';

const uuid = (label: string) => z.string({ error: `${label}を指定してください。` }).uuid(`${label}が正しくありません。`);


export const prescriptionItemSchema = z
  .object({
    rpNumber: z.coerce.number({ error: 'Rp番号を入力してください。' }).int('Rp番号は整数で入力してください。').min(1, 'Rp番号は1以上です。').max(99, 'Rp番号は99以下です。'),
    kind: z.enum(MEDICATION_KINDS, { error: '内服・頓服・外用を選択してください。' }),
    /** 医薬品コード (支払基金 9 digits) of the chosen master drug; absent = free text (no standard code) */
    receiptCode: z
      .string()
      .trim()
      .transform((v) => (v ? v : undefined))
      .refine((v) => v === undefined || /^\d{9}$/.test(v), '医薬品コードが正しくありません。')
      .optional(),
    /** 一般名で処方 (一般名処方コード); only for drugs that have one */
    prescribeByGeneric: z.boolean().default(false),
    /** printed name; for master drugs the server takes the master name */
    drugName: z.string().trim().max(200, '薬品名は200文字以内で入力してください。').default(''),
    dose: z.coerce.number({ error: '用量を数値で入力してください。' }).positive('用量は0より大きい数値で入力してください。').max(9_999_999, '用量が大きすぎます。'),
    doseUnit: z.string().trim().min(1, '単位を入力してください。').max(20, '単位は20文字以内で入力してください。'),
    doseBasis: z.enum(DOSE_BASES, { error: '1日量・1回量を選択してください。' }),
    /** 電子処方箋用法コード (JAMI 16 characters) */
    usageCode: z
      .string()
      .trim()
      .transform((v) => (v ? v : undefined))
      .refine((v) => v === undefined || /^[0-9A-Z]{16}$/.test(v), '用法コードは16桁です。')
      .optional(),
    usageText: z.string().trim().max(100, '用法は100文字以内で入力してください。').default(''),
    days: z.coerce.number().int('日数は整数で入力してください。').min(1, '日数は1以上で入力してください。').max(365, '日数は365日以内で入力してください。').optional(),
    times: z.coerce.number().int('回数は整数で入力してください。').min(1, '回数は1以上で入力してください。').max(99, '回数は99回以内で入力してください。').optional(),
    /** false = 変更不可 (後発医薬品への変更不可) */
    genericSubstitutionAllowed: z.boolean().default(true),
    /** 変更不可 because 医療上必要 (medical) or 患者希望 (patient); set = 変更不可, absent with 変更不可 = medical */
    substitutionReason: z.enum(SUBSTITUTION_REASONS, { error: '変更不可の理由（医療上必要・患者希望）を選択してください。' }).optional(),
    comment: optionalText(200, 'コメント'),
  })
  .strict()
  .superRefine((item, ctx) => {
    if (!item.receiptCode && !item.drugName) ctx.addIssue({ code: 'custom', path: ['drugName'], message: '薬品を選択するか薬品名を入力してください。' });
    if (!item.usageCode && !item.usageText) ctx.addIssue({ code: 'custom', path: ['usageText'], message: '用法を選択するか入力してください。' });
    if (item.kind === 'internal') {
      if (item.days === undefined) ctx.addIssue({ code: 'custom', path: ['days'], message: '内服は日数を入力してください。' });
      if (item.doseBasis === 'total') ctx.addIssue({ code: 'custom', path: ['doseBasis'], message: '内服は1日量または1回量で入力してください。' });
    }
    if (item.kind === 'as_needed') {
      if (item.times === undefined) ctx.addIssue({ code: 'custom', path: ['times'], message: '頓服は回数を入力してください。' });
      if (item.doseBasis !== 'per_time') ctx.addIssue({ code: 'custom', path: ['doseBasis'], message: '頓服は1回量で入力してください。' });
    }
    if (item.kind === 'external' && item.doseBasis !== 'total' && item.days === undefined && item.times === undefined) {
      ctx.addIssue({ code: 'custom', path: ['doseBasis'], message: '外用は全量、または日数・回数を入力してください。' });
    }
  });

export type PrescriptionItemInput = z.infer<typeof prescriptionItemSchema>;

/** Acknowledgements of the order-time safety checks (resubmitted after the warning dialog). */
const acknowledgements = {
  /** required when a drug matches a recorded drug allergy */
  allergyOverrideReason: optionalText(500, 'アレルギー警告を承知で処方する理由'),
  /** the doctor has seen the 重複投薬 warning */
  duplicateAcknowledged: z.boolean().default(false),
  /** required when an item exceeds a legal 投与日数 limit or the clinic's maximum (docs/decisions/0044, 0045) */
  limitOverrideReason: optionalText(500, '上限を超えて処方する理由'),
};

export const savePrescriptionSchema = z
  .object({
    patientId: uuid('患者'),
    /** an existing prescription: a draft is updated in place; a final or pending one gets a new version */
    prescriptionId: uuid('処方').optional(),
    /** 'draft' = 保存, 'confirm' = 確定 (doctor) — a nurse's 代行入力 always becomes 承認待ち */
    intent: z.enum(['draft', 'confirm']).default('draft'),
    /** 代行入力: the doctor who must approve */
    responsibleDoctorId: uuid('承認する医師').optional(),
    outOfHouse: z.boolean().default(true),
    /** リフィル可: 総使用回数 2 or 3; absent = an ordinary 処方箋 */
    refillTimes: z.coerce
      .number({ error: 'リフィルの回数を選択してください。' })
      .int()
      .refine((n) => (REFILL_TIMES as readonly number[]).includes(n), 'リフィルの回数は2回または3回です。')
      .optional(),
    note: optionalText(500, '備考'),
    changeReason: optionalText(200, '修正理由'),
    /** 前回Do: the prescriptions this one continues (from the prefill); absent on an edit = keep what it continues */
    continues: z.array(uuid('継続する処方')).max(20, '継続する処方は20件までです。').optional(),
    items: z.array(prescriptionItemSchema).min(1, '薬品を1つ以上入力してください。').max(60, '1回の処方は60品目までです。'),
    ...acknowledgements,
  })
  .strict();
export type SavePrescriptionInput = z.input<typeof savePrescriptionSchema>;
export type SavePrescriptionData = z.infer<typeof savePrescriptionSchema>;

export const confirmPrescriptionSchema = z.object({ prescriptionId: uuid('処方'), ...acknowledgements }).strict();
export type ConfirmPrescriptionInput = z.input<typeof confirmPrescriptionSchema>;

export const approvePrescriptionSchema = confirmPrescriptionSchema;
export type ApprovePrescriptionInput = ConfirmPrescriptionInput;

export const enteredInErrorSchema = z
  .object({
    prescriptionId: uuid('処方'),
    reason: z.string().trim().min(1, '取消の理由を入力してください。').max(200, '理由は200文字以内で入力してください。'),
  })
  .strict();
export type EnteredInErrorInput = z.input<typeof enteredInErrorSchema>;

export const prescriptionRefSchema = z.object({ prescriptionId: uuid('処方') }).strict();

export const prefillSchema = z
  .object({
    patientId: uuid('患者'),
    /** a previous prescription to copy; absent = the patient's last final one (前回Do) */
    sourceId: uuid('処方').optional(),
  })
  .strict();
export type PrefillInput = z.input<typeof prefillSchema>;

export const drugSearchSchema = z
  .object({
    q: z.string().trim().max(50, '検索語は50文字以内で入力してください。'),
    limit: z.coerce.number().int().min(1).max(50).default(20),
  })
  .strict();
export type DrugSearchInput = z.input<typeof drugSearchSchema>;

/** A drug just added to the editor: its allergy check and the clinic's last use of it (drug-check.service.ts). */
export const checkDrugOnAddSchema = z
  .object({
    patientId: uuid('患者'),
    receiptCode: z.string().regex(/^\d{9}$/, '医薬品コードが正しくありません。').optional(),
    drugName: z.string().trim().max(200).default(''),
  })
  .strict();
export type CheckDrugOnAddInput = z.input<typeof checkDrugOnAddSchema>;
