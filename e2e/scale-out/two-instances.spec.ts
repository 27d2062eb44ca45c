import { expect, test } from '@playwright/test';
import { A, fillPatientForm, login, uniquePatient, shortcutsLive } from '../helpers';
import { INSTANCE_A, INSTANCE_B } from '../../playwright.scale-out.config';

// Two `next start` instances on one database (CI: the Citus coordinator). Cookies are per host, not per port, so one
// browser context carries the same session cookie to both, as a load balancer would send one user to either.

test('a session started on one app instance works on the other, and logging out on one ends it on both', async ({ page }) => {
  await login(page, A.doctor); // baseURL: instance A
  await page.goto(`${INSTANCE_B}/patients`);
  await expect(page).toHaveURL(`${INSTANCE_B}/patients`);
  await expect(page.getByTestId('patient-results').getByRole('row').first()).toBeVisible();
  await page.getByRole('button', { name: 'ログアウト' }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.goto(`${INSTANCE_A}/patients`);
  await expect(page).toHaveURL(/\/login/);
});

test('a patient registered through one instance is found and opened through the other', async ({ page, browser }) => {
  const p = uniquePatient('分散', 'ブンサン');
  await login(page, A.reception);
  await page.goto(`${INSTANCE_A}/patients/new`);
  await fillPatientForm(page, p, { insurerNumber: '06131239', number: '4242' });
  await page.getByRole('button', { name: '登録する' }).click();
  await expect(page).toHaveURL(/\/patients\/[0-9a-f-]{36}/);

  const other = await (await browser.newContext({ baseURL: INSTANCE_B })).newPage();
  await login(other, A.doctor);
  await other.goto('/patients');
  await expect(other).toHaveURL(`${INSTANCE_B}/patients`);
  await other.getByLabel('患者検索').fill(p.kana);
  await other.getByTestId('patient-results').getByRole('link', { name: p.fullName }).click();
  await expect(other.getByRole('heading', { level: 1 })).toContainText(p.fullName);
  await shortcutsLive(other);
});
