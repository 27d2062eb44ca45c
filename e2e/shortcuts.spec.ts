import { expect, test, type Page } from '@playwright/test';
import { openNewPatientChart, pickUsage, uniquePatient } from './helpers';

/**
 * Issue 13: a shortcut must work every time, and the first keystroke after it must land in the field it opened
 * (typed at once, as a fast user does: no wait between the shortcut and the text).
 */

async function shortcutThenType(page: Page, shortcut: string, text: string) {
  await page.keyboard.press(shortcut);
  await page.keyboard.type(text);
}

test('Alt+D, Alt+A and Alt+L focus their search at once: nothing typed right after the shortcut is lost', async ({ page, browser }) => {
  await openNewPatientChart(page, browser, uniquePatient('近道', 'チカミチ'));
  for (let round = 1; round <= 3; round++) {
    await shortcutThenType(page, 'Alt+d', 'こうけつ');
    const dx = page.getByRole('form', { name: '傷病名の追加' }).getByRole('combobox', { name: /傷病名/ });
    await expect(dx).toBeFocused();
    await expect(dx).toHaveValue('こうけつ');
    await dx.fill('');

    await shortcutThenType(page, 'Alt+a', 'ろきそ');
    const allergy = page.locator('#allergy-search');
    await expect(allergy).toBeFocused();
    await expect(allergy).toHaveValue('ろきそ');
    await allergy.fill('');

    await shortcutThenType(page, 'Alt+l', 'hba1c');
    const lab = page.getByRole('combobox', { name: /検査項目を追加/ });
    await expect(lab).toBeFocused();
    await expect(lab).toHaveValue('hba1c');
    await lab.fill('');

    await shortcutThenType(page, 'Alt+p', 'メトホ');
    const rx = page.getByTestId('prescription-editor').getByRole('combobox', { name: '薬品を追加' });
    await expect(rx).toBeFocused();
    await expect(rx).toHaveValue('メトホ');
    await rx.fill('');

    await shortcutThenType(page, 'Alt+v', '120/70 64');
    const vitals = page.getByLabel('バイタル（1行で入力）');
    await expect(vitals).toBeFocused();
    await expect(vitals).toHaveValue('120/70 64');
    await vitals.fill('');
    // the forms stay open: the next round presses the shortcuts on open forms, as a user coming back would
  }
});

test('the command palette 確定s the prescription being written and prints its 処方箋', async ({ page, browser }) => {
  await page.addInitScript(() => {
    (window as unknown as { printed: number }).printed = 0;
    window.print = () => {
      (window as unknown as { printed: number }).printed++;
    };
  });
  await openNewPatientChart(page, browser, uniquePatient('命令', 'メイレイ'));
  const palette = async (command: string) => {
    await page.keyboard.press('Control+k');
    await page.keyboard.type(command);
    await page.keyboard.press('Enter');
  };
  // nothing to print yet: said so, nothing opens
  await palette('処方箋を印刷');
  await expect(page.getByText('印刷できる確定済みの処方がありません。')).toBeVisible();

  await shortcutThenType(page, 'Alt+p', 'メトホ');
  const rxEditor = page.getByTestId('prescription-editor');
  await rxEditor.getByRole('option').first().click();
  await pickUsage(rxEditor.getByTestId('rx-item'), '3回 夕食後');
  await rxEditor.getByTestId('rx-item').getByLabel('日数').fill('14');
  await palette('処方を確定');
  await expect(page.getByText('処方を確定しました。')).toBeVisible();
  await expect(page.getByTestId('prescription-history').getByRole('link', { name: '処方箋を印刷' })).toHaveCount(1);

  await palette('処方箋を印刷');
  await expect(page).toHaveURL(/\/prescriptions\/[0-9a-f-]{36}\/print\?print=1$/);
  await expect(page.locator('body')).toContainText('メトホルミン');
  await expect.poll(() => page.evaluate(() => (window as unknown as { printed: number }).printed)).toBe(1);
});
