import { expect, test } from '@playwright/test';
import type { Locator, Page } from '@playwright/test';
import { openNewPatientChart, registerPatientElsewhere, uniquePatient, shortcutsLive } from './helpers';

/** Alt+<key> until the form is open: on a loaded machine the first press can come before the chart has hydrated. */
async function openWith(page: Page, key: string, form: Locator) {
  await expect(async () => {
    if (!(await form.isVisible())) await page.keyboard.press(key);
    await expect(form).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 20_000 });
}

/**
 * Issue 13, 検査オーダー (docs/decisions/0070): a doctor orders tests by keyboard, the result entered for one item shows
 * on the order, the visit becomes a セット with its lab order, and the set applied to another patient orders them.
 */
test('order labs by keyboard, see results on the order, make a set with them and apply it to another patient', async ({ page, browser }) => {
  const setName = `肝機能${Date.now() % 100000}`;
  await openNewPatientChart(page, browser, uniquePatient('検査依頼', 'ケンサイライ'));

  // Alt+T, type, Enter adds; Enter on the empty search orders
  const form = page.getByRole('form', { name: '検査オーダー' });
  await openWith(page, 'Alt+t', form);
  await page.keyboard.type('AST');
  await expect(form.getByRole('option').first()).toBeVisible();
  await page.keyboard.press('Enter');
  await page.keyboard.type('ALT');
  await expect(form.getByRole('option').first()).toBeVisible();
  await page.keyboard.press('Enter');
  await expect(form.getByTestId('lab-order-chosen')).toContainText('AST');
  await expect(form.getByTestId('lab-order-chosen')).toContainText('ALT');
  await form.getByLabel('至急').check();
  await form.getByLabel('検査項目（名前・略号で検索してEnter。空欄でEnterすると依頼）').press('Enter');
  const order = page.getByTestId('lab-order');
  await expect(order).toHaveCount(1);
  await expect(order).toContainText('依頼済');
  await expect(order).toContainText('至急');

  // the result of one item (the nurse's quick entry, here by the doctor): the order shows it, still 依頼済 (1/2)
  const entry = page.getByRole('form', { name: '検査結果の入力' });
  await openWith(page, 'Alt+l', entry);
  // the entry offers the items still ordered in one click; ALT has no result yet today
  await entry.getByRole('button', { name: /依頼中の項目を追加/ }).click();
  await entry.getByRole('button', { name: /^ALT.*を外す$/ }).click();
  await entry.locator('#lab-value-AST').fill('30');
  await entry.getByRole('button', { name: /保存/ }).click();
  await expect(order).toContainText('結果 1/2');

  // 「この受診からセットを作成」 takes the lab order
  await page.keyboard.press('Control+k');
  await page.keyboard.type('この受診から');
  await page.keyboard.press('Enter');
  await page.getByRole('dialog', { name: 'この受診からセットを作成' }).getByRole('textbox').fill(setName);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('palette-status')).toHaveText(`セット「${setName}」を作成しました（検査1件）。`);

  // applied on another patient: the order is written (依頼済, 至急, the same items)
  const otherId = await registerPatientElsewhere(browser, uniquePatient('検査適用', 'ケンサテキヨウ'));
  await page.goto(`/patients/${otherId}`);
  await shortcutsLive(page);
  await expect(page.getByTestId('lab-order-panel')).toContainText('検査オーダーはありません。');
  await expect(async () => {
    await page.keyboard.press('Control+k');
    await expect(page.getByRole('combobox', { name: 'コマンドを検索' })).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 20_000 });
  await page.keyboard.type(setName);
  await expect(page.getByRole('option', { name: new RegExp(`セット: ${setName}`) })).toBeVisible();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('palette-status')).toContainText(`セット「${setName}」を適用しました（検査オーダー1件を依頼）`);
  const applied = page.getByTestId('lab-order');
  await expect(applied).toHaveCount(1);
  await expect(applied).toContainText('依頼済');
  await expect(applied).toContainText('至急');
  await expect(applied).toContainText('AST');
  await expect(applied).toContainText('ALT');

  // セット一覧 shows the set's lab order
  await page.goto('/sets');
  await expect(page.getByTestId('order-set-card').filter({ hasText: setName })).toBeVisible();
  await expect(page.getByTestId('order-set-lab-orders').filter({ hasText: 'AST' }).first()).toBeVisible();
});
