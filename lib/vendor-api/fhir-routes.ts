/**
 * The vendor FHIR R4 API under /api/fhir/R4 (app/api/fhir/R4/[...path]/route.ts hands every request here): one route
 * table that both dispatches and generates the CapabilityStatement, so the statement lists exactly what is served.
 * Auth: SMART Backend Services (token.service.ts); each route names the SMART scope letter it needs.
 */
import type { CapabilityStatement, CapabilityStatementRestResource, Resource } from '@medplum/fhirtypes';
import { env } from '@/lib/core/env';
import { errorFields, log } from '@/lib/core/logger';
import { requestContextFrom, type RequestContext } from '@/lib/core/request-context';
import { recordAuditEventNow } from '@/lib/audit/audit';
import type { ApiClientPrincipal } from '@/lib/auth/principal';
import { ASSERTION_ALGORITHMS } from './api-client.constants';
import { asResponse, errorResponse, FhirError, fhirErrors, fhirJsonText, fhirResponse, type FhirAnswer, type FhirRequest } from './fhir-http';
import { API_RESOURCE_TYPES, scopesAllow, VERSIONED_TYPES, type ApiResourceType, type ScopeInteraction } from './scopes';
import { confirmAccess, introspectToken, InvalidTokenError, issueAccessToken, OAuthError, principalForRead, principalFromBearer, revokeToken } from './token.service';
import { historyBundle, readPatientJson, readResource, searchBundle, searchParamsOf, typeHasPatient } from './vendor-fhir.service';
import { createObservation } from './vendor-observation.service';
import { createPatientFromFhir, updatePatientFromFhir } from './vendor-patient.service';
import { RateLimiter } from './rate-limit';
import { openApiDocument } from './openapi';
import { EXPORT_RETENTION_MS } from './bulk-export.constants';
import { cancelExport, exportStatus, kickOffExport, takeExportFile } from './bulk-export.service';
import { createSubscription, deleteSubscription, listSubscriptions, readSubscription } from './subscription.service';

export const FHIR_BASE_PATH = '/api/fhir/R4';
const ID = /^[A-Za-z0-9\-.]{1,64}$/;

type Interaction = 'read' | 'vread' | 'history-instance' | 'search-type' | 'create' | 'update';
type Args = { principal: ApiClientPrincipal; type: ApiResourceType; id: string; vid: string; request: FhirRequest; baseUrl: string };
type Route = {
  method: 'GET' | 'POST' | 'PUT';
  /** path segments after the type: [] | [':id'] | [':id', '_history'] | [':id', '_history', ':vid'] */
  path: readonly string[];
  interaction: Interaction;
  scope: ScopeInteraction;
  types: readonly ApiResourceType[];
  handle: (args: Args) => Promise<FhirAnswer>;
};

const versionHeaders = (versionId: string, lastModified: string | undefined) => ({ ETag: `W/"${versionId}"`, ...(lastModified ? { 'Last-Modified': lastModified } : {}) });
const etag = (resource: Resource) => versionHeaders(resource.meta?.versionId ?? '1', resource.meta?.lastUpdated ? new Date(resource.meta.lastUpdated).toUTCString() : undefined);

/** The route table: every interaction the API serves. */
export const FHIR_ROUTES: readonly Route[] = [
  {
    method: 'GET',
    path: [],
    interaction: 'search-type',
    scope: 's',
    types: API_RESOURCE_TYPES,
    handle: async ({ principal, type, request, baseUrl }) => fhirJsonText(await searchBundle(principal, type, new URL(request.url).searchParams, baseUrl)),
  },
  {
    method: 'GET',
    path: [':id'],
    interaction: 'read',
    scope: 'r',
    types: API_RESOURCE_TYPES,
    handle: async ({ principal, type, id }) => {
      if (type === 'Patient') {
        // the hot read: its serialized resource as kept (vendor-fhir.service.ts readPatientJson)
        const patient = await readPatientJson(principal, id);
        return fhirJsonText(patient.json, { headers: versionHeaders(patient.versionId, patient.lastModified) });
      }
      const resource = await readResource(principal, type, id);
      return fhirResponse(resource, { headers: etag(resource) });
    },
  },
  {
    method: 'GET',
    path: [':id', '_history'],
    interaction: 'history-instance',
    scope: 'r',
    types: VERSIONED_TYPES,
    handle: async ({ principal, type, id, baseUrl }) => fhirResponse(await historyBundle(principal, type, id, baseUrl)),
  },
  {
    method: 'GET',
    path: [':id', '_history', ':vid'],
    interaction: 'vread',
    scope: 'r',
    types: VERSIONED_TYPES,
    handle: async ({ principal, type, id, vid }) => {
      const resource = await readResource(principal, type, id, vid);
      return fhirResponse(resource, { headers: etag(resource) });
    },
  },
  {
    method: 'POST',
    path: [],
    interaction: 'create',
    scope: 'c',
    types: ['Observation'],
    handle: async ({ principal, request, baseUrl }) => {
      const { resource, created } = await createObservation(principal, await jsonBody(request), request.headers.get('idempotency-key'));
      return fhirResponse(resource, {
        status: created ? 201 : 200,
        headers: { ...etag(resource), Location: `${baseUrl}/Observation/${resource.id}/_history/${resource.meta?.versionId ?? '1'}` },
      });
    },
  },
  {
    method: 'POST',
    path: [],
    interaction: 'create',
    scope: 'c',
    types: ['Patient'],
    handle: async ({ principal, request, baseUrl }) => {
      const { resource, status } = await createPatientFromFhir(principal, await jsonBody(request), request.headers);
      return fhirResponse(resource, { status, headers: { ...etag(resource), Location: `${baseUrl}/Patient/${resource.id}/_history/${resource.meta?.versionId ?? '1'}` } });
    },
  },
  {
    method: 'PUT',
    path: [':id'],
    interaction: 'update',
    scope: 'u',
    types: ['Patient'],
    handle: async ({ principal, request, id }) => {
      const resource = await updatePatientFromFhir(principal, id, await jsonBody(request), request.headers.get('if-match'));
      return fhirResponse(resource, { headers: etag(resource) });
    },
  },
];

async function jsonBody(request: FhirRequest): Promise<unknown> {
  try {
    return await request.json();
  } catch {
    throw fhirErrors.invalid('送信された内容を JSON として読めません。', 'the request body is not JSON');
  }
}

function match(route: Route, rest: readonly string[]): { id: string; vid: string } | null {
  if (route.path.length !== rest.length) return null;
  let id = '';
  let vid = '';
  for (const [i, seg] of route.path.entries()) {
    const got = rest[i]!;
    if (seg === ':id') id = got;
    else if (seg === ':vid') vid = got;
    else if (seg !== got) return null;
  }
  return { id, vid };
}

/** The CapabilityStatement of what FHIR_ROUTES serves (GET /metadata). */
export function capabilityStatement(baseUrl: string): CapabilityStatement {
  const resource: CapabilityStatementRestResource[] = API_RESOURCE_TYPES.map((type) => {
    const routes = FHIR_ROUTES.filter((r) => r.types.includes(type));
    const entry: CapabilityStatementRestResource = {
      type,
      versioning: routes.some((r) => r.interaction === 'vread') ? 'versioned' : 'no-version',
      readHistory: routes.some((r) => r.interaction === 'vread'),
      interaction: routes.map((r) => ({ code: r.interaction })),
      ...(type === 'Patient' ? { operation: [{ name: 'export', definition: 'http://hl7.org/fhir/uv/bulkdata/OperationDefinition/patient-export' }] } : {}),
    };
    if (routes.some((r) => r.interaction === 'search-type')) {
      entry.searchParam = [
        ...searchParamsOf(type).map((p) => ({ name: p.name, type: p.type as 'token', documentation: p.documentation })),
        { name: '_count', type: 'number', documentation: '1ページの件数（既定20、最大100）' },
        { name: '_sort', type: 'special', documentation: `並べ替え: ${searchParamsOf(type).filter((p) => p.sortColumn).map((p) => p.name).join(', ')}（先頭に - で降順）` },
        ...(typeHasPatient(type) ? [{ name: '_include', type: 'special' as const, documentation: `${type}:patient で患者も含める（Patient の読み取り権限が必要）` }] : []),
        ...(type === 'Patient'
          ? [{ name: '_revinclude', type: 'special' as const, documentation: `${API_RESOURCE_TYPES.filter(typeHasPatient).map((t) => `${t}:patient`).join(', ')} でその患者の記録も含める（各種類の読み取り・検索権限が必要、1種類につき最大500件）` }]
          : []),
      ];
    }
    return entry;
  });
  resource.push({
    type: 'Subscription',
    interaction: [{ code: 'create' }, { code: 'read' }, { code: 'search-type' }, { code: 'delete' }],
    documentation: 'rest-hook のみ。criteria は Patient / Condition / AllergyIntolerance / Observation / MedicationRequest / Encounter / DocumentReference の検索条件（読み取り権限のある種類）。署名鍵は拡張 urn:karte:fhir:subscription-secret で渡す（docs/api.md §6）',
  });
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: '2026-12-05',
    kind: 'instance',
    software: { name: 'Karte EHR vendor API' },
    implementation: { description: 'Karte 標準型電子カルテ FHIR R4 API（JP Core / JP-CLINS）', url: baseUrl },
    fhirVersion: '4.0.1',
    format: ['json'],
    rest: [
      {
        mode: 'server',
        security: {
          service: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/restful-security-service', code: 'SMART-on-FHIR' }] }],
          description: 'SMART Backend Services: client_credentials with a private_key_jwt client assertion (RS384/ES384), or client_secret_basic / client_secret_post for an app registered with a client secret; see docs/api.md',
          extension: [
            {
              url: 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris',
              extension: [
                { url: 'token', valueUri: `${baseUrl}/token` },
                { url: 'introspect', valueUri: `${baseUrl}/introspect` },
                { url: 'revoke', valueUri: `${baseUrl}/revoke` },
              ],
            },
          ],
        },
        resource,
        operation: [{ name: 'export', definition: 'http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export' }],
      },
    ],
  };
}

/** /.well-known/smart-configuration (SMART App Launch 2.x §Conformance). */
export function smartConfiguration(baseUrl: string) {
  return {
    issuer: baseUrl,
    token_endpoint: `${baseUrl}/token`,
    token_endpoint_auth_methods_supported: ['private_key_jwt', 'client_secret_basic', 'client_secret_post'],
    introspection_endpoint: `${baseUrl}/introspect`,
    revocation_endpoint: `${baseUrl}/revoke`,
    token_endpoint_auth_signing_alg_values_supported: [...ASSERTION_ALGORITHMS],
    grant_types_supported: ['client_credentials'],
    scopes_supported: API_RESOURCE_TYPES.flatMap((t) => [
      `system/${t}.rs`,
      ...(FHIR_ROUTES.some((r) => r.interaction === 'create' && r.types.includes(t)) ? [`system/${t}.c`] : []),
      ...(FHIR_ROUTES.some((r) => r.interaction === 'update' && r.types.includes(t)) ? [`system/${t}.u`] : []),
    ]),
    capabilities: ['client-confidential-asymmetric', 'permission-v2'],
  };
}

/** PUBLIC_URL when set (production); else the scheme of the request and its Host header (Next's request.url names localhost). */
function baseUrlOf(request: FhirRequest): string {
  const configured = env().PUBLIC_URL;
  if (configured) return `${configured.replace(/\/+$/, '')}${FHIR_BASE_PATH}`;
  const url = new URL(request.url);
  const host = request.headers.get('host');
  return `${url.protocol}//${host && /^[A-Za-z0-9.\-:[\]]+$/.test(host) ? host : url.host}${FHIR_BASE_PATH}`;
}

async function auditScopeDenied(principal: ApiClientPrincipal, type: string, scope: string) {
  await recordAuditEventNow({
    clinicId: principal.clinicId,
    actor: principal,
    action: 'permission_denied',
    resourceType: type,
    outcome: 'denied',
    detail: { via: 'fhir_api', scope },
    ctx: principal.ctx,
  });
}

type OAuthEndpoint = 'token' | 'introspect' | 'revoke';

/** The OAuth endpoints: token (client_credentials), introspection (RFC 7662) and revocation (RFC 7009), all form posts. */
async function oauthEndpoint(endpoint: OAuthEndpoint, request: FhirRequest, ctx: RequestContext): Promise<FhirAnswer> {
  const headers = { 'Cache-Control': 'no-store', Pragma: 'no-cache' };
  try {
    if (!(request.headers.get('content-type') ?? '').startsWith('application/x-www-form-urlencoded')) {
      throw new OAuthError(400, 'invalid_request', `the ${endpoint} request must be application/x-www-form-urlencoded`);
    }
    const form = new URLSearchParams(await request.text());
    const tokenUrl = `${baseUrlOf(request)}/token`;
    const authorization = request.headers.get('authorization');
    if (endpoint === 'introspect') return Response.json(await introspectToken(form, tokenUrl, ctx, new Date(), authorization), { headers });
    if (endpoint === 'revoke') {
      await revokeToken(form, tokenUrl, ctx, new Date(), authorization);
      return new Response(null, { status: 200, headers });
    }
    return Response.json(await issueAccessToken(form, tokenUrl, ctx, new Date(), authorization), { headers });
  } catch (error) {
    if (error instanceof OAuthError) {
      // RFC 6749 §5.2: a client that tried Basic authentication is answered 401 with the scheme it may use
      const challenge: Record<string, string> = error.status === 401 && /^Basic\b/i.test(request.headers.get('authorization') ?? '') ? { 'WWW-Authenticate': 'Basic realm="karte"' } : {};
      return Response.json({ error: error.error, error_description: error.description }, { status: error.status, headers: { ...headers, ...challenge } });
    }
    throw error;
  }
}

let limiter: RateLimiter | undefined;

/** Starts every app's bucket afresh, with other limits if given (tests; the limits otherwise come from env). */
export function resetApiRateLimit(limits?: { perSecond: number; burst: number }) {
  limiter = limits ? new RateLimiter(limits.perSecond, limits.burst) : undefined;
}

/** A 401 for a refused token; anything else unchanged. */
async function orUnauthorized<T>(promise: Promise<T>): Promise<T> {
  try {
    return await promise;
  } catch (error) {
    if (error instanceof InvalidTokenError) throw fhirErrors.unauthorized(error.message);
    throw error;
  }
}

/**
 * The app of the bearer token, within its request limit (429 with Retry-After beyond it). `forRead`: a read whose
 * audit statement checks the app's status and the token's revocation (principalForRead, docs/decisions/0084).
 */
async function authenticate(request: FhirRequest, ctx: RequestContext, forRead = false): Promise<ApiClientPrincipal> {
  const authorization = request.headers.get('authorization');
  const principal = await orUnauthorized(forRead ? principalForRead(authorization, ctx) : principalFromBearer(authorization, ctx));
  limiter ??= new RateLimiter(env().API_RATE_LIMIT, env().API_RATE_BURST);
  const waitMs = limiter.take(`${principal.clinicId}/${principal.clientId}`);
  if (waitMs > 0) {
    await orUnauthorized(confirmAccess(principal, authorization)); // a revoked app gets 401, not 429
    log('warn', 'vendor API rate limit', { clinicId: principal.clinicId, clientId: principal.clientId, requestId: ctx.requestId });
    throw new FhirError(429, 'throttled', 'リクエストが多すぎます。しばらく待ってから再試行してください。', `rate limit of ${env().API_RATE_LIMIT} requests/s exceeded`, undefined, {
      'Retry-After': String(Math.max(1, Math.ceil(waitMs / 1000))),
    });
  }
  return principal;
}

/** Subscription (rest-hook): create, read, search (the app's own) and delete (turns it off). */
async function subscriptionRoute(method: string, rest: readonly string[], principal: ApiClientPrincipal, request: FhirRequest, baseUrl: string): Promise<FhirAnswer> {
  const id = rest.length === 1 && ID.test(rest[0]!) ? rest[0]! : null;
  if (method === 'POST' && !rest.length) {
    let body: unknown;
    try {
      body = await request.json();
    } catch {
      throw fhirErrors.invalid('送信された内容を JSON として読めません。', 'the request body is not JSON');
    }
    const created = await createSubscription(principal, body);
    return fhirResponse(created, { status: 201, headers: { Location: `${baseUrl}/Subscription/${created.id}` } });
  }
  if (method === 'GET' && !rest.length) {
    if ([...new URL(request.url).searchParams.keys()].length) throw fhirErrors.unsupported('Subscription search takes no parameters: it lists the subscriptions of the calling app');
    const all = await listSubscriptions(principal);
    return fhirResponse({ resourceType: 'Bundle', type: 'searchset', total: all.length, entry: all.map((r) => ({ fullUrl: `${baseUrl}/Subscription/${r.id}`, resource: r, search: { mode: 'match' } })) });
  }
  if (method === 'GET' && id) return fhirResponse(await readSubscription(principal, id));
  if (method === 'DELETE' && id) {
    await deleteSubscription(principal, id);
    return new Response(null, { status: 204 });
  }
  if (rest.length && !id) throw fhirErrors.notFound('Subscription', rest.join('/').slice(0, 64));
  throw new FhirError(405, 'not-supported', 'この操作には対応していません。', `${method} is not allowed here`, undefined, { Allow: rest.length ? 'GET, DELETE' : 'GET, POST' });
}

type BulkHandler = (principal: ApiClientPrincipal, request: FhirRequest, baseUrl: string) => Promise<FhirAnswer>;

/** Bulk Data: kick-off ($export, Patient/$export), status poll and cancel ($export-status/{id}), files ($export-file/{id}). */
function bulkDataRoute(method: string, first: string | undefined, rest: readonly string[]): BulkHandler | null {
  const kickOff = (level: 'system' | 'patient'): BulkHandler => async (principal, request, baseUrl) => {
    const { id } = await kickOffExport(principal, level, request);
    return new Response(null, { status: 202, headers: { 'Content-Location': `${baseUrl}/$export-status/${id}`, 'Cache-Control': 'no-store' } });
  };
  if (method === 'GET' && first === '$export' && !rest.length) return kickOff('system');
  if (method === 'GET' && first === 'Patient' && rest.length === 1 && rest[0] === '$export') return kickOff('patient');
  const id = rest.length === 1 && ID.test(rest[0]!) ? rest[0]! : null;
  if (first === '$export-status' && id && method === 'GET') {
    return async (principal, _request, baseUrl) => {
      const answer = await exportStatus(principal, id, baseUrl);
      if (answer.state === 'in-progress') return new Response(null, { status: 202, headers: { 'X-Progress': answer.progress, 'Retry-After': '2', 'Cache-Control': 'no-store' } });
      if (answer.state === 'error') throw new FhirError(500, 'exception', answer.message, `export ${id} failed`);
      return Response.json(answer.manifest, { headers: { 'Cache-Control': 'no-store', Expires: new Date(Date.now() + EXPORT_RETENTION_MS).toUTCString() } });
    };
  }
  if (first === '$export-status' && id && method === 'DELETE') {
    return async (principal) => {
      await cancelExport(principal, id);
      return new Response(null, { status: 202 });
    };
  }
  if (first === '$export-file' && id && method === 'GET') {
    return async (principal) => {
      const file = await takeExportFile(principal, id);
      return new Response(file.ndjson, { headers: { 'Content-Type': 'application/fhir+ndjson', 'Cache-Control': 'no-store' } });
    };
  }
  if (first === '$export-status' || first === '$export-file' || first === '$export') {
    return async () => {
      throw fhirErrors.unsupported(`${method} ${FHIR_BASE_PATH}/${[first, ...rest].join('/')} is not a Bulk Data interaction this server supports`);
    };
  }
  return null;
}

/** The answer to a read that failed before its access was checked: the failure, or the 401 of a revoked app or token. */
async function checkedFailure(principal: ApiClientPrincipal, request: FhirRequest, failure: FhirError): Promise<unknown> {
  try {
    await orUnauthorized(confirmAccess(principal, request.headers.get('authorization')));
    return failure;
  } catch (error) {
    return error;
  }
}

/** Handles one request under /api/fhir/R4; `segments` is the path after it. The answer as a Web Response. */
export async function handleFhirRequest(request: FhirRequest, segments: readonly string[]): Promise<Response> {
  return asResponse(await answerFhirRequest(request, segments));
}

/** Handles one request under /api/fhir/R4: a JSON answer stays FhirJson (fhir-node.ts writes it as it is). */
export async function answerFhirRequest(request: FhirRequest, segments: readonly string[]): Promise<FhirAnswer> {
  const ctx = requestContextFrom(request.headers);
  const method = request.method === 'HEAD' ? 'GET' : request.method;
  const baseUrl = baseUrlOf(request);
  let unchecked: ApiClientPrincipal | undefined;
  try {
    const [first, ...rest] = segments;
    if (method === 'GET' && first === 'metadata' && !rest.length) return fhirResponse(capabilityStatement(baseUrl));
    if (method === 'GET' && first === '.well-known' && rest.join('/') === 'smart-configuration') return Response.json(smartConfiguration(baseUrl));
    if (method === 'POST' && (first === 'token' || first === 'introspect' || first === 'revoke') && !rest.length) return await oauthEndpoint(first, request, ctx);
    if (method === 'GET' && first === 'openapi.json' && !rest.length) return Response.json(openApiDocument(baseUrl, FHIR_ROUTES));
    if (first === 'Subscription') return await subscriptionRoute(method, rest, await authenticate(request, ctx), request, baseUrl);
    const bulk = bulkDataRoute(method, first, rest);
    if (bulk) return await bulk(await authenticate(request, ctx), request, baseUrl);
    if (!first || !(API_RESOURCE_TYPES as readonly string[]).includes(first)) {
      throw new FhirError(404, 'not-supported', 'この種類のリソースには対応していません。', `resource type '${first ?? ''}' is not served (see ${baseUrl}/metadata)`);
    }
    const type = first as ApiResourceType;
    const candidates = FHIR_ROUTES.filter((r) => r.types.includes(type) && match(r, rest));
    const route = candidates.find((r) => r.method === method);
    if (!route) {
      if (candidates.length) throw new FhirError(405, 'not-supported', 'この操作には対応していません。', `${method} is not allowed here`, undefined, { Allow: candidates.map((r) => r.method).join(', ') });
      throw fhirErrors.unsupported(`${method} ${FHIR_BASE_PATH}/${segments.join('/')} is not an interaction this server supports`);
    }
    const { id, vid } = match(route, rest)!;
    if (route.path.includes(':id') && !ID.test(id)) throw fhirErrors.notFound(type, id.slice(0, 64));
    const isRead = method === 'GET';
    const principal = await authenticate(request, ctx, isRead);
    unchecked = isRead ? principal : undefined;
    if (!scopesAllow(principal.scopes, type, route.scope)) {
      const scope = `system/${type}.${route.scope}`;
      await orUnauthorized(confirmAccess(principal, request.headers.get('authorization')));
      await auditScopeDenied(principal, type, scope);
      throw fhirErrors.forbidden(scope);
    }
    return await route.handle({ principal, type, id, vid, request, baseUrl });
  } catch (error) {
    // a read that failed before its audit statement checked the app is checked now: a revoked app learns nothing
    const failure = error instanceof FhirError && unchecked?.pendingAccessCheck !== undefined ? await checkedFailure(unchecked, request, error) : error;
    if (failure instanceof FhirError) return errorResponse(failure);
    log('error', 'unexpected error in FHIR API', { requestId: ctx.requestId, ...errorFields(failure) });
    return errorResponse(
      new FhirError(500, 'exception', `処理中に問題が発生しました。（問い合わせ番号: ${ctx.requestId.slice(0, 8)}）`, `internal error; request id ${ctx.requestId}`),
    );
  }
}

