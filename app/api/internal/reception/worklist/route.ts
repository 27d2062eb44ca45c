import { withStaffRoute } from '@/lib/api/staff-route';
import { listMyWorklist } from '@/lib/reception/visit.service';

/** The doctor's 診察待ち as JSON, polled by /worklist in the background (not activity for the idle timeout). */
export const GET = withStaffRoute(async ({ actor }) => Response.json(await listMyWorklist(actor), { headers: { 'Cache-Control': 'no-store' } }));
