import { expect, test, type Page } from '@playwright/test';
import { A, login, logout, registerPatientElsewhere, uniquePatient } from './helpers';

/** What the browser is allowed to run and keep (SECURITY.md B5, G3, G4, G5). */

const nonceOf = (csp: string | undefined) => /'nonce-([^']+)'/.exec(csp ?? '')?.[1];

test('every page has its own script nonce, and the policy allows no other inline script', async ({ request }) => {
  const first = await request.get('/login');
  const second = await request.get('/login');
  const csp = first.headers()['content-security-policy']!;
  const scriptSrc = csp.split(';').map((d) => d.trim()).find((d) => d.startsWith('script-src'))!;
  expect(scriptSrc).not.toContain("'unsafe-inline'");
  expect(scriptSrc).not.toContain("'unsafe-eval'");
  expect(csp).toContain("object-src 'none'");
  const nonce = nonceOf(csp);
  expect(nonce).toMatch(/^[A-Za-z0-9+/=]{20,}$/);
  expect(nonceOf(second.headers()['content-security-policy'])).not.toBe(nonce);
  // every script Next renders carries this response's nonce
  const tags = (await first.text()).match(/<script\b[^>]*>/g) ?? [];
  expect(tags.length).toBeGreaterThan(0);
  for (const tag of tags) expect(tag).toContain(`nonce="${nonce}"`);
});

async function expectNothingRan(page: Page, dialogs: string[]) {
  expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
  expect(dialogs).toEqual([]);
}

test('markup typed into patient and note fields is shown as text and never runs', async ({ page, browser }) => {
  const payload = `<img src=x onerror="window.__xss=1;alert(1)"><script>window.__xss=1</script>`;
  const p = uniquePatient('安全', 'アンゼン', { address: `東京都港区 ${payload}` });
  const patientId = await registerPatientElsewhere(browser, p);

  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await login(page, A.doctor);
  await page.goto(`/patients/${patientId}`);
  await expect(page.getByTestId('chart-header')).toContainText(p.fullName);
  await page.getByRole('textbox', { name: 'S（主観的情報）' }).fill(`頭痛 ${payload}`);
  await page.getByRole('button', { name: /^保存/ }).click();
  await expect(page.getByTestId('note-card').first()).toContainText('<img src=x onerror=');
  await expectNothingRan(page, dialogs);

  await page.goto(`/patients/${patientId}/edit`);
  await expect(page.getByLabel('住所')).toHaveValue(`東京都港区 ${payload}`);
  await page.goto('/patients');
  await page.getByLabel('患者検索').fill(p.kana);
  await expect(page.getByTestId('patient-results')).toContainText(p.fullName);
  await expectNothingRan(page, dialogs);
});

test('no patient data is left in browser storage or in URLs, during the session or after logout', async ({ page, browser }) => {
  const p = uniquePatient('保存', 'ホゾン');
  const patientId = await registerPatientElsewhere(browser, p);
  const urls: string[] = [];
  page.on('request', (r) => urls.push(r.url()));

  await login(page, A.doctor);
  await page.goto('/patients');
  await page.getByLabel('患者検索').fill(p.kana);
  await page.getByTestId('patient-results').getByRole('link', { name: p.fullName }).click();
  await expect(page.getByTestId('chart-header')).toContainText(p.fullName);
  await page.goto(`/patients/${patientId}/labs`);
  await page.goto('/reception');

  const kept = await page.evaluate(async () => {
    const dump = (s: Storage) => Object.keys(s).map((k) => `${k}=${s.getItem(k)}`);
    const dbs = 'databases' in indexedDB ? (await indexedDB.databases()).map((d) => d.name ?? '') : [];
    const cacheNames = 'caches' in window ? await caches.keys() : [];
    const workers = 'serviceWorker' in navigator ? (await navigator.serviceWorker.getRegistrations()).length : 0;
    return { local: dump(localStorage), session: dump(sessionStorage), dbs, cacheNames, workers, cookies: document.cookie };
  });
  expect(kept.local).toEqual([]);
  expect(kept.session).toEqual([]);
  expect(kept.dbs).toEqual([]);
  expect(kept.cacheNames).toEqual([]);
  expect(kept.workers).toBe(0);
  expect(kept.cookies).not.toContain('session'); // the session cookie is HttpOnly

  const markers = [p.fullName, p.familyName, p.kana, p.familyKana].flatMap((m) => [m, encodeURIComponent(m)]);
  for (const url of urls) for (const m of markers) expect(url, url).not.toContain(m);

  await logout(page);
  await page.goBack();
  await expect(page.locator('body')).not.toContainText(p.fullName);
});

test('an unattended screen locks itself: the content goes, the session ends, the login page says why', async ({ page }) => {
  await page.clock.install();
  await login(page, A.doctor);
  await page.goto('/patients');
  const firstRow = page.getByTestId('patient-results').getByRole('row').nth(1);
  await expect(firstRow).toBeVisible();
  const name = (await firstRow.getByRole('link').first().textContent())!;

  // working (a key press now and then) keeps the screen open past the timeout
  for (let i = 0; i < 4; i++) {
    await page.clock.fastForward('10:00');
    await page.keyboard.press('Shift');
  }
  await expect(page.getByTestId('patient-results')).toContainText(name);

  // a half-written note does not hold the lock back (its leave-page prompt goes with the page)
  await page.getByTestId('patient-results').getByRole('link', { name }).click();
  await expect(page.getByTestId('chart-header')).toContainText(name);
  await page.getByRole('textbox', { name: 'S（主観的情報）' }).fill('書きかけ');

  // the demo clinic's timeout is 30 minutes
  await page.clock.fastForward('30:00');
  await expect(page).toHaveURL(/\/login\?reason=idle/);
  await expect(page.getByText('一定時間操作がなかったため、ログアウトしました。')).toBeVisible();
  await expect(page.locator('body')).not.toContainText(name);
  // the session was ended on the server, not just hidden
  await page.goto('/patients');
  await expect(page).toHaveURL(/\/login/);
});

test('login issues a fresh HttpOnly session cookie, and logging out on one terminal ends the others', async ({ browser, baseURL }) => {
  const first = await browser.newContext();
  // a cookie planted before login (session fixation) is replaced, and is worthless on its own
  await first.addCookies([{ name: 'karte.session', value: 'planted-by-someone-else', url: baseURL! }]);
  const page = await first.newPage();
  const setCookies: string[] = [];
  // the headers arrive asynchronously: keep each read, and wait for all of them after the login
  const reads: Promise<void>[] = [];
  page.on('response', (r) => {
    reads.push(
      r.headersArray().then((headers) => {
        for (const h of headers) if (h.name.toLowerCase() === 'set-cookie' && h.value.startsWith('karte.session=')) setCookies.push(h.value);
      }),
    );
  });
  await login(page, A.nurse);
  await Promise.all(reads);
  const issued = setCookies.find((c) => !c.startsWith('karte.session=;'))!;
  expect(issued).toMatch(/HttpOnly/i);
  expect(issued).toMatch(/SameSite=Lax/i);
  expect(issued).toMatch(/Path=\//i);
  const session = (await first.cookies()).find((c) => c.name === 'karte.session')!;
  expect(session.value).not.toBe('planted-by-someone-else');
  expect(session.httpOnly).toBe(true);

  const planted = await browser.newContext();
  await planted.addCookies([{ name: 'karte.session', value: 'planted-by-someone-else', url: baseURL! }]);
  expect((await planted.request.get('/api/internal/reception/queue')).status()).toBe(401);
  await planted.close();

  // the same user on a second terminal
  const second = await browser.newContext();
  const other = await second.newPage();
  await login(other, A.nurse);
  expect((await other.request.get('/api/internal/reception/queue')).status()).toBe(200);
  await other.goto('/reception');
  await logout(page);
  expect((await other.request.get('/api/internal/reception/queue')).status()).toBe(401);
  // the reception screen left open there notices on its next refresh and says why
  await expect(other).toHaveURL(/\/login\?reason=ended/, { timeout: 15_000 });
  await expect(other.getByText('別の端末でログアウトされました')).toBeVisible();
  await first.close();
  await second.close();
});
