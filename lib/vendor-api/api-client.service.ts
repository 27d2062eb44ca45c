/**
 * App registration for the vendor API (clinic_admin, 医療機関の設定 → 外部連携アプリ): register a backend app with
 * its public keys (or, for an app that cannot sign assertions, a client secret shown once) and the scopes it may use,
 * list apps with their last use, rotate keys or the secret, revoke. Every change is audited.
 */
import { randomUUID } from 'node:crypto';
import type { Prisma } from '@/lib/generated/prisma/client';
import { importJWK, type JWK } from 'jose';
import { AppError } from '@/lib/core/app-error';
import { db, runInTransaction, type Tx } from '@/lib/core/db';
import { oneOf } from '@/lib/core/text-enum';
import { recordAuditEvent } from '@/lib/audit/audit';
import { requirePermission, type Principal } from '@/lib/auth/principal';
import { apiClientRepository } from './api-client.repository';
import { API_CLIENT_STATUSES, ASSERTION_ALGORITHMS } from './api-client.constants';
import type { ApiClientDto, ApiClientWithSecret } from './api-client.dto';
import type { RegisterApiClientInput, RevokeApiClientInput, RotateApiClientKeysInput, RotateApiClientSecretInput } from './api-client.schema';
import { newClientSecret } from './client-secret';
import { normalizeScopes } from './scopes';


const invalidKeys = (message: string) => new AppError('INVALID_INPUT', message, { jwks: message });

/**
 * The public keys of an inline JWKS, checked: JSON with `keys`, each an RSA or EC public key (no private part) that
 * jose can import for RS384 or ES384. Returns the set as stored.
 */
export async function checkPublicJwks(text: string): Promise<{ keys: JWK[] }> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalidKeys('公開鍵（JWKS）がJSONとして読めません。');
  }
  const keys = (parsed as { keys?: unknown }).keys;
  if (!Array.isArray(keys) || keys.length === 0 || keys.length > 10) throw invalidKeys('公開鍵（JWKS）の keys に1〜10個の鍵を入れてください。');
  for (const key of keys as JWK[]) {
    if (!key || typeof key !== 'object') throw invalidKeys('公開鍵（JWKS）の形式が正しくありません。');
    if ('d' in key || 'p' in key || 'q' in key) throw invalidKeys('秘密鍵が含まれています。公開鍵だけを登録してください（秘密鍵はアプリ側で保管します）。');
    const alg = key.alg ?? (key.kty === 'EC' ? 'ES384' : 'RS384');
    if (key.kty !== 'RSA' && key.kty !== 'EC') throw invalidKeys('RSA または EC（P-384）の鍵を登録してください。');
    if (!(ASSERTION_ALGORITHMS as readonly string[]).includes(alg)) throw invalidKeys('鍵のアルゴリズムは RS384 か ES384 にしてください。');
    try {
      await importJWK(key, alg);
    } catch {
      throw invalidKeys('公開鍵（JWKS）の鍵を読み込めません。');
    }
  }
  return { keys: keys as JWK[] };
}

/** One audit event of a change to an app's registration (never with a key's or secret's value). */
function auditAppChange(tx: Tx, principal: Principal, action: 'create' | 'update' | 'delete', clientId: string, detail: Record<string, unknown>) {
  return recordAuditEvent(tx, { clinicId: principal.clinicId, actor: principal, action, resourceType: 'api_client', resourceId: clientId, detail, ctx: principal.ctx });
}

function toDto(row: Awaited<ReturnType<typeof apiClientRepository.list>>[number]): ApiClientDto {
  const jwks = row.jwks as { keys?: JWK[] } | null;
  return {
    clientId: row.id,
    name: row.name,
    scopes: row.scopes,
    keySource: row.clientSecretHash ? 'client_secret' : row.jwksUrl ? 'jwks_url' : 'jwks',
    jwksUrl: row.jwksUrl,
    keyIds: (jwks?.keys ?? []).map((k) => k.kid ?? '(kidなし)'),
    status: oneOf(API_CLIENT_STATUSES, row.status),
    createdAt: row.createdAt.toISOString(),
    revokedAt: row.revokedAt?.toISOString() ?? null,
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
  };
}

/**
 * Registers a backend app for the principal's clinic; its client_id is returned (the app puts it in its assertions),
 * and the client secret when one was asked for — this once; only its hash is kept.
 */
export async function registerApiClient(input: RegisterApiClientInput, principal: Principal): Promise<ApiClientWithSecret> {
  await requirePermission(principal, 'clinic.settings');
  const jwks = input.jwks ? await checkPublicJwks(input.jwks) : null;
  const secret = input.issueClientSecret ? newClientSecret() : null;
  const scopes = normalizeScopes(input.scopes);
  const id = randomUUID();
  const keySource = secret ? 'client_secret' : jwks ? 'jwks' : 'jwks_url';
  const row = await runInTransaction(async (tx) => {
    const created = await apiClientRepository.create(tx, {
      clinicId: principal.clinicId,
      id,
      name: input.name,
      scopes,
      ...(jwks ? { jwks } : {}),
      jwksUrl: input.jwksUrl ?? null,
      clientSecretHash: secret?.hash ?? null,
      createdById: principal.userId,
    });
    await apiClientRepository.addToDirectory(tx, id, principal.clinicId);
    await auditAppChange(tx, principal, 'create', id, { scopes, keySource });
    return created;
  });
  return { ...toDto(row), ...(secret ? { clientSecret: secret.secret } : {}) };
}

/**
 * シークレットの再発行: a new client secret replaces the app's old one at once (tokens already issued stay valid until
 * they expire or are revoked; revoke the app to stop them too). The new secret is returned this once. An app that
 * signs assertions has no secret to rotate.
 */
export async function rotateApiClientSecret(input: RotateApiClientSecretInput, principal: Principal): Promise<ApiClientWithSecret> {
  await requirePermission(principal, 'clinic.settings');
  const secret = newClientSecret();
  return runInTransaction(async (tx) => {
    const before = await apiClientRepository.find(tx, principal.clinicId, input.clientId);
    if (!before || before.status !== 'active') throw new AppError('NOT_FOUND', 'このアプリは見つからないか、利用停止されています。');
    if (!before.clientSecretHash) throw new AppError('INVALID_INPUT', 'このアプリは公開鍵で認証します。「鍵を更新」を使ってください。');
    const { count } = await apiClientRepository.replaceSecretHash(tx, principal.clinicId, input.clientId, secret.hash);
    if (count !== 1) throw new AppError('NOT_FOUND', 'このアプリは見つからないか、利用停止されています。');
    await auditAppChange(tx, principal, 'update', input.clientId, { secret: 'rotated', keySource: 'client_secret' });
    return { ...toDto(before), clientSecret: secret.secret };
  });
}

/** 鍵の更新: the app's public keys are replaced (a key leaked, or the vendor rotates them); audited with both key ids. */
export async function rotateApiClientKeys(input: RotateApiClientKeysInput, principal: Principal): Promise<ApiClientDto> {
  await requirePermission(principal, 'clinic.settings');
  const jwks = input.jwks ? await checkPublicJwks(input.jwks) : null;
  return runInTransaction(async (tx) => {
    const before = await apiClientRepository.find(tx, principal.clinicId, input.clientId);
    if (before?.status === 'active' && before.clientSecretHash) {
      throw new AppError('INVALID_INPUT', 'このアプリはクライアントシークレットで認証します。「シークレットを再発行」を使ってください。');
    }
    const { count } = await apiClientRepository.replaceKeys(tx, principal.clinicId, input.clientId, { jwks: jwks as unknown as Prisma.InputJsonValue | null, jwksUrl: input.jwksUrl ?? null });
    if (count !== 1 || !before) throw new AppError('NOT_FOUND', 'このアプリは見つからないか、利用停止されています。');
    const after = (await apiClientRepository.find(tx, principal.clinicId, input.clientId))!;
    await auditAppChange(tx, principal, 'update', input.clientId, { keys: 'rotated', keyIdsBefore: toDto(before).keyIds, keyIdsAfter: toDto(after).keyIds, keySource: jwks ? 'jwks' : 'jwks_url' });
    return toDto(after);
  });
}

/** The clinic's apps, newest first, with their last use. */
export async function listApiClients(principal: Principal): Promise<ApiClientDto[]> {
  await requirePermission(principal, 'clinic.settings');
  return (await apiClientRepository.list(db(), principal.clinicId)).map(toDto);
}

/** Revokes an app: its tokens stop working on their next request (every request checks the app's status). */
export async function revokeApiClient(input: RevokeApiClientInput, principal: Principal): Promise<void> {
  await requirePermission(principal, 'clinic.settings');
  await runInTransaction(async (tx) => {
    const { count } = await apiClientRepository.revoke(tx, principal.clinicId, input.clientId, principal.userId, new Date());
    if (count !== 1) throw new AppError('NOT_FOUND', 'このアプリは見つからないか、すでに利用停止されています。');
    await auditAppChange(tx, principal, 'delete', input.clientId, { intent: 'revoke' });
  });
}
