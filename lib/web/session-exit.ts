/**
 * Leaving for the login page when the session is gone, once per page. The idle lock ends the session itself and goes to
 * /login?reason=idle; a background poll that was in flight then gets a 401 and must not send the user to
 * /login?reason=ended instead (the login page would give the wrong reason). Browser-only.
 */
let leaving = false;

/** Goes to the login page with the reason, unless the page is already leaving (the first reason wins). */
export function leaveForLogin(reason: 'idle' | 'ended'): void {
  if (leaving) return;
  leaving = true;
  window.location.replace(`/login?reason=${reason}`);
}

/** The idle lock has started ending the session: polls that fail from now on leave it to the lock. */
export function markLeaving(): void {
  leaving = true;
}

/** A background poll answered 401: the session ended elsewhere (or the lock is already leaving). */
export const sessionEnded = () => leaveForLogin('ended');
