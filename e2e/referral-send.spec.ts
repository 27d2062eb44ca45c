import { expect, test } from '@playwright/test';
import { B, B_SECRETS, fillPatientForm, login, openNewPatientChart, uniquePatient } from './helpers';

const CLINIC_B_CODE = '2719876543'; // みなと (demo clinic B)

/**
 * Issue 11: a 確定 referral letter is sent through the sharing service (送信 → 送信済) to the other demo clinic's
 * 医療機関コード; that clinic's doctor finds it in 受信した紹介状, links it to the patient and imports an allergy after review.
 */
test('a referral sent by clinic A arrives at clinic B, which links it and imports an allergy', async ({ page, browser }) => {
  const p = uniquePatient('送信', 'ソウシン', { address: '東京都新宿区西新宿2-8-1' });
  const patientId = await openNewPatientChart(page, browser, p);
  await page.keyboard.press('Alt+d');
  const dxForm = page.getByRole('form', { name: '傷病名の追加' });
  await page.keyboard.type('こうけつあつ');
  await dxForm.getByRole('option').filter({ hasText: /^高血圧症/ }).click();
  await dxForm.getByLabel('主病名').check();
  await dxForm.getByRole('button', { name: '追加' }).click();
  await expect(page.getByTestId('diagnosis-row').filter({ hasText: '高血圧症' })).toBeVisible();
  await page.getByRole('button', { name: /アレルギーを追加/ }).click();
  const add = page.getByRole('form', { name: 'アレルギーの追加' });
  await add.locator('#allergy-category').selectOption('food');
  await add.getByLabel('原因物質名').fill('そば');
  await add.getByLabel('症状').fill('蕁麻疹');
  await add.getByRole('button', { name: '追加' }).click();
  await expect(page.getByTestId('allergy-row').filter({ hasText: 'そば' })).toBeVisible();

  await page.keyboard.press('Alt+i');
  await expect(page).toHaveURL(`/patients/${patientId}/documents/new`);
  const editor = page.getByRole('form', { name: '診療情報提供書' });
  await expect(editor.getByRole('checkbox', { name: /そば/ })).toBeChecked();
  await editor.getByRole('button', { name: '＋ 紹介先医療機関を登録' }).click();
  await editor.getByLabel('医療機関コード（10桁）').fill(CLINIC_B_CODE);
  await editor.getByLabel('医療機関名').fill('みなとクリニック');
  await editor.getByLabel('診療科（読点区切り）').fill('内科');
  await editor.getByRole('button', { name: '登録して選択' }).click();
  await expect(editor).toContainText(`医療機関コード ${CLINIC_B_CODE}`);
  await editor.getByLabel('紹介目的').fill('精査加療のお願い');
  // 添付資料: a PDF (the server checks its first bytes), listed in the editor once stored
  const pdf = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');
  await editor.getByLabel(/ファイルを添付/).setInputFiles({ name: 'kensa-kekka.pdf', mimeType: 'application/pdf', buffer: pdf });
  await expect(editor.getByTestId('attachment-list')).toContainText('kensa-kekka.pdf');
  await page.keyboard.press('Alt+k');
  await expect(page).toHaveURL(new RegExp(`/patients/${patientId}/documents/[0-9a-f-]{36}$`));
  await expect(page.getByText('検証OK')).toBeVisible();

  // our own letter page links the uploaded file to its view route (ADR 0085)
  const fileLink = page.getByTestId('referral-attachments').getByRole('link', { name: 'kensa-kekka.pdf' });
  await expect(fileLink).toHaveAttribute('href', new RegExp(`^/patients/${patientId}/documents/attachments/[0-9a-f-]{36}$`));
  const viewed = await page.request.get((await fileLink.getAttribute('href'))!);
  expect(viewed.headers()['content-type']).toContain('application/pdf');
  expect((await viewed.body()).subarray(0, 5).toString()).toBe('%PDF-');

  // 送信 → 送信待ち, then 送信済 once the worker delivered it
  await page.getByTestId('document-sending').getByRole('button', { name: '送信' }).click();
  await expect(page.getByTestId('document-sending-badge')).toBeVisible();
  await expect
    .poll(async () => {
      await page.reload();
      return page.getByTestId('document-sending-badge').textContent();
    }, { timeout: 30_000 })
    .toBe('送信済');
  await page.goto(`/patients/${patientId}`);
  await expect(page.getByTestId('documents-list')).toContainText('送信済');

  // clinic B: the same person is registered there; its doctor opens the inbox
  const ctx = await browser.newContext();
  const desk = await ctx.newPage();
  await login(desk, B.reception, undefined, B_SECRETS[B.reception]);
  await desk.goto('/patients/new');
  await fillPatientForm(desk, p, { insurerNumber: '06131239', number: '7788' });
  await desk.getByRole('button', { name: '登録する' }).click();
  await expect(desk).toHaveURL(/\/patients\/[0-9a-f-]{36}/);
  await ctx.close();

  const bCtx = await browser.newContext();
  const b = await bCtx.newPage();
  await login(b, B.doctor, undefined, B_SECRETS[B.doctor]);
  await b.goto('/inbox');
  await b.getByRole('button', { name: '受信確認' }).click();
  const row = b.getByTestId('inbox-list').getByRole('row').filter({ hasText: p.fullName });
  await expect(row).toBeVisible();
  await row.getByRole('link').click();
  await expect(b.getByTestId('received-sections')).toContainText('精査加療のお願い');
  await expect(b.getByTestId('received-diagnoses')).toContainText('高血圧症');
  // the attached PDF arrived and opens byte for byte
  const attachment = b.getByTestId('received-attachments').getByRole('link', { name: /kensa-kekka/ });
  await expect(attachment).toBeVisible();
  const file = await b.request.get((await attachment.getAttribute('href'))!);
  expect(file.status()).toBe(200);
  expect(viewed.headers()['content-type']).toContain('application/pdf');
  expect(Buffer.from(await file.body()).equals(pdf)).toBe(true);
  await b.getByRole('radio', { name: new RegExp(p.fullName) }).check();
  await b.getByRole('button', { name: 'この患者に紐付ける' }).click();
  await expect(b.getByTestId('received-linked')).toContainText(p.fullName);
  await b.getByTestId('received-allergies').getByRole('button', { name: 'そばを確認して取り込む' }).click();
  const review = b.getByRole('form', { name: '他院のアレルギーを確認して転記' });
  await review.getByRole('button', { name: /追加|保存/ }).click();
  await expect(b.getByTestId('received-allergies')).toContainText('取り込み済み');
  await b.getByRole('link', { name: 'カルテを開く' }).click();
  await expect(b.getByTestId('allergy-row').filter({ hasText: 'そば' })).toBeVisible();
  // みなと has no beds (無床): its 文書 panel offers 紹介状 and 健診結果, not the 退院時サマリー
  await expect(b.getByRole('link', { name: '健診結果', exact: true })).toBeVisible();
  await expect(b.getByRole('link', { name: '退院時サマリー', exact: true })).toHaveCount(0);
  await bCtx.close();
});
