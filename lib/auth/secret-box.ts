/**
 * Encryption at rest for small secrets (TOTP seeds): AES-256-GCM with a key derived (HKDF) from
 * DATA_ENCRYPTION_KEY. Stored as `v2:<key id>:<iv>:<tag>:<ciphertext>` (base64url); a database dump alone
 * reveals nothing. Keys rotate: the old key moves to DATA_ENCRYPTION_KEY_PREVIOUS, everything still opens,
 * and `npm run keys:rotate` re-seals what was sealed with an older key (lib/auth/secret-rotation.ts).
 * `v1:` values (no key id, written before rotation existed) are opened by trying each key.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { env, requireSecret } from '@/lib/core/env';

export type DataKeys = { current: string; previous: string[] };

export function dataKeys(): DataKeys {
  const previous = (env().DATA_ENCRYPTION_KEY_PREVIOUS ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  return { current: requireSecret('DATA_ENCRYPTION_KEY'), previous };
}

const aesKey = (secret: string) => Buffer.from(hkdfSync('sha256', secret, 'karte', 'totp-secret-v1', 32));
/** Names a key without revealing it: 48 bits of a separate HKDF output. */
export const keyId = (secret: string) => Buffer.from(hkdfSync('sha256', secret, 'karte', 'key-id', 6)).toString('base64url');

export function sealSecret(plain: string, keys: DataKeys = dataKeys()): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', aesKey(keys.current), iv);
  const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return ['v2', keyId(keys.current), iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), data.toString('base64url')].join(':');
}

function parse(sealed: string): { kid: string | null; iv: string; tag: string; data: string } {
  const parts = sealed.split(':');
  if (parts[0] === 'v2' && parts.length === 5 && parts.every(Boolean)) return { kid: parts[1]!, iv: parts[2]!, tag: parts[3]!, data: parts[4]! };
  if (parts[0] === 'v1' && parts.length === 4 && parts.every(Boolean)) return { kid: null, iv: parts[1]!, tag: parts[2]!, data: parts[3]! };
  throw new Error('not a sealed secret');
}

function decrypt(secret: string, p: { iv: string; tag: string; data: string }): string {
  const decipher = createDecipheriv('aes-256-gcm', aesKey(secret), Buffer.from(p.iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(p.tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(p.data, 'base64url')), decipher.final()]).toString('utf8');
}

export function openSecret(sealed: string, keys: DataKeys = dataKeys()): string {
  const p = parse(sealed);
  const all = [keys.current, ...keys.previous];
  const candidates = p.kid ? all.filter((k) => keyId(k) === p.kid) : all;
  for (const secret of candidates) {
    try {
      return decrypt(secret, p);
    } catch {
      // a v1 value under another key: try the next one
    }
  }
  throw new Error(p.kid ? 'sealed with a key that is not configured' : 'no configured key opens this secret');
}

/** True when the value is already sealed with the current key (nothing to rotate). */
export function isSealedWithCurrentKey(sealed: string, keys: DataKeys = dataKeys()): boolean {
  return parse(sealed).kid === keyId(keys.current);
}
