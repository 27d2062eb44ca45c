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

test('予約変更 from the patient page and from the week view, with the same checks; the old one stays 変更済', async ({ page, browser }) => {
  const p = uniquePatient('週変更', 'シュウヘンコウ');
  const patientId = await registerPatientElsewhere(browser, p);
  const [first, second, third] = [jstDate(40), jstDate(41), jstDate(42)];
  await login(page, A.reception);
  await page.goto(`/patients/${patientId}/profile`);
  const panel = page.getByTestId('appointment-panel');
  await panel.getByRole('button', { name: /次回予約/ }).click();
  const form = page.getByRole('form', { name: '次回予約' });
  await form.getByLabel('予約日').fill(first);
  await form.getByLabel('時刻').fill('10:30');
  await form.getByLabel('目的').fill('週表示で変更');
  await form.getByRole('button', { name: '予約する' }).click();
  await expect(page.getByTestId('appointment-notice')).toContainText('予約しました');

  // the patient page: 変更 on the upcoming appointment
  await panel.getByTestId('appointment-upcoming').getByRole('button', { name: '変更' }).click();
  const move = page.getByRole('form', { name: '予約の変更' });
  await move.getByLabel('変更後の日付').fill(second);
  await move.getByLabel('時刻').fill('11:00');
  await move.getByRole('button', { name: '変更する' }).click();
  await expect(page.getByTestId('appointment-notice')).toContainText(`${p.fullName}さんの予約を ${first.replaceAll('-', '/')} 10:30 から ${second.replaceAll('-', '/')} 11:00 に変更しました`);
  await expect(panel.getByTestId('appointment-upcoming')).toContainText(`${second.replaceAll('-', '/')} 11:00`);
  await expect(panel.getByTestId('appointment-upcoming')).not.toContainText(`${first.replaceAll('-', '/')} 10:30`);

  // the week view: the booked patient is listed with 変更
  await page.goto(`/reception/appointments?date=${second}&view=week`);
  const weekEntry = page.getByTestId('week-entry').filter({ hasText: p.fullName });
  await expect(weekEntry).toContainText('11:00');
  await weekEntry.getByRole('button', { name: `${p.fullName}さんの予約を変更` }).click();
  await move.getByLabel('変更後の日付').fill(third);
  await move.getByLabel('時刻').fill('09:40');
  await move.getByLabel('目的').fill('目的も変更');
  await move.getByRole('button', { name: '変更する' }).click();
  await expect(page.getByTestId('schedule-notice')).toContainText(`${second.replaceAll('-', '/')} 11:00 から ${third.replaceAll('-', '/')} 09:40 に変更しました`);

  // the old ones stay as 変更済 in the day view
  await page.goto(`/reception/appointments?date=${second}&view=day`);
  const old = page.getByTestId('schedule-entry').filter({ hasText: p.fullName });
  await expect(old).toHaveAttribute('data-status', 'moved');
  await expect(old.getByTestId('appointment-moved-to')).toHaveText(`→ ${third.replaceAll('-', '/')} 09:40 に変更`);
  await page.goto(`/reception/appointments?date=${third}&view=day`);
  await expect(page.getByTestId('schedule-entry').filter({ hasText: p.fullName })).toContainText('目的も変更');
});
