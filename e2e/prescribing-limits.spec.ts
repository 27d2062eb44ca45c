import { expect, test } from '@playwright/test';
import type { Locator, Page } from '@playwright/test';
import { A, login, openNewPatientChart, pickUsage, uniquePatient } from './helpers';

/**
 * 投与日数 and 投与量 limits (issue 9 item 4; ADR 0044 legal limits from the drug master and the 告示, ADR 0045 the clinic's
 * own maximum): the warning comes as the item is typed, and 確定 over a limit needs a reason, which is kept.
 */

async function newPrescriptionWith(page: Page, search: string, option: string | RegExp): Promise<{ rx: Locator; item: Locator }> {
  const rx = page.getByTestId('prescription-editor');
  await expect(async () => {
    if (!(await rx.isVisible())) await page.getByRole('button', { name: '新しい処方' }).click();
    await expect(rx).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 20_000 });
  await rx.getByRole('combobox', { name: '薬品を追加' }).fill(search);
  await rx.getByRole('option').filter({ hasText: option }).first().click();
  const item = rx.getByTestId('rx-item');
  await expect(item).toHaveCount(1);
  return { rx, item };
}

test('a 向精神薬 over its 30-day limit warns as 日数 is typed, and 確定 needs a reason that is kept', async ({ page, browser }) => {
  await openNewPatientChart(page, browser, uniquePatient('日数上限', 'ニッスウジョウゲン'));
  const { rx, item } = await newPrescriptionWith(page, 'デパス', 'デパス錠０．５ｍｇ');
  await pickUsage(item);
  const days = item.getByLabel('日数');
  await days.fill('30');
  await expect(item.getByTestId('rx-item-limit')).toHaveCount(0);
  await days.fill('31');
  const limit = item.getByTestId('rx-item-limit');
  await expect(limit).toHaveAttribute('role', 'alert');
  await expect(limit).toContainText('エチゾラム');
  await expect(limit).toContainText('30日分が上限です（31日分）');

  await rx.getByRole('button', { name: '確定' }).click();
  const dialog = page.getByRole('alertdialog');
  await expect(dialog.getByTestId('rx-limits')).toContainText('30日分が上限です（31日分）');
  const go = dialog.getByRole('button', { name: '承知して続ける' });
  await expect(go).toBeDisabled(); // no reason, no 確定
  await dialog.getByLabel(/上限を超えて処方する理由/).fill('年末年始の休診（長期の旅行等の特殊の事情）');
  await expect(go).toBeEnabled();
  await go.click();
  await expect(page.getByText('処方を確定しました。')).toBeVisible();
  const row = page.getByTestId('prescription-history').getByRole('listitem').filter({ hasText: 'デパス' }).first();
  await expect(row).toContainText('確定');
});

test("the clinic's own maximum, set by the clinic admin, warns the doctor at add and asks for a reason at 確定", async ({ page, browser }) => {
  // the admin sets 1日1錠 for ムコダイン錠５００ｍｇ (a drug no other browser test prescribes)
  const ctx = await browser.newContext();
  const admin = await ctx.newPage();
  await login(admin, A.admin);
  await admin.goto('/admin/drug-limits');
  await admin.getByLabel('薬品を検索').fill('ムコダイン');
  await admin.getByLabel('薬品を検索').press('Enter');
  await admin.getByRole('list', { name: '検索結果' }).getByRole('button').filter({ hasText: 'ムコダイン錠５００ｍｇ' }).click();
  const form = admin.getByRole('form', { name: '上限の設定' });
  await form.getByLabel(/1日の上限/).fill('1');
  await form.getByRole('button', { name: '保存' }).click();
  await expect(admin.getByRole('table', { name: '設定済みの上限' })).toContainText('ムコダイン錠５００ｍｇ');
  await ctx.close();

  await openNewPatientChart(page, browser, uniquePatient('院内上限', 'インナイジョウゲン'));
  const { rx, item } = await newPrescriptionWith(page, 'ムコダイン', 'ムコダイン錠５００ｍｇ');
  await pickUsage(item);
  await item.getByLabel('量の種類').selectOption('per_day');
  await item.getByLabel('用量').fill('2');
  await item.getByLabel('日数').fill('5');
  const limit = item.getByTestId('rx-item-limit');
  await expect(limit).toHaveAttribute('role', 'alert');
  await expect(limit).toContainText('院内で設定された上限（1日1錠）を超えています（1日2錠）');

  await rx.getByRole('button', { name: '確定' }).click();
  const dialog = page.getByRole('alertdialog');
  await expect(dialog.getByTestId('rx-limits')).toContainText('院内で設定された上限');
  await expect(dialog.getByRole('button', { name: '承知して続ける' })).toBeDisabled();
  // back to fix it: within the maximum nothing is asked
  await dialog.getByRole('button', { name: '戻って修正' }).click();
  await item.getByLabel('用量').fill('1');
  await expect(item.getByTestId('rx-item-limit')).toHaveCount(0);
  await rx.getByRole('button', { name: '確定' }).click();
  await expect(page.getByText('処方を確定しました。')).toBeVisible();
});
