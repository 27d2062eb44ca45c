/**
 * SMART Backend Services (https://hl7.org/fhir/smart-app-launch/backend-services.html): the token endpoint takes a
 * client_credentials grant with a private_key_jwt client assertion (RFC 7523; RS384/ES384, exp at most five minutes
 * ahead, jti never reused) and issues a short-lived access token bound to the app's clinic, the app and the granted
 * scopes. Every API request verifies the token and checks that the app is still active, so revocation is effective on
 * the next request. JOSE by `jose`; the access token is a JWT signed with a key derived from AUTH_SECRET.
 * An app registered with a client secret (0082) authenticates with `client_secret_basic` or `client_secret_post`
 * (RFC 6749 §2.3.1) instead of the assertion; everything after authentication is the same.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { createLocalJWKSet, createRemoteJWKSet, decodeJwt, errors as joseErrors, jwtVerify, SignJWT, type JWK, type JWTVerifyGetKey } from 'jose';
import { requireSecret } from '@/lib/core/env';
import { db } from '@/lib/core/db';
import type { RequestContext } from '@/lib/core/request-context';
import { recordAuditEventNow, type AuditAction } from '@/lib/audit/audit';
import type { ApiClientPrincipal } from '@/lib/auth/principal';
import { apiClientRepository } from './api-client.repository';
import { ACCESS_TOKEN_LIFETIME_S, ASSERTION_ALGORITHMS, MAX_ASSERTION_LIFETIME_S } from './api-client.constants';
import { grantScopes } from './scopes';
import { clientSecretMatches } from './client-secret';
import { FifoCache } from '@/lib/core/fifo-cache';

export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const TOKEN_ISSUER = 'karte';
const CLOCK_TOLERANCE_S = 30;

/** An OAuth 2.0 error answer (RFC 6749 §5.2): the token endpoint answers these as JSON, not as OperationOutcome. */
export class OAuthError extends Error {
  constructor(
    readonly status: 400 | 401,
    readonly error: 'invalid_request' | 'invalid_client' | 'invalid_grant' | 'unsupported_grant_type' | 'invalid_scope' | 'unsupported_token_type',
    readonly description: string,
  ) {
    super(description);
  }
}

/** One audit event of the OAuth endpoints, naming the app. */
async function auditToken(clinicId: string, app: { id: string; name: string }, action: AuditAction, detail: Record<string, unknown>, ctx: RequestContext, outcome?: 'failure') {
  await recordAuditEventNow({ clinicId, actor: { userId: app.id, role: 'api_client', loginId: `app:${app.name}` }, action, resourceType: 'api_token', resourceId: app.id, detail, ctx, ...(outcome ? { outcome } : {}) });
}

/** Why a bearer token was refused (the API answers 401 with an OperationOutcome). */
export class InvalidTokenError extends Error {}

export type TokenResponse = { access_token: string; token_type: 'bearer'; expires_in: number; scope: string };

let accessKey: Uint8Array | null = null;
function accessTokenKey(): Uint8Array {
  accessKey ??= createHmac('sha256', requireSecret('AUTH_SECRET')).update('karte vendor api access token v1').digest();
  return accessKey;
}

const remoteKeySets = new Map<string, JWTVerifyGetKey>();
function keySetOf(app: { jwks: unknown; jwksUrl: string | null }): JWTVerifyGetKey {
  if (app.jwksUrl) {
    let set = remoteKeySets.get(app.jwksUrl);
    if (!set) {
      set = createRemoteJWKSet(new URL(app.jwksUrl), { timeoutDuration: 5000, cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000 });
      remoteKeySets.set(app.jwksUrl, set);
    }
    return set;
  }
  return createLocalJWKSet(app.jwks as { keys: JWK[] });
}

const bad = (description: string) => new OAuthError(400, 'invalid_request', description);
const unknownClient = (description: string) => new OAuthError(401, 'invalid_client', description);

/**
 * Exchanges a client assertion for an access token. `tokenUrl` is this endpoint's absolute URL (the assertion's `aud`).
 * Failures after the clinic is known are audited as login_failed naming the app.
 */
export async function issueAccessToken(form: URLSearchParams, tokenUrl: string, ctx: RequestContext, now = new Date(), authorization: string | null = null): Promise<TokenResponse> {
  if (form.get('grant_type') !== 'client_credentials') throw new OAuthError(400, 'unsupported_grant_type', 'grant_type must be client_credentials');
  const { clinicId, clientId, app, fail } = await authenticateClient(form, tokenUrl, ctx, now, authorization);
  const nowS = Math.floor(now.getTime() / 1000);

  const requested = (form.get('scope') ?? '').split(/\s+/).filter(Boolean);
  const scopes = grantScopes(requested, app.scopes);
  if (!scopes.length) throw await fail(new OAuthError(400, 'invalid_scope', 'none of the requested scopes is allowed for this client'));
  const scope = scopes.join(' ');
  const accessToken = await new SignJWT({ scope, clinic: clinicId })
    .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' })
    .setIssuer(TOKEN_ISSUER)
    .setSubject(clientId)
    .setIssuedAt(nowS)
    .setExpirationTime(nowS + ACCESS_TOKEN_LIFETIME_S)
    .setJti(randomUUID())
    .sign(accessTokenKey());
  await apiClientRepository.touch(db(), clinicId, clientId, now);
  await apiClientRepository.pruneAssertionIds(db(), clinicId, new Date(now.getTime() - 60_000));
  await auditToken(clinicId, app, 'login', { scope }, ctx);
  return { access_token: accessToken, token_type: 'bearer', expires_in: ACCESS_TOKEN_LIFETIME_S, scope };
}

/** The client_id and secret of `Authorization: Basic` (RFC 6749 §2.3.1: each form-urlencoded before base64). */
function basicCredentials(authorization: string | null): { clientId: string; secret: string } | null {
  const encoded = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(authorization ?? '')?.[1];
  if (!encoded) {
    if (/^Basic\b/i.test(authorization ?? '')) throw unknownClient('the Basic credentials are malformed');
    return null;
  }
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw unknownClient('the Basic credentials are malformed');
  try {
    const unescape = (part: string) => decodeURIComponent(part.replace(/\+/g, ' '));
    return { clientId: unescape(decoded.slice(0, colon)), secret: unescape(decoded.slice(colon + 1)) };
  } catch {
    throw unknownClient('the Basic credentials are malformed');
  }
}

/** The clinic and app of a client_id, or invalid_client; `fail` audits a refusal naming the app. */
async function findClient(clientId: string | undefined, ctx: RequestContext) {
  if (!clientId || !/^[0-9a-f-]{36}$/.test(clientId)) throw unknownClient('unknown client');
  const clinicId = await apiClientRepository.clinicOf(db(), clientId);
  const app = clinicId ? await apiClientRepository.find(db(), clinicId, clientId) : null;
  if (!clinicId || !app) throw unknownClient('unknown client');
  const fail = async (error: OAuthError) => {
    await auditToken(clinicId, app, 'login_failed', { reason: error.description }, ctx, 'failure');
    return error;
  };
  if (app.status !== 'active') throw await fail(unknownClient('the client has been revoked'));
  return { clinicId, clientId, app, fail };
}

/**
 * Authenticates the calling app, for the token, introspection and revocation endpoints alike: by its private_key_jwt
 * client assertion (RFC 7523; `aud` = the token endpoint, as SMART Backend Services clients sign it), or, for an app
 * registered with a client secret, by `client_secret_basic` / `client_secret_post`. One method per request (RFC 6749
 * §2.3); an app uses the method it was registered with. Failures after the clinic is known are audited as
 * login_failed naming the app.
 */
async function authenticateClient(form: URLSearchParams, tokenUrl: string, ctx: RequestContext, now: Date, authorization: string | null = null) {
  const basic = basicCredentials(authorization);
  const postedSecret = form.get('client_secret');
  const assertionGiven = form.has('client_assertion') || form.has('client_assertion_type');
  if ([!!basic, postedSecret !== null, assertionGiven].filter(Boolean).length > 1) throw bad('use exactly one client authentication method');
  if (basic || postedSecret !== null) {
    const clientId = basic?.clientId ?? form.get('client_id') ?? undefined;
    const secret = basic?.secret ?? postedSecret ?? '';
    if (basic && form.get('client_id') && form.get('client_id') !== basic.clientId) throw unknownClient('client_id does not match the Basic credentials');
    const found = await findClient(clientId, ctx);
    if (!found.app.clientSecretHash) throw await found.fail(unknownClient('this client authenticates with a private_key_jwt client assertion'));
    if (!secret || !clientSecretMatches(secret, found.app.clientSecretHash)) throw await found.fail(unknownClient('client secret refused'));
    return found;
  }
  if (form.get('client_assertion_type') !== CLIENT_ASSERTION_TYPE) throw bad(`client_assertion_type must be ${CLIENT_ASSERTION_TYPE}`);
  const assertion = form.get('client_assertion');
  if (!assertion) throw bad('client_assertion is missing');
  let claimedId: string | undefined;
  try {
    const claims = decodeJwt(assertion);
    claimedId = claims.iss;
    if (!claimedId || claims.sub !== claimedId) throw unknownClient('iss and sub of the client assertion must both be the client_id');
  } catch (error) {
    if (error instanceof OAuthError) throw error;
    throw bad('client_assertion is not a JWT');
  }
  if (form.get('client_id') && form.get('client_id') !== claimedId) throw unknownClient('client_id does not match the client assertion');
  const { clinicId, clientId, app, fail } = await findClient(claimedId, ctx);
  if (!app.jwks && !app.jwksUrl) throw await fail(unknownClient('this client authenticates with a client secret'));

  let exp: number;
  let jti: string;
  try {
    const { payload } = await jwtVerify(assertion, keySetOf(app), {
      algorithms: [...ASSERTION_ALGORITHMS],
      issuer: clientId,
      subject: clientId,
      audience: tokenUrl,
      requiredClaims: ['exp', 'jti'],
      clockTolerance: CLOCK_TOLERANCE_S,
      currentDate: now,
    });
    exp = payload.exp!;
    jti = String(payload.jti);
  } catch (error) {
    const reason = error instanceof joseErrors.JOSEError ? `client assertion refused: ${error.code}${error instanceof joseErrors.JWTClaimValidationFailed ? ` (${error.claim})` : ''}` : 'client assertion refused';
    throw await fail(unknownClient(reason));
  }
  const nowS = Math.floor(now.getTime() / 1000);
  if (exp - nowS > MAX_ASSERTION_LIFETIME_S + CLOCK_TOLERANCE_S) throw await fail(unknownClient('the client assertion must expire within five minutes'));
  if (!jti || jti.length > 200) throw await fail(unknownClient('jti is missing or too long'));
  if (!(await apiClientRepository.useAssertionId(db(), clinicId, clientId, jti, new Date((exp + CLOCK_TOLERANCE_S) * 1000)))) {
    throw await fail(unknownClient('the client assertion was already used (jti replay)'));
  }

  return { clinicId, clientId, app, fail };
}

/** The principal of a request's `Authorization: Bearer` token; InvalidTokenError when absent, expired, forged or revoked. */
export async function principalFromBearer(authorization: string | null, ctx: RequestContext): Promise<ApiClientPrincipal> {
  const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
  if (!token) throw new InvalidTokenError('no bearer token');
  const claims = await verifiedClaims(token);
  if (!claims) throw new InvalidTokenError('the access token is invalid or expired');
  // the app's status and the token's revocation, looked up side by side (two primary-key reads on the clinic's shard)
  const [app, revoked] = await Promise.all([apiClientRepository.find(db(), claims.clinic, claims.sub), apiClientRepository.isTokenRevoked(db(), claims.clinic, claims.jti)]);
  if (!app || app.status !== 'active') throw accessRefused('client_revoked');
  if (revoked) throw accessRefused('token_revoked');
  rememberAppName(app.clinicId, app.id, app.name);
  return {
    kind: 'api_client',
    clinicId: app.clinicId,
    clientId: app.id,
    appName: app.name,
    scopes: claims.scope.split(' '),
    userId: app.id,
    role: 'api_client',
    loginId: `app:${app.name}`,
    ctx,
  };
}

/** The 401 of an app found revoked, or of a revoked access token. */
export function accessRefused(reason: 'client_revoked' | 'token_revoked'): InvalidTokenError {
  return new InvalidTokenError(reason === 'client_revoked' ? 'the client has been revoked' : 'the access token has been revoked');
}

// An app's name never changes (there is no rename), so it is read once per app server; its status and the token's
// revocation are never cached (revocation bites on the next request).
const appNames = new Map<string, string>();
function rememberAppName(clinicId: string, clientId: string, name: string) {
  if (appNames.size >= 10_000) appNames.clear();
  appNames.set(`${clinicId}/${clientId}`, name);
}

/**
 * The principal of a bearer token for a read (docs/decisions/0084): the token's signature, expiry and scopes are
 * checked here without the database, and `pendingAccessCheck` carries its jti: the read's own audit statement checks
 * that the app is active and the token not revoked before any data leaves (fhir-read.repository.ts), and whatever
 * else the request answers is preceded by `confirmAccess`. The first call of an app (its name not known yet) is
 * checked at once by principalFromBearer.
 */
export async function principalForRead(authorization: string | null, ctx: RequestContext): Promise<ApiClientPrincipal> {
  const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
  if (!token) throw new InvalidTokenError('no bearer token');
  const claims = await verifiedClaims(token);
  if (!claims) throw new InvalidTokenError('the access token is invalid or expired');
  const name = appNames.get(`${claims.clinic}/${claims.sub}`);
  if (name === undefined) return principalFromBearer(authorization, ctx);
  return {
    kind: 'api_client',
    clinicId: claims.clinic,
    clientId: claims.sub,
    appName: name,
    scopes: claims.scope.split(' '),
    userId: claims.sub,
    role: 'api_client',
    loginId: `app:${name}`,
    ctx,
    pendingAccessCheck: claims.jti,
  };
}

/** Checks now what a principalForRead left to the read's statement (before an error answer or a 429): 401 if refused. */
export async function confirmAccess(principal: ApiClientPrincipal, authorization: string | null): Promise<void> {
  if (principal.pendingAccessCheck === undefined) return;
  await principalFromBearer(authorization, principal.ctx);
  principal.pendingAccessCheck = undefined;
}

type AccessClaims = { sub: string; clinic: string; scope: string; jti: string; exp: number; iat?: number };

/**
 * Access tokens whose signature was checked, by their exact text: a client sends the same token for minutes, and the
 * HMAC (Web Crypto, async) was a measurable part of a read. Only the signature is remembered; the expiry is checked on
 * every use, the app's status and the token's revocation by the request's own statement. Bounded: the oldest go first.
 */
const verifiedTokens = new FifoCache<AccessClaims>(5_000);

/** The claims of one of our access tokens, signature and expiry checked; null for anything else. */
async function verifiedClaims(token: string, now?: Date): Promise<AccessClaims | null> {
  const known = verifiedTokens.get(token);
  if (known) return known.exp > Math.floor((now ? now.getTime() : Date.now()) / 1000) ? known : null;
  const claims = await verifyClaims(token, now);
  if (claims) verifiedTokens.set(token, claims);
  return claims;
}

async function verifyClaims(token: string, now?: Date): Promise<AccessClaims | null> {
  try {
    const { payload } = await jwtVerify(token, accessTokenKey(), { algorithms: ['HS256'], issuer: TOKEN_ISSUER, typ: 'at+jwt', requiredClaims: ['exp', 'sub', 'jti'], ...(now ? { currentDate: now } : {}) });
    const { sub, clinic, scope, jti, exp, iat } = payload as Partial<AccessClaims>;
    if (typeof clinic !== 'string' || typeof scope !== 'string' || !sub || !jti || !exp) return null;
    return { sub, clinic, scope, jti, exp, iat };
  } catch {
    return null;
  }
}

/** RFC 7662 answer: `active: false` alone for anything not a live token of the asking app. */
export type IntrospectionResponse =
  | { active: false }
  | { active: true; scope: string; client_id: string; sub: string; token_type: 'bearer'; exp: number; iat?: number; iss: string; jti: string };

/**
 * Token introspection (RFC 7662) for the app's own access tokens: the caller authenticates with a client assertion
 * like at the token endpoint. Another app's token, an expired, revoked or forged one, or a token of an app revoked
 * since, is `{ active: false }` (the RFC's answer for every token the caller may not learn about).
 */
export async function introspectToken(form: URLSearchParams, tokenUrl: string, ctx: RequestContext, now = new Date(), authorization: string | null = null): Promise<IntrospectionResponse> {
  const token = form.get('token');
  if (!token) throw bad('token is missing');
  const { clinicId, clientId, app } = await authenticateClient(form, tokenUrl, ctx, now, authorization);
  const claims = await verifiedClaims(token, now);
  const own = !!claims && claims.clinic === clinicId && claims.sub === clientId;
  const active = own && app.status === 'active' && !(await apiClientRepository.isTokenRevoked(db(), clinicId, claims.jti));
  await auditToken(clinicId, app, 'read', { interaction: 'introspect', active, ...(own ? { jti: claims.jti } : {}) }, ctx);
  if (!active || !claims) return { active: false };
  return { active: true, scope: claims.scope, client_id: clientId, sub: clientId, token_type: 'bearer', exp: claims.exp, ...(claims.iat ? { iat: claims.iat } : {}), iss: TOKEN_ISSUER, jti: claims.jti };
}

/**
 * Token revocation (RFC 7009): the app revokes one of its own access tokens, effective on the next request (the API
 * checks every token's jti). An unknown, expired or malformed token is answered like a revoked one (200), as the RFC
 * asks; another app's token is refused and not revoked. `token_type_hint` is accepted and not needed (there are only
 * access tokens).
 */
export async function revokeToken(form: URLSearchParams, tokenUrl: string, ctx: RequestContext, now = new Date(), authorization: string | null = null): Promise<void> {
  const token = form.get('token');
  if (!token) throw bad('token is missing');
  const hint = form.get('token_type_hint');
  if (hint && hint !== 'access_token' && hint !== 'refresh_token') throw new OAuthError(400, 'unsupported_token_type', 'token_type_hint must be access_token');
  const { clinicId, clientId, app, fail } = await authenticateClient(form, tokenUrl, ctx, now, authorization);
  const claims = await verifiedClaims(token, now);
  if (!claims) return;
  if (claims.clinic !== clinicId || claims.sub !== clientId) throw await fail(new OAuthError(400, 'invalid_request', 'the token was not issued to this client'));
  await apiClientRepository.revokeToken(db(), { clinicId, jti: claims.jti, clientId, expiresAt: new Date(claims.exp * 1000), revokedAt: now });
  await apiClientRepository.pruneRevokedTokens(db(), clinicId, now);
  await auditToken(clinicId, app, 'logout', { jti: claims.jti }, ctx);
}
