/** Issue 9 items 12 and 16 through the real server and browser. */
import { request as httpRequest } from 'node:http';
import { expect, test } from '@playwright/test';
import { A, B, B_SECRETS, DEMO_PASSWORD, freshTotp, login } from './helpers';

test('the two-factor step never shows the password: the code field is empty, focused and a one-time-code field', async ({ page }) => {
  await page.goto('/login');
  await page.getByLabel('ログインID').fill(B.doctor);
  await page.getByLabel('パスワード').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'ログイン' }).click();
  const code = page.getByLabel('認証コード');
  await expect(code).toBeVisible();
  await expect(code).toHaveValue('');
  await expect(code).toBeFocused();
  await expect(code).toHaveAttribute('autocomplete', 'one-time-code');
  await expect(code).not.toHaveAttribute('type', 'password');
  expect(await page.locator('input').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value))).not.toContain(DEMO_PASSWORD);
  // typing the code (not filling the field) is enough
  await page.keyboard.type(await freshTotp(B_SECRETS[B.doctor]!));
  await page.getByRole('button', { name: '認証する' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
});

/** A POST that declares a body of `bytes` and sends only its headers: the answer must come from the headers alone. */
function declareLargeBody(baseURL: string, path: string, bytes: number, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, baseURL);
    const req = httpRequest({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-length': String(bytes), 'content-type': 'application/octet-stream', ...headers } }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body });
        req.destroy();
      });
    });
    req.on('error', reject);
    req.write(Buffer.alloc(1024));
  });
}

test('a too-large upload gets a clear 413, for the master import route and for server actions', async ({ baseURL }) => {
  const master = await declareLargeBody(baseURL!, '/api/internal/masters/imports', 11 * 1024 * 1024, { 'x-file-name': 'b_20240601.txt' });
  expect(master.status).toBe(413);
  expect(JSON.parse(master.body).error.message).toContain('ファイルが大きすぎます（10MBまで）');
  const action = await declareLargeBody(baseURL!, '/labs/import', 6 * 1024 * 1024, { 'next-action': '0'.repeat(42) });
  expect(action.status).toBe(413);
  expect(JSON.parse(action.body).error.message).toContain('大きすぎます（5MBまで）');
});

test('a malformed percent-encoded x-file-name is a 400 with a message, not a 500', async ({ page }) => {
  await login(page, A.admin);
  const res = await page.request.post('/api/internal/masters/imports', { headers: { 'x-file-name': '%E0%A4%A', 'x-master-kind': 'auto' }, data: Buffer.from('a,b\n') });
  expect(res.status()).toBe(400);
  expect((await res.json()).error.message).toContain('ファイル名（x-file-name）の形式が正しくありません');
});
