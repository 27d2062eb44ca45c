/**
 * JavaScript shipped to the browser: loads /patients and /patients/[id] in a fresh chromium context (empty cache),
 * collects every response of resource type "script", and gzips each body with zlib (level 9) to sum the first-load
 * JS. The biggest chunks are listed with the libraries found in them (by marker strings). Goals: patient list
 * ≤ 150 kB gzip, chart ≤ 250 kB gzip (kB = 1000 bytes).
 *   npx tsx bench/js-size.bench.ts      (BENCH_APP_DIR=/path/with/.next)
 */
import { gzipSync } from 'node:zlib';
import { startApp, type RunningApp } from './app';
import { machineLine, writeSection } from './lib';

const MARKERS: [string, RegExp][] = [
  ['react-dom', /react-dom|Minified React error/],
  ['next router/runtime', /__next_f|next-router-state-tree|NEXT_REDIRECT/],
  ['recharts', /recharts-/],
  ['@tanstack/react-query', /QueryClient|queryCache/],
  ['zod', /ZodError|_zod/],
  ['react-hook-form', /useFormContext|shouldUnregister/],
  ['date-fns', /date-fns|formatDistance/],
  ['next-auth', /next-auth|__Secure-authjs/],
  ['app code (Japanese UI strings)', /[\u3040-\u30ff\u4e00-\u9fff]{4}/],
];

type Chunk = { url: string; raw: number; gzip: number; contains: string[] };
export type JsSizeResult = { pages: { name: string; path: string; goalKb: number; chunks: Chunk[]; totalRaw: number; totalGzip: number }[] };

async function measurePage(app: RunningApp, path: string): Promise<Chunk[]> {
  const context = await app.browser.newContext({ locale: 'ja-JP' });
  await app.login(context);
  const page = await context.newPage();
  const pending: Promise<Chunk | null>[] = [];
  page.on('response', (res) => {
    if (res.request().resourceType() !== 'script') return;
    pending.push(
      res.body().then(
        (body) => {
          const text = body.toString('utf8');
          return { url: new URL(res.url()).pathname, raw: body.length, gzip: gzipSync(body, { level: 9 }).length, contains: MARKERS.filter(([, re]) => re.test(text)).map(([n]) => n) };
        },
        () => null,
      ),
    );
  });
  await page.goto(`${app.baseUrl}${path}`, { waitUntil: 'networkidle' });
  const chunks = (await Promise.all(pending)).filter((c): c is Chunk => c !== null);
  await context.close();
  const seen = new Set<string>();
  return chunks.filter((c) => (seen.has(c.url) ? false : (seen.add(c.url), true))).sort((a, b) => b.gzip - a.gzip);
}

export async function runJsSizeBench(app: RunningApp): Promise<JsSizeResult> {
  const pages = [
    { name: 'patient list', path: '/patients', goalKb: 150 },
    { name: 'chart', path: `/patients/${app.fixture.patientId}`, goalKb: 250 },
  ];
  const out: JsSizeResult['pages'] = [];
  for (const p of pages) {
    const chunks = await measurePage(app, p.path);
    out.push({ ...p, chunks, totalRaw: chunks.reduce((a, c) => a + c.raw, 0), totalGzip: chunks.reduce((a, c) => a + c.gzip, 0) });
  }
  return { pages: out };
}

const kb = (n: number) => (n / 1000).toFixed(1);

export function jsSizeSection(r: JsSizeResult): string {
  return [
    machineLine(),
    '',
    'First-load JS = every script response while loading the page in a fresh chromium context (empty cache) until network idle, each body gzipped with zlib level 9 (kB = 1000 bytes). Inline RSC payload scripts in the HTML are not counted (they are data, part of the document).',
    '',
    '| page | scripts | raw (kB) | gzip (kB) | goal (gzip) | met |',
    '|---|---:|---:|---:|---|:---:|',
    ...r.pages.map((p) => `| ${p.name} (${p.path.replace(/[0-9a-f-]{36}/, '[id]')}) | ${p.chunks.length} | ${kb(p.totalRaw)} | ${kb(p.totalGzip)} | ≤ ${p.goalKb} kB | ${p.totalGzip / 1000 <= p.goalKb ? 'yes' : '**no**'} |`),
    '',
    ...r.pages.flatMap((p) => [
      `Biggest chunks, ${p.name}:`,
      '',
      '| chunk | raw (kB) | gzip (kB) | contains (markers) |',
      '|---|---:|---:|---|',
      ...p.chunks.slice(0, 8).map((c) => `| ${c.url.replace('/_next/static/chunks/', '')} | ${kb(c.raw)} | ${kb(c.gzip)} | ${c.contains.join(', ') || '—'} |`),
      '',
    ]),
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const app = await startApp();
  try {
    writeSection('JavaScript shipped to the browser', jsSizeSection(await runJsSizeBench(app)));
  } finally {
    await app.stop();
  }
  process.exit(0);
}
