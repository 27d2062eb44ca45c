/** Route handlers used by the staff UI (session cookie): actor, CSRF check on mutations, errors as JSON. */
import { AppError, APP_ERROR_STATUS } from '@/lib/core/app-error';
import { fieldErrorsOf, z } from '@/lib/core/zod';
import { errorFields, log } from '@/lib/core/logger';
import { requireActor, type Actor } from '@/lib/auth/actor';

type Handler = (args: { actor: Actor; request: Request; params: Record<string, string> }) => Promise<Response>;

function sameOrigin(request: Request): boolean {
  const fetchSite = request.headers.get('sec-fetch-site');
  if (fetchSite && fetchSite !== 'same-origin' && fetchSite !== 'none') return false;
  const origin = request.headers.get('origin');
  if (!origin) return true;
  const host = request.headers.get('x-forwarded-host') ?? request.headers.get('host');
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

export function withStaffRoute(handler: Handler) {
  return async (request: Request, context: { params: Promise<Record<string, string>> }): Promise<Response> => {
    let requestId = 'none';
    try {
      if (request.method !== 'GET' && request.method !== 'HEAD' && !sameOrigin(request)) {
        throw new AppError('FORBIDDEN', '不正なリクエスト元です。');
      }
      const actor = await requireActor();
      requestId = actor.ctx.requestId;
      return await handler({ actor, request, params: await context.params });
    } catch (error) {
      if (error instanceof AppError) {
        return Response.json({ error: { code: error.code, message: error.message } }, { status: APP_ERROR_STATUS[error.code], headers: { 'Cache-Control': 'no-store' } });
      }
      if (error instanceof z.ZodError) {
        return Response.json({ error: { code: 'INVALID_INPUT', message: '入力内容に誤りがあります。', fields: fieldErrorsOf(error) } }, { status: 422 });
      }
      log('error', 'unexpected error in route', { requestId, ...errorFields(error) });
      return Response.json({ error: { code: 'INTERNAL', message: '処理中に問題が発生しました。' } }, { status: 500 });
    }
  };
}
