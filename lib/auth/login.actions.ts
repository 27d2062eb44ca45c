'use server';

import { isRedirectError } from 'next/dist/client/components/redirect-error';
import { z, fieldErrorsOf } from '@/lib/core/zod';
import { currentRequestContext } from '@/lib/core/request-context';
import { toActionError, type ActionResult } from '@/lib/actions/define-action';
import { endIdleSession, logoutEverywhere } from '@/lib/staff/staff.service';
import { completeLogin, startLogin, type LoginStep } from './login.service';
import { getActor } from './actor';
import { signIn, signOut } from './auth';

const startSchema = z
  .object({
    loginId: z.string().trim().min(1, 'ログインIDを入力してください。').max(64),
    password: z.string().min(1, 'パスワードを入力してください。').max(128),
  })
  .strict();

const completeSchema = z
  .object({
    token: z.string().min(20).max(100),
    code: z
      .string()
      .trim()
      .regex(/^\d{6}$/, '認証コードは6桁の数字で入力してください。')
      .optional(),
  })
  .strict();

export async function startLoginAction(input: z.input<typeof startSchema>): Promise<ActionResult<LoginStep>> {
  const ctx = await currentRequestContext();
  const parsed = startSchema.safeParse(input);
  if (!parsed.success) return { ok: false, code: 'INVALID_INPUT', error: 'ログインIDとパスワードを入力してください。', fieldErrors: fieldErrorsOf(parsed.error) };
  try {
    return { ok: true, data: await startLogin(parsed.data, ctx) };
  } catch (error) {
    return toActionError(error, ctx.requestId);
  }
}

export async function completeLoginAction(input: z.input<typeof completeSchema>): Promise<ActionResult<never>> {
  const ctx = await currentRequestContext();
  const parsed = completeSchema.safeParse(input);
  if (!parsed.success) return { ok: false, code: 'INVALID_INPUT', error: '認証コードは6桁の数字で入力してください。', fieldErrors: fieldErrorsOf(parsed.error) };
  try {
    await completeLogin(parsed.data, ctx);
    await signIn('credentials', { token: parsed.data.token, redirectTo: '/' });
    return { ok: false, code: 'INTERNAL', error: 'ログインに失敗しました。' };
  } catch (error) {
    if (isRedirectError(error)) throw error;
    return toActionError(error, ctx.requestId);
  }
}

/** Ends every session of this user, then clears the cookie. */
export async function logoutAction(): Promise<void> {
  const actor = await getActor();
  if (actor) await logoutEverywhere(actor);
  await signOut({ redirectTo: '/login' });
}

/** The idle guard locked the screen: end this session; the browser then shows the login page. */
export async function idleLogoutAction(): Promise<void> {
  const actor = await getActor();
  if (actor) await endIdleSession(actor);
  await signOut({ redirect: false });
}
