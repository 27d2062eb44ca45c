import { expect, type Page } from '@playwright/test';
import { generateSync } from 'otplib';
import { DEMO_PASSWORD, DEMO_TOTP_SECRETS } from '../prisma/seed/demo-seed';

export { DEMO_PASSWORD };
export const A = { doctor: 'doctor@sakura.example.jp', nurse: 'nurse@sakura.example.jp', reception: 'reception@sakura.example.jp', admin: 'admin@sakura.example.jp' };
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
