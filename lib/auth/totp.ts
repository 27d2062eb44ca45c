/** TOTP (RFC 6238, SHA-1, 30 s, 6 digits) via otplib; codes are single-use (afterTimeStep). */
import { generateSecret, generateSync, generateURI, verifySync } from 'otplib';
import QRCode from 'qrcode';

export function newTotpSecret(): string {
  return generateSecret();
}

export function totpCode(secret: string, epochSeconds?: number): string {
  return generateSync({ secret, ...(epochSeconds !== undefined ? { epoch: epochSeconds } : {}) });
}

/** Returns the accepted time step, or null. One step of clock drift either way is accepted. */
export function verifyTotp(secret: string, code: string, lastStep?: bigint | null): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  try {
    const result = verifySync({
      secret,
      token: code,
      epochTolerance: 30,
      ...(lastStep !== null && lastStep !== undefined ? { afterTimeStep: Number(lastStep) } : {}),
    }) as { valid: boolean; timeStep?: number };
    return result.valid && result.timeStep !== undefined ? result.timeStep : null;
  } catch {
    return null;
  }
}

export async function totpEnrollment(secret: string, label: string, issuer = 'Karte 電子カルテ') {
  const uri = generateURI({ issuer, label, secret });
  return { secret, uri, qrDataUrl: await QRCode.toDataURL(uri, { margin: 1, width: 200 }) };
}
