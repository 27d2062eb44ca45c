/** Issue 9 items 12 and 16 through the real server and browser. */
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

test('a too-large server action gets a clear 413 (master uploads: e2e/masters.spec.ts)', async ({ request }) => {
  test.setTimeout(180_000);
  const action = await request.post('/labs/import', { headers: { 'next-action': '0'.repeat(42), 'content-type': 'text/plain;charset=UTF-8' }, data: Buffer.alloc(6 * 1024 * 1024, 0x41) });
  expect(action.status()).toBe(413);
  expect((await action.json()).error.message).toContain('大きすぎます（5MBまで）');
});

test('a malformed percent-encoded x-file-name is a 400 with a message, not a 500', async ({ page }) => {
  await login(page, A.operator);
  const res = await page.request.post('/api/internal/masters/imports', { headers: { 'x-file-name': '%E0%A4%A', 'x-master-kind': 'auto' }, data: Buffer.from('a,b\n') });
  expect(res.status()).toBe(400);
  expect((await res.json()).error.message).toContain('ファイル名（x-file-name）の形式が正しくありません');
});
