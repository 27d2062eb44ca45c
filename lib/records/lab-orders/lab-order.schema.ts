/** Inputs of 検査オーダー (issue 13, docs/decisions/0070). Messages are what the chart shows. */
import { z } from '@/lib/core/zod';
import { LAB_ITEMS_BY_KEY } from '@/lib/records/lab-results/lab-items';
import { LAB_ORDER_MAX_ITEMS } from './lab-order.constants';

const uuid = (label: string) => z.string({ error: `${label}を指定してください。` }).uuid(`${label}が正しくありません。`);

/** The items and flags of one order: what the chart's form, a セット and 前回Do hold. */
export const labOrderContentSchema = z
  .object({
    itemKeys: z
      .array(z.string().refine((k) => LAB_ITEMS_BY_KEY.has(k), { message: '検査項目マスターにない項目です。選択し直してください。' }), { error: '検査項目を選択してください。' })
      .min(1, '検査項目を1つ以上選択してください。')
      .max(LAB_ORDER_MAX_ITEMS, `検査項目は${LAB_ORDER_MAX_ITEMS}項目までです。`)
      .transform((keys) => [...new Set(keys)]),
    urgent: z.boolean().default(false),
    comment: z
      .string()
      .max(200, 'コメントは200文字以内で入力してください。')
      .transform((v) => v.normalize('NFKC').trim())
      .default(''),
  })
  .strict();
export type LabOrderContent = z.output<typeof labOrderContentSchema>;
export type LabOrderContentInput = z.input<typeof labOrderContentSchema>;

export const orderLabsSchema = labOrderContentSchema.extend({ patientId: uuid('患者'), visitId: uuid('受付').optional() }).strict();
export type OrderLabsInput = z.input<typeof orderLabsSchema>;

export const cancelLabOrderSchema = z
  .object({
    labOrderId: uuid('検査オーダー'),
    reason: z
      .string({ error: '取消の理由を入力してください。' })
      .transform((v) => v.normalize('NFKC').trim())
      .pipe(z.string().min(1, '取消の理由を入力してください。').max(200, '理由は200文字以内で入力してください。')),
  })
  .strict();
export type CancelLabOrderInput = z.input<typeof cancelLabOrderSchema>;

export const labOrderPatientSchema = z.object({ patientId: uuid('患者') }).strict();
