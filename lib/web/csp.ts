/**
 * Content-Security-Policy with a fresh nonce per request (SECURITY.md G4).
 * Next reads the policy from the request headers and stamps the nonce on its own scripts;
 * 'strict-dynamic' lets those scripts load the app's chunks, and nothing else runs.
 * Styles keep 'unsafe-inline': React style attributes and chart libraries need it, and a
 * nonce would make browsers ignore it.
 */
export function contentSecurityPolicy(nonce: string, dev: boolean): string {
  return [
    "default-src 'self'",
    // next dev's fast refresh evaluates code; production never does
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export function newNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}
