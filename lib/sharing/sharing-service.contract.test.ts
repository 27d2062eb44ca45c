/**
 * The sharing port's contract, run against each adapter: the HTTP adapter over real HTTP to the sandbox server, and the
 * in-process sandbox adapter. Register, resend replaces, delete, refusals with codes, 503/429 with Retry-After, an
 * unreachable or slow service, and the consented read of other institutions' 6情報. Then the HTTP adapter's own
 * exchange: timeouts, keep-alive connections, an answer cut off midway.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { connectionFailure, HttpSharingService } from './adapters/http-sharing-service';
import { SandboxSharingService } from './adapters/sandbox-sharing-service';
import { SandboxStore, type SandboxControl } from './sandbox/sandbox-store';
import { startSharingSandboxServer, type SandboxSharingServer } from './sandbox/sandbox-server';
import { SharingRejectedError, SharingUnavailableError, type SharingService } from './sharing-service';

const IDENTIFIER = '1311234567^2026^C0123456789abcdef0123456789abcdef';
const MEMBER = '06130012:1234:567890:01';

function bundle(identifier = IDENTIFIER, text = '高血圧症') {
  return {
    resourceType: 'Bundle',
    identifier: { system: 'http://jpfhir.jp/fhir/clins/bundle-identifier', value: identifier },
    type: 'collection',
    entry: [
      { fullUrl: 'urn:uuid:p', resource: { resourceType: 'Patient' } },
      { fullUrl: 'urn:uuid:c', resource: { resourceType: 'Condition', code: { text } } },
    ],
  };
}

const DOC_ID = '1311234567^2026^R0123456789abcdef0123456789abcdef';
const SECTION = 'http://jpfhir.jp/fhir/clins/CodeSystem/document-section';
const INSTITUTION = 'http://jpfhir.jp/fhir/core/IdSystem/insurance-medical-institution-no';

/** The envelope of a referral document the service reads itself: Composition first with its version, both institutions. */
function documentBundle(version: number, to = '2719876543') {
  const org = (url: string, code: string) => ({ fullUrl: url, resource: { resourceType: 'Organization', identifier: [{ system: INSTITUTION, value: code }] } });
  const section = (code: string, ref: string) => ({ code: { coding: [{ system: SECTION, code }] }, entry: [{ reference: ref }] });
  return {
    resourceType: 'Bundle',
    identifier: { value: DOC_ID },
    type: 'document',
    entry: [
      { fullUrl: 'urn:uuid:comp', resource: { resourceType: 'Composition', extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/composition-clinicaldocument-versionNumber', valueString: String(version) }], section: [section('920', 'urn:uuid:from'), section('910', 'urn:uuid:to')] } },
      org('urn:uuid:from', '1311234567'),
      org('urn:uuid:to', to),
    ],
  };
}

type Subject = {
  name: string;
  service: () => SharingService;
  control: (c: Partial<SandboxControl>) => Promise<void>;
  reset: () => Promise<void>;
  seed: (memberIds: string[]) => Promise<void>;
};

let server: SandboxSharingServer;
const inProcess = new SandboxSharingService(new SandboxStore());

beforeAll(async () => {
  server = await startSharingSandboxServer({ port: 0 });
});
afterAll(async () => {
  await server.close();
});

const subjects: Subject[] = [
  {
    name: 'HTTP adapter → sandbox server',
    service: () => new HttpSharingService({ baseUrl: server.url, timeoutMs: 500 }),
    control: async (c) => void (await fetch(`${server.url}/__sandbox/control`, { method: 'POST', body: JSON.stringify(c) })),
    reset: async () => void (await fetch(`${server.url}/__sandbox/reset`, { method: 'POST' })),
    seed: async (memberIds) => void (await fetch(`${server.url}/__sandbox/other-institutions`, { method: 'POST', body: JSON.stringify({ memberIds }) })),
  },
  {
    name: 'sandbox adapter (in process)',
    service: () => inProcess,
    control: async (c) => inProcess.store.setControl(c),
    reset: async () => inProcess.store.reset(),
    seed: async (memberIds) => void inProcess.store.seedOtherInstitutions(memberIds),
  },
];

describe.each(subjects)('sharing port: $name', ({ service, control, reset, seed }) => {
  beforeEach(async () => {
    await reset();
  });

  it('registers a unit, and a resend under the same identifier replaces it', async () => {
    const first = await service().registerUnit({ identifier: IDENTIFIER, memberId: MEMBER, bundle: bundle(), contentHash: 'h1' });
    expect(first).toMatchObject({ replaced: false, receiptId: expect.any(String) });
    expect(await service().unitStatus(IDENTIFIER)).toMatchObject({ held: true, contentHash: 'h1', memberId: MEMBER });
    const second = await service().registerUnit({ identifier: IDENTIFIER, memberId: MEMBER, bundle: bundle(IDENTIFIER, '本態性高血圧症'), contentHash: 'h2' });
    expect(second.replaced).toBe(true);
    expect(await service().unitStatus(IDENTIFIER)).toMatchObject({ held: true, contentHash: 'h2' });
  });

  it('documents: register by version (差替 by a higher one, a retry of the same accepted, a lower refused), delete, and the addressee\'s inbox', async () => {
    const send = (version: number, contentHash: string) => service().registerDocument({ identifier: DOC_ID, version, memberId: MEMBER, bundle: documentBundle(version), contentHash });
    expect(await send(1, 'd1')).toMatchObject({ replaced: false });
    expect(await send(1, 'd1')).toMatchObject({ replaced: false });
    await expect(send(1, 'other')).rejects.toMatchObject({ name: 'SharingRejectedError', issues: [expect.objectContaining({ code: 'E-VERSION' })] });
    expect(await send(2, 'd2')).toMatchObject({ replaced: true });
    await expect(send(1, 'd1')).rejects.toMatchObject({ issues: [expect.objectContaining({ code: 'E-VERSION' })] });
    expect(await service().documentStatus(DOC_ID)).toMatchObject({ held: true, version: 2, contentHash: 'd2', memberId: MEMBER });
    await expect(service().registerDocument({ identifier: DOC_ID, version: 3, memberId: MEMBER, bundle: bundle(DOC_ID), contentHash: 'x' })).rejects.toMatchObject({
      issues: expect.arrayContaining([expect.objectContaining({ code: 'E-STRUCTURE', expression: 'Bundle.type' })]),
    });
    expect(await service().deleteDocument({ identifier: DOC_ID, memberId: MEMBER })).toEqual({ deleted: true });
    expect(await service().documentStatus(DOC_ID)).toEqual({ held: false });
    const inbox = await service().fetchInbox({ institutionNumber: '2719876543', after: 0 });
    expect(inbox.map((e) => [e.version, e.deleted, e.senderInstitution])).toEqual([[1, false, '1311234567'], [2, false, '1311234567'], [2, true, '1311234567']]);
    expect(await service().fetchInbox({ institutionNumber: '2719876543', after: inbox[1]!.seq })).toHaveLength(1);
    expect(await service().fetchInbox({ institutionNumber: '1311234567', after: 0 })).toEqual([]);
  });

  it('deletes with the identifier and the member ID used at send; a wrong member ID is refused', async () => {
    await service().registerUnit({ identifier: IDENTIFIER, memberId: MEMBER, bundle: bundle(), contentHash: 'h1' });
    await expect(service().deleteUnit({ identifier: IDENTIFIER, memberId: '06130012:1234:000000:01' })).rejects.toMatchObject({
      name: 'SharingRejectedError',
      issues: [expect.objectContaining({ code: 'E-MEMBER-MISMATCH' })],
    });
    expect(await service().deleteUnit({ identifier: IDENTIFIER, memberId: MEMBER })).toEqual({ deleted: true });
    expect(await service().unitStatus(IDENTIFIER)).toEqual({ held: false });
    expect(await service().deleteUnit({ identifier: IDENTIFIER, memberId: MEMBER })).toEqual({ deleted: false });
  });

  it('refuses a malformed bundle with codes and paths (fix the data: SharingRejectedError)', async () => {
    const bad = { ...bundle(), type: 'document', entry: [{ resource: { resourceType: 'Condition' } }] };
    const error = await service().registerUnit({ identifier: IDENTIFIER, memberId: MEMBER, bundle: bad, contentHash: 'x' }).catch((e) => e);
    expect(error).toBeInstanceOf(SharingRejectedError);
    expect((error as SharingRejectedError).issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'E-STRUCTURE', expression: 'Bundle.type' }),
        expect.objectContaining({ code: 'E-STRUCTURE', expression: 'Bundle.entry' }),
      ]),
    );
    await expect(service().registerUnit({ identifier: 'no-caret', memberId: MEMBER, bundle: bundle('no-caret'), contentHash: 'x' })).rejects.toMatchObject({
      issues: [expect.objectContaining({ code: 'E-IDENTIFIER' })],
    });
  });

  it('rejects everything when told to (a permanent error)', async () => {
    await control({ reject: { code: 'E-INSURANCE', message: '資格情報が確認できません' } });
    await expect(service().registerUnit({ identifier: IDENTIFIER, memberId: MEMBER, bundle: bundle(), contentHash: 'h' })).rejects.toMatchObject({
      name: 'SharingRejectedError',
      issues: [{ code: 'E-INSURANCE', message: '資格情報が確認できません' }],
    });
  });

  it('answers 503 and 429 with Retry-After (try later: SharingUnavailableError), then recovers', async () => {
    await control({ failWith: { status: 503, retryAfterSec: 7, count: 1 } });
    const error = await service().registerUnit({ identifier: IDENTIFIER, memberId: MEMBER, bundle: bundle(), contentHash: 'h' }).catch((e) => e);
    expect(error).toBeInstanceOf(SharingUnavailableError);
    expect((error as SharingUnavailableError).retryAfterMs).toBe(7000);
    // staff read Japanese without status codes; the code is kept for the delivery ledger
    expect((error as SharingUnavailableError).message).toBe('共有サービスが一時的に応答できません');
    expect((error as SharingUnavailableError).detail).toBe('HTTP 503');
    await control({ failWith: { status: 429, retryAfterSec: 2 } });
    await expect(service().unitStatus(IDENTIFIER)).rejects.toMatchObject({ name: 'SharingUnavailableError', retryAfterMs: 2000 });
    await control({ failWith: null });
    expect(await service().unitStatus(IDENTIFIER)).toEqual({ held: false });
  });

  it('is unavailable while down, and when slower than the timeout', async () => {
    await control({ down: true });
    await expect(service().registerUnit({ identifier: IDENTIFIER, memberId: MEMBER, bundle: bundle(), contentHash: 'h' })).rejects.toBeInstanceOf(SharingUnavailableError);
    await control({ down: false });
    expect(await service().unitStatus(IDENTIFIER)).toEqual({ held: false });
  });

  it('returns other institutions\' 6情報 within the consent\'s scope, and nothing without consent', async () => {
    // a member ID whose digits' sum is not a multiple of 5 has data from at least one invented institution
    const memberId = '06130012:1234:567892:01';
    expect(await service().fetchPatientRecords({ memberId, consent: { givenAt: '2026-12-05T01:00:00Z', scope: ['diagnoses'] } })).toEqual([]);
    await seed([memberId]);
    const all = await service().fetchPatientRecords({ memberId, consent: { givenAt: '2026-12-05T01:00:00Z', scope: ['diagnoses', 'allergies', 'labs'] } });
    expect(all.length).toBeGreaterThan(0);
    for (const b of all) {
      expect(b).toMatchObject({ institutionNumber: expect.stringMatching(/^00\d{8}$/), institutionName: expect.stringContaining('架空'), registeredAt: expect.any(String) });
      expect((b.bundle as { entry: { resource: { resourceType: string } }[] }).entry[0]!.resource.resourceType).toBe('Patient');
    }
    const diagnosesOnly = await service().fetchPatientRecords({ memberId, consent: { givenAt: '2026-12-05T01:00:00Z', scope: ['diagnoses'] } });
    expect(diagnosesOnly.every((b) => b.kind === 'diagnoses')).toBe(true);
    await expect(service().fetchPatientRecords({ memberId, consent: { givenAt: '', scope: [] } })).rejects.toMatchObject({
      issues: [expect.objectContaining({ code: 'E-CONSENT' })],
    });
  });
});

describe('HTTP adapter timeouts', () => {
  it('says in Japanese, without a socket error code, that nothing listens at the address (the code goes to the ledger)', async () => {
    // a port that was free a moment ago (port 9 would not do: fetch refuses it as a "bad port" before connecting)
    const probe = createServer();
    const port = await new Promise<number>((resolve) => probe.listen(0, '127.0.0.1', () => resolve((probe.address() as AddressInfo).port)));
    await new Promise((resolve) => probe.close(resolve));
    const nothing = new HttpSharingService({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 2000 });
    const error = (await nothing.unitStatus(IDENTIFIER).catch((e: unknown) => e)) as SharingUnavailableError;
    expect(error).toBeInstanceOf(SharingUnavailableError);
    expect(error.message).toBe(connectionFailure('ECONNREFUSED'));
    expect(error.message).not.toMatch(/[A-Z]{4,}/);
    expect(error.detail).toBe('ECONNREFUSED');
    expect(connectionFailure('UND_ERR_SOCKET')).toBe('共有サービスとの通信が途中で切れました');
  });

  it('keeps its connections open: sequential requests share one, concurrent ones a few', async () => {
    let connections = 0;
    const plain = createHttpServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"held":false}'));
    plain.on('connection', () => connections++);
    const port = await new Promise<number>((resolve) => plain.listen(0, '127.0.0.1', () => resolve((plain.address() as AddressInfo).port)));
    try {
      const adapter = new HttpSharingService({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 2000 });
      for (let i = 0; i < 10; i++) expect(await adapter.unitStatus(IDENTIFIER)).toEqual({ held: false });
      expect(connections).toBe(1);
      await Promise.all(Array.from({ length: 4 }, () => adapter.unitStatus(IDENTIFIER)));
      expect(connections).toBeLessThanOrEqual(4);
    } finally {
      plain.closeAllConnections();
      await new Promise((resolve) => plain.close(resolve));
    }
  });

  it('an answer cut off midway, or one that is not JSON, is unavailable (try later), not a refusal', async () => {
    const broken = createHttpServer((req, res) => {
      if (req.url?.includes('cut')) {
        res.writeHead(201, { 'content-type': 'application/json', 'content-length': '100' });
        res.write('{"receiptId":');
        setTimeout(() => res.destroy(), 10);
      } else res.writeHead(201, { 'content-type': 'text/html' }).end('<html>proxy error</html>');
    });
    const port = await new Promise<number>((resolve) => broken.listen(0, '127.0.0.1', () => resolve((broken.address() as AddressInfo).port)));
    try {
      const adapter = new HttpSharingService({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 2000 });
      await expect(adapter.unitStatus('cut')).rejects.toMatchObject({ name: 'SharingUnavailableError', message: connectionFailure('ECONNRESET') });
      await expect(adapter.unitStatus('html')).rejects.toMatchObject({ name: 'SharingUnavailableError', detail: 'HTTP 201, not JSON' });
    } finally {
      broken.closeAllConnections();
      await new Promise((resolve) => broken.close(resolve));
    }
  });

  it('gives up on a slow service after its timeout', async () => {
    await fetch(`${server.url}/__sandbox/control`, { method: 'POST', body: JSON.stringify({ latencyMs: 800 }) });
    try {
      const slow = new HttpSharingService({ baseUrl: server.url, timeoutMs: 200 });
      await expect(slow.unitStatus(IDENTIFIER)).rejects.toMatchObject({ name: 'SharingUnavailableError', message: expect.stringMatching(/時間内/) });
    } finally {
      await fetch(`${server.url}/__sandbox/reset`, { method: 'POST' });
    }
  });
});
