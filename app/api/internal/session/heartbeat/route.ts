// Sent by the idle guard while somebody is using the screen, so typing a long note keeps the
// server session alive. Checking the session is the whole job (it records the activity).
import { withStaffRoute } from '@/lib/api/staff-route';

export const POST = withStaffRoute(async () => new Response(null, { status: 204, headers: { 'Cache-Control': 'no-store' } }));
