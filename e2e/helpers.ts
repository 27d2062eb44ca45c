import { expect, type Browser, type Locator, type Page } from '@playwright/test';
import { generateSync } from 'otplib';
import { DEMO_PASSWORD, DEMO_TOTP_SECRETS } from '../prisma/seed/demo-seed';

export { DEMO_PASSWORD };
export const A = { doctor: 'doctor@sakura.example.jp', nurse: 'nurse@sakura.example.jp', reception: 'reception@sakura.example.jp', admin: 'admin@sakura.example.jp', operator: 'operator@sakura.example.jp' };
export const B = { doctor: 'doctor@minato.example.jp', nurse: 'nurse@minato.example.jp', reception: 'reception@minato.example.jp', admin: 'admin@minato.example.jp' };
export const B_SECRETS = { [B.doctor]: DEMO_TOTP_SECRETS.doctor!, [B.nurse]: DEMO_TOTP_SECRETS.nurse!, [B.reception]: DEMO_TOTP_SECRETS.receptionist!, [B.admin]: DEMO_TOTP_SECRETS.clinic_admin! };

/** The code for the next 30 s step that has not been used yet (codes are single-use). */
const usedSteps = new Map<string, number>();
export async function freshTotp(secret: string): Promise<string> {
  for (;;) {
    const step = Math.floor(Date.now() / 30_000);
    if ((usedSteps.get(secret) ?? -1) < step) {
      usedSteps.set(secret, step);
      return generateSync({ secret });
    }
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

export async function login(page: Page, loginId: string, password = DEMO_PASSWORD, totpSecret?: string) {
  await page.goto('/login');
  await page.getByLabel('ログインID').fill(loginId);
  await page.getByLabel('パスワード').fill(password);
  await page.getByRole('button', { name: 'ログイン' }).click();
  if (totpSecret) {
    await page.getByLabel('認証コード').fill(await freshTotp(totpSecret));
    await page.getByRole('button', { name: '認証する' }).click();
  }
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
  await page.waitForLoadState('load');
}

export async function logout(page: Page) {
  await page.getByRole('button', { name: 'ログアウト' }).click();
  await expect(page).toHaveURL(/\/login/);
}

const KANA_DIGITS = 'アイウエオカキクケコ';
const KANJI_DIGITS = '〇一二三四五六七八九';
let seq = 0;

/** A patient name unique to this run: kanji for the display, katakana for the search (digits encoded). */
export function uniquePatient(familyName: string, familyKana: string, extra: { address?: string } = {}) {
  const n = String(Date.now() * 10 + (seq++ % 10)).slice(-7);
  const givenKana = [...n].map((d) => KANA_DIGITS[Number(d)]).join('');
  const givenName = `${[...n].map((d) => KANJI_DIGITS[Number(d)]).join('')}郎`;
  return { familyName, givenName, familyKana, givenKana, fullName: `${familyName} ${givenName}`, kana: `${familyKana}${givenKana}`, ...extra };
}
export type NewPatient = ReturnType<typeof uniquePatient>;

export async function fillPatientForm(page: Page, p: NewPatient, insurance: { insurerNumber: string; number: string; validUntil?: string }) {
  await page.getByLabel('氏（漢字）').fill(p.familyName);
  await page.getByLabel('名（漢字）').fill(p.givenName);
  await page.getByLabel('氏（カナ）').fill(p.familyKana);
  await page.getByLabel('名（カナ）').fill(p.givenKana);
  await page.getByLabel('性別').selectOption('male');
  await page.getByLabel('生年月日').fill('1962-05-14');
  await page.getByLabel('保険者番号（8桁）').fill(insurance.insurerNumber);
  await page.getByLabel('番号', { exact: true }).fill(insurance.number);
  if (p.address) await page.getByLabel('住所').fill(p.address);
  if (insurance.validUntil) await page.getByLabel('有効期限').first().fill(insurance.validUntil);
}

/** A patient of clinic A registered (not checked in) by the receptionist in a separate browser context. */
export async function registerPatientElsewhere(browser: Browser, p: NewPatient): Promise<string> {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await login(page, A.reception);
  await page.goto('/patients/new');
  await fillPatientForm(page, p, { insurerNumber: '06131239', number: '5566' });
  await page.getByRole('button', { name: '登録する' }).click();
  await expect(page).toHaveURL(/\/patients\/[0-9a-f-]{36}/);
  const id = /\/patients\/([0-9a-f-]{36})/.exec(page.url())![1]!;
  await ctx.close();
  return id;
}

/**
 * Waits until the chart's keyboard shortcuts work: the command button is marked once the page has hydrated and every
 * panel listens (its text alone is in the server's HTML, so a shortcut pressed on seeing it could be lost).
 */
export async function shortcutsLive(page: Page) {
  await expect(page.locator('button[data-shortcuts="live"]')).toBeVisible();
}

/** A new patient of clinic A (registered elsewhere), and the chart open for `loginId` with its shortcuts live. */
export async function openNewPatientChart(page: Page, browser: Browser, p: NewPatient, loginId = A.doctor): Promise<string> {
  const patientId = await registerPatientElsewhere(browser, p);
  await login(page, loginId);
  await page.goto(`/patients/${patientId}`);
  await shortcutsLive(page);
  return patientId;
}

/** 用法 of a prescription item: the searchable combobox (issue 13); picks the first usage matching `search` (or the first). */
export async function pickUsage(item: Locator, search = '') {
  const box = item.getByRole('combobox', { name: '用法', exact: true });
  await box.click();
  if (search) await box.fill(search);
  await item.getByRole('listbox', { name: '用法の候補' }).getByRole('option').first().click();
  await expect(item.getByTestId('rx-usage-chosen')).toBeVisible();
}

/**
 * The text of a PDF (pdf.js through unpdf): what a reader of the printed document would copy out of it. A PDF whose
 * glyphs are not the characters (a missing font, no ToUnicode map) yields blanks or U+0000 instead of the words.
 */
export async function pdfText(pdf: Buffer): Promise<string> {
  const { extractText, getDocumentProxy } = await import('unpdf');
  const { text } = await extractText(await getDocumentProxy(new Uint8Array(pdf)), { mergePages: true });
  return text;
}
