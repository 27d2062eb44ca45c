/**
 * A vendor app for the FHIR API tests: SMART Backend Services keys (jose), signed client assertions, the token request,
 * and calls into the route table with real Requests (lib/vendor-api/fhir-routes.ts).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { expect } from 'vitest';
import { registerApiClient } from '@/lib/vendor-api/api-client.service';
import { FHIR_BASE_PATH, handleFhirRequest } from '@/lib/vendor-api/fhir-routes';
import { isFhirPath, serveFhir } from '@/lib/vendor-api/fhir-node';
import { CLIENT_ASSERTION_TYPE } from '@/lib/vendor-api/token.service';
import type { clinicWithStaff } from './factories';

export const ORIGIN = 'http://karte.test';
export const BASE = `${ORIGIN}${FHIR_BASE_PATH}`;
export const TOKEN_URL = `${BASE}/token`;

export type App = { clientId: string; privateKey: CryptoKey; kid: string };

export async function keyPair(alg: 'RS384' | 'ES384' = 'RS384') {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  const kid = randomUUID();
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { privateKey, kid, jwks: JSON.stringify({ keys: [jwk] }) };
}

export async function assertion(app: App, claims: { aud?: string; expIn?: number; jti?: string; alg?: string } = {}) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: claims.alg ?? 'RS384', kid: app.kid, typ: 'JWT' })
    .setIssuer(app.clientId)
    .setSubject(app.clientId)
    .setAudience(claims.aud ?? TOKEN_URL)
    .setExpirationTime(now + (claims.expIn ?? 240))
    .setJti(claims.jti ?? randomUUID())
    .sign(app.privateKey);
}

export function call(path: string, init: RequestInit = {}): Promise<Response> {
  const url = new URL(`${BASE}/${path}`);
  return handleFhirRequest(new Request(url, init), url.pathname.slice(FHIR_BASE_PATH.length + 1).split('/').map(decodeURIComponent));
}

export async function tokenResponse(app: App, scope: string, jwt?: string) {
  return call('token', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope, client_assertion_type: CLIENT_ASSERTION_TYPE, client_assertion: jwt ?? (await assertion(app)) }),
  });
}

export async function token(app: App, scope: string): Promise<string> {
  const res = await tokenResponse(app, scope);
  expect(res.status, await res.clone().text()).toBe(200);
  return ((await res.json()) as { access_token: string }).access_token;
}

export const get = (path: string, accessToken?: string) => call(path, accessToken ? { headers: { authorization: `Bearer ${accessToken}` } } : {});

export async function register(s: Awaited<ReturnType<typeof clinicWithStaff>>, scopes: string[], alg: 'RS384' | 'ES384' = 'RS384'): Promise<App> {
  const keys = await keyPair(alg);
  const app = await registerApiClient({ name: `検査システム ${randomUUID().slice(0, 4)}`, scopes, jwks: keys.jwks }, s.admin);
  return { clientId: app.clientId, privateKey: keys.privateKey, kid: keys.kid };
}


/** The route table behind a real node:http server on a free port, through the production entry (fhir-node.ts). */
export async function startFhirServer(): Promise<{ baseUrl: string; fhirUrl: string; close: () => Promise<void> }> {
  const server: Server = createServer((req, res) => {
    if (isFhirPath(req.url)) void serveFhir(req, res);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return { baseUrl, fhirUrl: `${baseUrl}${FHIR_BASE_PATH.slice(1)}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
