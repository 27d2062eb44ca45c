/**
 * Server actions whose service may stop at the order-time safety checks (処方, セットの適用): a SafetyCheckError becomes a
 * value inside defineAction, then a PRECONDITION_FAILED result that carries the report for the warning dialog.
 */
import type { ActionResult } from '@/lib/actions/define-action';
import type { PrescriptionActionResult } from './prescription.dto';
import { SafetyCheckError, type SafetyReport } from './safety-check';

export type Guarded<T> = { done: T } | { blocked: { error: string; safety: SafetyReport } };

export async function guardSafety<T>(run: () => Promise<T>): Promise<Guarded<T>> {
  try {
    return { done: await run() };
  } catch (e) {
    if (e instanceof SafetyCheckError) return { blocked: { error: e.message, safety: e.report } };
    throw e;
  }
}

export function unwrapSafety<T>(result: ActionResult<Guarded<T>>): PrescriptionActionResult<T> {
  if (!result.ok) return result;
  if ('blocked' in result.data) return { ok: false, code: 'PRECONDITION_FAILED', ...result.data.blocked };
  return { ok: true, data: result.data.done };
}
