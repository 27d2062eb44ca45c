/**
 * App registration for the vendor API (clinic_admin, 医療機関の設定 → 外部連携アプリ): register a backend app with
 * its public keys and the scopes it may use, list apps with their last use, revoke. Every change is audited.
 */
import { randomUUID } from 'node:crypto';
import type { Prisma } from '@/lib/generated/prisma/client';
import { importJWK, type JWK } from 'jose';
import { AppError } from '@/lib/core/app-error';
import { db, runInTransaction } from '@/lib/core/db';
import { oneOf } from '@/lib/core/text-enum';
import { recordAuditEvent } from '@/lib/audit/audit';
import { requirePermission, type Principal } from '@/lib/auth/principal';
import { apiClientRepository } from './api-client.repository';
import { API_CLIENT_STATUSES, ASSERTION_ALGORITHMS } from './api-client.constants';
import type { ApiClientDto } from './api-client.dto';
import type { RegisterApiClientInput, RevokeApiClientInput, RotateApiClientKeysInput } from './api-client.schema';
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

function toDto(row: Awaited<ReturnType<typeof apiClientRepository.list>>[number]): ApiClientDto {
  const jwks = row.jwks as { keys?: JWK[] } | null;
  return {
    clientId: row.id,
    name: row.name,
    scopes: row.scopes,
    keySource: row.jwksUrl ? 'jwks_url' : 'jwks',
    jwksUrl: row.jwksUrl,
    keyIds: (jwks?.keys ?? []).map((k) => k.kid ?? '(kidなし)'),
    status: oneOf(API_CLIENT_STATUSES, row.status),
    createdAt: row.createdAt.toISOString(),
    revokedAt: row.revokedAt?.toISOString() ?? null,
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
  };
}

/** Registers a backend app for the principal's clinic; its client_id is returned (the app puts it in its assertions). */
export async function registerApiClient(input: RegisterApiClientInput, principal: Principal): Promise<ApiClientDto> {
  await requirePermission(principal, 'clinic.settings');
  const jwks = input.jwks ? await checkPublicJwks(input.jwks) : null;
  const scopes = normalizeScopes(input.scopes);
  const id = randomUUID();
  const row = await runInTransaction(async (tx) => {
    const created = await apiClientRepository.create(tx, {
      clinicId: principal.clinicId,
      id,
      name: input.name,
      scopes,
      ...(jwks ? { jwks } : {}),
      jwksUrl: input.jwksUrl ?? null,
      createdById: principal.userId,
    });
    await apiClientRepository.addToDirectory(tx, id, principal.clinicId);
    await recordAuditEvent(tx, {
      clinicId: principal.clinicId,
      actor: principal,
      action: 'create',
      resourceType: 'api_client',
      resourceId: id,
      detail: { scopes, keySource: jwks ? 'jwks' : 'jwks_url' },
      ctx: principal.ctx,
    });
    return created;
  });
  return toDto(row);
}

/** 鍵の更新: the app's public keys are replaced (a key leaked, or the vendor rotates them); audited with both key ids. */
export async function rotateApiClientKeys(input: RotateApiClientKeysInput, principal: Principal): Promise<ApiClientDto> {
  await requirePermission(principal, 'clinic.settings');
  const jwks = input.jwks ? await checkPublicJwks(input.jwks) : null;
  return runInTransaction(async (tx) => {
    const before = await apiClientRepository.find(tx, principal.clinicId, input.clientId);
    const { count } = await apiClientRepository.replaceKeys(tx, principal.clinicId, input.clientId, { jwks: jwks as unknown as Prisma.InputJsonValue | null, jwksUrl: input.jwksUrl ?? null });
    if (count !== 1 || !before) throw new AppError('NOT_FOUND', 'このアプリは見つからないか、利用停止されています。');
    const after = (await apiClientRepository.find(tx, principal.clinicId, input.clientId))!;
    await recordAuditEvent(tx, {
      clinicId: principal.clinicId,
      actor: principal,
      action: 'update',
      resourceType: 'api_client',
      resourceId: input.clientId,
      detail: { keys: 'rotated', keyIdsBefore: toDto(before).keyIds, keyIdsAfter: toDto(after).keyIds, keySource: jwks ? 'jwks' : 'jwks_url' },
      ctx: principal.ctx,
    });
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
    await recordAuditEvent(tx, {
      clinicId: principal.clinicId,
      actor: principal,
      action: 'delete',
      resourceType: 'api_client',
      resourceId: input.clientId,
      detail: { intent: 'revoke' },
      ctx: principal.ctx,
    });
  });
}
