/**
 * Manual lab result entry (看護師の検査結果入力フォーム). Values arrive as strings from the form;
 * numeric items must parse as numbers, qualitative items are normalised ('-' -> '(-)' for urine
 * dipstick, '(+)' -> '陽性' for infection tests, 'A型' -> 'A').
 */
import { z } from '@/lib/core/zod';
import { isUnitCompatible, LAB_ITEMS_BY_KEY, normalizeLabTextValue } from './lab-items';

const JST_LOCAL_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?$/;

/** 'YYYY-MM-DD[THH:mm[:ss]]' as JST (datetime-local input) or a Date. */
const collectedAtSchema = z
  .union([z.date({ error: '採取日時を入力してください' }), z.string({ error: '採取日時を入力してください' })])
  .transform((v, ctx) => {
    if (v instanceof Date) {
      if (Number.isNaN(v.getTime())) {
        ctx.addIssue({ code: 'custom', message: '採取日時が正しくありません' });
        return z.NEVER;
      }
      return v;
    }
    const s = v.trim();
    if (!s) {
      ctx.addIssue({ code: 'custom', message: '採取日時を入力してください' });
      return z.NEVER;
    }
    const m = JST_LOCAL_RE.exec(s);
    const d = m ? new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4] ?? '00'}:${m[5] ?? '00'}:${m[6] ?? '00'}+09:00`) : null;
    if (!m || !d || Number.isNaN(d.getTime())) {
      ctx.addIssue({ code: 'custom', message: '採取日時の形式が正しくありません（YYYY-MM-DD HH:mm）' });
      return z.NEVER;
    }
    const [y, mo, da] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const cal = new Date(Date.UTC(y, mo - 1, da));
    if (cal.getUTCMonth() !== mo - 1 || cal.getUTCDate() !== da) {
      ctx.addIssue({ code: 'custom', message: '採取日時の日付が存在しません' });
      return z.NEVER;
    }
    return d;
  });

const NUMBER_RE = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;

/** Japanese message for keys outside the form (strict objects). */
const unknownKeys = {
  error: (iss: { code?: string; keys?: string[] }) => (iss.code === 'unrecognized_keys' ? `不明な入力項目があります: ${(iss.keys ?? []).join(', ')}` : undefined),
};

export const labEntryItemSchema = z
  .object({
    itemKey: z.string({ error: '検査項目を選択してください' }).min(1, { error: '検査項目を選択してください' }),
    value: z.string({ error: '結果値を入力してください' }).trim().min(1, { error: '結果値を入力してください' }),
    unit: z.string().trim().optional(),
    /** 材料 of this item when it differs from the batch's (e.g. 全血 for Hb next to 血清 for AST) */
    specimen: z.string().trim().max(40, { error: '材料は40文字以内で入力してください' }).optional(),
  }, unknownKeys)
  .strict()
  .transform((entry, ctx) => {
    const item = LAB_ITEMS_BY_KEY.get(entry.itemKey);
    if (!item) {
      ctx.addIssue({ code: 'custom', path: ['itemKey'], message: `検査項目「${entry.itemKey}」は登録されていません` });
      return z.NEVER;
    }
    if (item.valueType === 'numeric') {
      const s = entry.value.normalize('NFKC').trim().replace(/,/g, '');
      if (!NUMBER_RE.test(s)) {
        ctx.addIssue({ code: 'custom', path: ['value'], message: `${item.nameJa}の結果値は数値で入力してください` });
        return z.NEVER;
      }
      const unit = entry.unit ? entry.unit : undefined;
      if (unit && item.unit && !isUnitCompatible(item, unit)) {
        ctx.addIssue({ code: 'custom', path: ['unit'], message: `${item.nameJa}の単位は「${item.unitDisplay}」です（換算はできません）` });
        return z.NEVER;
      }
      return { itemKey: item.key, value: s, valueNumber: Number(s), valueText: null, unit: item.unit, specimen: entry.specimen || undefined };
    }
    const normalised = normalizeLabTextValue(item, entry.value);
    if (!normalised) {
      ctx.addIssue({
        code: 'custom',
        path: ['value'],
        message: `${item.nameJa}の結果値は ${(item.ordinalValues ?? []).join('、')} のいずれかで入力してください`,
      });
      return z.NEVER;
    }
    return { itemKey: item.key, value: normalised, valueNumber: null, valueText: normalised, unit: null, specimen: entry.specimen || undefined };
  });

export const labEntrySchema = z
  .object({
    patientId: z.string({ error: '患者を選択してください' }).trim().min(1, { error: '患者を選択してください' }),
    visitId: z.string().trim().min(1, { error: '受診IDが空です' }).optional(),
    collectedAt: collectedAtSchema,
    specimen: z.string({ error: '材料を入力してください' }).trim().min(1, { error: '材料を入力してください' }).max(40, { error: '材料は40文字以内で入力してください' }),
    items: z.array(labEntryItemSchema, { error: '検査項目を入力してください' }).min(1, { error: '検査項目を1件以上入力してください' }).max(100, { error: '一度に入力できる検査項目は100件までです' }),
  }, unknownKeys)
  .strict()
  .superRefine((v, ctx) => {
    const seen = new Set<string>();
    v.items.forEach((it, i) => {
      if (seen.has(it.itemKey)) ctx.addIssue({ code: 'custom', path: ['items', i, 'itemKey'], message: '同じ検査項目が重複しています' });
      seen.add(it.itemKey);
    });
  });

export type LabEntryInput = z.input<typeof labEntrySchema>;
export type LabEntry = z.output<typeof labEntrySchema>;
