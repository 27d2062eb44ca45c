import { expect, test } from '@playwright/test';
import { openNewPatientChart, uniquePatient } from './helpers';

/**
 * Issue 11: the clinic records a 特定健診 result as a 健康診断結果報告書 from the chart, 確定s it, sees it validate as
 * JP_Bundle_eCheckupGeneral and prints it. Uses its own new patient only.
 */
test('a doctor records a 特定健診 result, 確定s and prints the report', async ({ page, browser }) => {
  const p = uniquePatient('健診', 'ケンシン', { address: '東京都新宿区西新宿2-8-1' });
  const patientId = await openNewPatientChart(page, browser, p);

  await page.getByRole('link', { name: '健診結果' }).click();
  await expect(page).toHaveURL(`/patients/${patientId}/documents/new?kind=checkup_report`);
  const form = page.getByRole('form', { name: '健康診断結果報告書' });
  await form.getByLabel('健診実施日').fill('2026-04-05');
  await form.getByLabel('身長（cm）').fill('162.3');
  await form.getByLabel('体重（kg）').fill('58.4');
  await form.getByLabel('収縮期血圧（mmHg）').fill('128');
  await form.getByLabel('尿糖').selectOption({ label: '－' });
  await form.getByLabel('メタボリックシンドローム判定').selectOption({ label: '非該当' });
  // 確定 without the doctor's judgment is refused in Japanese
  await form.getByRole('button', { name: '確定' }).click();
  await expect(form).toContainText('医師の判断を入力してください。');
  await form.getByLabel('総合判定').fill('A 異常なし');
  await form.getByLabel('医師の判断').fill('特記すべき異常はありません。');
  await page.keyboard.press('Alt+k');

  await expect(page).toHaveURL(new RegExp(`/patients/${patientId}/documents/[0-9a-f-]{36}$`));
  await expect(page.getByRole('heading', { name: /健康診断結果報告書/ })).toContainText('確定（第1版）');
  const body = page.getByTestId('checkup-report-body');
  await expect(body).toContainText('162.3 cm');
  await expect(body).toContainText('非該当');
  const fhir = page.getByTestId('referral-fhir');
  await expect(fhir).toContainText('JP_Bundle_eCheckupGeneral');
  await expect(fhir).toContainText('JP-CLINS 1.5.2 のプロファイルに適合しています。');

  await page.getByRole('link', { name: '印刷プレビュー' }).click();
  const sheet = page.getByTestId('checkup-report-sheet');
  await expect(sheet.getByRole('heading', { name: '健康診断結果報告書' })).toBeVisible();
  await expect(sheet).toContainText(`${p.fullName}　様`);
  await expect(sheet).toContainText('特記すべき異常はありません。');
  const pdf = await page.pdf({ format: 'A4' });
  expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
});
