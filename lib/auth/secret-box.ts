/**
 * Encryption at rest for small secrets (TOTP seeds): AES-256-GCM with a key derived (HKDF) from
 * DATA_ENCRYPTION_KEY. Stored as `v1:<iv>:<tag>:<ciphertext>` (base64url); a database dump alone reveals nothing.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { requireSecret } from '@/lib/core/env';

const PREFIX = 'v1';

function key(): Buffer {
  return Buffer.from(hkdfSync('sha256', requireSecret('DATA_ENCRYPTION_KEY'), 'karte', 'totp-secret-v1', 32));
}

export function sealSecret(plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key(), iv);
  const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return [PREFIX, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), data.toString('base64url')].join(':');
}

export function openSecret(sealed: string): string {
  const [prefix, iv, tag, data] = sealed.split(':');
  if (prefix !== PREFIX || !iv || !tag || !data) throw new Error('not a sealed secret');
  const decipher = createDecipheriv('aes-256-gcm', key(), Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
}
