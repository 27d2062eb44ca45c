import { expect, test, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { A, B, B_SECRETS, DEMO_PASSWORD, fillPatientForm, login, openNewPatientChart, registerPatientElsewhere, uniquePatient, type NewPatient, pickUsage, shortcutsLive } from './helpers';

/**
 * A clinic day in the browser: reception checks patients in, the doctor charts (SOAP, 傷病名, 検査, アレルギー, 処方),
 * the nurse's 代行入力 is approved, and the walls between roles and clinics hold.
 */

const SHOTS = '/tmp/e2e-shots';
mkdirSync(SHOTS, { recursive: true });

const isoDaysFromToday = (days: number) => new Date(Date.now() + 9 * 3600_000 + days * 86_400_000).toISOString().slice(0, 10);

/** Registers a patient on the reception screen (新規患者を登録して受付): one form, and the patient is checked in. */
async function registerAndCheckIn(page: Page, p: NewPatient, insurance: { insurerNumber: string; number: string; validUntil?: string } = { insurerNumber: '06131239', number: '4455' }) {
  await page.getByRole('button', { name: '新規患者を登録して受付' }).click();
  await fillPatientForm(page, p, insurance);
  await page.getByRole('button', { name: '登録する' }).click();
  await expect(page.getByTestId('reception-notice')).toContainText(`${p.fullName}さんを受付しました`);
}

function queueRow(page: Page, name: string) {
  return page.getByTestId('reception-queue').getByRole('row').filter({ hasText: name });
}


test('reception: check-in from the search box in a few keystrokes, on-the-spot registration, 資格喪失 for expired insurance', async ({ page, browser }) => {
  // a patient who already exists (registered earlier by someone else)
  const existing = uniquePatient('受付', 'ウケツケ');
  await registerPatientElsewhere(browser, existing);

  await login(page, A.reception);
  await page.goto('/reception');
  await expect(page.getByRole('heading', { name: '本日の受付一覧' })).toBeVisible();

  // 1: type the kana (hiragana works too), 2: Enter = check in the first hit
  const search = page.getByLabel('患者検索');
  await search.fill(existing.kana.replace('ウケツケ', 'うけつけ'));
  await expect(page.getByTestId('patient-results')).toContainText(existing.fullName);
  await search.press('Enter');
  await expect(page.getByTestId('reception-notice')).toContainText(`${existing.fullName}さんを受付しました`);
  await expect(queueRow(page, existing.fullName)).toBeVisible();
  await expect(queueRow(page, existing.fullName)).toContainText('有効');
  await expect(queueRow(page, existing.fullName)).toContainText('受付済');

  // a brand-new patient: register on the spot and they are checked in
  const walkIn = uniquePatient('初診', 'ショシン');
  await registerAndCheckIn(page, walkIn);
  await expect(queueRow(page, walkIn.fullName)).toContainText('有効');

  // expired insurance card → 資格喪失
  const expired = uniquePatient('期限', 'キゲン');
  await registerAndCheckIn(page, expired, { insurerNumber: '06131239', number: '7788', validUntil: isoDaysFromToday(-40) });
  await expect(page.getByTestId('reception-notice')).toContainText('資格喪失');
  await expect(queueRow(page, expired.fullName)).toContainText('資格喪失');

  // the same patient cannot be checked in twice on the same day
  await search.fill(existing.kana);
  await expect(page.getByTestId('patient-results')).toContainText(existing.fullName);
  await page.getByTestId('patient-results').getByRole('row').filter({ hasText: existing.fullName }).getByRole('button', { name: '受付' }).click();
  await expect(page.getByTestId('error-banner')).toContainText('本日すでに受付済みです');
  await expect(page.getByTestId('reception-notice')).toBeHidden(); // no stale success message next to the error
  await expect(queueRow(page, existing.fullName)).toHaveCount(1);

  await page.screenshot({ path: `${SHOTS}/reception.png`, fullPage: true });
});

test('doctor: live queue, SOAP with vitals, 傷病名, labs with trend, allergy warning on prescribing, 処方箋 print, 確定', async ({ page, browser }) => {
  await login(page, A.doctor);
  await page.goto('/reception');
  await expect(page.getByRole('heading', { name: '本日の受付一覧' })).toBeVisible();

  // the receptionist checks a patient in from another browser; the doctor's queue picks it up without a reload
  const p = uniquePatient('診察', 'シンサツ');
  const recCtx = await browser.newContext();
  const rec = await recCtx.newPage();
  await login(rec, A.reception);
  await rec.goto('/reception');
  await registerAndCheckIn(rec, p);
  await recCtx.close();
  await expect(queueRow(page, p.fullName)).toBeVisible({ timeout: 15_000 });

  // open the chart from the queue
  await queueRow(page, p.fullName).getByRole('link', { name: p.fullName }).click();
  await expect(page).toHaveURL(/\/patients\/[0-9a-f-]{36}$/);
  const patientPath = new URL(page.url()).pathname;
  await expect(page.getByTestId('chart-header')).toContainText(p.fullName);
  await shortcutsLive(page);

  // SOAP + vitals (Alt+N focuses S, Alt+S saves)
  await page.keyboard.press('Alt+n');
  await expect(page.getByRole('textbox', { name: 'S（主観的情報）' })).toBeFocused();
  await page.keyboard.type('3日前から頭痛。家庭血圧 160/95。');
  await page.getByRole('textbox', { name: 'O（客観的情報）' }).fill('意識清明。心雑音なし。');
  await page.getByRole('textbox', { name: 'A（評価）' }).fill('高血圧症');
  await page.getByRole('textbox', { name: 'P（計画）' }).fill('降圧薬開始。2週間後再診。');
  await page.getByLabel('血圧(収縮)').fill('162');
  await page.getByLabel('血圧(拡張)').fill('96');
  await page.getByLabel('脈拍').fill('78');
  await page.getByLabel('体温').fill('36.6');
  await page.getByLabel('身長').fill('170');
  await page.getByLabel('体重').fill('65');
  await expect(page.getByTestId('note-bmi')).toHaveText('22.5');
  await page.keyboard.press('Alt+s');
  const editor = page.getByRole('form', { name: '診療録の入力' });
  await expect(editor).toContainText('下書きを保存しました（第1版）');
  await expect(page.getByTestId('note-card').first()).toHaveAttribute('data-status', 'draft');

  // 傷病名 from the master by kana (Alt+D), with a modifier
  await page.keyboard.press('Alt+d');
  const dxForm = page.getByRole('form', { name: '傷病名の追加' });
  await expect(dxForm.getByRole('combobox', { name: /傷病名/ })).toBeFocused();
  await page.keyboard.type('こうけつあつ');
  await dxForm.getByRole('option').filter({ hasText: /^高血圧症/ }).click();
  await expect(dxForm).toContainText('I10');
  await dxForm.getByRole('combobox', { name: /修飾語/ }).fill('にじせい');
  await dxForm.getByRole('option').filter({ hasText: /^二次性/ }).click();
  await expect(dxForm).toContainText('表示名: 二次性高血圧症');
  await dxForm.getByLabel('主病名').check();
  await dxForm.getByRole('button', { name: '追加' }).click();
  await expect(page.getByTestId('diagnosis-row').filter({ hasText: '二次性高血圧症' })).toContainText('主病名');

  // 検査: an older HbA1c and today's, both high
  await page.getByRole('button', { name: /検査結果を入力/ }).click();
  const labForm = page.getByRole('form', { name: '検査結果の入力' });
  await labForm.getByRole('button', { name: /^HbA1c/ }).click();
  await labForm.getByLabel(/HbA1c/).first().fill('7.1');
  await labForm.getByLabel('採取日時').fill(`${isoDaysFromToday(-60)}T09:30`);
  await labForm.getByRole('button', { name: /保存（1項目）/ }).click();
  await expect(page.getByText('1項目の検査結果を保存しました。')).toBeVisible();
  await page.getByRole('button', { name: /検査結果を入力/ }).click();
  await labForm.getByLabel('検査項目を追加（名前・略号で検索）').fill('hba1c');
  await labForm.getByLabel('検査項目を追加（名前・略号で検索）').press('Enter');
  await labForm.getByLabel(/HbA1c/).first().fill('8.4');
  await labForm.getByRole('button', { name: /保存（1項目）/ }).click();
  await expect(page.getByText('1項目の検査結果を保存しました。')).toBeVisible();
  await expect(page.getByTestId('lab-latest')).toContainText('8.4');

  // drug allergy from the drug master (Alt+A) → red banner
  await page.keyboard.press('Alt+a');
  const alForm = page.getByRole('form', { name: 'アレルギーの追加' });
  await expect(alForm.getByRole('combobox', { name: '医薬品を検索' })).toBeFocused();
  await page.keyboard.type('ロキソプロフェン');
  await alForm.getByRole('option').filter({ hasText: 'ロキソプロフェンナトリウム錠６０ｍｇ「ＣＨ」' }).click();
  await expect(alForm.getByLabel('原因物質名')).toHaveValue(/ロキソプロフェン/);
  await alForm.getByLabel('症状').fill('蕁麻疹');
  await alForm.getByLabel('重症度').selectOption({ label: '重度' });
  await alForm.getByRole('button', { name: '追加' }).click();
  await expect(page.getByTestId('allergy-banner')).toContainText('ロキソプロフェン');
  await expect(page.getByTestId('allergy-banner')).toContainText('蕁麻疹');

  // prescribe the same ingredient (palette: Ctrl+K → 処方を追加) → blocking allergy warning
  await page.keyboard.press('Control+k');
  await page.getByRole('dialog', { name: 'コマンドパレット' }).getByLabel('コマンドを検索').fill('処方を追加');
  await page.keyboard.press('Enter');
  const rxEditor = page.getByTestId('prescription-editor');
  await expect(rxEditor.getByRole('combobox', { name: '薬品を追加' })).toBeFocused();
  await page.keyboard.type('ロキソニン');
  await rxEditor.getByRole('option').filter({ hasText: 'ロキソニン錠６０ｍｇ' }).click();
  await expect(rxEditor.getByTestId('rx-item')).toHaveCount(1);
  // the allergy is named the moment the drug is added, before 確定 or any validation (issue 9 item 5)
  await expect(rxEditor.getByTestId('rx-item-allergy')).toContainText('ロキソプロフェン');
  await pickUsage(rxEditor.getByTestId('rx-item'));
  await rxEditor.getByTestId('rx-item').getByLabel('日数').fill('5');
  await rxEditor.getByRole('button', { name: '確定' }).click();
  const warning = page.getByRole('alertdialog');
  await expect(warning).toContainText('薬剤アレルギー警告');
  await expect(warning.getByTestId('rx-allergy-conflicts')).toContainText('ロキソニン錠６０ｍｇ');
  await expect(warning.getByRole('button', { name: '承知して続ける' })).toBeDisabled();
  await warning.getByRole('button', { name: '戻って修正' }).click();
  await expect(warning).toBeHidden();
  await expect(page.getByTestId('prescription-history')).not.toContainText('ロキソニン'); // nothing was saved

  // a different drug instead
  await rxEditor.getByTestId('rx-item').getByRole('button', { name: '削除' }).click();
  await rxEditor.getByRole('combobox', { name: '薬品を追加' }).fill('カロナール');
  await rxEditor.getByRole('option').filter({ hasText: /^カロナール錠２００/ }).first().click();
  await expect(rxEditor.getByTestId('rx-item-allergy')).toHaveCount(0);
  await pickUsage(rxEditor.getByTestId('rx-item'));
  await rxEditor.getByTestId('rx-item').getByLabel('日数').fill('5');
  await rxEditor.getByRole('button', { name: '確定' }).click();
  await expect(page.getByText('処方を確定しました。')).toBeVisible();
  const rxRow = page.getByTestId('prescription-history').getByRole('listitem').filter({ hasText: 'カロナール' }).first();
  await expect(rxRow).toContainText('確定');

  // 確定 the note from the editor (Alt+K): the draft saved earlier is still open there
  await page.getByRole('textbox', { name: 'P（計画）' }).click();
  await page.keyboard.press('Alt+k');
  await expect(editor).toContainText('確定しました。');
  const note = page.getByTestId('note-card').first();
  await expect(note).toHaveAttribute('data-status', 'final');
  await expect(note).toContainText('確定: 桜井 誠一');
  await expect(note.getByTestId('note-vitals')).toContainText('BMI 22.5');
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `${SHOTS}/chart.png`, fullPage: true });

  // lab page: time-series table with the H flag, and the trend chart
  await page.getByRole('link', { name: '一覧・推移' }).click();
  await expect(page).toHaveURL(`${patientPath}/labs`);
  const hba1c = page.getByTestId('lab-table').getByRole('row').filter({ hasText: 'HbA1c' });
  await expect(hba1c).toContainText('7.1');
  await expect(hba1c).toContainText('8.4');
  await expect(hba1c.getByLabel('高値')).toHaveCount(2);
  await expect(page.getByTestId('lab-trend-chart').locator('svg.recharts-surface')).toBeVisible();
  await page.mouse.move(0, 0); // the pointer left over the chart from the click shows recharts' active dot, a third circle
  await expect(page.getByTestId('lab-trend-chart').locator('circle')).toHaveCount(2);
  await page.screenshot({ path: `${SHOTS}/labs.png`, fullPage: true });

  // the 処方箋
  await page.goto(patientPath);
  await page.getByTestId('prescription-history').getByRole('link', { name: '処方箋を印刷' }).first().click();
  await expect(page).toHaveURL(/\/prescriptions\/[0-9a-f-]{36}\/print$/);
  await expect(page.getByRole('heading', { name: '処方箋' })).toBeVisible();
  await expect(page.locator('body')).toContainText('カロナール錠２００');
  await expect(page.locator('body')).toContainText('さくら内科クリニック');
  await expect(page.locator('body')).toContainText(p.fullName);
  await page.screenshot({ path: `${SHOTS}/print.png`, fullPage: true });
});

test('nurse: 代行入力 for the doctor is 承認待ち until the doctor approves it under 承認待ち', async ({ page, browser }) => {
  const p = uniquePatient('代行', 'ダイコウ');
  const patientId = await registerPatientElsewhere(browser, p);

  await login(page, A.nurse);
  await page.goto(`/patients/${patientId}`);
  const editor = page.getByRole('form', { name: '診療録の入力' });
  await expect(editor).toContainText('代行入力');
  await editor.getByRole('textbox', { name: 'S（主観的情報）' }).fill('昨夜から38度の発熱、咽頭痛。');
  await editor.getByLabel('体温').fill('38.2');
  // the responsible doctor must be chosen first
  await editor.getByRole('button', { name: /保存/ }).click();
  await expect(editor.getByTestId('error-banner')).toContainText('担当医を選択してください');
  await editor.getByLabel(/担当医/).selectOption({ label: '桜井 誠一' });
  await editor.getByRole('button', { name: /保存/ }).click();
  await expect(editor).toContainText('承認待ちとして保存しました。桜井 誠一の承認後に確定されます。');
  const card = page.getByTestId('note-card').first();
  await expect(card).toHaveAttribute('data-status', 'pending_approval');
  await expect(card).toContainText('承認待ち');
  await expect(card).toContainText('代行入力: 看野 優子');
  // the nurse has no 確定 / 承認 anywhere
  await expect(page.getByRole('button', { name: /^確定/ })).toHaveCount(0);
  await expect(page.getByRole('button', { name: /承認/ })).toHaveCount(0);

  const docCtx = await browser.newContext();
  const doc = await docCtx.newPage();
  await login(doc, A.doctor);
  // the menu says that something waits (issue 13)
  await expect(doc.getByTestId('approvals-count')).toBeVisible();
  await doc.getByRole('navigation', { name: 'メインメニュー' }).getByRole('link', { name: '承認待ち' }).click();
  const row = doc.getByTestId('pending-note').filter({ hasText: p.fullName });
  await expect(row).toContainText('看野 優子');
  // the whole record is shown, vitals included, not a one-line preview
  await expect(row.getByTestId('pending-note-content')).toContainText('昨夜から38度の発熱、咽頭痛。');
  await expect(row.getByTestId('pending-note-content')).toContainText('BT 38.2℃');
  await row.getByRole('button', { name: `${p.fullName}さんの診療録を承認` }).click();
  await expect(row).toHaveCount(0);
  await doc.goto(`/patients/${patientId}`);
  const approved = doc.getByTestId('note-card').first();
  await expect(approved).toHaveAttribute('data-status', 'final');
  await expect(approved).toContainText('確定');
  await expect(approved).toContainText('承認: 桜井 誠一');
  await docCtx.close();

  // the nurse sees it 確定 too
  await page.reload();
  await expect(page.getByTestId('note-card').first()).toHaveAttribute('data-status', 'final');
  await expect(page.getByTestId('note-card').first()).toContainText('承認: 桜井 誠一');

  // the nurse corrects the 確定 note: her edit waits for the doctor like any 代行入力, and the 確定 version stays the
  // one shown until then (issue 9 item 9)
  const shown = page.getByTestId('note-card').first();
  await shown.getByRole('button', { name: '編集', exact: true }).click();
  await editor.getByLabel('体温').fill('38.4');
  await editor.getByLabel(/修正理由/).fill('体温の転記ミス');
  await editor.getByRole('button', { name: /保存/ }).click();
  await expect(editor).toContainText('承認待ちとして保存しました。桜井 誠一の承認後に確定されます。');
  for (const reload of [false, true]) {
    if (reload) await page.reload();
    await expect(shown).toHaveAttribute('data-status', 'final');
    await expect(shown.getByTestId('note-vitals').first()).toContainText('38.2');
    const revision = shown.getByTestId('note-pending-revision');
    await expect(revision).toContainText('桜井 誠一の承認待ち');
    await expect(revision).toContainText('修正理由: 体温の転記ミス');
    await expect(revision.getByTestId('note-vitals')).toContainText('38.4');
    await expect(page.getByRole('button', { name: /承認/ })).toHaveCount(0);
  }

  // the doctor approves the revision from the chart; then it is the note
  const docCtx2 = await browser.newContext();
  const doc2 = await docCtx2.newPage();
  await login(doc2, A.doctor);
  await doc2.goto(`/patients/${patientId}`);
  const docCard = doc2.getByTestId('note-card').first();
  await expect(docCard.getByTestId('note-vitals').first()).toContainText('38.2');
  await docCard.getByTestId('note-pending-revision').getByRole('button', { name: '修正を承認' }).click();
  await expect(docCard.getByTestId('note-pending-revision')).toHaveCount(0);
  await expect(docCard).toHaveAttribute('data-status', 'final');
  await expect(docCard.getByTestId('note-vitals').first()).toContainText('38.4');
  await expect(docCard).toContainText('修正理由: 体温の転記ミス');
  await docCtx2.close();
});

test('a half-written note is not lost to a stray click or reload: leaving asks first', async ({ page, browser }) => {
  const p = uniquePatient('途中', 'トチュウ');
  const patientId = await openNewPatientChart(page, browser, p);
  const s = page.getByRole('textbox', { name: 'S（主観的情報）' });
  await s.fill('昨夜から38度の発熱、咽頭痛');

  // a menu link: the doctor stays, the text stays
  const asked: string[] = [];
  page.once('dialog', (d) => {
    asked.push(d.message());
    void d.dismiss();
  });
  await page.getByRole('navigation', { name: 'メインメニュー' }).getByRole('link', { name: '受付' }).click();
  await expect.poll(() => asked.length).toBe(1);
  expect(asked[0]).toContain('保存していない診療録があります');
  await expect(page).toHaveURL(new RegExp(`/patients/${patientId}$`));
  await expect(s).toHaveValue('昨夜から38度の発熱、咽頭痛');

  // a reload asks too (the browser's own prompt)
  page.once('dialog', (d) => {
    asked.push(d.type());
    void d.dismiss();
  });
  await page.reload({ timeout: 3_000 }).catch(() => undefined);
  await expect.poll(() => asked.length).toBe(2);
  expect(asked[1]).toBe('beforeunload');
  await expect(s).toHaveValue('昨夜から38度の発熱、咽頭痛');

  // once saved, nothing asks
  await page.getByRole('button', { name: /^保存/ }).click();
  await expect(page.getByRole('form', { name: '診療録の入力' })).toContainText('下書きを保存しました');
  await page.getByRole('navigation', { name: 'メインメニュー' }).getByRole('link', { name: '受付' }).click();
  await expect(page).toHaveURL(/\/reception/);
  expect(asked).toHaveLength(2);
});

test('an allergy corrected and then retracted keeps every version, and the banner follows the latest', async ({ page, browser }) => {
  const p = uniquePatient('訂正', 'テイセイ');
  await openNewPatientChart(page, browser, p);

  await page.getByRole('button', { name: /アレルギーを追加/ }).click();
  const add = page.getByRole('form', { name: 'アレルギーの追加' });
  await add.locator('#allergy-category').selectOption('food'); // 分類 (the 薬効分類 search's label contains it too)
  await add.getByLabel('原因物質名').fill('そば');
  await add.getByLabel('症状').fill('蕁麻疹');
  await add.getByRole('button', { name: '追加' }).click();
  const row = page.getByTestId('allergy-row').filter({ hasText: 'そば' });
  await expect(row).toContainText('蕁麻疹');
  await expect(page.getByTestId('allergy-banner')).toContainText('そば');

  // 修正 needs a reason and makes version 2
  await row.getByRole('button', { name: '修正' }).click();
  const edit = page.getByRole('form', { name: 'アレルギーの修正' });
  await edit.getByLabel('症状').fill('アナフィラキシー');
  await edit.getByRole('button', { name: '修正を保存' }).click();
  await expect(edit.getByText('修正理由を入力してください')).toBeVisible();
  await edit.getByLabel('修正理由').fill('問診で再確認');
  await edit.getByRole('button', { name: '修正を保存' }).click();
  await expect(row).toContainText('アナフィラキシー');

  // 取消 (entered in error) is version 3: gone from the chart and the banner, kept in the history
  await row.getByRole('button', { name: '取消' }).click();
  const retract = page.getByRole('form', { name: 'アレルギーの取消' });
  await retract.getByRole('textbox').fill('別の患者の情報を入力');
  await retract.getByRole('button', { name: '取消' }).click();
  await expect(page.getByTestId('allergy-row').filter({ hasText: 'そば' })).toHaveCount(0);
  await expect(page.getByTestId('allergy-banner')).toHaveCount(0);

  await page.getByRole('link', { name: 'アレルギーの履歴（全版）' }).click();
  const versions = page.getByRole('row').filter({ hasText: /第[123]版/ });
  await expect(versions).toHaveCount(3);
  await expect(page.getByRole('row').filter({ hasText: '第1版' })).toContainText('蕁麻疹');
  await expect(page.getByRole('row').filter({ hasText: '第2版' })).toContainText('問診で再確認');
  await expect(page.getByRole('row').filter({ hasText: '第3版' })).toContainText('別の患者の情報を入力');
});

test('a receptionist opening a chart URL gets the profile without clinical data, and is refused the lab page', async ({ page, browser }) => {
  const p = uniquePatient('窓口', 'マドグチ');
  const patientId = await registerPatientElsewhere(browser, p);
  // give the chart some clinical content
  const docCtx = await browser.newContext();
  const doc = await docCtx.newPage();
  await login(doc, A.doctor);
  await doc.goto(`/patients/${patientId}`);
  await doc.getByRole('textbox', { name: 'S（主観的情報）' }).fill('秘密の主訴テキスト');
  await doc.getByRole('button', { name: /保存/ }).click();
  await expect(doc.getByRole('form', { name: '診療録の入力' })).toContainText('下書きを保存しました');
  await docCtx.close();

  await login(page, A.reception);
  await page.goto(`/patients/${patientId}`);
  await expect(page).toHaveURL(`/patients/${patientId}/profile`);
  await expect(page.getByRole('heading', { level: 1 })).toContainText(p.fullName);
  await expect(page.locator('body')).not.toContainText('秘密の主訴テキスト');
  await expect(page.locator('body')).not.toContainText('診療録');
  for (const path of [`/patients/${patientId}/labs`, `/patients/${patientId}/diagnoses`, `/patients/${patientId}/allergies`]) {
    await page.goto(path);
    await expect(page.getByRole('heading', { name: 'この画面を表示する権限がありません' })).toBeVisible();
  }
});

test("clinic A's doctor gets 404 for clinic B's chart, labs and 処方箋", async ({ browser, page }) => {
  const bCtx = await browser.newContext();
  const b = await bCtx.newPage();
  await login(b, B.doctor, DEMO_PASSWORD, B_SECRETS[B.doctor]);
  await b.goto('/patients');
  await b.getByTestId('patient-results').getByRole('link').first().click();
  await expect(b).toHaveURL(/\/patients\/[0-9a-f-]{36}$/);
  const bPatient = new URL(b.url()).pathname;
  await shortcutsLive(b);
  await b.getByRole('button', { name: '新しい処方' }).click();
  const rx = b.getByTestId('prescription-editor');
  await rx.getByRole('combobox', { name: '薬品を追加' }).fill('カロナール');
  await rx.getByRole('option').filter({ hasText: /^カロナール錠２００/ }).first().click();
  // the dose starts from the clinic's last use of the drug, or 1 per 回 with 用法 and 日数 left to the doctor
  await expect(rx.getByTestId('rx-item')).toContainText(/前回の処方から|用法・日数を入力/);
  await pickUsage(rx.getByTestId('rx-item'));
  const days = rx.getByTestId('rx-item').getByLabel('日数');
  if (await days.isVisible()) await days.fill('5');
  await rx.getByRole('button', { name: '確定' }).click();
  const dialog = b.getByRole('alertdialog');
  const confirmed = b.getByText('処方を確定しました。');
  await expect(dialog.or(confirmed)).toBeVisible();
  if (await dialog.isVisible()) {
    // the demo patient may already take the same drug or be allergic: acknowledge
    const reason = dialog.getByLabel('それでも処方する理由');
    if (await reason.isVisible()) await reason.fill('E2E: 確認済み');
    const dup = dialog.getByRole('checkbox');
    if (await dup.isVisible()) await dup.check();
    await dialog.getByRole('button', { name: '承知して続ける' }).click();
  }
  await expect(confirmed).toBeVisible();
  await b.getByTestId('prescription-history').getByRole('link', { name: '処方箋を印刷' }).first().click();
  await expect(b.getByRole('heading', { name: '処方箋' })).toBeVisible();
  const bPrint = new URL(b.url()).pathname;
  await bCtx.close();

  await login(page, A.doctor);
  for (const path of [bPatient, `${bPatient}/labs`, `${bPatient}/diagnoses`, `${bPatient}/allergies`, bPrint]) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(404);
    await expect(page.getByRole('heading', { name: 'ページが見つかりません' })).toBeVisible();
  }
});
