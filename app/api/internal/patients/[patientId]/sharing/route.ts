import { withStaffRoute } from '@/lib/api/staff-route';
import { z } from '@/lib/core/zod';
import { getPatientSharingStatus } from '@/lib/sharing/sharing-status.service';
import { BACKGROUND_REQUEST_HEADER } from '@/lib/web/request-headers';

const params = z.object({ patientId: z.string().uuid() }).strict();

/** The patient's sharing state per unit as JSON, polled by the chart (TanStack Query). */
export const GET = withStaffRoute(async ({ actor, request, params: raw }) => {
  const { patientId } = params.parse(raw);
  const status = await getPatientSharingStatus(patientId, actor, { background: request.headers.get(BACKGROUND_REQUEST_HEADER) === '1' });
  return Response.json(status, { headers: { 'Cache-Control': 'no-store' } });
});
