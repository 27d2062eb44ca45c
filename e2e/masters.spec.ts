/** Master imports through the real server (issue 9 items 18, 19): streamed uploads over 10 MB, integrity, visible errors, the operator role. */
import { expect, test, type APIRequestContext } from '@playwright/test';
import { A, login } from './helpers';

const ROUTE = '/api/internal/masters/imports';
const HEADER = 'code17,analyte5,identification4,specimen3,method3,result2,display\n';
/** 'ZZ' codes exist in no JLAC10 release: generated rows cannot be mistaken for real ones. */
const row = (n: number, tag: string) => {
  const code = `ZZ${tag}${String(n).padStart(15 - tag.length, '0')}`;
  return `${code},${code.slice(0, 5)},0000,023,000,00,生成試験項目${tag}${n}_血清_生成法_定量値の長い名称で一行を大きくする\n`;
};
const lines = (text: string) => text.split('\n').length - (text.endsWith('\n') ? 1 : 0);

type Run = { id: string; status: string; processedRows: number; totalRows: number; errorCount: number; fileBytes: number; errors: { row: number; message: string }[] };
async function waitForRun(request: APIRequestContext, id: string): Promise<Run> {
  for (let i = 0; i < 600; i++) {
    const runs = (await (await request.get(ROUTE)).json()) as Run[];
    const run = runs.find((r) => r.id === id);
    if (run && !['receiving', 'queued', 'running'].includes(run.status)) return run;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`run ${id} did not finish`);
}

test('a JLAC10 file over 10 MB arrives whole over HTTP and every row is imported', async ({ page }) => {
  test.setTimeout(600_000);
  await login(page, A.operator);
  await expect(page).toHaveURL(/\/admin\/masters$/);
  const tag = String(Date.now() % 10_000);
  const rows = 100_000;
  const file = Buffer.from(HEADER + Array.from({ length: rows }, (_, i) => row(i, tag)).join(''));
  expect(file.length).toBeGreaterThan(12 * 1024 * 1024);
  const res = await page.request.post(ROUTE, {
    headers: { 'Content-Type': 'application/octet-stream', 'X-File-Name': 'jlac10_generated.csv', 'X-File-Size': String(file.length), 'X-File-Lines': String(rows + 1) },
    data: file,
    timeout: 300_000,
  });
  expect(res.status(), await res.text()).toBe(202);
  const run = await waitForRun(page.request, (await res.json()).importId);
  expect(run).toMatchObject({ status: 'done', processedRows: rows, totalRows: rows, errorCount: 0, fileBytes: file.length });
});

test('a body shorter than declared, an unknown file and failed rows are all shown, never 完了', async ({ page }) => {
  test.setTimeout(180_000);
  await login(page, A.operator);
  const whole = HEADER + row(1, 'E');
  const cut = await page.request.post(ROUTE, {
    headers: { 'Content-Type': 'application/octet-stream', 'X-File-Name': 'jlac10_cut.csv', 'X-File-Size': String(Buffer.byteLength(whole) + 1000) },
    data: Buffer.from(whole),
  });
  expect(cut.status()).toBe(400);
  expect((await cut.json()).error.message).toContain('ファイルが途中で切れています');

  const big = await page.request.post(ROUTE, { headers: { 'X-File-Name': 'y_ALL20250401.csv', 'X-File-Size': String(400 * 1024 * 1024) }, data: Buffer.from('x') });
  expect(big.status()).toBe(413);
  expect((await big.json()).error.message).toContain('ファイルが大きすぎます（300MBまで）');

  await page.goto('/admin/masters');
  await page.getByLabel('ファイル').setInputFiles({ name: 'memo.csv', mimeType: 'text/csv', buffer: Buffer.from('a,b,c\n1,2,3\n') });
  await page.getByRole('button', { name: '取り込む' }).click();
  await expect(page.getByText('マスターの種類を判定できません（memo.csv）').first()).toBeVisible();
  await expect(page.getByText('取り込みを開始しました')).toHaveCount(0);

  const partial = HEADER + row(1, 'P') + 'BAD,x,x,x,x,x,壊れた行\n' + row(2, 'P');
  expect(lines(partial)).toBe(4);
  await page.getByLabel('ファイル').setInputFiles({ name: 'jlac10_partial.csv', mimeType: 'text/csv', buffer: Buffer.from(partial) });
  await page.getByRole('button', { name: '取り込む' }).click();
  const latest = page.getByTestId('master-import-run').filter({ hasText: 'jlac10_partial.csv' }).first();
  await expect(latest.getByText('一部エラー')).toBeVisible({ timeout: 60_000 });
  await expect(latest.getByText('完了', { exact: true })).toHaveCount(0);
  await expect(latest.getByTestId('master-import-errors')).toContainText('3行目: JLAC10 コードが 17 桁ではありません');
});

test('a clinic_admin can neither import nor see master imports', async ({ page }) => {
  await login(page, A.admin);
  await expect(page.getByRole('navigation', { name: 'メインメニュー' }).getByText('マスター')).toHaveCount(0);
  expect((await page.request.get(ROUTE)).status()).toBe(403);
  const post = await page.request.post(ROUTE, { headers: { 'X-File-Name': 'jlac10_x.csv' }, data: Buffer.from(HEADER + row(1, 'X')) });
  expect(post.status()).toBe(403);
  expect((await page.goto('/admin/masters'))?.status()).toBe(403);
});
