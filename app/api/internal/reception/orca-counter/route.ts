import { withStaffRoute } from '@/lib/api/staff-route';
import { listOrcaCounterAcceptances } from '@/lib/orca/orca-counter.service';

/** Today's 受付 made at the ORCA counter that the EHR queue does not have yet, polled by the reception screen. */
export const GET = withStaffRoute(async ({ actor }) => Response.json({ rows: await listOrcaCounterAcceptances(actor) }, { headers: { 'Cache-Control': 'no-store' } }));
