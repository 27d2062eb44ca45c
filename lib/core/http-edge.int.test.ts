/**
 * Issue 9 item 14 through real HTTP: the server in front of the app (withClientIp) decides the client address, and the
 * per-IP login throttle and the audit trail use it, whatever X-Forwarded-For a client sends.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomInt, randomUUID } from 'node:crypto';
import { db } from '@/lib/core/db';
import { AppError } from '@/lib/core/app-error';
import { startLogin, MAX_FAILURES_PER_IP } from '@/lib/auth/login.service';
import { parseTrustedProxies } from './client-ip';
import { withClientIp } from './http-edge';
import { requestContextFrom } from './request-context';

const TOKEN = randomUUID().replace(/-/g, '') + randomUUID().replace(/-/g, '');
let server: Server;
let trusted = parseTrustedProxies(undefined);

beforeAll(async () => {
  // the app side: what a route handler or server action builds its context from, then a login attempt
  const app = withClientIp(
    async (req, res) => {
      const ctx = requestContextFrom(new Headers(req.headers as Record<string, string>), TOKEN);
      let code = 'ok';
      if (req.url === '/login') {
        try {
          await startLogin({ loginId: `nobody-${randomUUID()}@x.jp`, password: 'guess-password-1' }, ctx);
        } catch (e) {
          code = e instanceof AppError ? e.code : 'INTERNAL';
        }
      }
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ ip: ctx.ip, requestId: ctx.requestId, code, forwarded: req.headers['x-forwarded-for'] ?? null }));
    },
    { get list() { return trusted.list; }, get entries() { return trusted.entries; } },
    TOKEN,
  );
  server = createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

/** A request from a loopback address of our choice (every 127/8 address reaches the server). */
function send(path: string, from: string, headers: Record<string, string> = {}): Promise<{ ip: string | null; requestId: string; code: string; forwarded: string | null }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, path, localAddress: from, headers }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve(JSON.parse(body)));
    });
    req.on('error', reject);
    req.end();
  });
}

const loopback = () => `127.${randomInt(1, 250)}.${randomInt(1, 250)}.${randomInt(1, 250)}`;

describe('client address at the edge', () => {
  it('ignores a forged X-Forwarded-For from a peer that is not a configured proxy', async () => {
    trusted = parseTrustedProxies(undefined);
    const from = loopback();
    const r = await send('/', from, { 'x-forwarded-for': '6.6.6.6', 'x-karte-client-ip': '6.6.6.6', 'x-karte-edge': 'forged' });
    expect(r.ip).toBe(from);
    expect(r.forwarded).toBe(from);
  });

  it('takes the client from X-Forwarded-For when the peer is a configured proxy', async () => {
    trusted = parseTrustedProxies('127.0.0.0/8');
    const r = await send('/', loopback(), { 'x-forwarded-for': '6.6.6.6, 198.51.100.7' });
    expect(r.ip).toBe('198.51.100.7');
    trusted = parseTrustedProxies(undefined);
  });

  it('limits one address however many forged addresses it sends, and audits the real one', async () => {
    trusted = parseTrustedProxies(undefined);
    const from = loopback();
    for (let i = 0; i < MAX_FAILURES_PER_IP; i++) {
      expect((await send('/login', from, { 'x-forwarded-for': `203.0.113.${i}` })).code).toBe('UNAUTHENTICATED');
    }
    const next = await send('/login', from, { 'x-forwarded-for': '192.0.2.200' });
    expect(next.code).toBe('RATE_LIMITED');
    const audited = await db().auditEvent.findMany({ where: { clinicId: '_system', ip: { in: [from, '192.0.2.200', '203.0.113.1'] } } });
    expect(audited.length).toBe(MAX_FAILURES_PER_IP);
    expect(new Set(audited.map((a) => a.ip))).toEqual(new Set([from]));
  }, 120_000); // 50 sequential password checks: seconds alone, far more on a loaded 2-core machine

  it('bounds X-Request-Id: 8,000 characters are replaced by a generated id', async () => {
    const r = await send('/', loopback(), { 'x-request-id': 'x'.repeat(8000) });
    expect(r.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect((await send('/', loopback(), { 'x-request-id': 'lb-req-00000001' })).requestId).toBe('lb-req-00000001');
  });
});
