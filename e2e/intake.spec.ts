import { expect, test } from '@playwright/test';
import { A, login, registerPatientElsewhere, uniquePatient } from './helpers';

/**
 * A nurse's 予診 (issue 13, ADR 0064): 主訴・問診 and vitals as her own 確定 record — no doctor to choose, nothing to
 * approve — shown in the doctor's chart, where 「予診をSへ」 puts it into the S of his note.
 */
test("a nurse's 予診 is recorded at once and the doctor takes it into S", async ({ page, browser }) => {
  const patientId = await registerPatientElsewhere(browser, uniquePatient('予診', 'ヨシン'));
  await login(page, A.nurse);
  await page.goto(`/patients/${patientId}`);
  const editor = page.getByRole('form', { name: '診療録の入力' });
  await editor.getByLabel(/予診として記録/).check();
  await expect(editor.getByLabel('担当医')).toHaveCount(0);
  await expect(editor.getByRole('textbox', { name: 'O（客観的情報）' })).toHaveCount(0);
  await editor.getByRole('textbox', { name: '主訴・問診' }).fill('主訴: 咳 3日前から\n問診: 発熱なし、内服変更なし');
  await editor.getByLabel('バイタル（1行で入力）').fill('124/78 76 37.2 98');
  await editor.getByRole('button', { name: /保存/ }).click();
  await expect(editor).toContainText('予診を記録しました（確定・第1版）');
  const card = page.getByTestId('note-card').first();
  await expect(card).toHaveAttribute('data-status', 'final');
  await expect(card).toContainText('予診（主訴・問診・バイタル）');
  await expect(card).not.toContainText('承認待ち');

  const ctx = await browser.newContext();
  const doctor = await ctx.newPage();
  await login(doctor, A.doctor);
  await doctor.goto(`/patients/${patientId}`);
  const intakeCard = doctor.getByTestId('note-card').filter({ hasText: '予診（主訴・問診・バイタル）' });
  await expect(intakeCard).toContainText('咳 3日前から');
  await expect(intakeCard.getByTestId('note-vitals')).toContainText('BP 124/78 mmHg');
  const docEditor = doctor.getByRole('form', { name: '診療録の入力' });
  await expect(docEditor.getByRole('button', { name: '予診をSへ' })).toBeVisible();
  // the palette has it too, beside navigation such as 承認待ち
  await doctor.keyboard.press('Control+k');
  await expect(doctor.getByRole('option', { name: /承認待ち（代行入力）を開く/ })).toBeVisible();
  await doctor.getByRole('combobox', { name: 'コマンドを検索' }).fill('予診をS');
  await doctor.keyboard.press('Enter');
  await expect(docEditor.getByRole('textbox', { name: 'S（主観的情報）' })).toHaveValue('主訴: 咳 3日前から\n問診: 発熱なし、内服変更なし');
  await expect(docEditor).toContainText('予診（');
  await ctx.close();
});
