/**
 * The drugs the benchmarks prescribe, by レセ電算 code; name and 薬価基準収載医薬品コード are read from the demo drug
 * master the product ships (lib/masters/demo-data/ssk_y_demo.csv, 支払基金 医薬品マスター rows), so a benchmark can
 * never carry an invented code (issue 9 item 21). A code missing from the master is an error.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const PICKS = [
  { receipt: '612170710', dose: 1, unit: '錠', usage: '1日1回朝食後', kind: 'internal' }, // ノルバスク錠５ｍｇ
  { receipt: '620002430', dose: 1, unit: '錠', usage: '1日1回朝食後', kind: 'internal' }, // ミカルディス錠４０ｍｇ
  { receipt: '622412701', dose: 3, unit: '錠', usage: '1日3回毎食後', kind: 'internal' }, // メトホルミン塩酸塩錠２５０ｍｇＭＴ「トーワ」
  { receipt: '622571801', dose: 1, unit: '錠', usage: '1日1回夕食後', kind: 'internal' }, // ロスバスタチン錠２．５ｍｇ「ＤＳＥＰ」
  { receipt: '620007152', dose: 1, unit: '錠', usage: '疼痛時', kind: 'as_needed' }, // ロキソプロフェンナトリウム錠６０ｍｇ「ＣＨ」
  { receipt: '620009046', dose: 25, unit: 'g', usage: '1日2回 患部に塗布', kind: 'external' }, // ヒルドイドクリーム０．３％
] as const;

export type BenchDrug = (typeof PICKS)[number] & { name: string; yj: string };

/** Column 3 医薬品コード, 5 漢字名称, 32 薬価基準収載医薬品コード (1-based) of the 支払基金 y layout. */
export function benchDrugs(masterFile = join(process.cwd(), 'lib/masters/demo-data/ssk_y_demo.csv')): BenchDrug[] {
  const rows = new Map<string, string[]>();
  for (const line of readFileSync(masterFile, 'utf8').split(/\r?\n/)) {
    if (!line) continue;
    const cols = line.split(',').map((c) => c.replace(/^"|"$/g, ''));
    rows.set(cols[2]!, cols);
  }
  return PICKS.map((p) => {
    const row = rows.get(p.receipt);
    if (!row || !/^[0-9A-Z]{12}$/.test(row[31] ?? '')) throw new Error(`bench drug ${p.receipt} is not in the shipped drug master`);
    return { ...p, name: row[4]!, yj: row[31]! };
  });
}
