/**
 * Apps registered with a client secret (docs/decisions/0082), over real HTTP: the secret is shown once and stored as a
 * hash; the token, introspection and revocation endpoints take client_secret_basic and client_secret_post; a wrong or
 * rotated secret, a revoked app, a key app offering a secret and a secret app offering an assertion are refused and
 * audited; rotation is for clinic_admin of the app's own clinic.
 */
import { randomUUID } from 'node:crypto';
import type { Patient } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/lib/core/db';
import { auditEventsFor, auditMark, clinicWithStaff, createPatient } from '@/tests/helpers/factories';
import { assertion, register, startFhirServer } from '@/tests/helpers/vendor-app';
import { registerApiClient, revokeApiClient, rotateApiClientKeys, rotateApiClientSecret } from './api-client.service';
import { registerApiClientSchema } from './api-client.schema';
import { CLIENT_SECRET_PREFIX, hashClientSecret } from './client-secret';
import { CLIENT_ASSERTION_TYPE } from './token.service';

let server: Awaited<ReturnType<typeof startFhirServer>>;
let staff: Awaited<ReturnType<typeof clinicWithStaff>>;
let other: Awaited<ReturnType<typeof clinicWithStaff>>;

beforeAll(async () => {
  server = await startFhirServer();
  staff = await clinicWithStaff();
  other = await clinicWithStaff();
}, 300_000);
afterAll(async () => {
  await server.close();
});

const basic = (clientId: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`;

function post(endpoint: 'token' | 'introspect' | 'revoke', fields: Record<string, string>, authorization?: string) {
  return fetch(`${server.fhirUrl}/${endpoint}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(authorization ? { authorization } : {}) },
    body: new URLSearchParams(fields),
  });
}

async function secretApp(scopes = ['system/Patient.rs']) {
  const app = await registerApiClient({ name: `予約アプリ ${randomUUID().slice(0, 4)}`, scopes, issueClientSecret: true }, staff.admin);
  return { clientId: app.clientId, secret: app.clientSecret! };
}

describe('registration with a client secret', () => {
  it('shows the secret once, stores only its hash, and asks for exactly one way to authenticate', async () => {
    const mark = await auditMark(staff.clinic.id);
    const app = await registerApiClient({ name: '予約受付アプリ', scopes: ['system/Patient.rs'], issueClientSecret: true }, staff.admin);
    expect(app.keySource).toBe('client_secret');
    expect(app.clientSecret).toMatch(new RegExp(`^${CLIENT_SECRET_PREFIX}[A-Za-z0-9_-]{43}$`));
    const row = await db().apiClient.findUniqueOrThrow({ where: { clinicId_id: { clinicId: staff.clinic.id, id: app.clientId } } });
    expect(row.clientSecretHash).toBe(hashClientSecret(app.clientSecret!));
    expect(JSON.stringify(row)).not.toContain(app.clientSecret);
    const [event] = await auditEventsFor(staff.clinic.id, { action: 'create', resourceType: 'api_client' }, mark);
    expect(event!.detail).toMatchObject({ keySource: 'client_secret' });
    expect(JSON.stringify(event!.detail)).not.toContain(app.clientSecret);

    const both = registerApiClientSchema.safeParse({ name: 'x', scopes: ['system/Patient.rs'], jwksUrl: 'https://vendor.example.jp/jwks.json', issueClientSecret: true });
    expect(both.success).toBe(false);
    expect(both.error?.issues[0]?.message).toBe('公開鍵（JWKS）、JWKS URL、クライアントシークレットのどれか一つを選んでください。');
    expect(registerApiClientSchema.safeParse({ name: 'x', scopes: ['system/Patient.rs'] }).success).toBe(false);
  });
});

describe('token endpoint with a client secret', () => {
  it('issues a token by client_secret_basic and by client_secret_post, and the token reads a patient (audited as the app)', async () => {
    const app = await secretApp();
    const patient = await createPatient(staff.receptionist);
    const byBasic = await post('token', { grant_type: 'client_credentials', scope: 'system/Patient.rs' }, basic(app.clientId, app.secret));
    expect(byBasic.status).toBe(200);
    const { access_token: accessToken, scope } = (await byBasic.json()) as { access_token: string; scope: string };
    expect(scope).toBe('system/Patient.rs');
    const byPost = await post('token', { grant_type: 'client_credentials', scope: 'system/Patient.rs', client_id: app.clientId, client_secret: app.secret });
    expect(byPost.status).toBe(200);

    const mark = await auditMark(staff.clinic.id);
    const read = await fetch(`${server.fhirUrl}/Patient/${patient.id}`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(read.status).toBe(200);
    expect(((await read.json()) as Patient).id).toBe(patient.id);
    const events = await auditEventsFor(staff.clinic.id, { action: 'read' }, mark);
    expect(events.some((e) => e.userId === app.clientId && e.patientId === patient.id)).toBe(true);
  });

  it('refuses a wrong secret (401 with a Basic challenge, audited), an unknown client, and two methods at once', async () => {
    const app = await secretApp();
    const mark = await auditMark(staff.clinic.id);
    const wrong = await post('token', { grant_type: 'client_credentials', scope: 'system/Patient.rs' }, basic(app.clientId, `${app.secret}x`));
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toBe('Basic realm="karte"');
    expect(await wrong.json()).toMatchObject({ error: 'invalid_client', error_description: 'client secret refused' });
    const [failed] = await auditEventsFor(staff.clinic.id, { action: 'login_failed' }, mark);
    expect(failed).toMatchObject({ userId: app.clientId, outcome: 'failure' });

    const emptyPost = await post('token', { grant_type: 'client_credentials', scope: 'system/Patient.rs', client_id: app.clientId, client_secret: '' });
    expect(emptyPost.status).toBe(401);
    const stranger = await post('token', { grant_type: 'client_credentials', scope: 'system/Patient.rs' }, basic(randomUUID(), app.secret));
    expect(stranger.status).toBe(401);
    const malformed = await post('token', { grant_type: 'client_credentials', scope: 'system/Patient.rs' }, 'Basic not-base64!');
    expect(malformed.status).toBe(401);
    const twoMethods = await post('token', { grant_type: 'client_credentials', scope: 'system/Patient.rs', client_id: app.clientId, client_secret: app.secret }, basic(app.clientId, app.secret));
    expect(twoMethods.status).toBe(400);
    expect(await twoMethods.json()).toMatchObject({ error: 'invalid_request' });
  });

  it('keeps each app to the method it was registered with', async () => {
    const keyApp = await register(staff, ['system/Patient.rs']);
    const guessed = await post('token', { grant_type: 'client_credentials', scope: 'system/Patient.rs' }, basic(keyApp.clientId, `${CLIENT_SECRET_PREFIX}guess`));
    expect(guessed.status).toBe(401);
    expect(((await guessed.json()) as { error_description: string }).error_description).toMatch(/private_key_jwt/);

    const app = await secretApp();
    // a secret app has no keys: an assertion in its name (signed by anyone) is refused
    const signedByStranger = await assertion({ ...keyApp, clientId: app.clientId }, { aud: `${server.fhirUrl}/token` });
    const res = await post('token', { grant_type: 'client_credentials', scope: 'system/Patient.rs', client_assertion_type: CLIENT_ASSERTION_TYPE, client_assertion: signedByStranger });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error_description: string }).error_description).toMatch(/client secret/);
    await expect(rotateApiClientKeys({ clientId: app.clientId, jwksUrl: 'https://vendor.example.jp/jwks.json' }, staff.admin)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(rotateApiClientSecret({ clientId: keyApp.clientId }, staff.admin)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('introspects and revokes the app\'s own token with the secret', async () => {
    const app = await secretApp();
    const issued = (await (await post('token', { grant_type: 'client_credentials', scope: 'system/Patient.rs' }, basic(app.clientId, app.secret))).json()) as { access_token: string };
    const active = await post('introspect', { token: issued.access_token }, basic(app.clientId, app.secret));
    expect(await active.json()).toMatchObject({ active: true, client_id: app.clientId });
    expect((await post('revoke', { token: issued.access_token, client_id: app.clientId, client_secret: app.secret })).status).toBe(200);
    const after = await post('introspect', { token: issued.access_token }, basic(app.clientId, app.secret));
    expect(await after.json()).toEqual({ active: false });
    const read = await fetch(`${server.fhirUrl}/Patient?_count=1`, { headers: { authorization: `Bearer ${issued.access_token}` } });
    expect(read.status).toBe(401);
  });
});

describe('secret rotation and revocation', () => {
  it('rotation is clinic_admin of the app\'s clinic only, refuses the old secret at once, shows the new one once, and is audited', async () => {
    const app = await secretApp();
    await expect(rotateApiClientSecret({ clientId: app.clientId }, staff.doctor)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(rotateApiClientSecret({ clientId: app.clientId }, other.admin)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const mark = await auditMark(staff.clinic.id);
    const rotated = await rotateApiClientSecret({ clientId: app.clientId }, staff.admin);
    expect(rotated.clientSecret).toBeDefined();
    expect(rotated.clientSecret).not.toBe(app.secret);
    const [event] = await auditEventsFor(staff.clinic.id, { action: 'update', resourceType: 'api_client' }, mark);
    expect(event!.detail).toMatchObject({ secret: 'rotated' });
    expect(JSON.stringify(event!.detail)).not.toContain(rotated.clientSecret);

    const old = await post('token', { grant_type: 'client_credentials', scope: 'system/Patient.rs' }, basic(app.clientId, app.secret));
    expect(old.status).toBe(401);
    const fresh = await post('token', { grant_type: 'client_credentials', scope: 'system/Patient.rs' }, basic(app.clientId, rotated.clientSecret!));
    expect(fresh.status).toBe(200);
  });

  it('a revoked app cannot get a token with its secret, and its secret cannot be rotated', async () => {
    const app = await secretApp();
    await revokeApiClient({ clientId: app.clientId }, staff.admin);
    const res = await post('token', { grant_type: 'client_credentials', scope: 'system/Patient.rs' }, basic(app.clientId, app.secret));
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error_description: string }).error_description).toMatch(/revoked/);
    await expect(rotateApiClientSecret({ clientId: app.clientId }, staff.admin)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('the database refuses an app with two credentials or none', async () => {
    const app = await secretApp();
    await expect(
      db().apiClient.update({ where: { clinicId_id: { clinicId: staff.clinic.id, id: app.clientId } }, data: { jwksUrl: 'https://vendor.example.jp/jwks.json' } }),
    ).rejects.toThrow(/ApiClient_one_credential_check/);
    await expect(db().apiClient.update({ where: { clinicId_id: { clinicId: staff.clinic.id, id: app.clientId } }, data: { clientSecretHash: null } })).rejects.toThrow(
      /ApiClient_one_credential_check/,
    );
  });
});
