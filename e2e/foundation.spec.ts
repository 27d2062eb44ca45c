import { expect, test } from '@playwright/test';
import { generateSync } from 'otplib';
import { A, B, B_SECRETS, DEMO_PASSWORD, freshTotp, login, logout, registerPatientElsewhere, uniquePatient } from './helpers';

test('a wrong password gets one calm Japanese message that does not say whether the ID exists', async ({ page }) => {
  await page.goto('/login');
  await page.getByLabel('ログインID').fill('nobody@nowhere.jp');
  await page.getByLabel('パスワード').fill('wrong-password-1');
  await page.getByRole('button', { name: 'ログイン' }).click();
  const unknown = await page.getByTestId('error-banner').textContent();
  await page.getByLabel('ログインID').fill(A.doctor);
  await page.getByLabel('パスワード').fill('wrong-password-1');
  await page.getByRole('button', { name: 'ログイン' }).click();
  await expect(page.getByTestId('error-banner')).toHaveText(unknown!);
  expect(unknown).toContain('ログインIDまたはパスワードが正しくありません');
});

test('a receptionist registers a patient and finds them by kana as they type', async ({ page }) => {
  await login(page, A.reception);
  await page.goto('/patients/new');
  await page.getByLabel('氏（漢字）').fill('試験');
  await page.getByLabel('名（漢字）').fill('花子');
  await page.getByLabel('氏（カナ）').fill('しけん');
  await page.getByLabel('名（カナ）').fill('はなこ');
  await page.getByLabel('性別').selectOption('female');
  await page.getByLabel('生年月日').fill('1980-02-29');
  await page.getByLabel('保険者番号（8桁）').fill('1234');
  await page.getByRole('button', { name: '登録する' }).click();
  await expect(page.getByText('保険者番号は8桁の数字で入力してください')).toBeVisible();
  await page.getByLabel('保険者番号（8桁）').fill('06131239');
  await page.getByLabel('番号', { exact: true }).fill('778899');
  await page.getByRole('button', { name: '登録する' }).click();
  await expect(page).toHaveURL(/\/patients\/[0-9a-f-]{36}/);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('試験 花子');

  await page.goto('/patients');
  await page.getByLabel('患者検索').fill('ｼｹﾝ');
  await expect(page.getByTestId('patient-results')).toContainText('試験 花子');
  await page.getByLabel('患者検索').fill('しけんは');
  await expect(page.getByTestId('patient-results')).toContainText('シケン ハナコ');
  await page.getByTestId('patient-results').getByRole('link', { name: '試験 花子' }).click();
  await expect(page.getByText('昭和55年2月29日')).toBeVisible();
});

test('a receptionist withdraws a duplicate registration with a reason; it leaves search and charts', async ({ page, browser }) => {
  const dup = uniquePatient('重複', 'ジュウフク');
  const patientId = await registerPatientElsewhere(browser, dup);
  await login(page, A.reception);
  await page.goto(`/patients/${patientId}/edit`);
  await page.getByRole('button', { name: '登録の取消（登録誤り）…' }).click();
  const form = page.getByRole('form', { name: '登録の取消' });
  await form.getByRole('button', { name: '登録を取り消す' }).click();
  await expect(form.getByText('取消理由を入力してください。')).toBeVisible();
  await form.getByLabel('取消理由').fill('二重登録');
  await form.getByRole('button', { name: '登録を取り消す' }).click();
  await expect(page).toHaveURL(/\/patients\?withdrawn=1$/);
  await expect(page.getByRole('status').filter({ hasText: '患者の登録を取り消しました。' })).toBeVisible();
  await page.getByLabel('患者検索').fill(dup.kana);
  await expect(page.getByTestId('patient-results')).toContainText('該当する患者はいません。');
  await page.goto(`/patients/${patientId}`);
  await expect(page.getByRole('heading', { name: 'ページが見つかりません' })).toBeVisible();
});

test('a receptionist is refused the audit log and clinical pages', async ({ page }) => {
  await login(page, A.reception);
  await page.goto('/admin/audit');
  await expect(page.getByRole('heading', { name: 'この画面を表示する権限がありません' })).toBeVisible();
  await expect(page.locator('body')).not.toContainText('監査ログ');
});

test("clinic A's doctor gets a 404 for clinic B's patient", async ({ browser }) => {
  const bContext = await browser.newContext();
  const bPage = await bContext.newPage();
  await login(bPage, B.reception, DEMO_PASSWORD, B_SECRETS[B.reception]);
  await bPage.goto('/patients');
  await bPage.getByTestId('patient-results').getByRole('link').first().click();
  await expect(bPage).toHaveURL(/\/patients\/[0-9a-f-]{36}/);
  const bPatientPath = new URL(bPage.url()).pathname.replace(/\/profile$/, '');
  await bContext.close();

  const aContext = await browser.newContext();
  const aPage = await aContext.newPage();
  await login(aPage, A.doctor);
  for (const path of [bPatientPath, `${bPatientPath}/profile`, `${bPatientPath}/edit`, `${bPatientPath}/history`]) {
    const response = await aPage.goto(path);
    expect(response?.status()).toBe(404);
    await expect(aPage.getByRole('heading', { name: 'ページが見つかりません' })).toBeVisible();
  }
  await aContext.close();
});

test('an admin adds a staff member who changes the temporary password and enrols in two-factor authentication', async ({ page, browser }) => {
  await login(page, B.admin, DEMO_PASSWORD, B_SECRETS[B.admin]);
  await page.goto('/admin/staff');
  const loginId = `e2e-${Date.now()}@minato.example.jp`;
  await page.getByLabel('ログインID').fill(loginId);
  await page.getByRole('textbox', { name: '氏名', exact: true }).fill('新人 医師');
  await page.getByRole('combobox', { name: '職種', exact: true }).selectOption('doctor');
  await page.getByRole('button', { name: '登録して仮パスワードを発行' }).click();
  const notice = await page.getByTestId('staff-notice').textContent();
  const temporary = /仮パスワード: (\S+)（/.exec(notice ?? '')![1]!;

  const ctx = await browser.newContext();
  const p = await ctx.newPage();
  await p.goto('/login');
  await p.getByLabel('ログインID').fill(loginId);
  await p.getByLabel('パスワード').fill(temporary);
  await p.getByRole('button', { name: 'ログイン' }).click();
  await expect(p.getByText('二段階認証の設定')).toBeVisible();
  await expect(p.getByRole('img', { name: '二段階認証の QR コード' })).toBeVisible();
  const secret = (await p.getByTestId('totp-secret').textContent())!.trim();
  await p.getByLabel('認証コード').fill('000000' === generateSync({ secret }) ? '111111' : '000000');
  await p.getByRole('button', { name: '認証する' }).click();
  await expect(p.getByTestId('error-banner')).toContainText('認証コードが正しくありません');
  await p.getByLabel('認証コード').fill(await freshTotp(secret));
  await p.getByRole('button', { name: '認証する' }).click();
  await expect(p).toHaveURL(/\/account\/password/);
  await expect(p.getByText('初回ログインのため')).toBeVisible();
  await p.goto('/patients');
  await expect(p).toHaveURL(/\/account\/password/);

  await p.getByLabel('現在のパスワード').fill(temporary);
  await p.getByLabel('新しいパスワード', { exact: true }).fill('my-own-secure-passphrase');
  await p.getByLabel('新しいパスワード（確認）').fill('my-own-secure-passphrase');
  await p.getByRole('button', { name: '変更する' }).click();
  await expect(p).toHaveURL(/\/login\?reason=password_changed/);
  await expect(p.getByText('新しいパスワードでログインしてください。')).toBeVisible();
  await login(p, loginId, 'my-own-secure-passphrase', secret);
  await expect(p.getByRole('link', { name: /新人 医師/ })).toBeVisible();
  await ctx.close();
});

test('logout ends the session: the back button shows no patient data', async ({ page }) => {
  await login(page, A.doctor);
  await page.goto('/patients');
  await expect(page.getByTestId('patient-results').getByRole('row').first()).toBeVisible();
  await logout(page);
  await page.goBack();
  await page.reload();
  await expect(page).toHaveURL(/\/login/);
});

test('the clinic admin sees who opened which chart in the audit log and exports it as CSV', async ({ page }) => {
  await login(page, A.admin);
  await page.goto('/admin/audit?action=login');
  await expect(page.getByTestId('audit-rows')).toContainText('ログイン');
  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'CSV出力' }).click();
  const file = await download;
  const text = await (await file.createReadStream()).toArray();
  expect(Buffer.concat(text).toString('utf8')).toContain('連番,日時(JST)');
});
