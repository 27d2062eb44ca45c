import { expect, test } from '@playwright/test';
import { A, login } from './helpers';

const ROUTES = ['/api/internal/reception/queue', '/api/internal/masters/imports', '/api/internal/audit-export'];

test('internal API routes answer 401 without a session and never leak data', async ({ request }) => {
  for (const path of ROUTES) {
    const res = await request.get(path);
    expect(res.status(), path).toBe(401);
    const body = await res.json();
    expect(body.error.code).toBe('UNAUTHENTICATED');
    expect(JSON.stringify(body)).not.toMatch(/patient|患者番号/);
  }
  expect((await request.post('/api/internal/session/heartbeat')).status()).toBe(401);
});

test('a forged middleware header does not bypass the checks', async ({ request }) => {
  const res = await request.get('/api/internal/reception/queue', { headers: { 'x-middleware-subrequest': 'middleware:middleware:middleware:middleware:middleware' } });
  expect(res.status()).toBe(401);
  const page = await request.get('/patients', { headers: { 'x-middleware-subrequest': 'middleware:middleware:middleware:middleware:middleware' }, maxRedirects: 0 });
  expect([302, 303, 307, 308]).toContain(page.status());
});

test('cookie-authenticated mutations from another site are refused (CSRF)', async ({ page }) => {
  await login(page, A.admin);
  for (const origin of ['https://evil.example', 'null']) {
    const res = await page.request.post('/api/internal/masters/imports', {
      headers: { Origin: origin, 'X-File-Name': 'b.txt', 'X-Master-Kind': 'auto', 'Content-Type': 'application/octet-stream' },
      data: Buffer.from('x'),
    });
    expect(res.status(), origin).toBe(403);
    const beat = await page.request.post('/api/internal/session/heartbeat', { headers: { Origin: origin } });
    expect(beat.status(), origin).toBe(403);
  }
  expect((await page.request.post('/api/internal/session/heartbeat')).status()).toBe(204);
});

test('roles without the permission get 403 from the routes, and responses are not cached', async ({ page }) => {
  await login(page, A.doctor);
  const masters = await page.request.get('/api/internal/masters/imports');
  expect(masters.status()).toBe(403);
  const queue = await page.request.get('/api/internal/reception/queue');
  expect(queue.status()).toBe(200);
  expect(queue.headers()['cache-control']).toContain('no-store');
  const html = await page.request.get('/patients');
  expect(html.headers()['x-frame-options']).toBe('DENY');
  expect(html.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
});
