import { expect, test, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { A, login, openNewPatientChart, registerPatientElsewhere, uniquePatient, shortcutsLive } from './helpers';

/** WCAG 2.1 A/AA checks (axe-core) on every screen and open form staff use daily. */

async function violations(page: Page, where: string): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return result.violations.map((v) => `${where}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
}

// One test per group of screens: each stays well inside its time limit on a loaded machine, and a failure names its group.
test('the daily list screens meet WCAG 2.1 AA as axe checks it', async ({ page }) => {
  test.setTimeout(120_000);
  const found: string[] = [];
  await page.goto('/login');
  found.push(...(await violations(page, 'login')));
  await login(page, A.doctor);
  for (const path of ['/worklist', '/reception', '/reception/appointments', '/reception/appointments?view=week', '/patients', '/patients/new', '/approvals', '/labs/import', '/account/password']) {
    await page.goto(path);
    found.push(...(await violations(page, path)));
  }
  expect(found).toEqual([]);
});

test('the chart and the forms opened in it meet WCAG 2.1 AA as axe checks it', async ({ page, browser }) => {
  test.setTimeout(150_000);
  const patientId = await registerPatientElsewhere(browser, uniquePatient('支援', 'シエン'));
  const found: string[] = [];
  await login(page, A.doctor);
  const chart = `/patients/${patientId}`;
  await page.goto(chart);
  await shortcutsLive(page);
  found.push(...(await violations(page, 'chart')));
  const opened: [string, () => Promise<unknown>][] = [
    ['command palette', () => page.keyboard.press('Control+k')],
    ['傷病名 form', () => page.keyboard.press('Alt+d')],
    ['allergy form', () => page.keyboard.press('Alt+a')],
    ['prescription editor', () => page.getByRole('button', { name: '新しい処方' }).click()],
    ['lab entry', () => page.keyboard.press('Alt+l')],
  ];
  for (const [name, open] of opened) {
    await page.goto(chart);
    await shortcutsLive(page);
    await open();
    await page.waitForLoadState('networkidle');
    found.push(...(await violations(page, name)));
  }
  expect(found).toEqual([]);
});

test('the chart sub-pages and the admin screens meet WCAG 2.1 AA as axe checks it', async ({ page, browser }) => {
  test.setTimeout(150_000);
  const patientId = await registerPatientElsewhere(browser, uniquePatient('支援', 'シエン'));
  const found: string[] = [];
  await login(page, A.doctor);
  const chart = `/patients/${patientId}`;
  for (const sub of ['labs', 'diagnoses', 'allergies', 'prescriptions', 'history', 'profile', 'edit']) {
    await page.goto(`${chart}/${sub}`);
    found.push(...(await violations(page, sub)));
  }
  const admin = await (await browser.newContext()).newPage();
  await login(admin, A.admin);
  for (const path of ['/admin/staff', '/admin/audit', '/admin/settings', '/admin/appointment-slots']) {
    await admin.goto(path);
    found.push(...(await violations(admin, path)));
  }
  expect(found).toEqual([]);
});

test('the operator\'s master import page meets WCAG 2.1 AA as axe checks it', async ({ page }) => {
  await login(page, A.operator);
  await page.goto('/admin/masters');
  expect(await violations(page, '/admin/masters')).toEqual([]);
});

test('the command palette works from the keyboard and by mouse', async ({ page, browser }) => {
  const p = uniquePatient('操作', 'ソウサ');
  await openNewPatientChart(page, browser, p);

  await page.keyboard.press('Control+k');
  const search = page.getByRole('combobox', { name: 'コマンドを検索' });
  await expect(search).toBeFocused();
  await search.fill('アレルギー');
  await expect(search).toHaveAttribute('aria-activedescendant', /command-/);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('form', { name: 'アレルギーの追加' })).toBeVisible();

  await page.keyboard.press('Control+k');
  await page.getByRole('option', { name: /傷病名/ }).click();
  await expect(page.getByRole('form', { name: '傷病名の追加' })).toBeVisible();
});
