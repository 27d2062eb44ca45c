/** zod with Japanese default messages; import z from here in schemas. */
import { z } from 'zod';
// only the Japanese locale: `z.locales` would pull every locale into the browser bundle
import ja from 'zod/v4/locales/ja.js';
import { AppError } from './app-error';

z.config(ja());

export { z };

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
