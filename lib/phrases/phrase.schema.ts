/** Inputs of 定型文 (issue 13): the phrases screen and its server actions. */
import { z } from '@/lib/core/zod';

const abbreviation = z
  .string({ error: '略語を入力してください。' })
  .transform((v) => v.normalize('NFKC').trim().replace(/^\./, '').toLowerCase())
  .pipe(
    z
      .string()
      .min(1, '略語を入力してください。')
      .max(20, '略語は20文字以内で入力してください。')
      .regex(/^[a-z0-9_-]+$/, '略語は半角英数字・「-」「_」で入力してください（例: htn）。'),
  );

export const savePhraseSchema = z
  .object({
    /** an existing phrase to change; absent = a new one */
    id: z.string().uuid('定型文が正しくありません。').optional(),
    /** 'clinic' = 院内共通 (clinic admin only), 'personal' = the user's own */
    scope: z.enum(['clinic', 'personal'], { error: '共通か個人用かを選んでください。' }),
    abbreviation,
    text: z
      .string({ error: '展開する文を入力してください。' })
      .transform((v) => v.replace(/\r\n/g, '\n').replace(/\s+$/, ''))
      .pipe(z.string().min(1, '展開する文を入力してください。').max(2000, '展開する文は2000文字以内で入力してください。')),
  })
  .strict();
export type SavePhraseInput = z.input<typeof savePhraseSchema>;

export const removePhraseSchema = z.object({ id: z.string().uuid('定型文が正しくありません。') }).strict();
export type RemovePhraseInput = z.input<typeof removePhraseSchema>;
