import { expect, test } from '@playwright/test';
import { A, login, registerPatientElsewhere, uniquePatient } from './helpers';

const ROUTES = ['/api/internal/reception/queue', '/api/internal/reception/worklist', '/api/internal/masters/imports', '/api/internal/audit-export'];

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

test('the health check is public, says nothing about any clinic, and is never cached', async ({ request }) => {
  const res = await request.get('/api/health');
  expect(res.status()).toBe(200);
  expect(res.headers()['cache-control']).toContain('no-store');
  const body = await res.json();
  expect(body).toMatchObject({ status: 'ok', database: 'ok' });
  expect(Object.keys(body).sort()).toEqual(['checkedAt', 'clockSkewMs', 'database', 'status']);
});

test('no cross-origin access: a preflight or a read from another site gets no CORS grant', async ({ request }) => {
  for (const origin of ['https://evil.example', 'null']) {
    const preflight = await request.fetch('/api/internal/reception/queue', {
      method: 'OPTIONS',
      headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' },
    });
    expect(preflight.headers()['access-control-allow-origin'], origin).toBeUndefined();
    const read = await request.get('/api/health', { headers: { Origin: origin } });
    expect(read.headers()['access-control-allow-origin'], origin).toBeUndefined();
    expect(read.headers()['access-control-allow-credentials'], origin).toBeUndefined();
  }
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

type CapturedAction = { url: string; id: string; body: string };

/** Records the next server action the page posts (its id and serialized arguments), to replay it elsewhere. */
function captureAction(page: import('@playwright/test').Page): Promise<CapturedAction> {
  return new Promise((resolve) => {
    const onRequest = (r: import('@playwright/test').Request) => {
      const id = r.headers()['next-action'];
      if (r.method() !== 'POST' || !id) return;
      page.off('request', onRequest);
      resolve({ url: r.url(), id, body: r.postData() ?? '' });
    };
    page.on('request', onRequest);
  });
}

const replay = (request: import('@playwright/test').APIRequestContext, a: CapturedAction, headers: Record<string, string> = {}) =>
  request.post(a.url, { headers: { 'Next-Action': a.id, Accept: 'text/x-component', 'Content-Type': 'text/plain;charset=UTF-8', ...headers }, data: a.body });

test('server actions check the session, the role and the origin themselves, not the page that posts them', async ({ page, browser, baseURL }) => {
  const patient = uniquePatient('再送', 'サイソウ');
  const patientId = await registerPatientElsewhere(browser, patient);
  await login(page, A.doctor);
  await page.goto('/patients');
  const search = captureAction(page);
  await page.getByLabel('患者検索').fill(patient.kana);
  const searchAction = await search;
  await expect(page.getByTestId('patient-results')).toContainText(patient.fullName);

  // the same search replayed without a valid session: refused, no patient in the answer
  // (a forged cookie gets past proxy.ts's optimistic redirect, so the action's own check is what answers)
  const anonymous = await browser.newContext({ baseURL });
  await anonymous.addCookies([{ name: 'karte.session', value: 'forged', url: baseURL! }]);
  const noSession = await replay(anonymous.request, searchAction);
  const noSessionText = await noSession.text();
  expect(noSessionText).toContain('UNAUTHENTICATED');
  expect(noSessionText).not.toContain(patient.familyName);

  // a doctor's note replayed by a receptionist: refused by the permission matrix, nothing written
  const chartPath = `/patients/${patientId}`;
  await page.goto(chartPath);
  await expect(page.getByTestId('chart-header')).toContainText(patient.fullName);
  const notesBefore = await page.getByTestId('note-card').count();
  const save = captureAction(page);
  await page.getByRole('textbox', { name: 'S（主観的情報）' }).fill('再送テスト');
  await page.getByRole('button', { name: /^保存/ }).click();
  const saveAction = await save;
  await expect(page.getByRole('form', { name: '診療録の入力' })).toContainText('下書きを保存しました');

  const reception = await browser.newContext({ baseURL });
  const receptionPage = await reception.newPage();
  await login(receptionPage, A.reception);
  expect(await (await replay(reception.request, saveAction)).text()).toContain('FORBIDDEN');
  expect(await (await replay(anonymous.request, saveAction)).text()).toContain('UNAUTHENTICATED');

  // the doctor's own session, but posted from another site: Next refuses before the action runs
  const forged = await replay(page.request, saveAction, { Origin: 'https://evil.example' });
  expect(forged.status()).toBeGreaterThanOrEqual(400);

  await page.goto(chartPath);
  await expect(page.getByTestId('note-card')).toHaveCount(notesBefore + 1);
  await anonymous.close();
  await reception.close();
});
