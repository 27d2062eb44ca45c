/**
 * Attempt limits that hold under parallel requests (issue 9 item 13). An attempt is written first (a reservation in
 * AuthFailure), then the attempts in the window are counted: every attempt counts all attempts committed before its
 * count, itself included, so however many run at once, no more than the limit get past. A refused attempt takes its
 * reservation back (it checked nothing); so does a successful one; a failed one leaves it standing as the failure.
 */
import { AppError } from '@/lib/core/app-error';
import { authRepository } from './auth.repository';

export type AttemptLimit = { key: string; max: number };

export async function reserveAttempt(limits: AttemptLimit[], windowMs: number, refusedMessage: string): Promise<bigint[]> {
  const ids = await authRepository.reserveAttempts(limits.map((l) => l.key));
  const since = new Date(Date.now() - windowMs);
  const counts = await Promise.all(limits.map((l) => authRepository.countFailures(l.key, since)));
  if (counts.some((n, i) => n > limits[i]!.max)) {
    await authRepository.releaseAttempts(ids);
    throw new AppError('RATE_LIMITED', refusedMessage);
  }
  return ids;
}

/** The attempt succeeded: it does not count as a failure. */
export async function releaseAttempt(ids: bigint[]): Promise<void> {
  await authRepository.releaseAttempts(ids);
}
