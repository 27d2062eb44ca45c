/** Inputs of the lab result use cases other than manual entry (that one is lab-entry.schema.ts). */
import { z } from '@/lib/core/zod';

/** Server actions accept about 1 MB: a CSV of ~700 KB (base64 grows by a third) fits. */
export const LAB_CSV_MAX_BYTES = 700 * 1024;

const id = (label: string) => z.string({ error: `${label}が指定されていません` }).trim().min(1, { error: `${label}が指定されていません` }).max(100);
const reason = z
  .string({ error: '理由を入力してください' })
  .trim()
  .min(1, { error: '理由を入力してください' })
  .max(500, { error: '理由は500文字以内で入力してください' });

export const importLabCsvSchema = z
  .object({
    fileName: z.string({ error: 'ファイル名がありません' }).trim().min(1, { error: 'ファイルを選択してください' }).max(255, { error: 'ファイル名が長すぎます' }),
    /** the file's bytes as base64 (browser upload), or the CSV text */
    content: z
      .string({ error: 'ファイルの内容がありません' })
      .min(1, { error: 'ファイルが空です' })
      .max(Math.ceil((LAB_CSV_MAX_BYTES * 4) / 3) + 4, { error: `ファイルが大きすぎます（${Math.floor(LAB_CSV_MAX_BYTES / 1024)}KBまで。分割して取り込んでください）` }),
    contentEncoding: z.enum(['base64', 'text'], { error: '内容の形式が正しくありません' }).default('base64'),
    mode: z.enum(['preview', 'commit'], { error: '取込モードが正しくありません' }),
  })
  .strict();
export type ImportLabCsvInput = z.output<typeof importLabCsvSchema>;

export const correctLabResultSchema = z
  .object({
    id: id('検査結果'),
    value: z.string({ error: '結果値を入力してください' }).trim().min(1, { error: '結果値を入力してください' }).max(100, { error: '結果値が長すぎます' }),
    reason,
  })
  .strict();
export type CorrectLabResultInput = z.output<typeof correctLabResultSchema>;

export const markLabResultEnteredInErrorSchema = z.object({ id: id('検査結果'), reason }).strict();
export type MarkLabResultEnteredInErrorInput = z.output<typeof markLabResultEnteredInErrorSchema>;

export const labHistorySchema = z.object({ id: id('検査結果') }).strict();
