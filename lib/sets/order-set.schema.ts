/**
 * Inputs of セット (issue 13, docs/decisions/0059): what a set holds, the セット一覧 screen, applying a set to a chart and
 * making one from the current visit. The prescription items are the prescription editor's items (the same schema), so
 * a set's items go through savePrescription unchanged.
 */
import { z } from '@/lib/core/zod';
import { prescriptionItemSchema } from '@/lib/records/prescriptions/prescription.schema';
import { labOrderContentSchema } from '@/lib/records/lab-orders/lab-order.schema';
import { ORDER_SET_SCOPES } from './order-set.constants';

const uuid = (label: string) => z.string({ error: `${label}を指定してください。` }).uuid(`${label}が正しくありません。`);

const noteText = (label: string) =>
  z
    .string()
    .max(5000, `${label}は5000文字以内で入力してください。`)
    .transform((v) => v.replace(/\r\n/g, '\n').replace(/\s+$/, ''))
    .default('');

export const orderSetNoteSchema = z
  .object({ subjective: noteText('S'), objective: noteText('O'), assessment: noteText('A'), plan: noteText('P') })
  .strict();
export type OrderSetNote = z.infer<typeof orderSetNoteSchema>;

/** A coded 傷病名: the master code and its modifiers; the name is looked up again when the set is saved. */
export const orderSetDiagnosisSchema = z
  .object({
    diseaseCode: z.string({ error: '傷病名を選択してください。' }).regex(/^\d{7}$/, '傷病名コードは7桁の数字です。'),
    modifierCodes: z.array(z.string().regex(/^\d{4}$/, '修飾語コードは4桁の数字です。')).max(10, '修飾語は10個までです。').default([]),
    isSuspected: z.boolean().default(false),
  })
  .strict();
export type OrderSetDiagnosis = z.infer<typeof orderSetDiagnosisSchema>;

export const orderSetContentSchema = z
  .object({
    diagnoses: z.array(orderSetDiagnosisSchema).max(20, '傷病名は20件までです。').default([]),
    items: z.array(prescriptionItemSchema).max(60, '処方は60品目までです。').default([]),
    outOfHouse: z.boolean().default(true),
    /** 検査オーダー (0070): each becomes one order when the set is applied */
    labOrders: z.array(labOrderContentSchema).max(10, '検査オーダーは10件までです。').default([]),
    note: orderSetNoteSchema.default({ subjective: '', objective: '', assessment: '', plan: '' }),
  })
  .strict()
  .superRefine((v, ctx) => {
    const hasNote = Object.values(v.note).some((t) => t.trim() !== '');
    if (!v.diagnoses.length && !v.items.length && !v.labOrders.length && !hasNote) {
      ctx.addIssue({ code: 'custom', path: ['diagnoses'], message: '傷病名・処方・検査・診療録の文のいずれかを入れてください。' });
    }
  });
export type OrderSetContent = z.infer<typeof orderSetContentSchema>;
export type OrderSetContentInput = z.input<typeof orderSetContentSchema>;

const name = z
  .string({ error: 'セット名を入力してください。' })
  .transform((v) => v.normalize('NFKC').trim())
  .pipe(z.string().min(1, 'セット名を入力してください。').max(60, 'セット名は60文字以内で入力してください。'));

const scope = z.enum(ORDER_SET_SCOPES, { error: '院内共通か個人用かを選んでください。' });

/** A new set (no id) or a new version of one (id = its current version). */
export const saveOrderSetSchema = z
  .object({
    id: uuid('セット').optional(),
    scope,
    name,
    content: orderSetContentSchema,
  })
  .strict();
export type SaveOrderSetInput = z.input<typeof saveOrderSetSchema>;

/** 名前の変更 only (a new version with the same content). */
export const renameOrderSetSchema = z.object({ id: uuid('セット'), name }).strict();
export type RenameOrderSetInput = z.input<typeof renameOrderSetSchema>;

export const orderSetRefSchema = z.object({ id: uuid('セット') }).strict();
export type OrderSetRefInput = z.input<typeof orderSetRefSchema>;

export const applyOrderSetSchema = z
  .object({
    id: uuid('セット'),
    patientId: uuid('患者'),
    /** the acknowledgements of the prescription's safety dialog, resubmitted as for a hand-entered prescription */
    allergyOverrideReason: z.string().max(500, '理由は500文字以内で入力してください。').optional(),
    duplicateAcknowledged: z.boolean().default(false),
    limitOverrideReason: z.string().max(500, '理由は500文字以内で入力してください。').optional(),
  })
  .strict();
export type ApplyOrderSetInput = z.input<typeof applyOrderSetSchema>;

export const orderSetFromVisitSchema = z
  .object({
    patientId: uuid('患者'),
    name,
    scope: scope.default('personal'),
    /** the note being written in the editor (unsaved text counts); absent or empty = this visit's saved note */
    note: orderSetNoteSchema.optional(),
  })
  .strict();
export type OrderSetFromVisitInput = z.input<typeof orderSetFromVisitSchema>;
