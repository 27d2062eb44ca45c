// Fixed secrets for tests (never used outside them).
process.env.AUTH_SECRET ??= 'test-auth-secret-0123456789abcdef';
process.env.AUDIT_HMAC_KEY ??= 'test-audit-key-0123456789abcdef';
process.env.DATA_ENCRYPTION_KEY ??= 'test-data-key-0123456789abcdef';
(process.env as Record<string, string>).NODE_ENV = 'test';
