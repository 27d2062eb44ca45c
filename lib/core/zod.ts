/**
 * zod with Japanese default messages; import z from here in schemas (ESLint forbids 'zod' itself outside lib/core).
 * Every `z.string()` made here refuses control characters (plain-text.ts): NUL, which PostgreSQL cannot store in
 * text, and the other C0/C1 controls, which a レセプト or a printout cannot carry (issue 9 item 16).
 */
import { z as zod } from 'zod';
// only the Japanese locale: `z.locales` would pull every locale into the browser bundle
import ja from 'zod/v4/locales/ja.js';
import { AppError } from './app-error';
import * as z from './zod-namespace';

zod.config(ja());

export * as z from './zod-namespace';
export { CONTROL_CHARACTER_MESSAGE, isPlainText, plainText } from './plain-text';

/** An optional free-text field: trimmed, length-checked with a Japanese message, '' becomes undefined. */
export const optionalText = (max: number, label: string) =>
  z
    .string()
    .trim()
    .max(max, `${label}は${max}文字以内で入力してください。`)
    .transform((v) => (v ? v : undefined))
    .optional();

/** Field errors keyed by dotted path, first message each (for forms). */
export function fieldErrorsOf(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.join('.') || '_';
    out[key] ??= issue.message;
  }
  return out;
}

/** Services are also called directly (tests, other slices): they parse here so defaults and rules always apply. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const r = schema.safeParse(input);
  if (!r.success) {
    const fieldErrors = fieldErrorsOf(r.error);
    throw new AppError('INVALID_INPUT', Object.values(fieldErrors)[0] ?? '入力内容に誤りがあります。', fieldErrors);
  }
  return r.data;
}
