/**
 * The browser Playwright drives (playwright.config.ts), found or provided without a manual install, in this order:
 *   1. CHROMIUM_PATH (a path you choose; used as given)
 *   2. a system Chromium (Debian's /usr/bin/chromium, …) that actually runs
 *   3. Playwright's own downloaded browser (`npx playwright install`, where a network allows it)
 *   4. the Chromium shipped inside the npm package @sparticuz/chromium (x86-64 Linux, a devDependency): inflated
 *      once into node_modules/.cache/karte-chromium/<version>, with the NSS libraries it needs on LD_LIBRARY_PATH.
 * A candidate counts only if `<browser> --version` answers with a version, so a broken or half-removed install is
 * passed over. See docs/decisions/0013.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export type BrowserSource = 'CHROMIUM_PATH' | 'system' | 'playwright' | 'packaged';
export type Browser = {
  source: BrowserSource;
  executablePath: string;
  /** extra environment for the browser process (the packaged one's libraries and fonts) */
  env: Record<string, string>;
  version: string;
};

export const SYSTEM_CHROMIUMS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

/** What findChromium looks at; tests pass their own. */
export type Probe = {
  env: Record<string, string | undefined>;
  /** the version line of `path --version` run with `env`, or null when it does not run */
  version: (executable: string, env: Record<string, string>) => string | null;
  /** where Playwright would keep its own downloaded Chromium (it may not be there) */
  playwrightPath: () => string | null;
  /** the packaged Chromium, inflated (null where the package or platform does not allow it) */
  packaged: () => Promise<{ executablePath: string; env: Record<string, string> } | null>;
};

export function browserVersion(executable: string, env: Record<string, string> = {}): string | null {
  if (!existsSync(executable)) return null;
  const r = spawnSync(executable, ['--version'], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 20_000 });
  const line = r.status === 0 ? r.stdout.trim() : '';
  return /(Chromium|Chrome)\D*\d+\./.test(line) ? line : null;
}

export async function findChromium(probe: Probe = defaultProbe()): Promise<Browser> {
  const tried: string[] = [];
  const fromPath = probe.env.CHROMIUM_PATH;
  if (fromPath) {
    const version = probe.version(fromPath, {});
    if (version) return { source: 'CHROMIUM_PATH', executablePath: fromPath, env: {}, version };
    throw new Error(`CHROMIUM_PATH=${fromPath} で Chromium を起動できません（${fromPath} --version が応答しません）。`);
  }
  for (const candidate of SYSTEM_CHROMIUMS) {
    const version = probe.version(candidate, {});
    if (version) return { source: 'system', executablePath: candidate, env: {}, version };
  }
  tried.push(`system (${SYSTEM_CHROMIUMS.join(', ')})`);
  const own = probe.playwrightPath();
  if (own) {
    const version = probe.version(own, {});
    if (version) return { source: 'playwright', executablePath: own, env: {}, version };
    tried.push(`Playwright (${own})`);
  }
  const packaged = await probe.packaged();
  if (packaged) {
    const version = probe.version(packaged.executablePath, packaged.env);
    if (version) return { source: 'packaged', ...packaged, version };
    tried.push(`@sparticuz/chromium (${packaged.executablePath})`);
  } else tried.push('@sparticuz/chromium (not installed, or not x86-64 Linux)');
  throw new Error(`Chromium が見つかりません（試したもの: ${tried.join('; ')}）。CHROMIUM_PATH にパスを指定してください。`);
}

export function defaultProbe(root = process.cwd()): Probe {
  const require = createRequire(path.join(root, 'package.json'));
  return {
    env: process.env,
    version: browserVersion,
    playwrightPath: () => {
      try {
        const { chromium } = require('playwright-core') as { chromium: { executablePath(): string } };
        return chromium.executablePath();
      } catch {
        return null;
      }
    },
    packaged: () => packagedChromium(root),
  };
}

/**
 * Inflates @sparticuz/chromium's browser, its graphics libraries, fonts and (for a machine without them) the NSS
 * libraries into node_modules/.cache/karte-chromium/<version>, once: into a staging folder renamed into place, so
 * concurrent runs never see half a browser. The package's own executablePath() would use the shared /tmp/chromium.
 */
export async function packagedChromium(root = process.cwd()): Promise<{ executablePath: string; env: Record<string, string> } | null> {
  if (process.platform !== 'linux' || process.arch !== 'x64') return null;
  const require = createRequire(path.join(root, 'package.json'));
  let pkgDir: string;
  try {
    pkgDir = path.resolve(path.dirname(require.resolve('@sparticuz/chromium')), '..'); // its exports hide package.json
  } catch {
    return null;
  }
  const version = (JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as { version: string }).version;
  const dir = path.join(root, 'node_modules', '.cache', 'karte-chromium', version);
  const executablePath = path.join(dir, 'chromium');
  if (!existsSync(executablePath)) {
    const staging = `${dir}.staging-${process.pid}`;
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    const { inflate } = (await import(path.join(pkgDir, 'build', 'index.js'))) as { inflate: (file: string) => Promise<string> };
    // inflate() writes into os.tmpdir(), which it reads when called: point it at the staging folder for these calls
    const savedTmp = process.env.TMPDIR;
    process.env.TMPDIR = staging;
    let done: Promise<string[]>;
    try {
      done = Promise.all(['chromium.br', 'swiftshader.tar.br', 'fonts.tar.br', 'al2023.tar.br'].map((f) => inflate(path.join(pkgDir, 'bin', f))));
    } finally {
      if (savedTmp === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = savedTmp;
    }
    await done;
    // the package's fonts.conf names Lambda's folders; ours names the inflated fonts and the system's
    mkdirSync(path.join(staging, 'fontconfig'), { recursive: true });
    writeFileSync(
      path.join(staging, 'fontconfig', 'fonts.conf'),
      `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n  <dir>${path.join(dir, 'fonts')}</dir>\n  <dir>/usr/share/fonts</dir>\n  <dir>/usr/local/share/fonts</dir>\n  <cachedir>${path.join(dir, 'fontconfig', 'cache')}</cachedir>\n</fontconfig>\n`,
    );
    try {
      renameSync(staging, dir);
    } catch {
      rmSync(staging, { recursive: true, force: true }); // another run got there first
    }
  }
  const libs = path.join(dir, 'al2023', 'lib');
  return {
    executablePath,
    env: {
      LD_LIBRARY_PATH: [libs, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':'),
      FONTCONFIG_PATH: path.join(dir, 'fontconfig'),
    },
  };
}
