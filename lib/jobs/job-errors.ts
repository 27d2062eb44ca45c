/**
 * What a job handler throws to tell the queue what to do. Anything else counts as a transient failure (retried with
 * backoff until maxAttempts, then dead-lettered).
 */

/** Trying again cannot help (invalid data, a refusal): the job is dead-lettered at once, for a person to act on. */
export class PermanentJobError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentJobError';
  }
}

/**
 * Try again later; `retryAfterMs` (from Retry-After) replaces the backoff when given. `deadline`: when the work is due
 * (the sharing IG's next morning); before it, a retry is never scheduled after it and the job is not dead-lettered for
 * running out of attempts.
 */
export class RetryJobError extends Error {
  constructor(message: string, readonly retryAfterMs?: number, readonly deadline?: Date | null) {
    super(message);
    this.name = 'RetryJobError';
  }
}
