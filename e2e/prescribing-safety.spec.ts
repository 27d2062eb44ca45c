import { expect, test } from '@playwright/test';
import type { Locator, Page } from '@playwright/test';
import { openNewPatientChart, uniquePatient } from './helpers';

/** Alt+A until the form is open: on a loaded machine the first press can come before the chart has hydrated. */
async function openWithAltA(page: Page, form: Locator) {
  await expect(async () => {
    if (!(await form.isVisible())) await page.keyboard.press('Alt+a');
    await expect(form).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 20_000 });
}

/** 処方: the allergy warning comes the moment a drug is added, and no dose is invented (issue 9 items 4 and 5). */
test('adding a drug the patient is allergic to warns at once; a new drug starts at 1 per 回 without 用法', async ({ page, browser }) => {
  await openNewPatientChart(page, browser, uniquePatient('処方', 'ショホウ'));
  const alForm = page.getByRole('form', { name: 'アレルギーの追加' });
  await openWithAltA(page, alForm);
  await page.keyboard.type('ロキソプロフェン');
  await alForm.getByRole('option').filter({ hasText: 'ロキソプロフェンナトリウム錠６０ｍｇ「ＣＨ」' }).click();
  await alForm.getByLabel('症状').fill('蕁麻疹');
  await alForm.getByLabel('重症度').selectOption({ label: '重度' });
  await alForm.getByRole('button', { name: '追加' }).click();
  await expect(page.getByTestId('allergy-banner')).toContainText('ロキソプロフェン');

  await page.getByRole('button', { name: '新しい処方' }).click();
  const rx = page.getByTestId('prescription-editor');
  await rx.getByRole('combobox', { name: '薬品を追加' }).fill('ロキソニン');
  await rx.getByRole('option').filter({ hasText: 'ロキソニン錠６０ｍｇ' }).click();
  // nothing typed, nothing saved: the warning is there already, with the severity and the reaction
  await expect(rx.getByTestId('rx-item-allergy')).toContainText(/ロキソプロフェン.*（重度・蕁麻疹）/);
  const item = rx.getByTestId('rx-item');
  await expect(item).toContainText('当院での処方歴がないため、用量は1回1単位です。');
  await expect(item.getByLabel('用量')).toHaveValue('1');
  await expect(item.getByLabel('量の種類')).toHaveValue('per_time');
  await expect(item.getByLabel('用法', { exact: true })).toHaveValue('');
  await expect(item.getByLabel('日数')).toHaveValue('');
});

test('a ペニシリン系 allergy found by name warns when アモキシシリン is added', async ({ page, browser }) => {
  await openNewPatientChart(page, browser, uniquePatient('系統', 'ケイトウ'));
  const alForm = page.getByRole('form', { name: 'アレルギーの追加' });
  await openWithAltA(page, alForm);
  await alForm.getByRole('combobox', { name: /薬効分類で検索/ }).fill('ぺにしりん');
  await alForm.getByRole('option').filter({ hasText: '薬効分類 6131' }).click();
  await expect(alForm.getByLabel('原因物質名')).toHaveValue('ペニシリン系抗生物質製剤；合成ペニシリン');
  await alForm.getByLabel('症状').fill('発疹');
  await alForm.getByRole('button', { name: '追加' }).click();
  await expect(page.getByTestId('allergy-banner')).toContainText('ペニシリン系');

  await page.getByRole('button', { name: '新しい処方' }).click();
  const rx = page.getByTestId('prescription-editor');
  await rx.getByRole('combobox', { name: '薬品を追加' }).fill('サワシリン');
  await rx.getByRole('option').filter({ hasText: 'サワシリン錠２５０' }).first().click();
  await expect(rx.getByTestId('rx-item-allergy')).toContainText('ペニシリン系抗生物質製剤');
});
