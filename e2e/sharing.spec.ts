/**
 * 電子カルテ情報共有サービス in the browser (issue 10 §4–5): the doctor changes a diagnosis, opens the pre-send preview
 * (readable and raw JSON) and sees 送信済 once the demo's worker has delivered it to the sandbox service; with the service
 * down the chart keeps working and shows 再送待ち, then 送信済 after it returns; a refused unit shows エラー with the
 * reason, is on the clinic admin's list, and is sent after the fix with 再送.
 */
import { expect, test, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { A, login, openNewPatientChart, uniquePatient } from './helpers';

const PORT = Number(process.env.E2E_PORT ?? 3100);
const SANDBOX = `http://127.0.0.1:${process.env.E2E_SHARING_PORT ?? String(61600 + PORT - 3100)}`;

/** Tells the demo's sandbox sharing service how to behave (its control API). */
async function control(body: Record<string, unknown>) {
  const res = await fetch(`${SANDBOX}/__sandbox/control`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.ok).toBe(true);
}
const NORMAL = { down: false, latencyMs: 0, failWith: null, reject: null };

// each test waits for the demo's worker (and the first one for the FHIR profiles to load) on a shared 2-core machine
test.describe.configure({ timeout: 360_000 });
test.beforeEach(() => control(NORMAL));
test.afterEach(() => control(NORMAL));

/** WCAG 2.1 A/AA violations axe finds on the page (as e2e/accessibility.spec.ts checks the other screens). */
async function violations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return result.violations.map((v) => `${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
}

const unit = (page: Page, kind: 'diagnoses' | 'allergies') => page.getByTestId('sharing-status').locator(`[data-testid="sharing-unit"][data-kind="${kind}"]`);

async function addDiagnosis(page: Page, kana: string, name: RegExp) {
  await page.getByRole('button', { name: /傷病名を追加/ }).click();
  const form = page.getByRole('form', { name: '傷病名の追加' });
  await form.getByRole('combobox', { name: /傷病名/ }).pressSequentially(kana);
  await form.getByRole('option').filter({ hasText: name }).first().click();
  await form.getByRole('button', { name: '追加' }).click();
  await expect(form).toHaveCount(0);
}

async function addFoodAllergy(page: Page, substance: string) {
  await page.getByRole('button', { name: /アレルギーを追加/ }).click();
  const form = page.getByRole('form', { name: 'アレルギーの追加' });
  await form.locator('#allergy-category').selectOption('food');
  await form.getByLabel('原因物質名').fill(substance);
  await form.getByLabel('症状').fill('蕁麻疹');
  await form.getByRole('button', { name: '追加' }).click();
  await expect(page.getByTestId('allergy-row').filter({ hasText: substance })).toBeVisible();
}

test('a doctor changes a diagnosis, previews exactly what will be sent, and sees 送信済 after the worker runs', async ({ page, browser }, testInfo) => {
  const p = uniquePatient('共有', 'キョウユウ', { address: '東京都新宿区西新宿2-8-1' });
  const patientId = await openNewPatientChart(page, browser, p);
  await expect(page.getByTestId('sharing-status')).toContainText('送る記録（傷病名・アレルギー・検査）はまだありません');

  await addDiagnosis(page, 'こうけつあつ', /^高血圧症/);
  await expect(unit(page, 'diagnoses')).toHaveAttribute('data-state', 'sent', { timeout: 30_000 });

  // the change: 修正 with a memo and a reason → the whole unit is sent again
  const row = page.getByTestId('diagnosis-row').filter({ hasText: '高血圧症' });
  await row.getByRole('button', { name: '修正' }).click();
  const edit = page.getByRole('form', { name: '傷病名の修正' });
  await edit.getByLabel('メモ').fill('家庭血圧で確認');
  await edit.getByLabel('修正理由').fill('メモの追記');
  await edit.getByRole('button', { name: '修正を保存' }).click();
  await expect(edit).toHaveCount(0);

  await page.getByRole('link', { name: '送信内容を確認' }).click();
  await expect(page).toHaveURL(`/patients/${patientId}/sharing`, { timeout: 30_000 });
  const preview = page.getByTestId('preview-unit').filter({ hasText: '傷病名' });
  await expect(preview.getByTestId('preview-record')).toContainText('高血圧症');
  await expect(preview).toContainText('検証OK');
  await expect(preview).toContainText(p.fullName);
  await page.screenshot({ path: testInfo.outputPath('sharing-preview.png'), fullPage: true });
  expect(await violations(page)).toEqual([]);
  await preview.getByRole('tab', { name: 'JSON' }).click();
  await expect(preview.getByTestId('preview-json')).toContainText('"resourceType": "Bundle"');
  await expect(preview.getByTestId('preview-json')).toContainText('JP_Bundle_CLINS');
  await page.screenshot({ path: testInfo.outputPath('sharing-preview-json.png'), fullPage: true });

  await page.getByRole('link', { name: 'カルテへ戻る' }).click();
  await expect(unit(page, 'diagnoses')).toHaveAttribute('data-state', 'sent', { timeout: 30_000 });
  await expect(unit(page, 'diagnoses')).toContainText('送信済');
  await page.getByTestId('sharing-status').screenshot({ path: testInfo.outputPath('sharing-status-sent.png') });
});

test('with the sharing service down the chart keeps working and shows 再送待ち; after it returns, 送信済', async ({ page, browser }, testInfo) => {
  const p = uniquePatient('停止', 'テイシ', { address: '東京都新宿区西新宿2-8-1' });
  await openNewPatientChart(page, browser, p);
  await control({ down: true });

  await addDiagnosis(page, 'きかんしぜんそく', /^気管支喘息/);
  await expect(unit(page, 'diagnoses')).toHaveAttribute('data-state', 'retry_wait', { timeout: 30_000 });
  await expect(unit(page, 'diagnoses')).toContainText('再送待ち');
  await expect(unit(page, 'diagnoses')).toContainText('自動で再送します');

  // the chart keeps working meanwhile
  await addFoodAllergy(page, 'そば');
  await expect(unit(page, 'allergies')).toHaveAttribute('data-state', 'retry_wait', { timeout: 30_000 });
  await page.getByTestId('sharing-status').screenshot({ path: testInfo.outputPath('sharing-status-retry-wait.png') });

  await control({ down: false });
  await expect(unit(page, 'diagnoses')).toHaveAttribute('data-state', 'sent', { timeout: 60_000 });
  await expect(unit(page, 'allergies')).toHaveAttribute('data-state', 'sent', { timeout: 60_000 });
});

test('a refused unit shows エラー with the reason, is on the admin\'s list, and is sent with 再送 after the fix', async ({ page, browser }, testInfo) => {
  const p = uniquePatient('拒否', 'キョヒ', { address: '東京都新宿区西新宿2-8-1' });
  await openNewPatientChart(page, browser, p);
  await control({ reject: { code: 'E-INSURANCE', message: '資格情報が確認できません', expression: 'Patient.identifier' } });

  await addFoodAllergy(page, 'えび');
  const allergies = unit(page, 'allergies');
  await expect(allergies).toHaveAttribute('data-state', 'error', { timeout: 30_000 });
  await expect(allergies.getByTestId('sharing-error')).toContainText('資格情報が確認できません');
  await expect(allergies.getByTestId('sharing-error')).toContainText('患者情報');
  await expect(page.getByTestId('sharing-status')).toContainText('エラー 1件');
  await page.getByTestId('sharing-status').screenshot({ path: testInfo.outputPath('sharing-status-error.png') });
  expect(await violations(page)).toEqual([]);

  // the clinic admin sees it on 情報共有 (nothing is lost unseen)
  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();
  await login(admin, A.admin);
  await admin.getByRole('navigation', { name: 'メインメニュー' }).getByRole('link', { name: '情報共有' }).click();
  const listed = admin.getByTestId('sharing-attention-row').filter({ hasText: p.fullName });
  await expect(listed).toContainText('エラー');
  await expect(listed).toContainText('資格情報が確認できません');
  await admin.screenshot({ path: testInfo.outputPath('sharing-admin.png'), fullPage: true });
  expect(await violations(admin)).toEqual([]);
  await adminContext.close();

  // the cause is fixed (the service accepts again): 再送
  await control({ reject: null });
  await allergies.getByRole('button', { name: 'アレルギーを再送' }).click();
  await expect(allergies).toHaveAttribute('data-state', 'sent', { timeout: 30_000 });
  await expect(page.getByTestId('sharing-status')).not.toContainText('エラー');
});
