/**
 * Client secrets for apps that cannot sign a client assertion (docs/decisions/0082): 32 random bytes, shown to the
 * clinic admin once, stored as their SHA-256. A fast hash is enough for a secret of 256 random bits (nothing to guess
 * from a dictionary, unlike a password); the comparison is constant-time.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Marks our secrets in a vendor's configuration and in secret scanners. */
export const CLIENT_SECRET_PREFIX = 'kcs_';

export function hashClientSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** A new secret and the hash to store. */
export function newClientSecret(): { secret: string; hash: string } {
  const secret = `${CLIENT_SECRET_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { secret, hash: hashClientSecret(secret) };
}

export function clientSecretMatches(secret: string, storedHash: string): boolean {
  const given = Buffer.from(hashClientSecret(secret), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored);
}
