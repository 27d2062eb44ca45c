/** Inputs for 診療録 (SOAP + vitals). Shared by the editor, the server actions and tests. */
import { z } from '@/lib/core/zod';
import { EDITOR_NOTE_KINDS } from './note-format';

const soapText = (label: string) =>
  z
    .string()
    .max(20_000, `${label}は20000文字以内で入力してください。`)
    .transform((v) => v.replace(/\r\n/g, '\n').replace(/\s+$/, ''))
    .default('');

/**
 * A vital sign: empty → null; full-width digits are accepted (IME input). `decimals` 0 means a whole number.
 * Ranges are plausibility limits for typos (365 for 36.5), not clinical reference ranges.
 */
function vital(label: string, unit: string, min: number, max: number, decimals: 0 | 1) {
  const range = decimals ? `${min.toFixed(1)}〜${max.toFixed(1)}` : `${min}〜${max}`;
  return z.preprocess(
    (v) => {
      if (v === undefined || v === null) return null;
      if (typeof v === 'string') {
        const t = v.normalize('NFKC').trim();
        if (t === '') return null;
        return /^-?\d+(\.\d+)?$/.test(t) ? Number(t) : Number.NaN;
      }
      return v;
    },
    z
      .number({ error: `${label}は数値で入力してください。` })
      .refine((n) => !Number.isNaN(n), `${label}は数値で入力してください。`)
      .refine((n) => Number.isNaN(n) || (n >= min && n <= max), `${label}は${range}${unit}の範囲で入力してください。`)
      .refine(
        (n) => Number.isNaN(n) || (decimals === 0 ? Number.isInteger(n) : Math.abs(n * 10 - Math.round(n * 10)) < 1e-9),
        decimals === 0 ? `${label}は整数で入力してください。` : `${label}は小数第1位までで入力してください。`,
      )
      .nullable(),
  );
}

export const vitalsFields = {
  heightCm: vital('身長', 'cm', 30, 250, 1),
  weightKg: vital('体重', 'kg', 0.5, 300, 1),
  systolicBp: vital('収縮期血圧', 'mmHg', 40, 300, 0),
  diastolicBp: vital('拡張期血圧', 'mmHg', 40, 300, 0),
  pulse: vital('脈拍', '回/分', 20, 250, 0),
  bodyTempC: vital('体温', '℃', 30, 45, 1),
  spo2: vital('SpO2', '%', 50, 100, 0),
};

export const VITAL_KEYS = ['heightCm', 'weightKg', 'systolicBp', 'diastolicBp', 'pulse', 'bodyTempC', 'spo2'] as const;
export type VitalKey = (typeof VITAL_KEYS)[number];

const contentFields = {
  subjective: soapText('S（主観的情報）'),
  objective: soapText('O（客観的情報）'),
  assessment: soapText('A（評価）'),
  plan: soapText('P（計画）'),
  ...vitalsFields,
};

type ContentShape = { subjective: string; objective: string; assessment: string; plan: string } & Record<VitalKey, number | null>;

/** Cross-field rules shared by create and edit. */
function checkContent(v: ContentShape, ctx: z.RefinementCtx) {
  const hasBp = [v.systolicBp, v.diastolicBp].filter((x) => x !== null).length;
  if (hasBp === 1) {
    ctx.addIssue({ code: 'custom', path: [v.systolicBp === null ? 'systolicBp' : 'diastolicBp'], message: '血圧は収縮期と拡張期の両方を入力してください。' });
  } else if (hasBp === 2 && v.systolicBp! <= v.diastolicBp!) {
    ctx.addIssue({ code: 'custom', path: ['systolicBp'], message: '収縮期血圧は拡張期血圧より高い値を入力してください。' });
  }
  const hasText = [v.subjective, v.objective, v.assessment, v.plan].some((t) => t.trim() !== '');
  const hasVitals = VITAL_KEYS.some((k) => v[k] !== null);
  if (!hasText && !hasVitals) {
    ctx.addIssue({ code: 'custom', path: ['subjective'], message: 'S・O・A・P またはバイタルのいずれかを入力してください。' });
  }
}

const optionalUuid = z
  .string()
  .transform((v) => (v ? v : undefined))
  .pipe(z.string().uuid('担当医を選択してください。').optional())
  .optional();

const reasonText = z
  .string()
  .trim()
  .max(500, '理由は500文字以内で入力してください。')
  .transform((v) => (v ? v : undefined))
  .optional();

/** A 予診 has 主訴・問診 (S) and vitals only. */
function checkIntake(v: ContentShape & { kind?: string }, ctx: z.RefinementCtx) {
  if (v.kind !== 'intake') return;
  for (const key of ['objective', 'assessment', 'plan'] as const) {
    if (v[key].trim() !== '') ctx.addIssue({ code: 'custom', path: [key], message: '予診には主訴・問診とバイタルだけを記録します（O・A・Pは医師の診療録に記載してください）。' });
  }
}

export const createNoteSchema = z
  .object({
    patientId: z.string().uuid(),
    /** soap (default) or intake: a nurse's 予診, her own 確定 record (docs/decisions/0064) */
    kind: z.enum(EDITOR_NOTE_KINDS, { error: '記録の種類が正しくありません。' }).default('soap'),
    ...contentFields,
    /** 代行入力: the responsible doctor (required when a nurse writes). */
    authorId: optionalUuid,
  })
  .strict()
  .superRefine((v, ctx) => {
    checkContent(v, ctx);
    checkIntake(v, ctx);
  });
export type CreateNoteInput = z.input<typeof createNoteSchema>;

export const updateNoteSchema = z
  .object({
    /** the version the editor shows; it must still be the latest */
    noteId: z.string().uuid(),
    ...contentFields,
    authorId: optionalUuid,
    /** required when the note was already 確定 (a new version is made) */
    changeReason: reasonText,
  })
  .strict()
  .superRefine(checkContent);
export type UpdateNoteInput = z.input<typeof updateNoteSchema>;

export const noteIdSchema = z.object({ noteId: z.string().uuid() }).strict();
export type NoteIdInput = z.input<typeof noteIdSchema>;

export const enteredInErrorSchema = z
  .object({
    noteId: z.string().uuid(),
    reason: z.string().trim().min(1, '取消の理由を入力してください。').max(500, '理由は500文字以内で入力してください。'),
  })
  .strict();
export type EnteredInErrorInput = z.input<typeof enteredInErrorSchema>;

export type NoteContentInput = Pick<CreateNoteInput, 'subjective' | 'objective' | 'assessment' | 'plan' | VitalKey>;

/** 「さらに表示」 of the chart timeline: the page after the last note shown (createdAt + id of that row). */
export const notesPageSchema = z
  .object({
    patientId: z.string().uuid(),
    cursor: z.object({ createdAt: z.iso.datetime({ error: '日時の形式が正しくありません。' }), id: z.string().uuid() }).strict(),
  })
  .strict();
export type NotesPageInput = z.infer<typeof notesPageSchema>;
