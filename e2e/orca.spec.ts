import { expect, test, type Page } from '@playwright/test';
import { A, fillPatientForm, login, uniquePatient, pickUsage } from './helpers';

/**
 * レセコン連携 (issue 15) in the browser, against the sandbox ORCA the demo runs: the receptionist checks a new patient
 * in (the 受付 reaches ORCA in the background), the doctor prescribes, previews ORCA's 算定 and 確定s, the visit goes
 * to 会計, the sandbox's "ORCA staff" confirm the 会計, and the board shows the amount and 会計済.
 */
const PORT = Number(process.env.E2E_PORT ?? 3100);
const ORCA = `http://127.0.0.1:${process.env.E2E_ORCA_PORT ?? String(61800 + PORT - 3100)}`;

const queueRow = (page: Page, name: string) => page.getByTestId('reception-queue').getByRole('row').filter({ hasText: name });

test('check-in → ORCA 受付, 算定 preview, 確定 → 中途データ, ORCA staff do the 会計 → the board shows the amount and 会計済', async ({ page, browser }) => {
  test.setTimeout(180_000);
  const p = uniquePatient('連携', 'レンケイ');

  // reception: register and check in; the board shows the 受付 reached ORCA
  await login(page, A.reception);
  await page.goto('/reception');
  await page.getByRole('button', { name: '新規患者を登録して受付' }).click();
  await fillPatientForm(page, p, { insurerNumber: '06131239', number: '4455' });
  await page.getByRole('button', { name: '登録する' }).click();
  await expect(page.getByTestId('reception-notice')).toContainText(`${p.fullName}さんを受付しました`);
  await expect(queueRow(page, p.fullName).getByTestId('orca-state')).toHaveText('ORCA受付済', { timeout: 30_000 });
  await queueRow(page, p.fullName).getByRole('button', { name: '診察開始' }).click();
  await expect(queueRow(page, p.fullName)).toContainText('診察中');

  // doctor: prescribe, preview ORCA's 算定 before 確定, then 確定
  const doctorCtx = await browser.newContext();
  const doctor = await doctorCtx.newPage();
  await login(doctor, A.doctor);
  await doctor.goto('/reception');
  await queueRow(doctor, p.fullName).getByRole('link', { name: p.fullName }).click();
  await expect(doctor).toHaveURL(/\/patients\/[0-9a-f-]{36}$/);
  await doctor.getByRole('button', { name: '新しい処方' }).click();
  const rx = doctor.getByTestId('prescription-editor');
  await rx.getByRole('combobox', { name: '薬品を追加' }).fill('カロナール');
  await rx.getByRole('option').filter({ hasText: /^カロナール錠２００/ }).first().click();
  await pickUsage(rx.getByTestId('rx-item'));
  await rx.getByTestId('rx-item').getByLabel('日数').fill('5'); // no default 日数 (ADR 0018)
  await rx.getByRole('button', { name: '確定' }).click();
  const dialog = doctor.getByRole('alertdialog');
  const confirmed = doctor.getByText('処方を確定しました。');
  await expect(dialog.or(confirmed)).toBeVisible();
  if (await dialog.isVisible()) {
    const reason = dialog.getByLabel('それでも処方する理由');
    if (await reason.isVisible()) await reason.fill('E2E: 確認済み');
    const dup = dialog.getByRole('checkbox');
    if (await dup.isVisible()) await dup.check();
    await dialog.getByRole('button', { name: '承知して続ける' }).click();
  }
  await expect(confirmed).toBeVisible();

  // the 算定 preview: ORCA's 請求金額シミュレーション for today's orders, before the visit goes to 会計
  const preview = doctor.getByTestId('orca-preview');
  await doctor.getByRole('button', { name: 'ORCAで算定' }).click();
  await expect(preview.getByTestId('orca-preview-points')).toContainText('点', { timeout: 20_000 });
  await expect(preview.getByTestId('orca-preview-yen')).toContainText('円');
  await expect(preview).toContainText('初・再診料');
  await expect(preview).toContainText('投薬');
  await doctorCtx.close();

  // reception: 会計へ → the orders go to ORCA as 中途データ; the board shows 会計待ち
  await queueRow(page, p.fullName).getByRole('button', { name: '会計へ' }).click();
  await expect(queueRow(page, p.fullName).getByTestId('orca-state')).toContainText('会計待ち', { timeout: 40_000 });

  // the ORCA staff (sandbox control API) 確定 the 中途データ and do the 会計
  const state = (await (await fetch(`${ORCA}/__sandbox/state`)).json()) as { patients: { patientId: string; name: string }[]; medical: { patientId: string }[] };
  const orcaPatient = state.patients.find((x) => x.name === `${p.familyName}　${p.givenName}`);
  expect(orcaPatient, 'the patient was registered in ORCA').toBeDefined();
  await expect.poll(async () => ((await (await fetch(`${ORCA}/__sandbox/state`)).json()) as typeof state).medical.filter((m) => m.patientId === orcaPatient!.patientId).length, { timeout: 30_000 }).toBe(1);
  const confirm = await fetch(`${ORCA}/__sandbox/confirm`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ patientId: orcaPatient!.patientId }) });
  expect(confirm.status).toBe(200);
  const invoice = (await confirm.json()) as { billedYen: number; totalPoints: number };

  // the board: the amount and 会計済 (the 会計 is read back from ORCA every 15 s)
  const badge = queueRow(page, p.fullName).getByTestId('orca-state');
  await expect(badge).toContainText('会計済', { timeout: 60_000 });
  await expect(badge).toContainText(`${invoice.billedYen.toLocaleString('ja-JP')}円`);
  await expect(badge).toContainText(`${invoice.totalPoints.toLocaleString('ja-JP')}点`);
});

test('the clinic admin checks the ORCA connection, sees ORCA\'s ドクター for the mapping, and saves the settings', async ({ page }) => {
  await login(page, A.admin);
  await page.getByRole('navigation', { name: 'メインメニュー' }).getByRole('link', { name: 'レセコン連携' }).click();
  await expect(page.getByRole('heading', { name: 'レセコン連携（ORCA）' })).toBeVisible();
  await page.getByRole('button', { name: '接続確認' }).click();
  await expect(page.getByTestId('orca-connection-ok')).toContainText('ORCAに接続できました', { timeout: 20_000 });
  await expect(page.getByTestId('orca-connection-ok')).toContainText('10001 桜井');
  // the demo's mapping is shown as saved: the doctor of さくら is ORCA's 10001
  const form = page.getByRole('form', { name: 'ORCA連携の設定' });
  await expect(form.getByLabel('担当医が未設定・未対応のとき')).toHaveValue('10001');
  await form.getByLabel('担当医が未設定・未対応のとき').fill('12');
  await form.getByRole('button', { name: '保存' }).click();
  await expect(form).toContainText('5桁の数字');
  await form.getByLabel('担当医が未設定・未対応のとき').fill('10001');
  await form.getByRole('button', { name: '保存' }).click();
  await expect(form.getByText('保存しました。')).toBeVisible();
  await expect(page.getByText('対応が必要な送信はありません。').or(page.getByTestId('orca-attention'))).toBeVisible();
});

test('a patient registered at the ORCA counter is brought into the EHR by the receptionist with one click', async ({ page }) => {
  const p = uniquePatient('窓口', 'マドグチ');
  const added = await fetch(`${ORCA}/__sandbox/patients`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ patientId: '*', name: `${p.familyName}　${p.givenName}`, kana: `${p.familyKana}　${p.givenKana}`, birthDate: '1988-08-08', sex: '1', insurances: [] }),
  });
  const { patientId: orcaId } = (await added.json()) as { patientId: string };

  await login(page, A.reception);
  await page.goto('/patients');
  await page.getByRole('link', { name: 'ORCAで登録された患者' }).click();
  const row = page.getByTestId('orca-registered-row').filter({ hasText: orcaId });
  await expect(row).toContainText(p.givenName);
  await row.getByRole('button', { name: '電子カルテに登録' }).click();
  await expect(row.getByRole('status')).toContainText('電子カルテに登録しました。');
  await row.getByRole('link', { name: '患者情報を開く' }).click();
  await expect(page.getByText(p.fullName).first()).toBeVisible();
  await expect(page.getByTestId('orca-link')).toContainText('ORCA連携済');
  await expect(page.getByTestId('orca-link')).toContainText(orcaId);
  // it is no longer offered
  await page.goto('/patients/orca');
  await expect(page.getByTestId('orca-registered-row').filter({ hasText: orcaId })).toHaveCount(0);
});

test('a 受付 made at the ORCA counter shows on the reception board and the receptionist takes it over into the EHR queue', async ({ page }) => {
  test.setTimeout(120_000);
  const p = uniquePatient('窓受', 'マドウケ');
  const post = (action: string, body: unknown) => fetch(`${ORCA}/__sandbox/${action}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  // a patient ORCA knows, brought into the EHR (linked) …
  const { patientId: orcaId } = (await (await post('patients', { patientId: '*', name: `${p.familyName}　${p.givenName}`, kana: `${p.familyKana}　${p.givenKana}`, birthDate: '1979-09-09', sex: '2', insurances: [] })).json()) as { patientId: string };
  await login(page, A.reception);
  await page.goto('/patients/orca');
  const registered = page.getByTestId('orca-registered-row').filter({ hasText: orcaId });
  await registered.getByRole('button', { name: '電子カルテに登録' }).click();
  await expect(registered.getByRole('status')).toContainText('電子カルテに登録しました。');

  // … is checked in at ORCA's own reception screen (the sandbox's ORCA staff)
  const { acceptanceId } = (await (await post('accept', { patientId: orcaId })).json()) as { acceptanceId: string };

  // the board lists it (read from ORCA in the background) and the receptionist takes it over
  await page.goto('/reception');
  const counterRow = page.getByTestId('orca-counter-acceptances').getByRole('row').filter({ hasText: `ORCA患者番号 ${orcaId}` });
  await expect(counterRow).toContainText(p.fullName, { timeout: 60_000 });
  await expect(counterRow).toContainText(`ID ${acceptanceId}`);
  await counterRow.getByRole('button', { name: '受付に取込' }).click();
  await expect(page.getByTestId('orca-counter-notice')).toContainText(`${p.fullName}さんを受付しました`);
  await expect(page.getByTestId('orca-counter-notice')).toContainText(`ORCA受付ID ${acceptanceId}`);
  await expect(queueRow(page, p.fullName).getByTestId('orca-state')).toHaveText('ORCA受付済');
  await expect(page.getByTestId('orca-counter-acceptances').getByRole('row').filter({ hasText: `ORCA患者番号 ${orcaId}` })).toHaveCount(0);

  // ORCA still has exactly the one 受付 for the patient: nothing was sent a second time
  const state = (await (await fetch(`${ORCA}/__sandbox/state`)).json()) as { acceptances: { patientId: string }[] };
  expect(state.acceptances.filter((a) => a.patientId === orcaId)).toHaveLength(1);
});

test('a change made in ORCA to a linked patient is shown to reception and applied as a new version of the patient', async ({ page }) => {
  const p = uniquePatient('変更', 'ヘンコウ');
  const post = (action: string, body: unknown) => fetch(`${ORCA}/__sandbox/${action}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const { patientId: orcaId } = (await (await post('patients', { patientId: '*', name: `${p.familyName}　${p.givenName}`, kana: `${p.familyKana}　${p.givenKana}`, birthDate: '1966-06-06', sex: '1', insurances: [] })).json()) as { patientId: string };
  await login(page, A.reception);
  await page.goto('/patients/orca');
  const registered = page.getByTestId('orca-registered-row').filter({ hasText: orcaId });
  await registered.getByRole('button', { name: '電子カルテに登録' }).click();
  await expect(registered.getByRole('status')).toContainText('電子カルテに登録しました。');

  // ORCA's staff correct the family name and enter the address on ORCA's patient screen
  await post('change-patient', { patientId: orcaId, name: `改姓　${p.givenName}`, kana: `カイセイ　${p.givenKana}`, zipCode: '1500001', address: '東京都渋谷区神宮前9-9-9' });
  await page.goto('/patients/orca');
  const change = page.getByTestId('orca-change-row').filter({ hasText: `ORCA患者番号 ${orcaId}` });
  await expect(change.locator('[data-field="name"]')).toContainText(`改姓　${p.givenName}`);
  await expect(change.locator('[data-field="name"]')).toContainText(p.fullName);
  await expect(change.locator('[data-field="address"]')).toContainText('〒150-0001 東京都渋谷区神宮前9-9-9');
  await change.getByRole('button', { name: 'ORCAの内容を反映' }).click();
  await expect(change.getByRole('status')).toContainText('ORCAの内容を反映しました');

  // the patient now carries ORCA's name; the difference is gone
  await change.getByRole('link').first().click();
  await expect(page.getByText(`改姓 ${p.givenName}`).first()).toBeVisible();
  await page.goto('/patients/orca');
  await expect(page.getByTestId('orca-change-row').filter({ hasText: `ORCA患者番号 ${orcaId}` })).toHaveCount(0);
});
