import { expect, test } from '@playwright/test';
import { A, login, openNewPatientChart, uniquePatient } from './helpers';

/**
 * 次回予約 (issue 13, ADR 0057): the doctor books from the chart (the palette), reception sees it in 本日の予約 and checks
 * the patient in with one click; the visit is on the board, linked to the appointment.
 */

const jst = (pattern: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Tokyo', ...pattern }).format(new Date());

test('book today from the chart, then one click at 受付 checks the patient in', async ({ page, browser }) => {
  test.setTimeout(150_000);
  const p = uniquePatient('予約', 'ヨヤク');
  await openNewPatientChart(page, browser, p);
  const panel = page.getByTestId('appointment-panel');
  await expect(panel).toContainText('予約はありません。');

  // the palette opens the form with the date focused
  await page.keyboard.press('Control+k');
  await page.keyboard.type('次回予約');
  await page.keyboard.press('Enter');
  const form = page.getByRole('form', { name: '次回予約' });
  await expect(form.getByLabel('予約日')).toBeFocused();
  // the palette's Enter only opened the form: nothing is booked yet
  await expect(panel).toContainText('予約はありません。');
  const today = jst({ year: 'numeric', month: '2-digit', day: '2-digit' });
  const time = jst({ hour: '2-digit', minute: '2-digit', hour12: false });
  await form.getByLabel('予約日').fill(today);
  await form.getByLabel('時刻').fill(time);
  await form.getByLabel('目的').fill('血圧の再診');
  // the signed-in doctor is preselected
  await expect(form.getByLabel('担当医')).not.toHaveValue('');
  await form.getByRole('button', { name: '予約する' }).click();
  await expect(page.getByTestId('appointment-notice')).toContainText('予約しました');
  await expect(page.getByTestId('appointment-upcoming')).toContainText('血圧の再診');

  // reception: 本日の予約 → 受付 in one click → the board shows the visit
  const ctx = await browser.newContext();
  const desk = await ctx.newPage();
  await login(desk, A.reception);
  await desk.goto('/reception');
  const row = desk.getByTestId('today-appointments').getByRole('row').filter({ hasText: p.fullName });
  await expect(row).toContainText('血圧の再診');
  await expect(row).toContainText('予約');
  await row.getByRole('button', { name: '受付', exact: true }).click();
  await expect(desk.getByTestId('appointment-notice')).toContainText(`${p.fullName}さんを受付しました`);
  await expect(row).toContainText('来院済');
  await expect(row).toContainText('受付番号');
  const visit = desk.getByTestId('reception-queue').getByRole('row').filter({ hasText: p.fullName });
  await expect(visit).toContainText('受付済');
  await expect(visit.getByTestId('visit-memo')).toContainText('血圧の再診');
  await expect(visit.getByTestId('visit-doctor')).toBeVisible();
  // nothing left to do on the appointment
  await expect(row.getByRole('button', { name: '受付', exact: true })).toHaveCount(0);
  await ctx.close();
});

test('an appointment cancelled at 受付 (after confirming) stays visible as キャンセル', async ({ page, browser }) => {
  test.setTimeout(150_000);
  const p = uniquePatient('取消予約', 'トリケシヨヤク');
  await openNewPatientChart(page, browser, p);
  await page.keyboard.press('Alt+y');
  const form = page.getByRole('form', { name: '次回予約' });
  await form.getByLabel('予約日').fill(jst({ year: 'numeric', month: '2-digit', day: '2-digit' }));
  await form.getByLabel('時刻').fill(jst({ hour: '2-digit', minute: '2-digit', hour12: false }));
  await form.getByRole('button', { name: '予約する' }).click();
  await expect(page.getByTestId('appointment-upcoming')).toContainText('再診');

  const ctx = await browser.newContext();
  const desk = await ctx.newPage();
  await login(desk, A.reception);
  await desk.goto('/reception');
  const row = desk.getByTestId('today-appointments').getByRole('row').filter({ hasText: p.fullName });
  // dismissing the confirmation keeps the appointment
  desk.once('dialog', (d) => d.dismiss());
  await row.getByRole('button', { name: '取消' }).click();
  await expect(row.getByRole('button', { name: '受付', exact: true })).toBeVisible();
  desk.once('dialog', (d) => d.accept());
  await row.getByRole('button', { name: '取消' }).click();
  await expect(row).toContainText('キャンセル');
  await expect(row.getByRole('button', { name: '受付', exact: true })).toHaveCount(0);
  await ctx.close();
});
