import { expect, test } from '@playwright/test';
import { openNewPatientChart, pickUsage, uniquePatient } from './helpers';

/**
 * 処方箋 of the 令和6年 様式 (issue 13, ADR 0063): the doctor sets 患者希望 on a drug and リフィル可 (3回) on the
 * prescription; a 湿布薬 on a refill is refused and named; the print shows the 患者希望 ✓, 「リフィル可 ☑（3回）」 and the
 * 調剤実施回数 row. ムコスタ is a drug no other browser test prescribes; the refused ロキソニンテープ is never written.
 */
test('患者希望 and リフィル可 are set in the form, a 湿布薬 refill is refused, and the 処方箋 prints both', async ({ page, browser }) => {
  await openNewPatientChart(page, browser, uniquePatient('様式処方', 'ヨウシキショホウ'));
  const rx = page.getByTestId('prescription-editor');
  await expect(async () => {
    if (!(await rx.isVisible())) await page.getByRole('button', { name: '新しい処方' }).click();
    await expect(rx).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 20_000 });

  const search = rx.getByRole('combobox', { name: '薬品を追加' });
  await search.fill('ムコスタ');
  await rx.getByRole('option').filter({ hasText: 'ムコスタ錠１００ｍｇ' }).first().click();
  const items = rx.getByTestId('rx-item');
  await expect(items).toHaveCount(1);
  const mucosta = items.first();
  await pickUsage(mucosta, '3回 毎食後');
  await mucosta.getByLabel('日数').fill('28');
  await mucosta.getByLabel('後発品への変更').selectOption({ label: '患者希望' });

  await search.fill('ロキソニンテープ');
  await rx.getByRole('option').filter({ hasText: 'ロキソニンテープ５０ｍｇ' }).first().click();
  await expect(items).toHaveCount(2);
  await pickUsage(items.nth(1));
  await rx.getByRole('group', { name: 'リフィル' }).getByLabel('3回まで').check();

  await rx.getByRole('button', { name: '確定', exact: true }).click();
  await expect(rx.getByTestId('rx-refill-error')).toContainText('リフィル処方箋にできない薬品があります。ロキソニンテープ');
  await expect(items.nth(1).getByTestId('rx-item-error')).toHaveText('湿布薬はリフィル処方箋にできません。');
  await expect(items.nth(0).getByTestId('rx-item-error')).toHaveCount(0);

  await items.nth(1).getByRole('button', { name: '削除' }).click();
  await expect(items).toHaveCount(1);
  await rx.getByRole('button', { name: '確定', exact: true }).click();
  await expect(page.getByText('処方を確定しました。')).toBeVisible();

  const row = page.getByTestId('prescription-history').getByRole('listitem').filter({ hasText: 'ムコスタ' }).first();
  await expect(row).toContainText('リフィル3回');
  await expect(row).toContainText('患者希望（先発品）');
  await row.getByRole('link', { name: '処方箋を印刷' }).click();

  await expect(page.getByTestId('rx-refill')).toHaveText('リフィル可 ☑（3回）');
  await expect(page.getByTestId('rx-refill-dispensing')).toContainText('3回目調剤日');
  const line = page.getByTestId('rx-line').filter({ hasText: 'ムコスタ' });
  const cells = line.locator('td');
  await expect(cells.nth(0)).toHaveText(''); // 変更不可（医療上必要）
  await expect(cells.nth(1)).toHaveText('✓'); // 患者希望
  // 患者希望 needs no signature: 保険医署名 stays empty
  await expect(page.getByTestId('rx-signature')).toHaveText('');
});
