import { expect, test } from '@playwright/test';
import { openNewPatientChart, uniquePatient, pdfText } from './helpers';

/**
 * Issue 11: a doctor writes a 診療情報提供書 from the chart. One key opens the editor pre-filled from the record
 * (傷病名 with 主病名 first, 治療経過 from the 確定 note), the 紹介先 is registered once in the directory and found
 * as you type, 確定 freezes the letter.
 */
test('a doctor writes a referral letter pre-filled from the chart and 確定s it', async ({ page, browser }) => {
  const p = uniquePatient('紹介', 'ショウカイ', { address: '東京都新宿区西新宿2-8-1' });
  const patientId = await openNewPatientChart(page, browser, p);

  // a 確定 note and a 主病名 to draft from
  await page.keyboard.press('Alt+n');
  await page.keyboard.type('労作時の胸部圧迫感');
  await page.getByRole('textbox', { name: 'A（評価）' }).fill('狭心症疑い');
  await page.getByRole('textbox', { name: 'P（計画）' }).fill('循環器内科へ紹介');
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

  // one key: the editor, pre-filled
  await page.keyboard.press('Alt+i');
  await expect(page).toHaveURL(`/patients/${patientId}/documents/new`);
  const editor = page.getByRole('form', { name: '診療情報提供書' });
  await expect(editor.getByLabel('主訴')).toHaveValue('労作時の胸部圧迫感');
  await expect(editor.getByLabel('治療経過')).toHaveValue(/狭心症疑い \/ 循環器内科へ紹介/);
  await expect(editor.getByRole('checkbox', { name: /高血圧症/ })).toBeChecked();

  // 紹介先: the directory is searched as you type (the demo has invented institutions) …
  await editor.getByRole('combobox', { name: '紹介先医療機関' }).fill('あおば');
  await expect(editor.getByRole('option', { name: /青葉台総合病院（架空）/ })).toBeVisible();
  // … and a new one is registered once, from the editor
  await editor.getByRole('combobox', { name: '紹介先医療機関' }).fill('');
  await editor.getByRole('button', { name: '＋ 紹介先医療機関を登録' }).click();
  const code = String(1300000000 + Math.floor(Math.random() * 99_999_999));
  await editor.getByLabel('医療機関コード（10桁）').fill(code);
  await editor.getByLabel('医療機関名').fill(`さくら総合病院${code.slice(-4)}`);
  await editor.getByLabel('診療科（読点区切り）').fill('循環器内科、消化器内科');
  await editor.getByRole('button', { name: '登録して選択' }).click();
  await expect(editor).toContainText(`医療機関コード ${code}`);
  await expect(editor.getByLabel('診療科')).toHaveValue('循環器内科');
  await editor.getByLabel('医師名').fill('佐藤 一郎');
  await editor.getByLabel('紹介目的').fill('精査加療のお願い');

  // 確定 (Alt+K) → the letter, frozen
  await page.keyboard.press('Alt+k');
  await expect(page).toHaveURL(new RegExp(`/patients/${patientId}/documents/[0-9a-f-]{36}$`));
  await expect(page.getByRole('heading', { name: /診療情報提供書/ })).toContainText('確定（第1版）');
  const body = page.getByTestId('referral-body');
  await expect(body).toContainText('精査加療のお願い');
  await expect(body).toContainText('高血圧症（主病名）');
  await expect(body).toContainText('労作時の胸部圧迫感');

  // the JP-CLINS document it becomes, validated against the profiles
  const fhir = page.getByTestId('referral-fhir');
  await expect(fhir).toContainText('JP-CLINS 1.5.2 のプロファイルに適合しています。');
  await expect(page.getByText('検証OK')).toBeVisible();

  // the print view: the usual 様式, in the font the app ships
  await page.getByRole('link', { name: '印刷プレビュー' }).click();
  const sheet = page.getByTestId('referral-sheet');
  await expect(sheet.getByRole('heading', { name: '診療情報提供書' })).toBeVisible();
  await expect(sheet).toContainText(`${p.fullName}　様`);
  await expect(sheet).toContainText('佐藤 一郎　先生');
  await expect(sheet).toContainText('さくら内科クリニック');
  await expect(sheet).toContainText('精査加療のお願い');
  expect(await page.evaluate(async () => { await document.fonts.ready; return document.fonts.check('16px "Noto Sans JP Variable"', '診療情報提供書'); })).toBe(true);
  const pdf = await page.pdf({ format: 'A4' });
  expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  // the printed PDF carries the Japanese text itself (the shipped font embedded with its character map)
  const text = await pdfText(pdf);
  const words = text.replace(/\s+/g, ''); // a spaced-out title comes back with its spaces
  expect(words).toContain('診療情報提供書');
  expect(words).toContain('精査加療のお願い');
  expect(words).toContain('さくら内科クリニック');
  expect(text).not.toContain('\u0000');

  // the chart lists it
  await page.goto(`/patients/${patientId}`);
  await expect(page.getByTestId('documents-list')).toContainText('確定');
});
