import { expect, test } from '@playwright/test';
import { A, login, openNewPatientChart, registerPatientElsewhere, uniquePatient, pdfText } from './helpers';

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
  // the printed PDF carries the Japanese text itself (the shipped font embedded with its character map)
  const text = await pdfText(pdf);
  const words = text.replace(/\s+/g, ''); // a spaced-out title comes back with its spaces
  expect(words).toContain('健康診断結果報告書');
  expect(words).toContain('特記すべき異常はありません。');
  expect(text).not.toContain('\u0000');
});

/**
 * ADR 0086: a 健診 visit from check-in to the report — reception chooses 種別 健診, the nurse enters the measured items
 * and a 問診 answer on 健診入力, and the doctor's 健康診断結果報告書 opens pre-filled from that entry.
 */
test('a 健診 visit: checked in as 健診, the nurse enters items and 問診, the report opens pre-filled', async ({ page, browser }) => {
  const p = uniquePatient('健受', 'ケンウケ');
  const patientId = await registerPatientElsewhere(browser, p);

  await login(page, A.reception);
  await page.goto('/reception');
  await page.getByLabel('種別').selectOption({ label: '健診' });
  const search = page.getByLabel('患者検索');
  await search.fill(p.kana);
  await expect(page.getByTestId('patient-results')).toContainText(p.fullName);
  await search.press('Enter');
  await expect(page.getByTestId('reception-notice')).toContainText(`${p.fullName}さんを受付しました`);
  await expect(page.getByTestId('reception-queue').getByRole('row').filter({ hasText: p.fullName }).getByTestId('visit-checkup')).toHaveText('健診');

  const nurseCtx = await browser.newContext();
  const nurse = await nurseCtx.newPage();
  await login(nurse, A.nurse);
  await nurse.goto(`/patients/${patientId}`);
  await nurse.getByTestId('checkup-today').getByRole('link', { name: '健診入力' }).click();
  await expect(nurse).toHaveURL(`/patients/${patientId}/checkup`);
  const entry = nurse.getByRole('form', { name: '健診入力' });
  await entry.getByLabel('身長（cm）').fill('170');
  await entry.getByLabel('体重（kg）').fill('65');
  await entry.getByLabel('収縮期血圧（mmHg）').fill('124');
  await entry.getByLabel('1. 服薬（血圧を下げる薬）').selectOption({ label: 'はい' });
  // half a blood pressure is refused in Japanese, nothing recorded
  await entry.getByRole('button', { name: '記録' }).click();
  await expect(entry).toContainText('血圧は収縮期と拡張期の両方を入力してください。');
  await entry.getByLabel('拡張期血圧（mmHg）').fill('78');
  await entry.getByRole('button', { name: '記録' }).click();
  await expect(nurse.getByText('健診の入力を記録しました。')).toBeVisible();
  await nurseCtx.close();

  const doctorCtx = await browser.newContext();
  const doctor = await doctorCtx.newPage();
  await login(doctor, A.doctor);
  await doctor.goto(`/patients/${patientId}/documents/new?kind=checkup_report`);
  const form = doctor.getByRole('form', { name: '健康診断結果報告書' });
  await expect(form.getByLabel('身長（cm）')).toHaveValue(/^170(\.0)?$/);
  await expect(form.getByLabel('体重（kg）')).toHaveValue(/^65(\.0)?$/);
  await expect(form.getByLabel('1. 服薬（血圧を下げる薬）')).toHaveValue('1');
  await doctorCtx.close();
});
