import { expect, test, type Page } from '@playwright/test';
import { A, fillPatientForm, login, registerPatientElsewhere, uniquePatient, type NewPatient, shortcutsLive } from './helpers';

/**
 * The visit follows the work (issue 13): the doctor's home is their 診察待ち list; opening the chart from it makes the
 * visit 診察中, the note's 確定 makes it 会計待ち, reception finishes it (完了). 取消 asks first and can be undone.
 */

const queueRow = (page: Page, name: string) => page.getByTestId('reception-queue').getByRole('row').filter({ hasText: name });

async function registerAndCheckIn(page: Page, p: NewPatient) {
  await page.getByRole('button', { name: '新規患者を登録して受付' }).click();
  await fillPatientForm(page, p, { insurerNumber: '06131239', number: '4455' });
  await page.getByRole('button', { name: '登録する' }).click();
  await expect(page.getByTestId('reception-notice')).toContainText(`${p.fullName}さんを受付しました`);
}

test('queue → 診察中 on opening the chart → 確定 → 会計待ち → 完了, without a click on the 受付 screen between', async ({ page, browser }) => {
  test.setTimeout(150_000);
  const p = uniquePatient('流れ', 'ナガレ');
  await login(page, A.reception);
  await page.goto('/reception');
  await registerAndCheckIn(page, p);
  await expect(queueRow(page, p.fullName)).toContainText('受付済');

  // the doctor logs in and lands on their own 診察待ち list (not the check-in search)
  const docCtx = await browser.newContext();
  const doc = await docCtx.newPage();
  await login(doc, A.doctor);
  await expect(doc).toHaveURL(/\/worklist$/);
  await expect(doc.getByRole('heading', { name: /診察待ち/ })).toBeVisible();
  await expect(doc.getByLabel('患者検索')).toHaveCount(0);
  const row = doc.getByTestId('worklist').getByRole('row').filter({ hasText: p.fullName });
  await expect(row).toContainText('受付済');

  // the list follows reception by itself (background polling: not activity for the idle timeout)
  const next = uniquePatient('次番', 'ツギバン');
  await registerAndCheckIn(page, next);
  await expect(doc.getByTestId('worklist')).toContainText(next.fullName, { timeout: 20_000 });
  // reception staff have no 診察待ち list of their own
  expect((await page.request.get('/api/internal/reception/worklist')).status()).toBe(403);

  // opening the chart from the list starts the consultation
  await row.getByRole('link', { name: p.fullName }).click();
  await expect(doc).toHaveURL(/\/patients\/[0-9a-f-]{36}$/);
  await expect(doc.getByTestId('chart-header')).toContainText(p.fullName);
  await expect(queueRow(page, p.fullName)).toContainText('診察中', { timeout: 15_000 });

  // SOAP, save, 確定 → 会計待ち on the board by itself
  await shortcutsLive(doc);
  await doc.getByRole('textbox', { name: 'S（主観的情報）' }).fill('咳が続く。');
  await doc.getByRole('textbox', { name: 'P（計画）' }).fill('経過観察。');
  await doc.getByRole('textbox', { name: 'P（計画）' }).click();
  await doc.keyboard.press('Alt+k');
  const editor = doc.getByRole('form', { name: '診療録の入力' });
  await expect(editor).toContainText('確定しました。');
  await expect(queueRow(page, p.fullName)).toContainText('会計待ち', { timeout: 15_000 });

  // the visit has left the doctor's list
  await doc.goto('/worklist');
  await expect(doc.getByTestId('worklist')).not.toContainText(p.fullName);
  await docCtx.close();

  // reception: 会計待ち → 完了 (the row offers it)
  await queueRow(page, p.fullName).getByRole('button', { name: '完了' }).click();
  await expect(queueRow(page, p.fullName)).toHaveCount(0); // finished visits are hidden by default
  await page.getByLabel('完了・キャンセルも表示').check();
  await expect(queueRow(page, p.fullName)).toContainText('完了');
});

test('取消 asks first, and can be undone', async ({ page }) => {
  const p = uniquePatient('取消', 'トリケシ');
  await login(page, A.reception);
  await page.goto('/reception');
  await registerAndCheckIn(page, p);

  // dismissing the question changes nothing
  page.once('dialog', (d) => {
    expect(d.message()).toContain(`${p.fullName}さんの受付を取消しますか`);
    void d.dismiss();
  });
  await queueRow(page, p.fullName).getByRole('button', { name: '取消' }).click();
  await expect(queueRow(page, p.fullName)).toContainText('受付済');

  page.once('dialog', (d) => void d.accept());
  await queueRow(page, p.fullName).getByRole('button', { name: '取消' }).click();
  await expect(page.getByTestId('reception-undo')).toContainText(`${p.fullName}さんの受付を取消しました`);
  await expect(queueRow(page, p.fullName)).toHaveCount(0);

  await page.getByRole('button', { name: '元に戻す' }).click();
  await expect(page.getByTestId('reception-notice')).toContainText('取消を元に戻しました');
  await expect(queueRow(page, p.fullName)).toContainText('受付済');
});

test('changing a role or disabling staff asks first; dismissing changes nothing', async ({ page }) => {
  await login(page, A.admin);
  await page.goto('/admin/staff');
  const row = page.getByRole('row').filter({ hasText: A.nurse });
  const role = row.getByRole('combobox', { name: /の職種$/ });
  const before = await role.inputValue();
  const asked: string[] = [];
  page.on('dialog', (d) => {
    asked.push(d.message());
    void d.dismiss();
  });
  await role.selectOption(before === 'receptionist' ? 'nurse' : 'receptionist');
  await expect.poll(() => asked.length).toBe(1);
  expect(asked[0]).toMatch(/職種を「.+」から「.+」に変更しますか/);
  await expect(role).toHaveValue(before);
  await row.getByRole('button', { name: '無効にする' }).click();
  await expect.poll(() => asked.length).toBe(2);
  expect(asked[1]).toContain('を無効にしますか');
  await expect(row).toContainText('有効');
  await expect(row.getByRole('button', { name: '無効にする' })).toBeVisible();
});

test('check-in with 診療科, 担当医, 初診/再診 and a 受付メモ; the 受付票 prints them', async ({ page }) => {
  const p = uniquePatient('詳細', 'ショウサイ');
  await login(page, A.reception);
  await page.goto('/reception');
  const details = page.getByTestId('reception-details');
  await details.getByLabel('診療科').selectOption({ label: '内科' });
  await details.getByLabel('担当医').selectOption({ index: 1 });
  const doctorName = (await details.getByLabel('担当医').locator('option:checked').textContent())!;
  await details.getByLabel('受付メモ').fill('発熱あり・別室待機');
  await registerAndCheckIn(page, p);
  await expect(page.getByTestId('reception-notice')).toContainText('初診'); // no earlier visit: suggested 初診
  await expect(details.getByLabel('受付メモ')).toHaveValue(''); // the memo was this patient's
  await expect(details.getByLabel('診療科').locator('option:checked')).toHaveText('内科'); // the 診療科 stays

  const row = queueRow(page, p.fullName);
  await expect(row.getByTestId('visit-department')).toHaveText('内科');
  await expect(row.getByTestId('visit-first')).toHaveText('初診');
  await expect(row.getByTestId('visit-doctor')).toContainText(doctorName);
  await expect(row.getByTestId('visit-memo')).toContainText('発熱あり・別室待機');

  await row.getByRole('link', { name: '受付票' }).click();
  const slip = page.getByTestId('visit-slip');
  await expect(slip).toContainText(`${p.fullName} 様`);
  await expect(slip).toContainText('内科');
  await expect(slip).toContainText('初診');
  await expect(slip).toContainText(doctorName);
  await expect(slip).toContainText('発熱あり・別室待機');
  await expect(slip).toContainText('令和');
  await expect(page.getByRole('button', { name: '印刷' })).toBeVisible();
  // the print shows the slip alone
  await page.emulateMedia({ media: 'print' });
  await expect(page.getByRole('button', { name: '印刷' })).toBeHidden();
  await expect(page.getByRole('navigation', { name: 'メインメニュー' })).toBeHidden();
  await expect(slip).toBeVisible();
});

test('the patient list pages beyond 30; the patient page shows the 来院履歴', async ({ page }) => {
  await login(page, A.reception);
  await page.goto('/patients');
  const results = page.getByTestId('patient-results');
  await expect(results.getByRole('row')).toHaveCount(30); // the demo clinic has 60+ patients
  await expect(page.getByTestId('patient-results-range')).toHaveText('1〜30件目');
  const firstPage = await results.getByRole('row').first().textContent();
  await page.getByRole('button', { name: '次の30件 →' }).click();
  await expect(page.getByTestId('patient-results-range')).toContainText('31〜');
  await expect(results.getByRole('row').first()).not.toHaveText(firstPage!);
  await page.getByRole('button', { name: '← 前の30件' }).click();
  await expect(page.getByTestId('patient-results-range')).toHaveText('1〜30件目');

  // 来院履歴: a patient checked in today shows the visit on their page
  const p = uniquePatient('履歴', 'リレキ');
  await page.goto('/reception');
  await page.getByTestId('reception-details').getByLabel('受付メモ').fill('定期受診');
  await registerAndCheckIn(page, p);
  await page.goto('/patients');
  await page.getByLabel('患者検索').fill(p.kana);
  await page.getByTestId('patient-results').getByRole('link', { name: p.fullName }).click();
  await expect(page).toHaveURL(/\/patients\/[0-9a-f-]{36}/);
  const id = /\/patients\/([0-9a-f-]{36})/.exec(page.url())![1];
  await page.goto(`/patients/${id}/profile`);
  const history = page.getByTestId('visit-history');
  await expect(history.getByRole('row')).toHaveCount(1);
  await expect(history).toContainText('初診');
  await expect(history).toContainText('受付済');
  await expect(history).toContainText('定期受診');
  await expect(history).toContainText('令和');
});

test('words users read: 変更履歴 in Japanese, and the audit report finds a patient by 患者番号 and names them', async ({ page, browser }) => {
  const p = uniquePatient('監査', 'カンサ');
  const patientId = await registerPatientElsewhere(browser, p);
  await login(page, A.reception);
  await page.goto(`/patients/${patientId}/history`);
  const history = page.getByRole('main');
  await expect(history).toContainText('第1版');
  await expect(history).toContainText('男');
  await expect(history).toContainText('1962/05/14（昭和37年5月14日）');
  await expect(history).toContainText('保険者番号 06131239');
  await expect(history).toContainText('本人');
  await expect(history).not.toContainText('male');
  await expect(history).not.toContainText('self');
  await expect(history).not.toContainText('1962-05-14');
  await page.goto('/patients');
  await page.getByLabel('患者検索').fill(p.kana);
  const found = page.getByTestId('patient-results').getByRole('row').filter({ hasText: p.fullName });
  const number = (await found.getByRole('cell').first().textContent())!.trim();

  const adminCtx = await browser.newContext();
  const admin = await adminCtx.newPage();
  await login(admin, A.admin);
  await admin.goto('/admin/audit?from=2020-01-01');
  await admin.getByLabel('患者').fill(number);
  await admin.getByRole('button', { name: '絞り込む' }).click();
  const rows = admin.getByTestId('audit-rows').getByRole('row');
  await expect(rows.first()).toContainText(`${number} ${p.fullName}`);
  await expect(admin.getByTestId('audit-rows')).toContainText('患者情報');
  await expect(admin.getByTestId('audit-rows')).toContainText('成功');
  await expect(admin.getByTestId('audit-rows')).not.toContainText('patient');
  // clicking the patient keeps the period
  await rows.first().getByTestId('audit-patient').click();
  await expect(admin).toHaveURL(/from=2020-01-01/);
  await expect(admin).toHaveURL(new RegExp(`patientId=${patientId}`));
  await expect(rows.first()).toContainText(p.fullName);
  await adminCtx.close();
});
