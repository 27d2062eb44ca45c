import { expect, test } from '@playwright/test';
import { A, B, B_SECRETS, login } from '../helpers';

test('the demo on the embedded database: a doctor logs in and sees the patient list', async ({ page }) => {
  await login(page, A.doctor);
  await page.goto('/patients');
  await expect(page.getByTestId('patient-results').getByRole('row')).toHaveCount(30);
});

test('the demo delivers another institution\'s letter to みなと: its doctor finds it in the inbox with the patient as a candidate', async ({ page }) => {
  await login(page, B.doctor, undefined, B_SECRETS[B.doctor]);
  await page.goto('/inbox');
  await page.getByRole('button', { name: '受信確認' }).click();
  const row = page.getByTestId('inbox-list').getByRole('row').filter({ hasText: '港診療所' });
  await expect(row).toBeVisible({ timeout: 30_000 });
  await row.getByRole('link').first().click();
  await expect(page.getByTestId('received-sections')).toContainText('腹痛精査お願いします。');
  // the letter is about one of みなと's demo patients: name, kana, birth date and 被保険者番号 all match
  await expect(page.getByRole('radio').first()).toBeVisible();
  await expect(page.locator('label').filter({ has: page.getByRole('radio') }).first()).toContainText('被保険者番号');
});
