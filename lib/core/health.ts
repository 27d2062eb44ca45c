/**
 * Liveness for load balancers and monitoring: the database answers, and the app's clock agrees with the
 * database's (audit and record timestamps come from both; SECURITY.md C5). Says nothing about any clinic.
 */
import { db } from './db';

/** Beyond this the timestamps written by the app and by the database no longer tell one story. */
export const MAX_CLOCK_SKEW_MS = 2_000;

export type Health = { status: 'ok' | 'degraded' | 'down'; database: 'ok' | 'unreachable'; clockSkewMs: number | null; checkedAt: string };

export async function checkHealth(): Promise<Health> {
  const before = Date.now();
  try {
    const [row] = await db().$queryRaw<{ now: Date }[]>`SELECT clock_timestamp() AS now`;
    const after = Date.now();
    // compare with the middle of the round trip
    const skew = Math.round(row!.now.getTime() - (before + after) / 2);
    return { status: Math.abs(skew) > MAX_CLOCK_SKEW_MS ? 'degraded' : 'ok', database: 'ok', clockSkewMs: skew, checkedAt: new Date(after).toISOString() };
  } catch {
    return { status: 'down', database: 'unreachable', clockSkewMs: null, checkedAt: new Date().toISOString() };
  }
}
