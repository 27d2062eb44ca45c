import { expect, test } from '@playwright/test';
import { A, login, registerPatientElsewhere, uniquePatient } from './helpers';

/**
 * 予約変更 (issue 13, ADR 0060 addendum): from the 予約表 a booked appointment moves to another day and time; the old
 * one stays as 変更済 with its time and points to the new one, which shows where it came from.
 */
const jstDate = (days: number) => new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Tokyo' }).format(new Date(Date.now() + days * 86_400_000));

test('an appointment moves from the 予約表; the old time stays visible as 変更済', async ({ page, browser }) => {
  const p = uniquePatient('予約変更', 'ヨヤクヘンコウ');
  const patientId = await registerPatientElsewhere(browser, p);
  const [from, to] = [jstDate(20), jstDate(22)];
  await login(page, A.reception);
  await page.goto(`/patients/${patientId}/profile`);
  await page.getByTestId('appointment-panel').getByRole('button', { name: /次回予約/ }).click();
  const form = page.getByRole('form', { name: '次回予約' });
  await form.getByLabel('予約日').fill(from);
  await form.getByLabel('時刻').fill('14:10');
  await form.getByLabel('目的').fill('変更前の予約');
  await form.getByRole('button', { name: '予約する' }).click();
  await expect(page.getByTestId('appointment-notice')).toContainText('予約しました');

  await page.goto(`/reception/appointments?date=${from}&view=day`);
  const entry = page.getByTestId('schedule-entry').filter({ hasText: p.fullName });
  await entry.getByRole('button', { name: '変更' }).click();
  const move = page.getByRole('form', { name: '予約の変更' });
  await move.getByLabel('変更後の日付').fill(to);
  await move.getByLabel('時刻').fill('15:20');
  await move.getByRole('button', { name: '変更する' }).click();
  await expect(page.getByTestId('schedule-notice')).toContainText(`${from.replaceAll('-', '/')} 14:10 から ${to.replaceAll('-', '/')} 15:20 に変更しました`);
  await expect(entry).toHaveAttribute('data-status', 'moved');
  await expect(entry).toContainText('変更済');
  await expect(entry.getByTestId('appointment-moved-to')).toHaveText(`→ ${to.replaceAll('-', '/')} 15:20 に変更`);
  await expect(entry.getByRole('button', { name: '変更' })).toHaveCount(0);

  await page.goto(`/reception/appointments?date=${to}&view=day`);
  const moved = page.getByTestId('schedule-entry').filter({ hasText: p.fullName });
  await expect(moved).toHaveAttribute('data-status', 'booked');
  await expect(moved).toContainText('変更前の予約');
  await expect(moved.getByTestId('appointment-moved-from')).toHaveText(`（変更前 ${from.replaceAll('-', '/')} 14:10）`);
});
