/** 健診入力 (docs/decisions/0086): the 特定健診 items and 問診 answers a nurse enters on a 健診 visit. */
import { z } from '@/lib/core/zod';
import { codes, measured, questionnaireSchema } from '@/lib/records/documents/checkup-report.schema';
import { URINE_RESULTS } from '@/lib/records/documents/document.constants';
import { ENTRY_ITEMS, type EntryItemKey } from './checkup-entry';

const values = z
  .object(Object.fromEntries(ENTRY_ITEMS.map((i) => [i.key, measured(i.label, i.max)])) as Record<EntryItemKey, ReturnType<typeof measured>>)
  .strict();

const oneDecimal = /^\d+(\.\d)?$/;
const integer = /^\d+$/;

export const saveCheckupEntrySchema = z
  .object({
    patientId: z.string().uuid('患者を選び直してください。'),
    /** the version shown, when correcting a recorded entry (a new version with a reason) */
    noteId: z.string().uuid().optional(),
    values: values.prefault({}),
    urineGlucose: codes(URINE_RESULTS, '尿糖の結果を選択してください。'),
    urineProtein: codes(URINE_RESULTS, '尿蛋白の結果を選択してください。'),
    questionnaire: questionnaireSchema.prefault({}),
    changeReason: z.string().trim().max(200, '修正理由は200文字以内で入力してください。').optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    const at = (key: string, message: string) => ctx.addIssue({ code: 'custom', path: ['values', key], message });
    for (const key of ['height', 'weight'] as const) if (v.values[key] && !oneDecimal.test(v.values[key])) at(key, `${key === 'height' ? '身長' : '体重'}は小数第1位までで入力してください。`);
    if (v.values.height && Number(v.values.height) < 30) at('height', '身長は30〜250cmの範囲で入力してください。');
    for (const key of ['systolic', 'diastolic'] as const) if (v.values[key] && !integer.test(v.values[key])) at(key, '血圧は整数で入力してください。');
    const bp = [v.values.systolic, v.values.diastolic].filter(Boolean).length;
    if (bp === 1) at(v.values.systolic ? 'diastolic' : 'systolic', '血圧は収縮期と拡張期の両方を入力してください。');
    else if (bp === 2 && Number(v.values.systolic) <= Number(v.values.diastolic)) at('systolic', '収縮期血圧は拡張期血圧より高い値を入力してください。');
    const any = Object.values(v.values).some(Boolean) || v.urineGlucose || v.urineProtein || Object.values(v.questionnaire).some(Boolean);
    if (!any) ctx.addIssue({ code: 'custom', path: ['values'], message: '健診の項目または問診を1つ以上入力してください。' });
  });
export type SaveCheckupEntryInput = z.input<typeof saveCheckupEntrySchema>;
export type SaveCheckupEntryData = z.output<typeof saveCheckupEntrySchema>;

export const checkupEntryQuerySchema = z.object({ patientId: z.string().uuid() }).strict();
