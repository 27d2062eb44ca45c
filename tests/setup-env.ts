// Fixed secrets for tests (never used outside them).
process.env.AUTH_SECRET ??= 'test-auth-secret-0123456789abcdef';
process.env.AUDIT_HMAC_KEY ??= 'test-audit-key-0123456789abcdef';
process.env.DATA_ENCRYPTION_KEY ??= 'test-data-key-0123456789abcdef';
// webhook receivers in tests listen on 127.0.0.1 (production allows https only)
process.env.WEBHOOK_ALLOW_LOOPBACK ??= '1';
(process.env as Record<string, string>).NODE_ENV = 'test';

// Every log line written while this file's tests run; none may contain a registered secret (SECURITY.md C2).
const { afterAll } = await import('vitest');
const { onLogLine } = await import('@/lib/core/logger');
const { leakedIn, neverLogged } = await import('./helpers/never-logged');
neverLogged(process.env.AUTH_SECRET, process.env.AUDIT_HMAC_KEY, process.env.DATA_ENCRYPTION_KEY);
const lines: string[] = [];
onLogLine((line) => lines.push(line));
afterAll(() => {
  const leaks = lines.map((line) => ({ line, secret: leakedIn(line) })).filter((l) => l.secret);
  if (leaks.length) throw new Error(`a log line contains a secret or clinical text:\n${leaks.map((l) => l.line).join('\n')}`);
});
export {};
