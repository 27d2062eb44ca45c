import { expect, test } from '@playwright/test';
import { openNewPatientChart, uniquePatient } from './helpers';

/**
 * Issue 11 / ADR 0087: a doctor of a 有床診療所 registers an admission in the chart (入院日, 入院理由, 入院時診断 from
 * the patient's 傷病名, 担当医, 病室), discharges the patient (退院日, 転帰, 退院先), corrects it (修正 with a reason, a new
 * version in the history), starts the 退院時サマリー from the
 * admission, finds the stay, diagnoses, 転帰, 退院先, 担当医 and 入院理由 pre-filled, and 確定s it. Uses its own new
 * patient only.
 */
test('a doctor admits and discharges a patient, then writes the discharge summary pre-filled from the admission', async ({ page, browser }) => {
  const p = uniquePatient('入院', 'ニュウイン', { address: '東京都新宿区西新宿2-8-1' });
  const patientId = await openNewPatientChart(page, browser, p);

  // a 主病名 to choose as 入院時診断
  await page.keyboard.press('Alt+d');
  const dxForm = page.getByRole('form', { name: '傷病名の追加' });
  await page.keyboard.type('こうけつあつ');
  await dxForm.getByRole('option').filter({ hasText: /^高血圧症/ }).click();
  await dxForm.getByLabel('主病名').check();
  await dxForm.getByRole('button', { name: '追加' }).click();
  await expect(page.getByTestId('diagnosis-row').filter({ hasText: '高血圧症' })).toContainText('主病名');

  // 入院登録
  const panel = page.getByTestId('admission-panel');
  await expect(panel).toContainText('入院歴はありません。');
  await panel.getByRole('button', { name: '入院登録' }).click();
  const admit = page.getByRole('form', { name: '入院登録' });
  await admit.getByLabel('入院日').fill('2026-03-01');
  await admit.getByLabel('入院理由').fill('肺炎の点滴加療のため');
  await admit.getByLabel('病室・病棟').fill('2階 201号室');
  await expect(admit.getByRole('group', { name: '入院時診断' }).getByRole('checkbox', { name: /高血圧症/ })).toBeChecked();
  await expect(admit.getByLabel('担当医')).not.toHaveValue('');
  await admit.getByRole('button', { name: '入院を登録' }).click();
  await expect(panel).toContainText('2026/03/01 の入院を登録しました。');
  const current = panel.getByTestId('admission-current');
  await expect(current).toContainText('入院中');
  await expect(current).toContainText(/2026\/03\/01 入院・\d+日目/);
  await expect(current).toContainText('2階 201号室');
  await expect(current).toContainText('入院時診断：高血圧症');

  // 退院登録: a 退院日 before the 入院日 is refused in Japanese, then the discharge
  await current.getByRole('button', { name: '退院登録' }).click();
  const discharge = page.getByRole('form', { name: '退院登録' });
  await discharge.getByLabel('退院日').fill('2026-02-28');
  await discharge.getByLabel('退院時転帰').selectOption({ label: '治癒・軽快' });
  await discharge.getByRole('button', { name: '退院を登録' }).click();
  await expect(discharge).toContainText('退院日は入院日以降の日付にしてください。');
  await discharge.getByLabel('退院日').fill('2026-03-10');
  await discharge.getByLabel('退院先').fill('自宅');
  await expect(discharge.getByRole('group', { name: '退院時診断' }).getByRole('checkbox', { name: /高血圧症/ })).toBeChecked();
  await discharge.getByRole('button', { name: '退院を登録' }).click();
  await expect(panel).toContainText('2026/03/10 の退院を登録しました（入院 10日）。');
  const past = panel.getByTestId('admission-past').first();
  await expect(past).toContainText('退院済');
  await expect(past).toContainText('2026/03/01〜2026/03/10（10日）');
  await expect(past).toContainText('転帰 治癒・軽快');
  await expect(panel).toContainText('入院登録');

  // 修正: a new version, only with a reason
  await past.getByRole('button', { name: '修正', exact: true }).click();
  const revise = page.getByRole('form', { name: '入院記録の修正' });
  await revise.getByLabel('退院先').fill('自宅（長女と同居）');
  await revise.getByRole('button', { name: '修正を保存' }).click();
  await expect(revise).toContainText('修正理由を入力してください。');
  await revise.getByLabel('修正理由').fill('退院先の追記');
  await revise.getByRole('button', { name: '修正を保存' }).click();
  await expect(panel).toContainText('入院記録を修正しました（第3版）。');
  await expect(past).toContainText('退院先 自宅（長女と同居）');

  // the version history keeps 入院中, 退院済 and the correction with its reason
  await past.getByRole('link', { name: '版歴' }).click();
  const history = page.getByTestId('admission-history');
  await expect(history).toContainText('第3版（最新）');
  await expect(history).toContainText('理由：退院先の追記');
  await expect(history).toContainText('第2版');
  await expect(history).toContainText('第1版');
  await page.goBack();

  // 退院時サマリー started from the admission: pre-filled from it
  await page.getByTestId('admission-past').first().getByRole('link', { name: '退院時サマリーを作成' }).click();
  await expect(page).toHaveURL(new RegExp(`/patients/${patientId}/documents/new\\?kind=discharge_summary&admissionId=[0-9a-f-]{36}$`));
  const editor = page.getByRole('form', { name: '退院時サマリー' });
  await expect(editor.getByTestId('summary-from-admission')).toContainText('入院記録（2026/03/01 入院・退院済・第3版）');
  await expect(editor.getByLabel('入院日')).toHaveValue('2026-03-01');
  await expect(editor.getByLabel('退院日')).toHaveValue('2026-03-10');
  await expect(editor.getByLabel('退院時転帰')).toHaveValue('1');
  await expect(editor.getByLabel('退院先')).toHaveValue('自宅（長女と同居）');
  await expect(editor.getByLabel('入院理由')).toHaveValue('肺炎の点滴加療のため');
  await expect(editor.getByLabel('担当医')).not.toHaveValue('');
  await expect(editor.getByRole('group', { name: '入院時診断' }).getByRole('checkbox', { name: /高血圧症/ })).toBeChecked();
  await expect(editor.getByRole('group', { name: '退院時診断（1つ以上）' }).getByRole('checkbox', { name: /高血圧症/ })).toBeChecked();

  // still editable in the summary; 確定
  await editor.getByLabel('入院中の経過').fill('点滴加療で軽快した。');
  await editor.getByLabel('退院時の状態').fill('ADL自立');
  await editor.getByRole('button', { name: '確定' }).click();
  await expect(page).toHaveURL(new RegExp(`/patients/${patientId}/documents/[0-9a-f-]{36}$`));
  await expect(page.getByRole('heading', { name: /退院時サマリー/ })).toContainText('確定（第1版）');
  const body = page.getByTestId('discharge-summary-body');
  await expect(body).toContainText('2026/03/01 〜 2026/03/10');
  await expect(body).toContainText('高血圧症（主病名）');
  await expect(body).toContainText('治癒・軽快');
  await expect(body.getByTestId('summary-admission-link')).toHaveText('入院記録（第3版）から作成');
  await expect(page.getByTestId('referral-fhir')).toContainText('JP-CLINS 1.5.2 のプロファイルに適合しています。');
});
