/**
 * Marks a request the browser made on its own (queue polling, progress polling), not because
 * somebody used the screen. Such requests do not count as activity for the idle timeout, so an
 * unattended screen that keeps polling still times out. Forging it only shortens one's own session.
 */
export const BACKGROUND_REQUEST_HEADER = 'x-karte-background';
export const backgroundRequestHeaders = { [BACKGROUND_REQUEST_HEADER]: '1' } as const;
