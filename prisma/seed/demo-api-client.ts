/**
 * A ready-made vendor app for the demo (docs/api.md): さくら内科's 「デモ連携アプリ」 with every offered scope. Its private
 * key is written to data/demo-api-private-key.json (kept across restarts; the app's public key follows it), so the
 * examples of docs/api.md run against the demo data at once. Idempotent: the demo runs it at every start.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import { SCOPE_CHOICES } from '@/lib/vendor-api/api-client.constants';
import { DEMO_CLINICS } from './demo-seed';

/** The demo app's client_id (fixed, so the docs' commands can name it). */
export const DEMO_API_CLIENT_ID = '00000000-0000-4000-8000-00000000a001';
export const DEMO_API_KEY_FILE = 'data/demo-api-private-key.json';

async function demoKey(file: string): Promise<{ privateJwk: JWK; publicJwk: JWK }> {
  if (existsSync(file)) {
    const privateJwk = JSON.parse(readFileSync(file, 'utf8')) as JWK;
    const { d: _d, ...publicJwk } = privateJwk;
    return { privateJwk, publicJwk: { ...publicJwk, use: 'sig' } };
  }
  const { publicKey, privateKey } = await generateKeyPair('ES384', { extractable: true });
  const kid = 'demo-key-1';
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: 'ES384' };
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(privateJwk, null, 2)}\n`, { mode: 0o600 });
  return { privateJwk, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES384', use: 'sig' } };
}

export async function seedDemoApiClient(prisma: PrismaClient, file = DEMO_API_KEY_FILE): Promise<{ clientId: string; keyFile: string } | null> {
  const entry = await prisma.institutionNumber.findUnique({ where: { institutionNumber: DEMO_CLINICS[0]!.institutionNumber } });
  const admin = entry ? await prisma.user.findFirst({ where: { clinicId: entry.clinicId, role: 'clinic_admin' }, select: { id: true } }) : null;
  if (!entry || !admin) return null;
  const { publicJwk } = await demoKey(file);
  const jwks = { keys: [publicJwk] };
  const scopes = SCOPE_CHOICES.map((c) => c.scope);
  const key = { clinicId_id: { clinicId: entry.clinicId, id: DEMO_API_CLIENT_ID } };
  await prisma.apiClient.upsert({
    where: key,
    create: { clinicId: entry.clinicId, id: DEMO_API_CLIENT_ID, name: 'デモ連携アプリ', scopes, jwks, createdById: admin.id },
    update: { jwks, scopes, status: 'active', revokedAt: null, revokedById: null },
  });
  await prisma.apiClientDirectory.upsert({ where: { clientId: DEMO_API_CLIENT_ID }, create: { clientId: DEMO_API_CLIENT_ID, clinicId: entry.clinicId }, update: {} });
  return { clientId: DEMO_API_CLIENT_ID, keyFile: file };
}
