import { expect, test } from '@playwright/test';
import { A, login } from '../helpers';

test('the demo on the embedded database: a doctor logs in and sees the patient list', async ({ page }) => {
  await login(page, A.doctor);
  await page.goto('/patients');
  await expect(page.getByTestId('patient-results').getByRole('row')).toHaveCount(30);
});
