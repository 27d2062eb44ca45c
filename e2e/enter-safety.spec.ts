import { expect, test, type Page } from '@playwright/test';
import { A, login, openNewPatientChart, registerPatientElsewhere, uniquePatient } from './helpers';
import { egfrOnCollection } from '../lib/records/lab-results/egfr';

/**
 * Enter in the search boxes acts only on what is in the box now (issue 9 items 1 and 2): never on the previous text's
 * results, never while the IME is composing, never on one of several equally good matches; in the 傷病名 box it takes
 * the highlighted master entry instead of leaving the name uncoded.
 */

const notice = (page: Page) => page.getByTestId('reception-notice');

test('reception: Enter checks in only the one patient the box names now', async ({ page, browser }) => {
  // two patients sharing a family name (kana) that no one else has
  const first = uniquePatient('英太', 'エイタ');
  const second = uniquePatient('英太', 'エイタ');
  await registerPatientElsewhere(browser, first);
  await registerPatientElsewhere(browser, second);

  await login(page, A.reception);
  await page.goto('/reception');
  const search = page.getByLabel('患者検索');

  // the family name alone: two equally good matches → the list is the choice, nobody is checked in
  await search.click();
  await page.keyboard.type('えいた');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('patient-search-hint')).toHaveText('該当する患者が2名います。一覧から選んでください。');
  await expect(notice(page)).toBeHidden();

  // the rest of the name at scanner speed, Enter at once: the previous results (both 英太) must not be used
  await page.keyboard.type(second.givenKana, { delay: 0 });
  await page.keyboard.press('Enter');
  await expect(notice(page)).toContainText(`${second.fullName}さんを受付しました`);
  await expect(notice(page)).not.toContainText(first.fullName);

  // Enter that confirms the IME conversion does nothing; the next Enter checks in
  await search.fill('');
  await search.dispatchEvent('compositionstart', { data: '' });
  await search.fill(first.kana);
  await expect(page.getByTestId('patient-results')).toContainText(first.fullName);
  await search.dispatchEvent('keydown', { key: 'Enter', code: 'Enter', keyCode: 229, isComposing: true, bubbles: true });
  await search.dispatchEvent('compositionend', { data: first.kana });
  await page.waitForTimeout(800);
  await expect(notice(page)).not.toContainText(first.fullName);
  await search.press('Enter');
  await expect(notice(page)).toContainText(`${first.fullName}さんを受付しました`);
});

test('patient search: typing, a pause, more typing and Enter opens the patient now named, not an earlier hit', async ({ page, browser }) => {
  const a = uniquePatient('英次', 'エイジ');
  const b = uniquePatient('英次', 'エイジ');
  await registerPatientElsewhere(browser, a);
  const bId = await registerPatientElsewhere(browser, b);
  await login(page, A.reception);
  await page.goto('/patients');
  const search = page.getByLabel('患者検索');
  await search.click();
  await page.keyboard.type('えいじ');
  await expect(page.getByTestId('patient-results')).toContainText(a.fullName);
  await page.keyboard.type(b.givenKana, { delay: 0 });
  await page.keyboard.press('Enter');
  // a receptionist lands on the profile of the chart (no clinical data): the patient named now either way
  await expect(page).toHaveURL(new RegExp(`/patients/${bId}(/profile)?$`));
});

test('傷病名: Enter takes the highlighted master entry with its code', async ({ page, browser }) => {
  await openNewPatientChart(page, browser, uniquePatient('病名', 'ビョウメイ'));
  await page.keyboard.press('Alt+d');
  const dxForm = page.getByRole('form', { name: '傷病名の追加' });
  await expect(dxForm.getByRole('combobox', { name: /傷病名/ })).toBeFocused();
  await page.keyboard.type('高血圧症');
  await page.keyboard.press('Enter');
  await expect(dxForm).toContainText('8833421'); // 高血圧症 in the 傷病名マスター
  await expect(dxForm).not.toContainText('コードなし');
  await dxForm.getByRole('button', { name: '追加' }).click();
  await expect(page.getByTestId('diagnosis-row').filter({ hasText: '高血圧症' })).toBeVisible();
  await expect(page.getByTestId('diagnosis-row').filter({ hasText: '高血圧症' })).not.toContainText('コードなし');
});

test('検査: LDL + Enter adds LDL-C (not LD); eGFR is shown next to creatinine', async ({ page, browser }) => {
  const p = uniquePatient('腎機能', 'ジンキノウ');
  await openNewPatientChart(page, browser, p);
  await page.getByRole('button', { name: /検査結果を入力/ }).click();
  const labForm = page.getByRole('form', { name: '検査結果の入力' });
  const search = labForm.getByLabel('検査項目を追加（名前・略号で検索）');
  await search.fill('LDL');
  await search.press('Enter');
  await expect(labForm.getByLabel('LDLコレステロール', { exact: true })).toBeVisible();
  await expect(labForm.getByLabel('LD(乳酸脱水素酵素)', { exact: true })).toHaveCount(0);
  await labForm.getByLabel('LDLコレステロール', { exact: true }).fill('120');
  await search.fill('くれあちにん');
  await search.press('Enter');
  await labForm.getByLabel('クレアチニン', { exact: true }).fill('1.00');
  await labForm.getByRole('button', { name: /保存（2項目）/ }).click();
  await expect(page.getByText('2項目の検査結果を保存しました。')).toBeVisible();
  const today = new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10);
  const expected = egfrOnCollection({ creatinineMgDl: 1, birthDate: '1962-05-14', sex: 'male', collectedDate: today })!;
  await expect(page.getByTestId('lab-egfr')).toContainText(expected.toFixed(1));
  await expect(page.getByTestId('lab-egfr')).toContainText('mL/min/1.73m²');
});
