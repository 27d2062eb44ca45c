/**
 * The vendor API's node:http entry (fhir-node.ts, docs/decisions/0088) over real HTTP: it answers what the route
 * table answers, adds the headers Next would have added, takes HEAD, refuses a body over its limit and a malformed
 * path with an OperationOutcome, and keeps the client address the edge decided (the audit row's ip).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { OperationOutcome, Patient } from '@medplum/fhirtypes';
import { withClientIp } from '@/lib/core/http-edge';
import { parseTrustedProxies } from '@/lib/core/client-ip';
import { env } from '@/lib/core/env';
import { auditEventsFor, auditMark, clinicWithStaff, createPatient } from '@/tests/helpers/factories';
import { register, token } from '@/tests/helpers/vendor-app';
import { FHIR_BODY_LIMIT, fhirSegments, isFhirPath, serveFhir } from './fhir-node';

// the edge's token, as scripts/serve.ts sets it before the app reads its environment
vi.hoisted(() => {
  process.env.KARTE_EDGE_TOKEN ??= 'fhir-node-test-edge-token-0123456789abcdef';
});

let server: Server;
let origin: string;
let staff: Awaited<ReturnType<typeof clinicWithStaff>>;

beforeAll(async () => {
  // as scripts/serve.ts: the edge decides the client's address, then the API is answered outside Next
  server = createServer(withClientIp((req, res) => (isFhirPath(req.url) ? serveFhir(req, res) : res.writeHead(404).end()), parseTrustedProxies(''), env().KARTE_EDGE_TOKEN!));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  staff = await clinicWithStaff();
}, 300_000);
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('which requests are the API', () => {
  it('takes /api/fhir/R4, anything under it and it with a query, and nothing that only starts alike', () => {
    expect(isFhirPath('/api/fhir/R4')).toBe(true);
    expect(isFhirPath('/api/fhir/R4/Patient/1')).toBe(true);
    expect(isFhirPath('/api/fhir/R4?x=1')).toBe(true);
    expect(isFhirPath('/api/fhir/R4x/Patient')).toBe(false);
    expect(isFhirPath('/api/fhir/R5/Patient')).toBe(false);
    expect(isFhirPath('/patients/1')).toBe(false);
    expect(isFhirPath(undefined)).toBe(false);
  });

  it('decodes each path segment as Next does, and refuses malformed percent-encoding', () => {
    expect(fhirSegments('/api/fhir/R4/Patient/a%2Fb/_history')).toEqual(['Patient', 'a/b', '_history']);
    expect(fhirSegments('/api/fhir/R4/')).toEqual([]);
    expect(fhirSegments('/api/fhir/R4/Patient/%E0%A4%A')).toBeNull();
  });
});

describe('over HTTP', () => {
  it('answers a read with the route table, the security headers and the audit row with the client address', async () => {
    const patient = await createPatient(staff.receptionist, { familyName: '直通', givenName: '花子' });
    const app = await register(staff, ['system/Patient.rs']);
    const accessToken = await token(app, 'system/Patient.rs');
    const mark = await auditMark(staff.clinic.id);
    const res = await fetch(`${origin}/api/fhir/R4/Patient/${patient.id}`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/fhir+json; charset=utf-8');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('etag')).toMatch(/^W\/"\d+"$/);
    const body = (await res.json()) as Patient;
    expect(body.id).toBe(patient.id);
    expect(body.name?.[0]?.family).toBe('直通');
    const [event] = await auditEventsFor(staff.clinic.id, { action: 'read', resourceType: 'patient' }, mark);
    expect(event).toMatchObject({ resourceId: patient.id, ip: '127.0.0.1' });

    const head = await fetch(`${origin}/api/fhir/R4/Patient/${patient.id}`, { method: 'HEAD', headers: { authorization: `Bearer ${accessToken}` } });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');

    const denied = await fetch(`${origin}/api/fhir/R4/Patient/${patient.id}`);
    expect(denied.status).toBe(401);
    expect(denied.headers.get('www-authenticate')).toContain('Bearer');
  });

  it('answers the metadata with a query string, and a malformed path with a 400 OperationOutcome', async () => {
    const meta = await fetch(`${origin}/api/fhir/R4/metadata?_format=json`);
    expect(meta.status).toBe(200);
    expect(((await meta.json()) as { resourceType: string }).resourceType).toBe('CapabilityStatement');
    const bad = await fetch(`${origin}/api/fhir/R4/Patient/%E0%A4%A`);
    expect(bad.status).toBe(400);
    const outcome = (await bad.json()) as OperationOutcome;
    expect(outcome.issue[0]?.details?.text).toBe('URL が正しくありません。');
  });

  it('refuses a body over the limit with 413 before reading it, declared or streamed', async () => {
    const app = await register(staff, ['system/Observation.crs']);
    const accessToken = await token(app, 'system/Observation.crs');
    const big = 'x'.repeat(FHIR_BODY_LIMIT + 1);
    const declared = await fetch(`${origin}/api/fhir/R4/Observation`, { method: 'POST', headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/fhir+json' }, body: big });
    expect(declared.status).toBe(413);
    expect(((await declared.json()) as OperationOutcome).issue[0]?.details?.text).toContain('大きすぎます');
    const chunks = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 3; i++) controller.enqueue(new TextEncoder().encode('y'.repeat(FHIR_BODY_LIMIT / 2)));
        controller.close();
      },
    });
    const streamed = await fetch(`${origin}/api/fhir/R4/Observation`, { method: 'POST', headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/fhir+json' }, body: chunks, duplex: 'half' } as RequestInit);
    expect(streamed.status).toBe(413);
  });

  it('passes a POST body to the route (a JSON error from the route, not from the entry)', async () => {
    const app = await register(staff, ['system/Observation.crs']);
    const accessToken = await token(app, 'system/Observation.crs');
    const res = await fetch(`${origin}/api/fhir/R4/Observation`, { method: 'POST', headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/fhir+json' }, body: '{not json' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as OperationOutcome).issue[0]?.details?.text).toBe('送信された内容を JSON として読めません。');
  });
});
