/**
 * The vendor FHIR API end to end over real Requests and a real database: SMART Backend Services tokens (jose keys,
 * signed client assertions), reads and searches through the route table, scopes, revocation, clinic isolation,
 * OperationOutcome shapes, the audit trail naming the app, and create Observation through the write path.
 */
import { randomUUID } from 'node:crypto';
import type { Bundle, CapabilityStatement, Condition, Encounter, MedicationRequest, Observation, OperationOutcome, Organization, Patient, Practitioner } from '@medplum/fhirtypes';
import { exportJWK } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/lib/core/db';
import { loadDemoMasters } from '@/lib/masters/demo-masters';
import { buildUnitBundle } from '@/lib/fhir/bundle';
import { loadClinicInput, loadUnitInput } from '@/lib/fhir/source.repository';
import { loadFhirProfiles, validateBundleUncached } from '@/lib/fhir/validate';
import { recordDiagnosis, retractDiagnosis, setDiagnosisFlag } from '@/lib/records/diagnoses/diagnosis.service';
import { auditEventsFor, auditMark, clinicWithStaff, createPatient, patientInput } from '@/tests/helpers/factories';
import { searchPatients, updatePatient } from '@/lib/records/patients/patient.service';
import { markPrescriptionEnteredInError, savePrescription } from '@/lib/records/prescriptions/prescription.service';
import { checkIn } from '@/lib/reception/visit.service';
import { assertion, BASE, call, TOKEN_URL, get, keyPair, register, token, tokenResponse, type App } from '@/tests/helpers/vendor-app';
import { CLIENT_ASSERTION_TYPE } from './token.service';
import { listApiClients, registerApiClient, revokeApiClient, rotateApiClientKeys } from './api-client.service';
import { resetApiRateLimit } from './fhir-routes';

function expectOutcome(body: unknown, code: string) {
  const outcome = body as OperationOutcome;
  expect(outcome.resourceType).toBe('OperationOutcome');
  expect(outcome.issue[0]).toMatchObject({ severity: 'error', code });
  expect(outcome.issue[0]!.details?.text).toMatch(/[ぁ-んァ-ン一-龥]/);
  expect(outcome.issue[0]!.diagnostics).toMatch(/^[\x20-\x7e]+$/);
}

let staff: Awaited<ReturnType<typeof clinicWithStaff>>;
let other: Awaited<ReturnType<typeof clinicWithStaff>>;
let reader: App;
let patientOnly: App;
let labSystem: App;

beforeAll(async () => {
  loadFhirProfiles();
  await loadDemoMasters();
  staff = await clinicWithStaff();
  other = await clinicWithStaff();
  reader = await register(staff, ['system/Patient.rs', 'system/Condition.rs', 'system/AllergyIntolerance.rs', 'system/Observation.rs']);
  patientOnly = await register(staff, ['system/Patient.rs'], 'ES384');
  labSystem = await register(staff, ['system/Observation.crs', 'system/Patient.rs']);
}, 300_000);

describe('app registration', () => {
  it('is for clinic_admin only, refuses private keys, lists the apps with their last use, and is audited', async () => {
    const keys = await keyPair();
    await expect(registerApiClient({ name: 'x', scopes: ['system/Patient.rs'], jwks: keys.jwks }, staff.doctor)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const privateJwk = await exportJWK(keys.privateKey);
    await expect(registerApiClient({ name: 'x', scopes: ['system/Patient.rs'], jwks: JSON.stringify({ keys: [privateJwk] }) }, staff.admin)).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    const mark = await auditMark(staff.clinic.id);
    const app = await registerApiClient({ name: 'レセコン連携', scopes: ['system/Patient.read', 'system/Foo.rs'], jwks: keys.jwks }, staff.admin);
    expect(app.scopes).toEqual(['system/Patient.rs']);
    const events = await auditEventsFor(staff.clinic.id, { action: 'create', resourceType: 'api_client' }, mark);
    expect(events.map((e) => e.resourceId)).toEqual([app.clientId]);
    expect((await listApiClients(staff.admin)).map((a) => a.clientId)).toContain(app.clientId);
    expect((await listApiClients(other.admin)).map((a) => a.clientId)).not.toContain(app.clientId);
  });
});

describe('key rotation', () => {
  it('replaces an app\'s public keys: the old key is refused at once, the new one works; admin only, own clinic, audited', async () => {
    const app = await register(staff, ['system/Patient.rs']);
    expect((await tokenResponse(app, 'system/Patient.rs')).status).toBe(200);
    const fresh = await keyPair();
    await expect(rotateApiClientKeys({ clientId: app.clientId, jwks: fresh.jwks }, staff.doctor)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(rotateApiClientKeys({ clientId: app.clientId, jwks: fresh.jwks }, other.admin)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const mark = await auditMark(staff.clinic.id);
    const rotated = await rotateApiClientKeys({ clientId: app.clientId, jwks: fresh.jwks }, staff.admin);
    expect(rotated.keyIds).toEqual([fresh.kid]);
    expect((await tokenResponse(app, 'system/Patient.rs')).status).toBe(401);
    const renewed = { ...app, privateKey: fresh.privateKey, kid: fresh.kid };
    expect((await tokenResponse(renewed, 'system/Patient.rs')).status).toBe(200);
    const [event] = await auditEventsFor(staff.clinic.id, { action: 'update', resourceType: 'api_client' }, mark);
    expect(event!.detail).toMatchObject({ keys: 'rotated', keyIdsBefore: [app.kid], keyIdsAfter: [fresh.kid] });
  });
});

describe('token endpoint (SMART Backend Services)', () => {
  it('issues a bearer token for the granted scopes only', async () => {
    const res = await tokenResponse(reader, 'system/Patient.rs system/Observation.cruds system/Encounter.rs');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as { token_type: string; expires_in: number; scope: string };
    expect(body).toMatchObject({ token_type: 'bearer', expires_in: 300, scope: 'system/Patient.rs system/Observation.rs' });
  });

  it('accepts ES384 assertions', async () => {
    const res = await tokenResponse(patientOnly, 'system/*.rs', await assertion(patientOnly, { alg: 'ES384' }));
    expect(((await res.json()) as { scope: string }).scope).toBe('system/Patient.rs');
  });

  it('refuses a wrong audience, a long-lived assertion, a replayed jti, an unknown client and scopes it was not given', async () => {
    const wrongAud = await tokenResponse(reader, 'system/Patient.rs', await assertion(reader, { aud: 'https://elsewhere.example/token' }));
    expect(wrongAud.status).toBe(401);
    expect(await wrongAud.json()).toMatchObject({ error: 'invalid_client' });
    expect((await tokenResponse(reader, 'system/Patient.rs', await assertion(reader, { expIn: 3600 }))).status).toBe(401);
    const jti = randomUUID();
    expect((await tokenResponse(reader, 'system/Patient.rs', await assertion(reader, { jti }))).status).toBe(200);
    const replay = await tokenResponse(reader, 'system/Patient.rs', await assertion(reader, { jti }));
    expect(replay.status).toBe(401);
    expect(((await replay.json()) as { error_description: string }).error_description).toMatch(/replay/);
    const stranger = { ...reader, clientId: randomUUID() };
    expect((await tokenResponse(stranger, 'system/Patient.rs')).status).toBe(401);
    const forged = { ...reader, privateKey: (await keyPair()).privateKey };
    expect((await tokenResponse(forged, 'system/Patient.rs')).status).toBe(401);
    const noScope = await tokenResponse(patientOnly, 'system/Observation.rs', await assertion(patientOnly, { alg: 'ES384' }));
    expect(noScope.status).toBe(400);
    expect(await noScope.json()).toMatchObject({ error: 'invalid_scope' });
  });

  it('publishes the SMART configuration and a CapabilityStatement generated from the route table', async () => {
    const smart = (await (await get('.well-known/smart-configuration')).json()) as Record<string, unknown>;
    expect(smart).toMatchObject({ token_endpoint: TOKEN_URL, token_endpoint_auth_methods_supported: ['private_key_jwt', 'client_secret_basic', 'client_secret_post'], grant_types_supported: ['client_credentials'] });
    const cap = (await (await get('metadata')).json()) as CapabilityStatement;
    const byType = new Map(cap.rest![0]!.resource!.map((r) => [r.type, r]));
    expect([...byType.keys()]).toEqual(['Patient', 'Condition', 'AllergyIntolerance', 'Observation', 'MedicationRequest', 'Encounter', 'Practitioner', 'Organization', 'DocumentReference', 'Subscription']);
    expect(byType.get('Subscription')!.interaction!.map((i) => i.code).sort()).toEqual(['create', 'delete', 'read', 'search-type']);
    expect(byType.get('Observation')!.interaction!.map((i) => i.code).sort()).toEqual(['create', 'history-instance', 'read', 'search-type', 'vread']);
    expect(byType.get('Patient')!.interaction!.map((i) => i.code)).toEqual(expect.arrayContaining(['create', 'update']));
    expect(byType.get('Condition')!.interaction!.map((i) => i.code)).not.toContain('create');
    expect(byType.get('Patient')!.searchParam!.map((p) => p.name)).toEqual(expect.arrayContaining(['identifier', 'name', 'birthdate', 'gender', 'phone', '_lastUpdated', '_count']));
  });
});

describe('token introspection (RFC 7662) and revocation (RFC 7009)', () => {
  const post = async (endpoint: 'introspect' | 'revoke', app: App, fields: Record<string, string>) =>
    call(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...fields, client_assertion_type: CLIENT_ASSERTION_TYPE, client_assertion: await assertion(app) }),
    });

  it('introspects the app\'s own token, revokes it so that the very next request is refused, and keeps other tokens working', async () => {
    const patient = await createPatient(staff.receptionist);
    const app = await register(staff, ['system/Patient.rs']);
    const [first, second] = [await token(app, 'system/Patient.rs'), await token(app, 'system/Patient.rs')];
    const live = await post('introspect', app, { token: first });
    expect(live.status).toBe(200);
    expect(live.headers.get('cache-control')).toBe('no-store');
    expect(await live.json()).toMatchObject({ active: true, scope: 'system/Patient.rs', client_id: app.clientId, token_type: 'bearer', exp: expect.any(Number) });

    const mark = await auditMark(staff.clinic.id);
    expect((await get(`Patient/${patient.id}`, first)).status).toBe(200);
    const revoked = await post('revoke', app, { token: first, token_type_hint: 'access_token' });
    expect(revoked.status).toBe(200);
    const refused = await get(`Patient/${patient.id}`, first);
    expect(refused.status).toBe(401);
    expectOutcome(await refused.json(), 'login');
    expect(await (await post('introspect', app, { token: first })).json()).toEqual({ active: false });
    // the app's other token is untouched; revoking twice or revoking garbage is a quiet 200 (RFC 7009 §2.2)
    expect((await get(`Patient/${patient.id}`, second)).status).toBe(200);
    expect((await post('revoke', app, { token: first })).status).toBe(200);
    expect((await post('revoke', app, { token: 'not-a-token' })).status).toBe(200);
    const [event] = await auditEventsFor(staff.clinic.id, { action: 'logout', resourceType: 'api_token' }, mark);
    expect(event).toMatchObject({ userId: app.clientId, userRole: 'api_client' });
  });

  it('tells an app nothing about another app\'s token and refuses to revoke it; needs a valid client assertion', async () => {
    const patient = await createPatient(staff.receptionist);
    const mine = await register(staff, ['system/Patient.rs']);
    const theirs = await register(other, ['system/Patient.rs']);
    const sibling = await register(staff, ['system/Patient.rs']);
    const theirToken = await token(theirs, 'system/Patient.rs');
    const siblingToken = await token(sibling, 'system/Patient.rs');
    expect(await (await post('introspect', mine, { token: theirToken })).json()).toEqual({ active: false });
    expect(await (await post('introspect', mine, { token: siblingToken })).json()).toEqual({ active: false });
    const refused = await post('revoke', mine, { token: siblingToken });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: 'invalid_request' });
    expect((await get(`Patient/${patient.id}`, siblingToken)).status).toBe(200);
    const forged = { ...mine, privateKey: (await keyPair()).privateKey };
    expect((await post('introspect', forged, { token: siblingToken })).status).toBe(401);
    expect((await post('revoke', mine, {})).status).toBe(400);
    const smart = (await (await get('.well-known/smart-configuration')).json()) as Record<string, unknown>;
    expect(smart).toMatchObject({ introspection_endpoint: `${BASE}/introspect`, revocation_endpoint: `${BASE}/revoke` });
  });
});

describe('_sort and _include', () => {
  it('orders by a date parameter either way, includes each patient once, and refuses what it cannot do', async () => {
    const patient = await createPatient(staff.receptionist);
    for (const [name, start] of [['高血圧症', '2020-04-01'], ['脂質異常症', '2024-01-10'], ['２型糖尿病', '2022-06-01']] as const) {
      await recordDiagnosis({ patientId: patient.id, freeText: name, startDate: start }, staff.doctor);
    }
    const at = await token(reader, 'system/Patient.rs system/Condition.rs');
    const onset = async (sort: string) =>
      ((await (await get(`Condition?patient=${patient.id}&_sort=${sort}`, at)).json()) as Bundle).entry!.map((e) => (e.resource as Condition).onsetDateTime?.slice(0, 10));
    expect(await onset('onset-date')).toEqual(['2020-04-01', '2022-06-01', '2024-01-10']);
    expect(await onset('-onset-date')).toEqual(['2024-01-10', '2022-06-01', '2020-04-01']);

    const withPatient = (await (await get(`Condition?patient=${patient.id}&_include=Condition:patient`, at)).json()) as Bundle;
    expect(withPatient.entry!.map((e) => [e.resource!.resourceType, e.search!.mode])).toEqual([
      ['Condition', 'match'],
      ['Condition', 'match'],
      ['Condition', 'match'],
      ['Patient', 'include'],
    ]);
    expect(withPatient.entry![3]!.resource!.id).toBe(patient.id);
    expect(withPatient.link!.find((l) => l.relation === 'self')!.url).toContain('_include=Condition%3Apatient');

    expect((await get('Condition?_sort=code', at)).status).toBe(400);
    expect((await get('Condition?_include=Observation:patient', at)).status).toBe(400);
    const conditionsOnly = await register(staff, ['system/Condition.rs']);
    const noPatients = await token(conditionsOnly, 'system/Condition.rs');
    expect((await get(`Condition?patient=${patient.id}&_include=Condition:patient`, noPatients)).status).toBe(403);
  });
});

describe('Patient writes (a レセコン registers and updates patients)', () => {
  const jpPatient = (family: string, kana: string, extra: Partial<Patient> = {}): Patient => ({
    resourceType: 'Patient',
    identifier: [{ system: 'http://jpfhir.jp/fhir/clins/Idsystem/JP_Insurance_memberID', value: '06131239:1234:567890:00' }],
    name: [
      { extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation', valueCode: 'IDE' }], use: 'official', family, given: ['花子'] },
      { extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation', valueCode: 'SYL' }], use: 'official', family: kana, given: ['ハナコ'] },
    ],
    gender: 'female',
    birthDate: '1988-07-07',
    address: [{ text: '東京都新宿区西新宿2-8-1', postalCode: '160-0023' }],
    telecom: [{ system: 'phone', value: '03-1234-5678' }],
    ...extra,
  });
  const post = (t: string, body: unknown, headers: Record<string, string> = {}) =>
    call('Patient', { method: 'POST', headers: { authorization: `Bearer ${t}`, 'content-type': 'application/fhir+json', ...headers }, body: JSON.stringify(body) });
  const put = (t: string, id: string, body: unknown, headers: Record<string, string> = {}) =>
    call(`Patient/${id}`, { method: 'PUT', headers: { authorization: `Bearer ${t}`, 'content-type': 'application/fhir+json', ...headers }, body: JSON.stringify(body) });

  it('creates a patient the desk sees, conditional create answers with the existing one, and an update needs the current ETag', async () => {
    const receipt = await register(staff, ['system/Patient.crus']);
    const t = await token(receipt, 'system/Patient.crus');
    const family = `連携${Date.now() % 100000}`;
    const mark = await auditMark(staff.clinic.id);
    const created = await post(t, jpPatient(family, 'レンケイ'));
    expect(created.status, await created.clone().text()).toBe(201);
    const patient = (await created.json()) as Patient;
    expect(created.headers.get('etag')).toBe('W/"1"');
    expect(patient.name![0]).toMatchObject({ family, given: ['花子'] });
    expect(patient.identifier!.map((i) => i.value)).toContain('06131239:1234:567890:00');
    const desk = await searchPatients({ q: family, limit: 5 }, staff.receptionist);
    expect(desk.map((p) => p.id)).toEqual([patient.id]);
    expect(desk[0]!.insurance).toMatchObject({ insurerNumber: '06131239', number: '567890' });
    expect(await auditEventsFor(staff.clinic.id, { action: 'create', resourceType: 'patient', resourceId: patient.id }, mark)).toEqual([
      expect.objectContaining({ userId: receipt.clientId, userRole: 'api_client' }),
    ]);

    // the same person again: conditional create finds them; without it the duplicate check answers 409
    const again = await post(t, jpPatient(family, 'レンケイ'), { 'If-None-Exist': `identifier=${patientIdSystemOf(patient)}|${patientNumberOf(patient)}` });
    expect(again.status).toBe(200);
    expect(((await again.json()) as Patient).id).toBe(patient.id);
    const duplicate = await post(t, jpPatient(family, 'レンケイ'));
    expect(duplicate.status).toBe(409);
    expectOutcome(await duplicate.json(), 'duplicate');

    // update: If-Match required and checked; the change is a new version with the old one in _history
    const moved = { ...jpPatient(family, 'レンケイ', { address: [{ text: '大阪府大阪市北区梅田1-1-1', postalCode: '530-0001' }] }), id: patient.id };
    expect((await put(t, patient.id!, moved)).status).toBe(428);
    expect((await put(t, patient.id!, moved, { 'If-Match': 'W/"7"' })).status).toBe(412);
    const updated = await put(t, patient.id!, moved, { 'If-Match': 'W/"1"' });
    expect(updated.status, await updated.clone().text()).toBe(200);
    expect(updated.headers.get('etag')).toBe('W/"2"');
    expect(((await updated.json()) as Patient).address![0]!.text).toContain('大阪府');
    expect((await put(t, patient.id!, moved, { 'If-Match': 'W/"1"' })).status).toBe(412);
    const history = (await (await get(`Patient/${patient.id!}/_history`, t)).json()) as Bundle;
    expect(history.total).toBe(2);
  });

  it('answers bad input with the desk\'s Japanese message and the FHIRPath, and refuses without the scope', async () => {
    const receipt = await register(staff, ['system/Patient.crus']);
    const t = await token(receipt, 'system/Patient.crus');
    const badInsurer = await post(t, jpPatient('検証', 'ケンショウ', { identifier: [{ system: 'http://jpfhir.jp/fhir/clins/Idsystem/JP_Insurance_memberID', value: '06131230:1234:567890:00' }] }));
    expect(badInsurer.status).toBe(400);
    const outcome = (await badInsurer.json()) as OperationOutcome;
    expect(outcome.issue[0]!.details!.text).toContain('保険者番号');
    expect(outcome.issue[0]!.expression).toEqual(['Patient.identifier']);
    const noKana = await post(t, { ...jpPatient('検証', 'ケンショウ'), name: [{ family: '検証', given: ['花子'] }] });
    expect(noKana.status).toBe(400);
    expect(((await noKana.json()) as OperationOutcome).issue[0]!.expression).toEqual(['Patient.name']);
    const readOnly = await token(reader, 'system/Patient.rs');
    expect((await post(readOnly, jpPatient('検証', 'ケンショウ'))).status).toBe(403);
    // another clinic's patient cannot be updated: the same 404 as an unknown id
    const foreign = await createPatient(other.receptionist);
    expect((await put(t, foreign.id, { ...jpPatient('検証', 'ケンショウ'), id: foreign.id }, { 'If-Match': 'W/"1"' })).status).toBe(404);
  });
});

const patientIdSystemOf = (p: Patient) => p.identifier!.find((i) => i.system?.startsWith('urn:oid:'))!.system!;
const patientNumberOf = (p: Patient) => p.identifier!.find((i) => i.system?.startsWith('urn:oid:'))!.value!;

describe('OpenAPI description', () => {
  it('describes every interaction the CapabilityStatement lists, and the token, export and subscription routes', async () => {
    const doc = (await (await get('openapi.json')).json()) as { openapi: string; servers: { url: string }[]; paths: Record<string, Record<string, { security?: { smart: string[] }[] }>> };
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.servers[0]!.url).toBe(BASE);
    const cap = (await (await get('metadata')).json()) as CapabilityStatement;
    const where: Record<string, [string, string]> = {
      'search-type': ['', 'get'],
      read: ['/{id}', 'get'],
      vread: ['/{id}/_history/{vid}', 'get'],
      'history-instance': ['/{id}/_history', 'get'],
      create: ['', 'post'],
      update: ['/{id}', 'put'],
      delete: ['/{id}', 'delete'],
    };
    for (const r of cap.rest![0]!.resource!) {
      for (const i of r.interaction!) {
        const [suffix, method] = where[i.code]!;
        expect(doc.paths[`/${r.type}${suffix}`]?.[method], `${r.type} ${i.code}`).toBeDefined();
      }
    }
    expect(doc.paths['/Observation']!.post!.security).toEqual([{ smart: ['system/Observation.c'] }]);
    for (const p of ['/token', '/$export', '/Patient/$export', '/$export-status/{id}', '/$export-file/{id}']) expect(doc.paths[p], p).toBeDefined();
  });
});

describe('request limits', () => {
  it('answers 429 with Retry-After when an app goes over its limit; another app is not affected', async () => {
    resetApiRateLimit({ perSecond: 0.5, burst: 3 });
    try {
      const t = await token(labSystem, 'system/Patient.rs');
      const other = await token(reader, 'system/Patient.rs');
      for (let i = 0; i < 3; i++) expect((await get('Patient?_count=1', t)).status).toBe(200);
      const refused = await get('Patient?_count=1', t);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expectOutcome(await refused.json(), 'throttled');
      expect((await get('Patient?_count=1', other)).status).toBe(200);
    } finally {
      resetApiRateLimit();
    }
  });
});

describe('reads and searches', () => {
  it('reads a patient (id, versionId, JP Core mapping), audits it with the app as actor, and gives another clinic the same 404 as a missing id', async () => {
    const patient = await createPatient(staff.receptionist, { familyName: '佐藤', givenName: '花子', familyNameKana: 'サトウ', givenNameKana: 'ハナコ', sex: 'female', birthDate: '1980-02-03' });
    const foreign = await createPatient(other.receptionist);
    const at = await token(reader, 'system/Patient.rs');
    const mark = await auditMark(staff.clinic.id);
    const res = await get(`Patient/${patient.id}`, at);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/fhir+json');
    expect(res.headers.get('etag')).toBe('W/"1"');
    const body = (await res.json()) as Patient;
    expect(body).toMatchObject({ resourceType: 'Patient', id: patient.id, meta: { versionId: '1' }, gender: 'female', birthDate: '1980-02-03' });
    expect(body.name?.map((n) => n.text)).toEqual(['佐藤 花子', 'サトウ ハナコ']);
    const [event] = await auditEventsFor(staff.clinic.id, { action: 'read', patientId: patient.id }, mark);
    expect(event).toMatchObject({ userId: reader.clientId, userRole: 'api_client', resourceType: 'patient' });

    const missing = await get(`Patient/${randomUUID()}`, at);
    const foreignRes = await get(`Patient/${foreign.id}`, at);
    expect(foreignRes.status).toBe(404);
    expect(missing.status).toBe(404);
    const [a, b] = [(await missing.json()) as OperationOutcome, (await foreignRes.json()) as OperationOutcome];
    expectOutcome(a, 'not-found');
    expect(b.issue[0]!.details).toEqual(a.issue[0]!.details);
  });

  it('answers 401 without a token, with a forged one and after the app is revoked; 403 outside the scopes (audited)', async () => {
    const patient = await createPatient(staff.receptionist);
    const noToken = await get(`Patient/${patient.id}`);
    expect(noToken.status).toBe(401);
    expect(noToken.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expectOutcome(await noToken.json(), 'login');
    expect((await get(`Patient/${patient.id}`, 'eyJhbGciOiJIUzI1NiJ9.e30.x')).status).toBe(401);

    const es = await tokenResponse(patientOnly, 'system/Patient.rs', await assertion(patientOnly, { alg: 'ES384' }));
    const at = ((await es.json()) as { access_token: string }).access_token;
    const mark = await auditMark(staff.clinic.id);
    const denied = await get(`Condition?patient=${patient.id}`, at);
    expect(denied.status).toBe(403);
    expectOutcome(await denied.json(), 'forbidden');
    expect(await auditEventsFor(staff.clinic.id, { action: 'permission_denied' }, mark)).toHaveLength(1);

    const doomed = await register(staff, ['system/Patient.rs']);
    const doomedToken = await token(doomed, 'system/Patient.rs');
    expect((await get(`Patient/${patient.id}`, doomedToken)).status).toBe(200);
    await revokeApiClient({ clientId: doomed.clientId }, staff.admin);
    expect((await get(`Patient/${patient.id}`, doomedToken)).status).toBe(401);
    expect((await tokenResponse(doomed, 'system/Patient.rs')).status).toBe(401);
    // another clinic's admin cannot revoke this clinic's app
    await expect(revokeApiClient({ clientId: reader.clientId }, other.admin)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('searches patients by kana, kanji, identifier, birthdate with prefixes, and pages with next links; never another clinic', async () => {
    const tag = `${Date.now() % 100000}`;
    const made = [];
    for (let i = 0; i < 3; i++) {
      made.push(await createPatient(staff.receptionist, { familyName: '検索', givenName: `太郎${i}`, familyNameKana: 'ケンサク', givenNameKana: `タロウ`, birthDate: `199${i}-05-0${i + 1}`, phone: `03-0000-${tag}` }));
    }
    await createPatient(other.receptionist, { familyName: '検索', givenName: '他院', familyNameKana: 'ケンサク', givenNameKana: 'タイン' });
    const at = await token(reader, 'system/Patient.rs');
    const search = async (q: string) => {
      const res = await get(`Patient?${q}`, at);
      expect(res.status, await res.clone().text()).toBe(200);
      return (await res.json()) as Bundle<Patient>;
    };
    const byKana = await search(`name=${encodeURIComponent('けんさく')}`);
    expect(byKana).toMatchObject({ resourceType: 'Bundle', type: 'searchset' });
    expect(byKana.entry!.map((e) => e.resource!.id).sort()).toEqual(made.map((p) => p.id).sort());
    expect((await search(`name=${encodeURIComponent('検索')}`)).entry).toHaveLength(3);
    expect((await search(`birthdate=ge1991-01-01&name=${encodeURIComponent('ケンサク')}`)).entry!.map((e) => e.resource!.birthDate).sort()).toEqual(['1991-05-02', '1992-05-03']);
    expect((await search(`birthdate=lt1991&name=${encodeURIComponent('ケンサク')}`)).entry!.map((e) => e.resource!.id)).toEqual([made[0]!.id]);
    expect((await search(`birthdate=ne1991-05-02&name=${encodeURIComponent('ケンサク')}`)).entry!.map((e) => e.resource!.id)).toEqual([made[0]!.id, made[2]!.id]);
    expect((await search(`identifier=${made[1]!.patientNumber}`)).entry!.map((e) => e.resource!.id)).toEqual([made[1]!.id]);
    expect((await search(`identifier=${encodeURIComponent(`http://jpfhir.jp/fhir/clins/Idsystem/JP_Insurance_memberID|06131239:1234:567890:00`)}&name=ケンサク`)).entry).toHaveLength(3);

    const first = await search(`name=${encodeURIComponent('ケンサク')}&_count=2`);
    expect(first.entry).toHaveLength(2);
    const next = first.link!.find((l) => l.relation === 'next')!.url;
    const second = (await (await get(next.slice(BASE.length + 1), at)).json()) as Bundle;
    expect(second.entry).toHaveLength(1);
    expect(second.link!.some((l) => l.relation === 'next')).toBe(false);
    expect((await search(`name=${encodeURIComponent('ケンサク')}&_summary=count`)).total).toBe(3);

    const bad = await get('Patient?birthdate=yesterday', at);
    expect(bad.status).toBe(400);
    const badBody = (await bad.json()) as OperationOutcome;
    expectOutcome(badBody, 'invalid');
    expect(badBody.issue[0]!.expression).toEqual(['birthdate']);
    expect((await get('Patient?unknown=1', at)).status).toBe(400);
  });

  it('serves a patient\'s earlier registrations: _history from the revisions, vread of version 1 with the old name', async () => {
    const patient = await createPatient(staff.receptionist, { familyName: '旧姓', givenName: '花子', familyNameKana: 'キュウセイ', givenNameKana: 'ハナコ', sex: 'female' });
    await updatePatient(
      { ...patientInput({ familyName: '新姓', givenName: '花子', familyNameKana: 'シンセイ', givenNameKana: 'ハナコ', sex: 'female' }), patientId: patient.id, expectedVersion: patient.version, reason: '婚姻' },
      staff.receptionist,
    );
    const at = await token(reader, 'system/Patient.rs');
    const history = (await (await get(`Patient/${patient.id}/_history`, at)).json()) as Bundle;
    expect(history.total).toBe(2);
    const names = history.entry!.map((e) => [(e.resource as Patient).meta!.versionId, (e.resource as Patient).name![0]!.family]);
    expect(names).toEqual([
      ['2', '新姓'],
      ['1', '旧姓'],
    ]);
    const v1 = (await (await get(`Patient/${patient.id}/_history/1`, at)).json()) as Patient;
    expect(v1).toMatchObject({ id: patient.id, meta: { versionId: '1' } });
    expect(v1.name![0]!.family).toBe('旧姓');
    expect((await get(`Patient/${patient.id}/_history/3`, at)).status).toBe(404);
  });

  it('serves Condition read, vread, _history and search with entered-in-error status, scoped to the clinic', async () => {
    const patient = await createPatient(staff.receptionist);
    const foreign = await createPatient(other.receptionist);
    const diagnosis = await recordDiagnosis({ patientId: patient.id, diseaseCode: '8830417' }, staff.doctor);
    await recordDiagnosis({ patientId: foreign.id, diseaseCode: '8830417' }, other.doctor);
    const v2 = await setDiagnosisFlag({ diagnosisId: diagnosis.id, flag: 'longTermStorage', value: true }, staff.doctor);
    const at = await token(reader, 'system/Condition.rs');
    const lineage = diagnosis.lineageId;

    const read = (await (await get(`Condition/${lineage}`, at)).json()) as Condition;
    expect(read).toMatchObject({ resourceType: 'Condition', id: lineage, meta: { versionId: '2' }, subject: { reference: `Patient/${patient.id}` } });
    const v1 = (await (await get(`Condition/${lineage}/_history/1`, at)).json()) as Condition;
    expect(v1.meta?.versionId).toBe('1');
    expect((await get(`Condition/${lineage}/_history/9`, at)).status).toBe(404);
    const history = (await (await get(`Condition/${lineage}/_history`, at)).json()) as Bundle;
    expect(history).toMatchObject({ type: 'history', total: 2 });

    // the API's resources are the sharing mapping's: the same JSON apart from versionId and the subject reference, and
    // the validator finds the same issues in a bundle of them as in the unit's own bundle (none from the REST layer)
    const clinic = (await loadClinicInput(db(), staff.clinic.id))!;
    const unit = buildUnitBundle({ clinic, now: new Date() }, (await loadUnitInput(db(), staff.clinic.id, { kind: 'condition', patientId: patient.id }))!)!;
    const shared = unit.bundle.entry!.find((e) => e.resource!.resourceType === 'Condition')!.resource as Condition;
    const { versionId: _v, ...restMeta } = read.meta!;
    expect({ ...read, meta: restMeta, subject: shared.subject }).toEqual(shared);
    const patientRes = (await (await get(`Patient/${patient.id}`, await token(reader, 'system/Patient.rs'))).json()) as Patient;
    const apiBundle = {
      ...unit.bundle,
      entry: [
        { fullUrl: `urn:uuid:${patient.id}`, resource: patientRes },
        { fullUrl: `urn:uuid:${lineage}`, resource: { ...read, subject: { reference: `urn:uuid:${patient.id}` } } },
      ],
    };
    const rules = (b: Bundle) => validateBundleUncached(b).map((i) => `${i.severity} ${i.rule} ${i.expression}`).sort();
    expect(rules(apiBundle)).toEqual(rules(unit.bundle));

    const search = (await (await get(`Condition?patient=Patient/${patient.id}&clinical-status=active`, at)).json()) as Bundle<Condition>;
    expect(search.entry!.map((e) => e.resource!.id)).toEqual([lineage]);
    const foreignSearch = (await (await get(`Condition?patient=${foreign.id}`, at)).json()) as Bundle;
    expect(foreignSearch.entry).toEqual([]);

    await retractDiagnosis({ diagnosisId: v2.id, reason: '別の患者に入力した' }, staff.doctor);
    const retracted = (await (await get(`Condition/${lineage}`, at)).json()) as Condition;
    expect(retracted.verificationStatus?.coding?.[0]?.code).toBe('entered-in-error');
    const eie = (await (await get(`Condition?patient=${patient.id}&verification-status=entered-in-error`, at)).json()) as Bundle;
    expect(eie.entry).toHaveLength(1);
  }, 120_000);
});

describe('create Observation (a lab system pushes a result)', () => {
  const observation = (patientId: string, value: number) => ({
    resourceType: 'Observation',
    status: 'final',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }] }],
    code: { coding: [{ system: 'http://jpfhir.jp/fhir/clins/CodeSystem/JP_CLINS_ObsLabResult_LocalCode_CS', code: 'K-HBA1C', display: 'HbA1c' }, { system: 'http://medis.or.jp/CodeSystem/master-JLAC10-17digits', code: '3D046000001906202' }] },
    subject: { reference: `Patient/${patientId}` },
    effectiveDateTime: '2026-12-01T09:30:00+09:00',
    valueQuantity: { value, unit: '%' },
  });

  it('enters the write path (audit naming the app, sharing outbox), honours Idempotency-Key, and reads back by search', async () => {
    const patient = await createPatient(staff.receptionist);
    const at = await token(labSystem, 'system/Observation.crs');
    const mark = await auditMark(staff.clinic.id);
    const post = (body: unknown, key: string) =>
      call('Observation', { method: 'POST', headers: { authorization: `Bearer ${at}`, 'content-type': 'application/fhir+json', 'idempotency-key': key }, body: JSON.stringify(body) });
    const key = randomUUID();
    const created = await post(observation(patient.id, 7.2), key);
    expect(created.status, await created.clone().text()).toBe(201);
    const obs = (await created.json()) as Observation;
    expect(created.headers.get('location')).toBe(`${BASE}/Observation/${obs.id}/_history/1`);
    expect(obs).toMatchObject({ resourceType: 'Observation', status: 'final', valueQuantity: { value: 7.2 }, subject: { reference: `Patient/${patient.id}` } });

    const again = await post(observation(patient.id, 7.2), key);
    expect(again.status).toBe(200);
    expect(((await again.json()) as Observation).id).toBe(obs.id);
    expect(await db().labResult.count({ where: { clinicId: staff.clinic.id, patientId: patient.id } })).toBe(1);
    const reused = await post(observation(patient.id, 9.9), key);
    expect(reused.status).toBe(422);

    const [create] = await auditEventsFor(staff.clinic.id, { action: 'create', resourceType: 'lab_result' }, mark);
    expect(create).toMatchObject({ userId: labSystem.clientId, userRole: 'api_client', patientId: patient.id });
    expect(await db().sharingOutbox.count({ where: { clinicId: staff.clinic.id, patientId: patient.id, unitKind: 'lab_report' } })).toBe(1);

    const found = (await (await get(`Observation?patient=${patient.id}&code=${encodeURIComponent('http://medis.or.jp/CodeSystem/master-JLAC10-17digits|3D046000001906202')}&date=ge2026-12-01`, at)).json()) as Bundle<Observation>;
    expect(found.entry!.map((e) => e.resource!.id)).toEqual([obs.id]);
    expect((await (await get(`Observation?patient=${patient.id}&date=lt2026-12-01`, at)).json()) as Bundle).toMatchObject({ entry: [] });
  });

  it('refuses a body that is not an Observation with an OperationOutcome naming the element, and a read-only token with 403', async () => {
    const patient = await createPatient(staff.receptionist);
    const at = await token(labSystem, 'system/Observation.crs');
    const bad = await call('Observation', { method: 'POST', headers: { authorization: `Bearer ${at}` }, body: JSON.stringify({ ...observation(patient.id, 1), effectiveDateTime: 'yesterday' }) });
    expect(bad.status).toBe(400);
    const outcome = (await bad.json()) as OperationOutcome;
    expectOutcome(outcome, 'invalid');
    expect(outcome.issue[0]!.expression).toEqual(['Observation.effectiveDateTime']);
    const foreign = await createPatient(other.receptionist);
    const cross = await call('Observation', { method: 'POST', headers: { authorization: `Bearer ${at}` }, body: JSON.stringify(observation(foreign.id, 1)) });
    expect(cross.status).toBe(422);
    const readOnly = await token(reader, 'system/Observation.rs');
    const denied = await call('Observation', { method: 'POST', headers: { authorization: `Bearer ${readOnly}` }, body: JSON.stringify(observation(patient.id, 1)) });
    expect(denied.status).toBe(403);
  });
});

describe('MedicationRequest, Encounter, Practitioner and Organization', () => {
  // demo master drugs: ロキソニン錠 and ムコスタ錠; 1日3回毎食後 (電子処方箋用法コード)
  const LOXONIN = { receiptCode: '620098801', yj: '1149019F1560' };
  const MUCOSTA = { receiptCode: '620452801', yj: '2329021F1102' };
  const AFTER_MEALS_3 = '1013044400000000';
  const line = (drug: { receiptCode: string }, rpNumber: number) => ({
    rpNumber,
    kind: 'internal' as const,
    receiptCode: drug.receiptCode,
    prescribeByGeneric: false,
    drugName: '',
    dose: 3,
    doseUnit: '錠',
    doseBasis: 'per_day' as const,
    usageCode: AFTER_MEALS_3,
    usageText: '',
    days: 14,
    genericSubstitutionAllowed: true,
  });
  const ALL = 'system/Patient.rs system/MedicationRequest.rs system/Encounter.rs system/Practitioner.rs system/Organization.rs';
  let clinical: App;

  beforeAll(async () => {
    clinical = await register(staff, ALL.split(' '));
  });

  async function visitWithPrescription(s: typeof staff) {
    const patient = await createPatient(s.receptionist);
    const { visitId } = await checkIn({ patientId: patient.id, doctorId: s.doctor.userId, firstVisit: true }, s.receptionist);
    const prescription = await savePrescription({ patientId: patient.id, intent: 'confirm', outOfHouse: true, items: [line(LOXONIN, 1), line(MUCOSTA, 2)], duplicateAcknowledged: false }, s.doctor);
    return { patient, visitId, prescription };
  }

  it('serves a 確定 prescription as one JP Core MedicationRequest per drug: read, vread, history, search by patient, code, authoredon, status; audited', async () => {
    const { patient, visitId, prescription } = await visitWithPrescription(staff);
    const at = await token(clinical, ALL);
    const mark = await auditMark(staff.clinic.id);
    const bundle = (await (await get(`MedicationRequest?patient=Patient/${patient.id}`, at)).json()) as Bundle;
    const found = bundle.entry!.map((e) => e.resource as MedicationRequest);
    expect(found.map((m) => m.id).sort()).toEqual([`${prescription.lineageId}-1-1`, `${prescription.lineageId}-2-1`]);
    const loxonin = found.find((m) => m.id === `${prescription.lineageId}-1-1`)!;
    expect(loxonin).toMatchObject({
      meta: { versionId: '1', profile: ['http://jpfhir.jp/fhir/core/StructureDefinition/JP_MedicationRequest'] },
      status: 'completed',
      intent: 'order',
      subject: { reference: `Patient/${patient.id}` },
      encounter: { reference: `Encounter/${visitId}` },
      requester: { reference: `Practitioner/${staff.doctor.userId}` },
      authoredOn: prescription.issuedDate,
      dispenseRequest: { expectedSupplyDuration: { value: 14, code: 'd' } },
    });
    expect(loxonin.medicationCodeableConcept!.coding).toEqual([expect.objectContaining({ system: 'http://capstandard.jp/iyaku.info/CodeSystem/YJ-code', code: LOXONIN.yj })]);
    expect(loxonin.dosageInstruction![0]!.timing!.code!.coding![0]).toMatchObject({ code: AFTER_MEALS_3 });
    expect(loxonin.identifier).toEqual(expect.arrayContaining([{ system: 'http://jpfhir.jp/fhir/core/mhlw/IdSystem/Medication-RPGroupNumber', value: '1' }]));
    const events = await auditEventsFor(staff.clinic.id, { action: 'search', patientId: patient.id }, mark);
    expect(events[0]).toMatchObject({ userId: clinical.clientId, resourceType: 'prescription' });

    const ids = async (query: string) => ((await (await get(`MedicationRequest?patient=${patient.id}&${query}`, at)).json()) as Bundle).entry?.map((e) => e.resource!.id) ?? [];
    expect(await ids(`code=http://capstandard.jp/iyaku.info/CodeSystem/YJ-code|${MUCOSTA.yj}`)).toEqual([`${prescription.lineageId}-2-1`]);
    expect(await ids(`code=${LOXONIN.receiptCode}`)).toEqual([`${prescription.lineageId}-1-1`]);
    expect(await ids(`authoredon=${prescription.issuedDate}`)).toHaveLength(2);
    expect(await ids(`authoredon=lt${prescription.issuedDate}`)).toEqual([]);
    expect(await ids('status=entered-in-error')).toEqual([]);
    expect(await ids(`requester=Practitioner/${staff.doctor.userId}&encounter=Encounter/${visitId}`)).toHaveLength(2);

    const read = await get(`MedicationRequest/${loxonin.id}`, at);
    expect(read.status).toBe(200);
    expect(read.headers.get('etag')).toBe('W/"1"');
    await markPrescriptionEnteredInError({ prescriptionId: prescription.id, reason: '別の患者に入力した' }, staff.doctor);
    const withdrawn = (await (await get(`MedicationRequest/${loxonin.id}`, at)).json()) as MedicationRequest;
    expect(withdrawn).toMatchObject({ status: 'entered-in-error', meta: { versionId: '2' } });
    expect(((await (await get(`MedicationRequest/${loxonin.id}/_history/1`, at)).json()) as MedicationRequest).status).toBe('completed');
    const history = (await (await get(`MedicationRequest/${loxonin.id}/_history`, at)).json()) as Bundle;
    expect(history.entry!.map((e) => e.resource!.meta!.versionId)).toEqual(['2', '1']);
    expect(await ids('status=entered-in-error')).toHaveLength(2);
  });

  it('serves the visit as an Encounter (class AMB, status, doctor) and the clinic\'s doctors and the clinic itself', async () => {
    const { patient, visitId } = await visitWithPrescription(staff);
    await db().user.update({ where: { clinicId_id: { clinicId: staff.clinic.id, id: staff.doctor.userId } }, data: { licenseNumber: '123456', licenseType: 'medical_registration' } });
    const at = await token(clinical, ALL);
    const encounter = (await (await get(`Encounter/${visitId}`, at)).json()) as Encounter;
    expect(encounter).toMatchObject({
      resourceType: 'Encounter',
      id: visitId,
      status: 'arrived',
      class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
      subject: { reference: `Patient/${patient.id}` },
      participant: [{ individual: { reference: `Practitioner/${staff.doctor.userId}` } }],
    });
    const encounters = async (query: string) => ((await (await get(`Encounter?patient=${patient.id}&${query}`, at)).json()) as Bundle).entry?.map((e) => e.resource!.id) ?? [];
    expect(await encounters('status=arrived&class=AMB')).toEqual([visitId]);
    expect(await encounters('status=finished')).toEqual([]);
    expect(await encounters(`date=${encounter.period!.start!.slice(0, 10)}`)).toEqual([visitId]);
    expect((await get(`Encounter/${visitId}/_history`, at)).status).toBe(400);

    const doctor = (await (await get(`Practitioner/${staff.doctor.userId}`, at)).json()) as Practitioner;
    expect(doctor).toMatchObject({ resourceType: 'Practitioner', id: staff.doctor.userId, active: true });
    expect(doctor.qualification![0]!.identifier![0]).toEqual({ system: 'http://jpfhir.jp/fhir/core/mhlw/IdSystem/medicalRegistrationNumber', value: '123456' });
    const byLicence = (await (await get('Practitioner?identifier=http://jpfhir.jp/fhir/core/mhlw/IdSystem/medicalRegistrationNumber|123456', at)).json()) as Bundle;
    expect(byLicence.entry!.map((e) => e.resource!.id)).toEqual([staff.doctor.userId]);
    // staff who are not doctors are not Practitioners here
    expect((await get(`Practitioner/${staff.receptionist.userId}`, at)).status).toBe(404);

    const clinic = (await (await get(`Organization/${staff.clinic.id}`, at)).json()) as Organization;
    expect(clinic).toMatchObject({ resourceType: 'Organization', id: staff.clinic.id, identifier: [{ system: 'http://jpfhir.jp/fhir/core/IdSystem/insurance-medical-institution-no', value: staff.clinic.institutionNumber }] });
    const orgs = (await (await get('Organization', at)).json()) as Bundle;
    expect(orgs.entry!.map((e) => e.resource!.id)).toEqual([staff.clinic.id]);
    const cap = (await (await get('metadata')).json()) as CapabilityStatement;
    const encounterCap = cap.rest![0]!.resource!.find((r) => r.type === 'Encounter')!;
    expect(encounterCap).toMatchObject({ versioning: 'no-version', readHistory: false });
    expect(encounterCap.interaction!.map((i) => i.code).sort()).toEqual(['read', 'search-type']);
  });

  it('_revinclude: a patient with its prescriptions, visits and diagnoses in one Bundle, within the scopes', async () => {
    const { patient, visitId, prescription } = await visitWithPrescription(staff);
    const diagnosis = await recordDiagnosis({ patientId: patient.id, freeText: '高血圧症', startDate: '2026-11-01' }, staff.doctor);
    const app = await register(staff, [...ALL.split(' '), 'system/Condition.rs']);
    const at = await token(app, `${ALL} system/Condition.rs`);
    const mark = await auditMark(staff.clinic.id);
    const res = await get(`Patient?_id=${patient.id}&_revinclude=MedicationRequest:patient&_revinclude=Condition:patient&_revinclude=Encounter:patient`, at);
    expect(res.status).toBe(200);
    const bundle = (await res.json()) as Bundle;
    const seen = bundle.entry!.map((e) => `${e.search!.mode} ${e.resource!.resourceType}/${e.resource!.id}`);
    expect(seen.sort()).toEqual(
      [
        `include Condition/${diagnosis.lineageId}`,
        `include Encounter/${visitId}`,
        `include MedicationRequest/${prescription.lineageId}-1-1`,
        `include MedicationRequest/${prescription.lineageId}-2-1`,
        `match Patient/${patient.id}`,
      ].sort(),
    );
    const [event] = await auditEventsFor(staff.clinic.id, { action: 'search', patientId: patient.id }, mark);
    expect((event!.detail as { revIncluded: string[] }).revIncluded).toHaveLength(4);
    // a type outside the token's scopes is refused, not silently left out; a pair that does not exist is a 400
    const narrow = await token(clinical, 'system/Patient.rs');
    expect((await get(`Patient?_id=${patient.id}&_revinclude=MedicationRequest:patient`, narrow)).status).toBe(403);
    expect((await get(`Patient?_id=${patient.id}&_revinclude=Condition:patient`, at.replace(/.$/, ''))).status).toBe(401);
    const wrong = await get(`Patient?_id=${patient.id}&_revinclude=Practitioner:patient`, at);
    expect(wrong.status).toBe(400);
    expectOutcome(await wrong.json(), 'invalid');
    expect((await get(`Condition?_revinclude=Observation:patient`, at)).status).toBe(400);
  });

  it('never serves another clinic\'s prescription, visit, doctor or clinic (the same 404), and refuses a token without the scope (403)', async () => {
    const theirs = await visitWithPrescription(other);
    const at = await token(clinical, ALL);
    for (const path of [`MedicationRequest/${theirs.prescription.lineageId}-1-1`, `Encounter/${theirs.visitId}`, `Practitioner/${other.doctor.userId}`, `Organization/${other.clinic.id}`]) {
      const res = await get(path, at);
      expect(res.status, path).toBe(404);
      expectOutcome(await res.json(), 'not-found');
    }
    for (const query of [`MedicationRequest?patient=${theirs.patient.id}`, `Encounter?patient=${theirs.patient.id}`, `Encounter?_id=${theirs.visitId}`, `Practitioner?_id=${other.doctor.userId}`, `Organization?identifier=${other.clinic.institutionNumber}`]) {
      expect(((await (await get(query, at)).json()) as Bundle).entry ?? [], query).toEqual([]);
    }
    const readerToken = await token(reader, 'system/Patient.rs system/Condition.rs');
    for (const path of ['MedicationRequest', 'Encounter', 'Practitioner', 'Organization']) {
      const res = await get(path, readerToken);
      expect(res.status, path).toBe(403);
      expectOutcome(await res.json(), 'forbidden');
    }
  });
});
