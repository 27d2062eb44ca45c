import { withStaffRoute } from '@/lib/api/staff-route';
import { listRecentMasterImports, startMasterImport } from '@/lib/masters/master-admin.service';

/** GET: recent imports with progress. POST: the file as the raw body; name and kind in headers. */
export const GET = withStaffRoute(async ({ actor }) => Response.json(await listRecentMasterImports(actor), { headers: { 'Cache-Control': 'no-store' } }));

export const POST = withStaffRoute(async ({ actor, request }) => {
  const fileName = decodeURIComponent(request.headers.get('x-file-name') ?? '');
  const kind = request.headers.get('x-master-kind') ?? 'auto';
  const buffer = new Uint8Array(await request.arrayBuffer());
  await startMasterImport({ fileName, kind, buffer }, actor);
  return Response.json({ started: true }, { status: 202 });
});
