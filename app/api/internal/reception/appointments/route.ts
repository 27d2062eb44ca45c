import { withStaffRoute } from '@/lib/api/staff-route';
import { listAppointmentsForDay } from '@/lib/reception/appointment.service';

/** Today's appointments as JSON, polled by 本日の予約 at reception in the background (not activity for the idle timeout). */
export const GET = withStaffRoute(async ({ actor }) => Response.json(await listAppointmentsForDay({}, actor), { headers: { 'Cache-Control': 'no-store' } }));
