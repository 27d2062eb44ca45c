import { AppError } from '@/lib/core/app-error';
import { withStaffRoute } from '@/lib/api/staff-route';
import { decodeFileNameHeader } from '@/lib/web/body-limits';
import { listRecentMasterImports, startMasterImport } from '@/lib/masters/master-admin.service';

/** GET: recent imports with progress. POST: the file as the raw body; name and kind in headers. */
export const GET = withStaffRoute(async ({ actor }) => Response.json(await listRecentMasterImports(actor), { headers: { 'Cache-Control': 'no-store' } }));

export const POST = withStaffRoute(async ({ actor, request }) => {
  const fileName = decodeFileNameHeader(request.headers.get('x-file-name'));
  if (fileName === null) throw new AppError('BAD_REQUEST', 'ファイル名（x-file-name）の形式が正しくありません。UTF-8 をパーセントエンコードして送ってください。');
  const kind = request.headers.get('x-master-kind') ?? 'auto';
  const declared = Number(request.headers.get('content-length'));
  const buffer = new Uint8Array(await request.arrayBuffer());
  // a body cut short on the way (or a wrong Content-Length) is never imported as if it were the whole file
  if (Number.isFinite(declared) && declared > 0 && buffer.byteLength !== declared) {
    throw new AppError('BAD_REQUEST', `ファイルが途中で切れています（${declared}バイト中${buffer.byteLength}バイト受信）。もう一度送ってください。`);
  }
  await startMasterImport({ fileName, kind, buffer }, actor);
  return Response.json({ started: true }, { status: 202 });
});
