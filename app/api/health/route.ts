// GET /api/health — public, no patient or clinic data: 200 when healthy, 503 otherwise.
import { checkHealth } from '@/lib/core/health';

export async function GET() {
  const health = await checkHealth();
  return Response.json(health, { status: health.status === 'ok' ? 200 : 503, headers: { 'Cache-Control': 'no-store' } });
}
