import { expect, test } from '@playwright/test';
import { A, login, registerPatientElsewhere, uniquePatient, shortcutsLive } from './helpers';

/** Issue 13: 定型文, clinic-wide (the admin) and personal, expanded in the note by `.abbr` + Space or Tab. */
test('定型文: the admin registers a clinic-wide one, the doctor their own; both expand in the note', async ({ page, browser }) => {
  const adminCtx = await browser.newContext();
  const admin = await adminCtx.newPage();
  await login(admin, A.admin);
  await admin.goto('/admin/phrases');
  const adminForm = admin.getByRole('form', { name: '定型文の登録' });
  await adminForm.getByLabel('略語').fill('htn');
  await adminForm.getByLabel('展開する文').fill('高血圧症：コントロール良好。');
  await adminForm.getByRole('button', { name: '登録' }).click();
  await expect(admin.getByTestId('phrase-row').filter({ hasText: '.htn' })).toContainText('院内共通');
  // a bad abbreviation is explained
  await adminForm.getByLabel('略語').fill('高血圧');
  await adminForm.getByLabel('展開する文').fill('x');
  await adminForm.getByRole('button', { name: '登録' }).click();
  await expect(adminForm).toContainText('略語は半角英数字');
  await adminCtx.close();

  await login(page, A.doctor);
  await page.goto('/phrases');
  await expect(page.getByTestId('phrase-row').filter({ hasText: '.htn' })).toContainText('院内共通');
  const form = page.getByRole('form', { name: '定型文の登録' });
  await form.getByLabel('略語').fill('pha');
  await form.getByLabel('展開する文').fill('咽頭発赤なし。扁桃腫大なし。');
  await form.getByRole('button', { name: '登録' }).click();
  await expect(page.getByTestId('phrase-row').filter({ hasText: '.pha' })).toContainText('個人用');

  const patientId = await registerPatientElsewhere(browser, uniquePatient('定型', 'テイケイ'));
  await page.goto(`/patients/${patientId}`);
  await shortcutsLive(page);
  await page.keyboard.press('Alt+n');
  await page.keyboard.type('.htn');
  await page.keyboard.press('Space');
  const s = page.getByRole('textbox', { name: 'S（主観的情報）' });
  await expect(s).toHaveValue('高血圧症：コントロール良好。');
  await page.keyboard.type('本日 .pha');
  await page.keyboard.press('Tab');
  await expect(s).toHaveValue('高血圧症：コントロール良好。本日 咽頭発赤なし。扁桃腫大なし。');
  await expect(s).toBeFocused(); // Tab expanded instead of moving on
  // an unknown abbreviation is text, and Tab moves on as usual
  await page.keyboard.type(' .xyz');
  await page.keyboard.press('Tab');
  await expect(s).toHaveValue('高血圧症：コントロール良好。本日 咽頭発赤なし。扁桃腫大なし。 .xyz');
  await expect(s).not.toBeFocused();
});
