import { auditCsvFileName, auditReportQuerySchema, exportAuditCsv } from '@/lib/audit/audit-report';
import { withStaffRoute } from '@/lib/api/staff-route';

export const GET = withStaffRoute(async ({ actor, request }) => {
  const q = auditReportQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const csv = await exportAuditCsv(q, actor);
  return new Response(csv, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${auditCsvFileName()}"`,
      'Cache-Control': 'no-store',
    },
  });
});
