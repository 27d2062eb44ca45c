/**
 * When to try a failed job again: exponential backoff with full jitter and a cap, unless the other side said when
 * (Retry-After), which is honoured as given (bounded by `maxRetryAfterMs` so a wrong header cannot park a job for days).
 * Pure; `random` is injectable for tests.
 */
export type BackoffPolicy = { baseMs: number; capMs: number; maxRetryAfterMs: number };

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1_000, capMs: 5 * 60_000, maxRetryAfterMs: 60 * 60_000 };

/** Delay before attempt `attempts + 1`, after `attempts` failed ones (attempts ≥ 1). */
export function retryDelayMs(
  attempts: number,
  options: { policy?: BackoffPolicy; retryAfterMs?: number; random?: () => number } = {},
): number {
  const policy = options.policy ?? DEFAULT_BACKOFF;
  if (options.retryAfterMs !== undefined && options.retryAfterMs >= 0) return Math.min(options.retryAfterMs, policy.maxRetryAfterMs);
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, Math.min(attempts - 1, 30)));
  // "equal jitter": half fixed, half random, so a retry is never immediate and a crowd of jobs spreads out
  return Math.round(ceiling / 2 + (options.random ?? Math.random)() * (ceiling / 2));
}

/** Parses an HTTP Retry-After value (seconds or an HTTP date) into milliseconds from `now`; undefined when absent or bad. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
