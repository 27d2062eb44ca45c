// AUTH_SECRET, AUDIT_HMAC_KEY, DATA_ENCRYPTION_KEY and EMBEDDED_DB_PASSWORD for a local install: generated once, kept in ./data/secrets.json (0600).
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';

export function ensureLocalSecrets(dir = 'data'): void {
  const file = `${dir}/secrets.json`;
  mkdirSync(dir, { recursive: true });
  let secrets: Record<string, string> = {};
  if (existsSync(file)) secrets = JSON.parse(readFileSync(file, 'utf8'));
  let changed = false;
  for (const key of ['AUTH_SECRET', 'AUDIT_HMAC_KEY', 'DATA_ENCRYPTION_KEY', 'EMBEDDED_DB_PASSWORD']) {
    if (!secrets[key]) {
      secrets[key] = randomBytes(32).toString('base64url');
      changed = true;
    }
  }
  if (changed) writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  for (const [k, v] of Object.entries(secrets)) process.env[k] ??= v;
}
