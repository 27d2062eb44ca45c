import { withStaffRoute } from '@/lib/api/staff-route';
import { listQueue } from '@/lib/reception/visit.service';

/** Today's queue as JSON, polled by the reception screen (TanStack Query). */
export const GET = withStaffRoute(async ({ actor }) => Response.json(await listQueue(actor), { headers: { 'Cache-Control': 'no-store' } }));
