/**
 * The response headers every answer carries (SECURITY.md G4): next.config.ts sets them on what Next serves, and the
 * vendor FHIR API's node:http entry (lib/vendor-api/fhir-node.ts) sets the same list on what it serves itself.
 */
export const SECURITY_HEADERS: readonly { key: string; value: string }[] = [
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'Referrer-Policy', value: 'no-referrer' },
  { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=()' },
  { key: 'Strict-Transport-Security', value: 'max-age=31536000; includeSubDomains' },
];
