/**
 * The one way to write a server action: resolve the actor, validate input with zod, call the service,
 * and turn expected failures into values. Unexpected errors are logged with the request id and shown calmly.
 */
import { isRedirectError } from 'next/dist/client/components/redirect-error';
import type { z } from 'zod';
import { AppError } from '@/lib/core/app-error';
import { fieldErrorsOf } from '@/lib/core/zod';
import { errorFields, log } from '@/lib/core/logger';
import { recordAuditEventNow } from '@/lib/audit/audit';
import { requireActor, type Actor } from '@/lib/auth/actor';

export type ActionResult<T> =
  | { ok: true; data: T }
  | { ok: false; code: string; error: string; fieldErrors?: Record<string, string> };

export const INVALID_INPUT_MESSAGE = '入力内容に誤りがあります。赤字の項目を確認してください。';

export function toActionError(error: unknown, requestId: string): ActionResult<never> {
  if (error instanceof AppError) {
    return { ok: false, code: error.code, error: error.message, ...(error.fieldErrors ? { fieldErrors: error.fieldErrors } : {}) };
  }
  log('error', 'unexpected error in action', { requestId, ...errorFields(error) });
  return { ok: false, code: 'INTERNAL', error: `処理中に問題が発生しました。時間をおいて再度お試しください。（問い合わせ番号: ${requestId.slice(0, 8)}）` };
}

export function defineAction<S extends z.ZodType, T>(
  schema: S,
  handler: (input: z.infer<S>, actor: Actor) => Promise<T>,
  options: { allowPasswordChange?: boolean } = {},
): (input: z.input<S>) => Promise<ActionResult<T>> {
  return (raw) => runAction(schema, handler, raw, () => requireActor(options));
}

/**
 * The body of every action: the actor, then the schema (a failure is audited as validation_failed and returned with
 * Japanese field errors), then the handler; an AppError comes back as a value, anything else is logged with the
 * request id and shown only as a calm message with an inquiry number. Exported so tests can run it with a real actor.
 */
export async function runAction<S extends z.ZodType, T>(
  schema: S,
  handler: (input: z.infer<S>, actor: Actor) => Promise<T>,
  raw: unknown,
  resolveActor: () => Promise<Actor>,
): Promise<ActionResult<T>> {
  let actor: Actor | undefined;
  try {
    actor = await resolveActor();
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      await recordAuditEventNow({
        clinicId: actor.clinicId,
        actor,
        action: 'validation_failed',
        resourceType: 'input',
        outcome: 'failure',
        detail: { fields: parsed.error.issues.map((i) => i.path.join('.')).slice(0, 20) },
        ctx: actor.ctx,
      });
      return { ok: false, code: 'INVALID_INPUT', error: INVALID_INPUT_MESSAGE, fieldErrors: fieldErrorsOf(parsed.error) };
    }
    return { ok: true, data: await handler(parsed.data, actor) };
  } catch (error) {
    if (isRedirectError(error)) throw error;
    return toActionError(error, actor?.ctx.requestId ?? 'none');
  }
}
