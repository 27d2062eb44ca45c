import { apiClientCallsCsvFileName, exportApiClientCallsCsv } from '@/lib/vendor-api/api-client-calls.service';
import { withStaffRoute } from '@/lib/api/staff-route';

/** 外部連携アプリの利用履歴 as CSV (?clientId=&from=&to=); clinic_admin only, audited as an export. */
export const GET = withStaffRoute(async ({ actor, request }) => {
  const csv = await exportApiClientCallsCsv(Object.fromEntries(new URL(request.url).searchParams), actor);
  return new Response(csv, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${apiClientCallsCsvFileName()}"`,
      'Cache-Control': 'no-store',
    },
  });
});
