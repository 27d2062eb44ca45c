import { AppError } from '@/lib/core/app-error';
import { z } from '@/lib/core/zod';
import { withStaffRoute } from '@/lib/api/staff-route';
import { decodeFileNameHeader } from '@/lib/web/body-limits';
import { listRecentMasterImports, receiveMasterUpload } from '@/lib/masters/master-admin.service';
import { MASTER_UPLOAD_HEADERS } from '@/lib/masters/master-import.constants';

/**
 * GET: this tenant's recent imports with progress. POST: the file as the raw body, streamed (this route is outside
 * proxy.ts, so Next neither buffers nor truncates it); name, kind, size and line count in headers.
 */
export const GET = withStaffRoute(async ({ actor }) => Response.json(await listRecentMasterImports(actor), { headers: { 'Cache-Control': 'no-store' } }));

const count = z.string().regex(/^\d{1,15}$/, '数値で指定してください。').transform(Number).nullable();
const uploadHeaders = z.object({
  kind: z.string().max(40).nullable().transform((v) => v ?? 'auto'),
  bytes: count,
  contentLength: count,
  lines: count,
});

export const POST = withStaffRoute(async ({ actor, request }) => {
  const fileName = decodeFileNameHeader(request.headers.get('x-file-name'));
  if (fileName === null) throw new AppError('BAD_REQUEST', 'ファイル名（x-file-name）の形式が正しくありません。UTF-8 をパーセントエンコードして送ってください。');
  const headers = uploadHeaders.parse({
    kind: request.headers.get(MASTER_UPLOAD_HEADERS.kind),
    bytes: request.headers.get(MASTER_UPLOAD_HEADERS.bytes),
    contentLength: request.headers.get('content-length'),
    lines: request.headers.get(MASTER_UPLOAD_HEADERS.lines),
  });
  const { importId } = await receiveMasterUpload(
    { fileName, kind: headers.kind, declaredBytes: headers.bytes ?? headers.contentLength, declaredLines: headers.lines, body: request.body },
    actor,
  );
  return Response.json({ started: true, importId }, { status: 202 });
});
