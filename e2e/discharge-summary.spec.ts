import { expect, test } from '@playwright/test';
import { openNewPatientChart, pickUsage, uniquePatient, pdfText } from './helpers';

/**
 * Issue 11: a doctor of a 有床診療所 writes a 退院時サマリー from the chart. The editor opens pre-filled from the record
 * (退院時診断 from the 傷病名, 入院中の経過 from the 確定 note, 担当医), the stay and 転帰 are entered, 確定 freezes it, it
 * validates as JP_Bundle_eDischargeSummary (the 退院時処方 chosen from the 確定 prescription as a MedicationRequest,
 * ADR 0073) and prints on A4 in Japanese. Uses its own new patient only.
 */
test('a doctor writes a discharge summary pre-filled from the chart, 確定s and prints it', async ({ page, browser }) => {
  const p = uniquePatient('退院', 'タイイン', { address: '東京都新宿区西新宿2-8-1' });
  const patientId = await openNewPatientChart(page, browser, p);

  // a 確定 note and a 主病名 to draft from
  await page.keyboard.press('Alt+n');
  await page.keyboard.type('発熱と咳嗽');
  await page.getByRole('textbox', { name: 'A（評価）' }).fill('肺炎');
  await page.getByRole('textbox', { name: 'P（計画）' }).fill('抗菌薬点滴で解熱');
  await page.keyboard.press('Alt+s');
  await expect(page.getByRole('form', { name: '診療録の入力' })).toContainText('下書きを保存しました');
  await page.keyboard.press('Alt+k');
  await expect(page.getByTestId('note-card').first()).toHaveAttribute('data-status', 'final');
  await page.keyboard.press('Alt+d');
  const dxForm = page.getByRole('form', { name: '傷病名の追加' });
  await page.keyboard.type('こうけつあつ');
  await dxForm.getByRole('option').filter({ hasText: /^高血圧症/ }).click();
  await dxForm.getByLabel('主病名').check();
  await dxForm.getByRole('button', { name: '追加' }).click();
  await expect(page.getByTestId('diagnosis-row').filter({ hasText: '高血圧症' })).toContainText('主病名');

  // a 確定 prescription to list as 退院時処方
  const rx = page.getByTestId('prescription-editor');
  await expect(async () => {
    if (!(await rx.isVisible())) await page.getByRole('button', { name: '新しい処方' }).click();
    await expect(rx).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 20_000 });
  await rx.getByRole('combobox', { name: '薬品を追加' }).fill('アムロジピン');
  await rx.getByRole('option').filter({ hasText: 'アムロジピン錠５ｍｇ' }).first().click();
  const drug = rx.getByTestId('rx-item').first();
  await pickUsage(drug, '朝食後');
  await drug.getByLabel('日数').fill('14');
  await rx.getByRole('button', { name: '確定', exact: true }).click();
  await expect(page.getByText('処方を確定しました。')).toBeVisible();

  // from the chart's 文書 panel: the editor, pre-filled
  await page.getByRole('link', { name: '退院時サマリー' }).click();
  await expect(page).toHaveURL(`/patients/${patientId}/documents/new?kind=discharge_summary`);
  const editor = page.getByRole('form', { name: '退院時サマリー' });
  await expect(editor.getByLabel('主訴')).toHaveValue('発熱と咳嗽');
  await expect(editor.getByLabel('入院中の経過')).toHaveValue(/肺炎 \/ 抗菌薬点滴で解熱/);
  await expect(editor.getByRole('group', { name: '退院時診断（1つ以上）' }).getByRole('checkbox', { name: /高血圧症/ })).toBeChecked();
  await expect(editor.getByLabel('担当医')).not.toHaveValue('');
  await expect(editor.getByRole('group', { name: '退院時処方（記載する処方）' }).getByRole('checkbox', { name: /アムロジピン/ })).toBeChecked();

  // 確定 without the stay is refused in Japanese; then the stay, 転帰 and the state at discharge
  await editor.getByRole('button', { name: '確定' }).click();
  await expect(editor).toContainText('入院日を入力してください。');
  await editor.getByLabel('入院日').fill('2026-03-01');
  await editor.getByLabel('退院日').fill('2026-03-10');
  await editor.getByLabel('退院時転帰').selectOption({ label: '治癒・軽快' });
  await editor.getByLabel('退院時の状態').fill('ADL自立、食事摂取良好');
  await editor.getByLabel('退院時の指示・方針').fill('1週間後に外来再診');
  await page.keyboard.press('Alt+k');

  // the summary, frozen
  await expect(page).toHaveURL(new RegExp(`/patients/${patientId}/documents/[0-9a-f-]{36}$`));
  await expect(page.getByRole('heading', { name: /退院時サマリー/ })).toContainText('確定（第1版）');
  const body = page.getByTestId('discharge-summary-body');
  await expect(body).toContainText('2026/03/01 〜 2026/03/10');
  await expect(body).toContainText('高血圧症（主病名）');
  await expect(body).toContainText('治癒・軽快');
  await expect(body).toContainText('ADL自立、食事摂取良好');

  // the JP-CLINS document it becomes
  const fhir = page.getByTestId('referral-fhir');
  await expect(fhir).toContainText('JP_Bundle_eDischargeSummary');
  await expect(fhir).toContainText('JP-CLINS 1.5.2 のプロファイルに適合しています。');
  await expect(fhir).toContainText('JP_MedicationRequest_eCS');

  // the print view: A4, Japanese, in the font the app ships
  await page.getByRole('link', { name: '印刷プレビュー' }).click();
  const sheet = page.getByTestId('discharge-summary-sheet');
  await expect(sheet.getByRole('heading', { name: '退院時サマリー' })).toBeVisible();
  await expect(sheet).toContainText(`${p.fullName}　様`);
  await expect(sheet).toContainText('2026/03/01 〜 2026/03/10');
  await expect(sheet).toContainText('1週間後に外来再診');
  expect(await page.evaluate(async () => { await document.fonts.ready; return document.fonts.check('16px "Noto Sans JP Variable"', '退院時サマリー'); })).toBe(true);
  const pdf = await page.pdf({ format: 'A4' });
  expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  // the printed PDF carries the Japanese text itself (the shipped font embedded with its character map)
  const text = await pdfText(pdf);
  const words = text.replace(/\s+/g, ''); // a spaced-out title comes back with its spaces
  expect(words).toContain('退院時サマリー');
  expect(words).toContain('1週間後に外来再診');
  expect(text).not.toContain('\u0000');

  // the chart lists it
  await page.goto(`/patients/${patientId}`);
  await expect(page.getByTestId('documents-list')).toContainText('退院時サマリー（2026/03/10 退院）');
});
