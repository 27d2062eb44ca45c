/** zod with Japanese default messages; import z from here in schemas. */
import { z } from 'zod';
// only the Japanese locale: `z.locales` would pull every locale into the browser bundle
import ja from 'zod/v4/locales/ja.js';

z.config(ja());

export { z };

/** Field errors keyed by dotted path, first message each (for forms). */
export function fieldErrorsOf(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.join('.') || '_';
    out[key] ??= issue.message;
  }
  return out;
}
