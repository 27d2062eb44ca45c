/**
 * The sandbox sharing service as a small HTTP server (`npm run sandbox:sharing`, started by `npm run demo`, and by
 * tests on their own ports). It speaks the protocol of adapters/http-sharing-service.ts:
 *
 *   POST   /v1/units                         {identifier, memberId, bundle, contentHash} → 201 accepted | 422 rejected
 *   DELETE /v1/units/{identifier}?memberId=  → 200 {deleted} | 422 rejected
 *   GET    /v1/units/{identifier}            → 200 {held, contentHash, memberId, registeredAt}
 *   POST   /v1/documents                     {identifier, version, memberId, bundle, contentHash} → 201 | 200 replaced | 422
 *   DELETE /v1/documents/{identifier}?memberId= → 200 {deleted} | 422
 *   GET    /v1/documents/{identifier}        → 200 {held, version, contentHash, memberId, registeredAt}
 *   GET    /v1/inbox/{医療機関コード}?after=&limit= → 200 {entries} (letters addressed to it, and their withdrawals)
 *   POST   /v1/patient-records               {memberId, consent, excludeInstitution} → 200 {bundles} | 403 without consent
 *
 * and a control API for tests and the demo (never behind down/slow/failure):
 *   POST /__sandbox/control {down, latencyMs, failWith: {status, retryAfterSec, count}, reject}   GET /__sandbox/state
 *   POST /__sandbox/reset   GET /__sandbox/units
 *   POST /__sandbox/other-institutions {memberIds} seeds the invented institutions' 6情報 for those patients;
 *        {memberId, bundles} holds exactly these bundles for one patient (reset keeps them)
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SHARED_INFO_KINDS, type SharedBundle, type SharedInfoKind } from '../sharing-service';
import { SandboxStore, type BundleValidator, type SandboxControl } from './sandbox-store';

const MAX_BODY = 8 * 1024 * 1024;

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Error('too large');
    chunks.push(chunk as Buffer);
  }
  return chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

export type SandboxSharingServer = { url: string; store: SandboxStore; close: () => Promise<void> };

export async function startSharingSandboxServer(
  options: { port?: number; host?: string; validate?: BundleValidator; store?: SandboxStore; seedMemberIds?: Iterable<string> } = {},
): Promise<SandboxSharingServer> {
  const store = options.store ?? new SandboxStore({ validate: options.validate, seedMemberIds: options.seedMemberIds });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const path = url.pathname;

    if (path.startsWith('/__sandbox/')) {
      if (req.method === 'POST' && path === '/__sandbox/control') {
        store.setControl((await readJson(req)) as Partial<SandboxControl>);
        return send(res, 200, { control: store.control });
      }
      if (req.method === 'POST' && path === '/__sandbox/reset') {
        store.reset();
        return send(res, 200, { ok: true });
      }
      if (req.method === 'GET' && path === '/__sandbox/state') {
        const duplicates = [...store.deliveriesPerContent().entries()].filter(([, n]) => n > 1).map(([k, n]) => ({ unit: k, deliveries: n }));
        return send(res, 200, { control: store.control, units: store.units.size, receipts: store.receipts.length, duplicates });
      }
      if (req.method === 'GET' && path === '/__sandbox/units') return send(res, 200, { units: [...store.units.values()] });
      if (req.method === 'GET' && path === '/__sandbox/documents') return send(res, 200, { documents: [...store.documents.values()] });
      if (req.method === 'POST' && path === '/__sandbox/other-institutions') {
        const seed = (await readJson(req)) as { memberIds?: unknown; memberId?: unknown; bundles?: unknown };
        if (typeof seed.memberId === 'string' && Array.isArray(seed.bundles)) {
          store.putOtherInstitutionBundles(seed.memberId, seed.bundles as SharedBundle[]);
          return send(res, 200, { bundles: seed.bundles.length });
        }
        const memberIds = Array.isArray(seed.memberIds) ? seed.memberIds.filter((m): m is string => typeof m === 'string') : [];
        return send(res, 200, { bundles: store.seedOtherInstitutions(memberIds) });
      }
      return send(res, 404, { error: 'not found' });
    }

    if (store.control.down) {
      req.socket.destroy();
      return;
    }
    // the request is read in full before the service is slow: a client that gives up (or dies) meanwhile has still
    // delivered it, as with a real service
    const body = req.method === 'POST' ? await readJson(req) : undefined;
    store.received++;
    const named = (body as { identifier?: unknown } | undefined)?.identifier ?? /^\/v1\/(?:units|documents)\/([^/]+)$/.exec(path)?.[1];
    if (typeof named === 'string') store.receivedFor.push(decodeURIComponent(named));
    if (store.control.latencyMs > 0) await new Promise((r) => setTimeout(r, store.control.latencyMs));
    const failure = store.takeFailure();
    if (failure) {
      return send(res, failure.status, { result: 'unavailable', message: failure.status === 429 ? '要求が多すぎます' : 'サービス停止中' }, { 'retry-after': String(failure.retryAfterSec) });
    }

    const unitMatch = /^\/v1\/units\/([^/]+)$/.exec(path);
    const documentMatch = /^\/v1\/documents\/([^/]+)$/.exec(path);
    const inboxMatch = /^\/v1\/inbox\/(\d{10})$/.exec(path);
    // units (6情報) and documents (3文書) share the protocol; a document also names its version
    const isDocument = path === '/v1/documents' || Boolean(documentMatch);
    const itemMatch = unitMatch ?? documentMatch;
    if (req.method === 'POST' && (path === '/v1/units' || path === '/v1/documents')) {
      const item = body as { identifier?: unknown; version?: unknown; memberId?: unknown; bundle?: unknown; contentHash?: unknown };
      if (typeof item.identifier !== 'string' || typeof item.memberId !== 'string' || typeof item.contentHash !== 'string' || (isDocument && typeof item.version !== 'number')) {
        return send(res, 400, { result: 'rejected', issues: [{ code: 'E-REQUEST', message: `identifier, ${isDocument ? 'version, ' : ''}memberId, contentHash が必要です` }] });
      }
      const request = { identifier: item.identifier, memberId: item.memberId, bundle: item.bundle, contentHash: item.contentHash };
      const r = isDocument ? store.registerDocument({ ...request, version: item.version as number }) : store.register(request);
      return r.ok
        ? send(res, r.replaced ? 200 : 201, { result: 'accepted', receiptId: r.receiptId, acceptedAt: r.acceptedAt, replaced: r.replaced })
        : send(res, 422, { result: 'rejected', issues: r.issues });
    }
    if (itemMatch && req.method === 'DELETE') {
      const request = { identifier: decodeURIComponent(itemMatch[1]!), memberId: url.searchParams.get('memberId') ?? '' };
      const r = isDocument ? store.deleteDocument(request) : store.delete(request);
      return r.ok ? send(res, 200, { result: 'accepted', deleted: r.deleted }) : send(res, 422, { result: 'rejected', issues: r.issues });
    }
    if (documentMatch && req.method === 'GET') return send(res, 200, store.documentStatus(decodeURIComponent(documentMatch[1]!)));
    if (inboxMatch && req.method === 'GET') {
      const after = Number(url.searchParams.get('after') ?? 0);
      const limit = Number(url.searchParams.get('limit') ?? 100);
      return send(res, 200, { result: 'ok', entries: store.inbox(inboxMatch[1]!, Number.isFinite(after) ? after : 0, Number.isFinite(limit) ? limit : 100) });
    }
    if (unitMatch && req.method === 'GET') return send(res, 200, store.status(decodeURIComponent(unitMatch[1]!)));
    if (req.method === 'POST' && path === '/v1/patient-records') {
      const read = body as { memberId?: unknown; consent?: { givenAt?: unknown; scope?: unknown }; excludeInstitution?: unknown };
      const scope = Array.isArray(read.consent?.scope) ? read.consent.scope.filter((k): k is SharedInfoKind => (SHARED_INFO_KINDS as readonly unknown[]).includes(k)) : [];
      if (typeof read.memberId !== 'string' || typeof read.consent?.givenAt !== 'string' || scope.length === 0) {
        return send(res, 403, { result: 'rejected', issues: [{ code: 'E-CONSENT', message: '患者の同意が確認できません' }] });
      }
      const bundles = store.fetchPatientRecords({ memberId: read.memberId, scope, excludeInstitution: typeof read.excludeInstitution === 'string' ? read.excludeInstitution : undefined });
      return send(res, 200, { result: 'ok', bundles });
    }
    return send(res, 404, { result: 'rejected', issues: [{ code: 'E-NOT-FOUND', message: 'no such endpoint' }] });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, 400, { result: 'rejected', issues: [{ code: 'E-REQUEST', message: '要求を読み取れません' }] });
      else res.end();
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    store,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
