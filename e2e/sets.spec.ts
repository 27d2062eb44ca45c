import { expect, test } from '@playwright/test';
import type { Locator, Page } from '@playwright/test';
import { openNewPatientChart, pickUsage, registerPatientElsewhere, uniquePatient, shortcutsLive } from './helpers';

/** Alt+<key> until the form is open: on a loaded machine the first press can come before the chart has hydrated. */
async function openWith(page: Page, key: string, form: Locator) {
  await expect(async () => {
    if (!(await form.isVisible())) await page.keyboard.press(key);
    await expect(form).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 20_000 });
}

/**
 * Issue 13, セット (docs/decisions/0059): made from the visit in one action (only the name is asked), then applied to
 * another patient from the palette by typing part of its name; the prescription's allergy check runs as for a
 * hand-entered one, and nothing is 確定d.
 */
test('make a set from the visit, then apply it from the palette in a few keystrokes', async ({ page, browser }) => {
  const setName = `かぜ成人${Date.now() % 100000}`;
  await openNewPatientChart(page, browser, uniquePatient('元セット', 'モトセット'));

  // this visit: a 傷病名, a prescription (saved as a draft) and S text
  const dxForm = page.getByRole('form', { name: '傷病名の追加' });
  await openWith(page, 'Alt+d', dxForm);
  await page.keyboard.type('ししつい');
  await dxForm.getByRole('option').filter({ hasText: /^脂質異常症/ }).first().click();
  await dxForm.getByRole('button', { name: '追加' }).click();
  await expect(page.getByTestId('diagnosis-row').filter({ hasText: '脂質異常症' })).toBeVisible();

  await page.getByRole('button', { name: '新しい処方' }).click();
  const rx = page.getByTestId('prescription-editor');
  await rx.getByRole('combobox', { name: '薬品を追加' }).fill('ロキソニン');
  await rx.getByRole('option').filter({ hasText: 'ロキソニン錠６０ｍｇ' }).click();
  const item = rx.getByTestId('rx-item');
  await pickUsage(item, '3回 毎食後');
  await item.getByLabel('日数').fill('5');
  await rx.getByRole('button', { name: '保存', exact: true }).click();
  await expect(page.getByTestId('prescription-history')).toContainText('ロキソニン');

  const s = page.getByRole('textbox', { name: 'S（主観的情報）' });
  await s.fill('咽頭痛あり。');

  // 「この受診からセットを作成」: the palette asks only for the name
  await page.keyboard.press('Control+k');
  await page.keyboard.type('この受診から');
  await page.keyboard.press('Enter');
  await page.getByRole('dialog', { name: 'この受診からセットを作成' }).getByRole('textbox').fill(setName);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('palette-status')).toHaveText(`セット「${setName}」を作成しました（傷病名1・処方1品目）。`);

  // another patient, allergic to ロキソプロフェン
  const otherId = await registerPatientElsewhere(browser, uniquePatient('適用先', 'テキヨウサキ'));
  await page.goto(`/patients/${otherId}`);
  await shortcutsLive(page);
  const alForm = page.getByRole('form', { name: 'アレルギーの追加' });
  await openWith(page, 'Alt+a', alForm);
  await page.keyboard.type('ロキソプロフェン');
  await alForm.getByRole('option').filter({ hasText: 'ロキソプロフェンナトリウム錠６０ｍｇ「ＣＨ」' }).click();
  await alForm.getByRole('button', { name: '追加' }).click();
  await expect(page.getByTestId('allergy-banner')).toContainText('ロキソプロフェン');

  // apply: Ctrl+K, part of the name, Enter
  let keystrokes = 0;
  await page.keyboard.press('Control+k');
  keystrokes++;
  await page.keyboard.type('かぜ成人');
  keystrokes++;
  await expect(page.getByRole('option', { name: new RegExp(`セット: ${setName}`) })).toBeVisible();
  await page.keyboard.press('Enter');
  keystrokes++;
  expect(keystrokes).toBeLessThanOrEqual(3);

  // the allergy check of the prescription stops it, exactly as for a hand-entered one
  const warning = page.getByRole('alertdialog');
  await expect(warning).toContainText('薬剤アレルギー警告');
  await expect(page.getByTestId('diagnosis-row').filter({ hasText: '脂質異常症' })).toHaveCount(0); // nothing written yet
  await warning.getByLabel(/それでも処方する理由/).fill('少量で使用歴あり');
  await warning.getByRole('button', { name: '承知して続ける' }).click();

  await expect(page.getByTestId('palette-status')).toContainText(`セット「${setName}」を適用しました（処方1品目を下書きで保存・傷病名1件を登録）`);
  await expect(page.getByTestId('diagnosis-row').filter({ hasText: '脂質異常症' })).toBeVisible();
  await expect(s).toHaveValue('咽頭痛あり。');
  await expect(page.getByText(`セット「${setName}」の文をSに挿入しました（未保存）。`)).toBeVisible();
  const history = page.getByTestId('prescription-history');
  await expect(history).toContainText('ロキソニン');
  await expect(history).toContainText('下書き');
  await expect(history.getByRole('button', { name: '確定', exact: true })).toBeVisible(); // still to be 確定d by the doctor

  // セット一覧: rename (a new version), shown with its versions
  await page.goto('/sets');
  await expect(page.getByTestId('order-set-card').filter({ hasText: setName })).toContainText('第1版');
  await page.getByLabel('セット名').first().fill(`${setName}改`);
  await page.getByRole('button', { name: '名前を変更' }).first().click();
  await expect(page.getByTestId('order-set-card').filter({ hasText: `${setName}改` })).toContainText('第2版');
});
