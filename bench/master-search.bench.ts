/**
 * Master search benchmark: imports the FULL official files from ../shared/masters/ssk (b ≈ 27k diseases, y_ALL ≈ 19.7k
 * drugs) into DATABASE_URL, then measures server-side latency of searchDiseases / searchDrugs over ~200 realistic
 * queries (kanji and kana, 1–4 characters). Writes the table into docs/benchmarks.md under "## Master search".
 *   DATABASE_URL=postgresql://… npx tsx bench/master-search.bench.ts
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { disconnectDb } from '@/lib/core/db';
import { importMasterFile } from '@/lib/masters/import-master';
import { searchDiseases, searchDrugs } from '@/lib/masters/master-search.repository';

const SHARED = join(process.cwd(), '..', 'shared', 'masters', 'ssk');
const GOAL_P95_MS = 20;

const DISEASE_QUERIES = [
  '高', '炎', '症', '胃', '腸', '肺', '腎', '肝', '心', '頭', '痛', '癌', '腫', '糖', '鼻', '耳', '眼', '皮', '骨', '関',
  '高血', '胃炎', '腸炎', '肺炎', '腎炎', '肝炎', '頭痛', '腰痛', '糖尿', '鼻炎', '結膜', '湿疹', '喘息', '貧血', '便秘', '不眠', '骨折', '捻挫', '感冒', '気管',
  '高血圧', '糖尿病', '胃潰瘍', '気管支', '皮膚炎', '膀胱炎', '中耳炎', '扁桃炎', '副鼻腔', '脂質異', '心不全', '脳梗塞', '骨粗鬆', '逆流性', '片頭痛', '帯状疱', '蕁麻疹', '花粉症', '不整脈', '狭心症',
  '高血圧症', '糖尿病性', '急性胃炎', '慢性胃炎', '気管支炎', '急性上気', 'アレルギ', '高脂血症', '変形性膝', '前立腺肥', '過敏性腸', '逆流性食', '急性腸炎', '慢性腎臓', '鉄欠乏性',
  'こ', 'い', 'か', 'き', 'し', 'ひ', 'ぜ', 'ま', 'へ', 'と',
  'こう', 'いえ', 'かん', 'きゅ', 'まん', 'とう', 'ずつ', 'ひふ', 'ぜん', 'はい',
  'こうけ', 'とうにょ', 'いかいよ', 'きかんし', 'まんせい', 'きゅうせ', 'ずつう', 'ようつう', 'ぜんそく', 'ひんけつ',
  'コウ', 'トウ', 'イエ', 'カゼ', 'ベンピ', 'ヒフエ', 'アレル', 'ジンマ', 'ゼンソ', 'ヘンズ',
];
const DRUG_QUERIES = [
  'ア', 'ロ', 'カ', 'ム', 'フ', 'セ', 'メ', 'レ', 'ク', 'プ', '錠', '散', '注', '軟', '液',
  'アム', 'ロキ', 'カロ', 'ムコ', 'ガス', 'フロ', 'セフ', 'メト', 'レバ', 'クラ', 'プレ', 'アレ', 'モン', 'ラン', 'ファ',
  'アムロ', 'ロキソ', 'カロナ', 'ムコス', 'ガスタ', 'フロモ', 'セフカ', 'メトホ', 'レバミ', 'クラリ', 'プレド', 'アレグ', 'モンテ', 'ランソ', 'ファモ',
  'アムロジ', 'ロキソニ', 'カロナー', 'ムコスタ', 'ガスター', 'フロモッ', 'セフカペ', 'メトホル', 'レバミピ', 'クラリス', 'プレドニ', 'アレグラ', 'モンテル', 'ランソプ', 'ファモチ',
  'あ', 'ろ', 'か', 'む', 'ふ', 'あむ', 'ろき', 'かろ', 'むこ', 'がす',
  'あむろ', 'ろきそ', 'かろな', 'むこす', 'がすた', 'あむろじ', 'ろきそに', 'かろなー', 'ればみぴ', 'くらりす',
  'ｱﾑﾛ', 'ﾛｷｿ', 'ｶﾛﾅ', 'ﾑｺｽ', 'ｶﾞｽﾀ', '５ｍｇ', '１０ｍｇ', 'アセト', 'アモキ', 'シングレ',
];

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function measure(name: string, queries: string[], fn: (q: string) => Promise<unknown[]>) {
  for (const q of queries.slice(0, 20)) await fn(q); // warm-up (plans, buffers)
  const times: number[] = [];
  let hits = 0;
  for (let round = 0; round < 2; round++) {
    for (const q of queries) {
      const t = performance.now();
      const rows = await fn(q);
      times.push(performance.now() - t);
      hits += rows.length;
    }
  }
  times.sort((a, b) => a - b);
  return {
    name,
    n: times.length,
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    max: times[times.length - 1],
    avgHits: hits / times.length,
  };
}

async function main() {
  const bFile = join(SHARED, 'b_20240601.txt');
  const yFile = join(SHARED, 'y_ALL20240321.csv');
  if (!existsSync(bFile) || !existsSync(yFile)) {
    console.log(`../shared/masters/ssk がないためベンチマークをスキップします (${SHARED})`);
    return;
  }
  const imports = [];
  for (const filePath of [bFile, yFile]) {
    const r = await importMasterFile({ filePath });
    console.log(`imported ${r.kind}: ${r.processedRows} rows in ${r.durationMs} ms (errors ${r.errorCount})`);
    imports.push(r);
  }
  const results = [
    await measure('searchDiseases (limit 20)', DISEASE_QUERIES, (q) => searchDiseases(q, 20)),
    await measure('searchDrugs (limit 20)', DRUG_QUERIES, (q) => searchDrugs(q, 20)),
  ];
  const date = new Date().toISOString().slice(0, 10);
  const lines = [
    '## Master search',
    '',
    `Run: ${date}, machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), database: ${(process.env.DATABASE_URL ?? 'embedded').replace(/\/\/[^@]*@/, '//')}.`,
    `Data: full 支払基金 b_20240601 (${imports[0].processedRows} diseases, import ${(imports[0].durationMs / 1000).toFixed(1)} s) and y_ALL20240321 (${imports[1].processedRows} drugs, import ${(imports[1].durationMs / 1000).toFixed(1)} s).`,
    `Queries: ${DISEASE_QUERIES.length} disease / ${DRUG_QUERIES.length} drug queries (kanji, hiragana, katakana, half-width kana; 1–4 characters), each run twice after a warm-up; time = one awaited repository call (query + transfer). Goal: p95 ≤ ${GOAL_P95_MS} ms.`,
    '',
    '| function | calls | p50 (ms) | p95 (ms) | max (ms) | avg rows | goal met |',
    '|---|---:|---:|---:|---:|---:|:---:|',
    ...results.map(
      (r) =>
        `| ${r.name} | ${r.n} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.max.toFixed(1)} | ${r.avgHits.toFixed(1)} | ${r.p95 <= GOAL_P95_MS ? 'yes' : 'no'} |`,
    ),
    '',
    'Reproduce: `DATABASE_URL=postgresql://… npx tsx bench/master-search.bench.ts`.',
    '',
  ];
  const section = lines.join('\n');
  console.log(`\n${section}`);
  const docPath = join(process.cwd(), 'docs', 'benchmarks.md');
  const existing = existsSync(docPath) ? readFileSync(docPath, 'utf8') : '# Benchmarks\n\n';
  const re = /## Master search\n[\s\S]*?(?=\n## |$)/;
  const updated = re.test(existing) ? existing.replace(re, section) : `${existing.replace(/\n*$/, '\n\n')}${section}`;
  writeFileSync(docPath, updated);
  console.log(`wrote ${docPath}`);
}

main()
  .catch((e) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(() => disconnectDb());
