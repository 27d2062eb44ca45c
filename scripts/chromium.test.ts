/**
 * `npm test` finds or provides its browser by itself (issue 14 part 2): the order of the sources, and the last
 * resort — the Chromium inside @sparticuz/chromium — really launching and rendering a page.
 */
import { describe, expect, it } from 'vitest';
import { chromium } from '@playwright/test';
import { findChromium, packagedChromium, SYSTEM_CHROMIUMS, type Probe } from './chromium';

/** A machine where only `working` paths answer --version. */
function machine(options: { env?: Record<string, string>; working: string[]; playwright?: string; packaged?: string | null }): Probe {
  return {
    env: options.env ?? {},
    version: (p) => (options.working.includes(p) ? `Chromium 150.0.0.0 (${p})` : null),
    playwrightPath: () => options.playwright ?? null,
    packaged: async () => (options.packaged ? { executablePath: options.packaged, env: { LD_LIBRARY_PATH: '/x/lib' } } : null),
  };
}

describe('finding a browser', () => {
  const all = ['/opt/mine/chrome', SYSTEM_CHROMIUMS[0]!, '/pw/chrome', '/pkg/chromium'];

  it('takes CHROMIUM_PATH first, then a system Chromium, then Playwright\'s download, then the packaged one', async () => {
    const everything = { working: all, playwright: '/pw/chrome', packaged: '/pkg/chromium' };
    expect(await findChromium(machine({ ...everything, env: { CHROMIUM_PATH: '/opt/mine/chrome' } }))).toMatchObject({ source: 'CHROMIUM_PATH', executablePath: '/opt/mine/chrome' });
    expect(await findChromium(machine(everything))).toMatchObject({ source: 'system', executablePath: SYSTEM_CHROMIUMS[0] });
    expect(await findChromium(machine({ ...everything, working: ['/pw/chrome', '/pkg/chromium'] }))).toMatchObject({ source: 'playwright' });
    expect(await findChromium(machine({ ...everything, working: ['/pkg/chromium'] }))).toMatchObject({ source: 'packaged', env: { LD_LIBRARY_PATH: '/x/lib' } });
  });

  it('passes over a system Chromium that does not run (removed, or its libraries missing)', async () => {
    // SYSTEM_CHROMIUMS[0] "exists" but answers no version: not working
    expect(await findChromium(machine({ working: ['/pkg/chromium'], packaged: '/pkg/chromium' }))).toMatchObject({ source: 'packaged' });
  });

  it('says what it tried, in Japanese, when nothing runs; a CHROMIUM_PATH that does not run is an error, not skipped', async () => {
    await expect(findChromium(machine({ working: [] }))).rejects.toThrow(/Chromium が見つかりません.*@sparticuz\/chromium/);
    await expect(findChromium(machine({ working: ['/pkg/chromium'], packaged: '/pkg/chromium', env: { CHROMIUM_PATH: '/nope' } }))).rejects.toThrow(/CHROMIUM_PATH=\/nope/);
  });

  it.runIf(process.platform === 'linux' && process.arch === 'x64')(
    'the Chromium inside @sparticuz/chromium launches and renders a page (with its own NSS libraries)',
    async () => {
      const packaged = await packagedChromium();
      expect(packaged).not.toBeNull();
      const browser = await chromium.launch({
        executablePath: packaged!.executablePath,
        env: { ...process.env, ...packaged!.env } as Record<string, string>,
        args: ['--no-sandbox', '--disable-gpu'],
      });
      try {
        const page = await browser.newPage();
        await page.setContent('<main><h1>診療録</h1><input aria-label="主訴"></main>');
        await page.getByLabel('主訴').fill('頭痛');
        expect(await page.getByRole('heading').textContent()).toBe('診療録');
        expect(await page.getByLabel('主訴').inputValue()).toBe('頭痛');
        expect(browser.version()).toMatch(/^\d+\./);
      } finally {
        await browser.close();
      }
    },
    120_000,
  );
});
