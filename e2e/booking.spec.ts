import { expect, test, type Browser } from '@playwright/test';
import { A, login, registerPatientElsewhere, uniquePatient } from './helpers';

/**
 * 予約枠 and the 予約表 (issue 13, ADR 0060): the admin sets slots for a weekday and doctor, booking offers them (a full
 * one cannot be chosen), the 予約表 shows the day per doctor and the week's counts, and 受付 from the 予約表 is the
 * ordinary check-in.
 */

/** 'YYYY-MM-DD' in JST, days from today. */
const jstDate = (days: number) => new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Tokyo' }).format(new Date(Date.now() + days * 86_400_000));
const jstTime = () => new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Tokyo', hour: '2-digit', minute: '2-digit', hour12: false }).format(new Date());

async function deskPage(browser: Browser) {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await login(page, A.reception);
  return { page, close: () => ctx.close() };
}

test('予約枠 from the settings are offered when booking, a full slot is disabled, and the 予約表 shows the day and the week', async ({ page, browser }) => {
  test.setTimeout(180_000);
  // a weekday that is not today's (the other booking tests book today with free times)
  const day = jstDate(9);
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();

  await login(page, A.admin);
  await page.goto('/admin/appointment-slots');
  const add = page.getByRole('form', { name: '予約枠の追加' });
  await add.getByLabel('曜日').selectOption(String(weekday));
  await add.getByLabel('担当医').selectOption({ index: 1 });
  const doctorName = (await add.getByLabel('担当医').locator('option:checked').textContent())!.trim();
  await add.getByLabel('開始時刻').fill('09:00');
  await add.getByLabel('終了時刻').fill('10:00');
  await add.getByLabel('1枠の長さ（分）').fill('30');
  await add.getByLabel('1枠の人数').fill('1');
  await add.getByRole('button', { name: '枠を追加' }).click();
  await expect(page.getByTestId('slot-notice')).toContainText('（2枠）を追加しました');
  await expect(page.getByRole('table', { name: '設定済みの予約枠' })).toContainText(doctorName);

  const [p1, p2] = [uniquePatient('枠予約', 'ワクヨヤク'), uniquePatient('枠満員', 'ワクマンイン')];
  const [id1, id2] = [await registerPatientElsewhere(browser, p1), await registerPatientElsewhere(browser, p2)];
  const desk = await deskPage(browser);
  const openForm = async (patientId: string) => {
    await desk.page.goto(`/patients/${patientId}/profile`);
    await desk.page.getByTestId('appointment-panel').getByRole('button', { name: /次回予約/ }).click();
    const form = desk.page.getByRole('form', { name: '次回予約' });
    await form.getByLabel('予約日').fill(day);
    await form.getByLabel('担当医').selectOption({ label: doctorName });
    return form;
  };
  // the day has slots for that doctor: a slot list instead of a free time
  let form = await openForm(id1);
  const slot = form.getByLabel('予約枠');
  await expect(slot.locator('option', { hasText: '09:00（空き 1）' })).toBeEnabled();
  await slot.selectOption('09:00');
  await form.getByLabel('目的').fill('枠の再診');
  await form.getByRole('button', { name: '予約する' }).click();
  await expect(desk.page.getByTestId('appointment-notice')).toContainText(`${day.replaceAll('-', '/')} 09:00 に予約しました`);

  // the next patient cannot take the full slot; the free one is chosen
  form = await openForm(id2);
  await expect(form.getByLabel('予約枠').locator('option', { hasText: '09:00（満員）' })).toBeDisabled();
  await expect(form.getByLabel('予約枠')).toHaveValue('09:30');
  // without a doctor the day has no slots: a free time
  await form.getByLabel('担当医').selectOption({ label: '指定なし' });
  await expect(form.getByLabel('時刻')).toBeVisible();

  // 予約表, day: the doctor's column, the entry in its slot, the counts
  await desk.page.goto(`/reception/appointments?date=${day}&view=day`);
  // the menu marks 予約表, not 受付, as the current page
  const menu = desk.page.getByRole('navigation', { name: 'メインメニュー' });
  await expect(menu.getByRole('link', { name: '予約表' })).toHaveAttribute('aria-current', 'page');
  await expect(menu.getByRole('link', { name: '受付', exact: true })).not.toHaveAttribute('aria-current', 'page');
  const cell = desk.page.locator(`[data-testid="schedule-cell"][data-time="09:00"][data-doctor="${doctorName}"]`);
  await expect(cell).toContainText(p1.fullName);
  await expect(cell).toContainText('枠の再診');
  await expect(cell).toContainText('満員');
  await expect(desk.page.locator(`[data-testid="schedule-column"][data-doctor="${doctorName}"]`)).toContainText('予約 1・空き 1');
  await expect(desk.page.locator(`[data-testid="schedule-cell"][data-time="09:30"][data-doctor="${doctorName}"]`)).toContainText('空き 1/1');
  // a future day: no 受付 button
  await expect(cell.getByRole('button', { name: '受付' })).toHaveCount(0);

  // the week, and back to the day from its cell
  await desk.page.getByRole('link', { name: '週', exact: true }).click();
  const weekCell = desk.page.locator(`[data-testid="week-cell"][data-date="${day}"][data-doctor="${doctorName}"]`);
  await expect(weekCell).toContainText('予約 1・空き 1');
  await desk.page.getByRole('link', { name: '翌週' }).click();
  await expect(desk.page.locator(`[data-testid="week-cell"][data-date="${day}"]`)).toHaveCount(0);
  await desk.page.getByRole('link', { name: '前週' }).click();
  await weekCell.getByRole('link').click();
  await expect(desk.page.getByTestId('schedule-label')).toContainText(day.replaceAll('-', '/'));
  await expect(cell).toContainText(p1.fullName);
  await desk.close();
});

test('受付 from the 予約表 is the ordinary check-in: the visit is on the board, the appointment shows 来院済, and its details can be changed', async ({ browser }) => {
  test.setTimeout(150_000);
  const p = uniquePatient('予約表受付', 'ヨヤクヒョウウケツケ');
  const patientId = await registerPatientElsewhere(browser, p);
  const desk = await deskPage(browser);
  await desk.page.goto(`/patients/${patientId}/profile`);
  await desk.page.getByTestId('appointment-panel').getByRole('button', { name: /次回予約/ }).click();
  const form = desk.page.getByRole('form', { name: '次回予約' });
  await form.getByLabel('予約日').fill(jstDate(0));
  await form.getByLabel('時刻').fill(jstTime());
  await form.getByLabel('目的').fill('予約表から受付');
  await form.getByRole('button', { name: '予約する' }).click();
  await expect(desk.page.getByTestId('appointment-notice')).toContainText('予約しました');

  await desk.page.goto('/reception/appointments');
  await desk.page.getByRole('link', { name: '今日' }).click();
  const entry = desk.page.getByTestId('schedule-entry').filter({ hasText: p.fullName });
  await expect(entry).toContainText('予約表から受付');
  await entry.getByRole('button', { name: '受付', exact: true }).click();
  await expect(desk.page.getByTestId('schedule-notice')).toContainText(`${p.fullName}さんを受付しました`);
  await expect(entry).toContainText('来院済');
  await expect(entry).toContainText('受付番号');
  await expect(entry.getByRole('button', { name: '受付', exact: true })).toHaveCount(0);

  await desk.page.goto('/reception');
  const visit = desk.page.getByTestId('reception-queue').getByRole('row').filter({ hasText: p.fullName });
  await expect(visit).toContainText('受付済');
  await expect(visit.getByTestId('visit-memo')).toContainText('予約表から受付');
  // 保険者名 and 負担割合 from the オンライン資格確認 (the sandbox: 06… 健康保険組合, 3割 under 70)
  await expect(visit.getByTestId('visit-insurance')).toHaveText('健康保険組合・負担 3割');
  // the answer differs from the stored insurance (never taken over): a person confirms, then it is the patient's
  const differs = visit.getByTestId('visit-insurance-differs');
  await expect(differs).toContainText('資格確認の内容が登録と異なります');
  desk.page.once('dialog', (d) => d.dismiss());
  await differs.getByRole('button', { name: '登録に反映' }).click();
  await expect(differs).toBeVisible();
  desk.page.once('dialog', (d) => d.accept());
  await differs.getByRole('button', { name: '登録に反映' }).click();
  await expect(desk.page.getByTestId('reception-notice')).toContainText(`${p.fullName}さんの保険情報に資格確認の結果を反映しました`);
  await expect(differs).toHaveCount(0);

  // 受付の詳細 are changed after check-in (0060)
  await visit.getByRole('button', { name: '変更' }).click();
  const details = desk.page.getByRole('form', { name: /の受付内容$/ });
  await details.getByLabel('初診・再診').selectOption({ label: '初診' });
  await details.getByLabel('受付メモ').fill('予約表から受付・車椅子');
  await details.getByRole('button', { name: '保存' }).click();
  await expect(desk.page.getByTestId('reception-notice')).toContainText(`${p.fullName}さんの受付内容を変更しました`);
  await expect(visit.getByTestId('visit-memo')).toContainText('車椅子');
  await expect(visit.getByTestId('visit-first')).toHaveText('初診');
  await desk.close();
});
