import { expect, test } from '@playwright/test';
import { A, fillPatientForm, login, registerPatientElsewhere, uniquePatient } from './helpers';

/** 新規患者登録: likely duplicates are shown before saving; card numbers and names are checked (issue 9 item 7). */
test('registering the same person twice shows the existing patient first; bad numbers and emoji are refused', async ({ page, browser }) => {
  const p = uniquePatient('遠藤', 'エンドウ');
  const existingId = await registerPatientElsewhere(browser, p);
  await login(page, A.reception);
  await page.goto('/patients/new');

  // wrong 検証番号 and an emoji: refused with the reason, nothing saved
  await fillPatientForm(page, { ...p, givenName: `${p.givenName}😀` }, { insurerNumber: '01130013', number: '1' });
  await page.getByLabel('生年月日').fill('1970-01-01'); // another birth date: not a likely duplicate, so validation answers
  await page.getByRole('button', { name: '登録する' }).click();
  await expect(page.getByText('保険者番号の検証番号（最後の1桁）が合いません。')).toBeVisible();
  await expect(page.getByText(/名（漢字）にレセプトで使えない文字があります（「😀」）/)).toBeVisible();

  // corrected, with the phone typed through the IME: the existing patient is shown before anything is saved
  await fillPatientForm(page, p, { insurerNumber: '01130012', number: '1' });
  await page.getByLabel('電話番号').fill('０９０ー１２３４ー５６７８');
  await page.getByRole('button', { name: '登録する' }).click();
  const warning = page.getByTestId('duplicate-warning');
  await expect(warning).toContainText(p.fullName);
  await warning.getByRole('button', { name: 'この患者を開く' }).click();
  await expect(page).toHaveURL(new RegExp(`/patients/${existingId}$`));
});
