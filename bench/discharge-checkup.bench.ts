/**
 * 退院時サマリー and 健康診断結果報告書 in process, no database (issue 11 benchmarks, like the 診療情報提供書 one in
 * bench/referral-document.bench.ts): build, and build + validate, one JP_Bundle_eDischargeSummary (with two 退院時処方
 * MedicationRequests) and one JP_Bundle_eCheckupGeneral (every 特定健診 item the editor has, the urine items and the
 * doctor's judgment). "cold" empties the validation caches before each round: the cost of a first send.
 *
 *   npx tsx bench/discharge-checkup.bench.ts      (BENCH_DOCUMENT_ROUNDS, default 300; BENCH_NO_WRITE=1 prints only)
 */
import { loadavg } from 'node:os';
import { buildCheckupReportBundle, CHECKUP_SYSTEMS, DOCTOR_JUDGMENT_CODE, type CheckupItemInput } from '@/lib/fhir/checkup-report';
import { validateCheckupReportBundle } from '@/lib/fhir/checkup-report-validate';
import { buildDischargeSummaryBundle } from '@/lib/fhir/discharge-summary';
import { validateDischargeSummaryBundle } from '@/lib/fhir/discharge-summary-validate';
import { loadReferralProfiles } from '@/lib/fhir/referral-validate';
import { clearValidationCaches } from '@/lib/fhir/validate';
import { aCheckupReport, aDischargeSummary, aDrugLine } from '@/lib/fhir/test-fixtures';
import { CHECKUP_ITEMS, URINE_ITEMS } from '@/lib/records/documents/document.constants';
import { envInt, machineLine, stats, writeSection, type Stats } from './lib';

const ROUNDS = envInt('BENCH_DOCUMENT_ROUNDS', 300);

const summary = aDischargeSummary({ prescriptions: [aDrugLine(), aDrugLine({ rpNumber: 2, drugCodeSystem: 'generic', drugCode: '2171022F1ZZZ', drugName: '【般】アムロジピン錠5mg' })] });
const items: CheckupItemInput[] = [
  ...CHECKUP_ITEMS.map((i, n): CheckupItemInput => ({ kind: 'quantity', code: i.code, display: i.display, value: 10 + n, unit: i.unit, ucum: i.ucum, category: i.category })),
  ...URINE_ITEMS.map((u): CheckupItemInput => ({ kind: 'coded', code: u.code, display: u.display, system: CHECKUP_SYSTEMS.urine, valueCode: '1', valueDisplay: '－', category: 'laboratory', specimen: '尿' })),
  { kind: 'text', code: DOCTOR_JUDGMENT_CODE, display: '医師の診断（判定）', value: '総合判定: A 異常なし', category: 'exam' },
];
const report = aCheckupReport({ items });

function measure(fn: () => void, before?: () => void): Stats {
  for (let i = 0; i < 50; i++) {
    before?.();
    fn();
  }
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    before?.();
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  return stats(times);
}

loadReferralProfiles();
const check = (what: string, issues: { severity: string }[]) => {
  if (issues.some((i) => i.severity === 'error')) throw new Error(`${what} not valid: ${JSON.stringify(issues)}`);
};
check('discharge summary', validateDischargeSummaryBundle(buildDischargeSummaryBundle(summary)));
check('checkup report', validateCheckupReportBundle(buildCheckupReportBundle(report)));
const load = loadavg().map((l) => l.toFixed(2)).join(' / ');

const dsValidate = () => validateDischargeSummaryBundle(buildDischargeSummaryBundle(summary));
const crValidate = () => validateCheckupReportBundle(buildCheckupReportBundle(report));
const rows: [string, Stats, string][] = [
  ['退院時サマリー: build', measure(() => buildDischargeSummaryBundle(summary)), ''],
  ['退院時サマリー: build + validate', measure(dsValidate), 'p95 ≤ 5 ms (the 診療情報提供書 goal)'],
  ['退院時サマリー: build + validate, cold', measure(dsValidate, clearValidationCaches), 'first send'],
  ['健診結果報告書: build', measure(() => buildCheckupReportBundle(report)), ''],
  ['健診結果報告書: build + validate', measure(crValidate), 'p95 ≤ 5 ms (the 診療情報提供書 goal)'],
  ['健診結果報告書: build + validate, cold', measure(crValidate, clearValidationCaches), 'first send'],
];
const size = (b: object) => `${(JSON.stringify(b).length / 1024).toFixed(1)} KB`;
const row = ([what, m, goal]: [string, Stats, string]) => {
  const verdict = goal.startsWith('p95') ? (m.p95 <= 5 ? ': met' : ': not met') : '';
  return `| ${what} | ${m.p50.toFixed(2)} | ${m.p95.toFixed(2)} | ${m.max.toFixed(1)} | ${goal}${verdict} |`;
};
const body = `${machineLine()} Load average at start ${load} (the machine is shared with other helpers' tests and builds: figures are upper bounds).

What: one 退院時サマリー (2 diagnoses, 1 allergy, 2 退院時処方 MedicationRequests; ${size(buildDischargeSummaryBundle(summary).bundle)}) and one
健康診断結果報告書 (${items.length} items: every 特定健診 item of the editor, 尿糖, 尿蛋白, 医師の診断; ${size(buildCheckupReportBundle(report).bundle)}),
in one process, no database; ${ROUNDS} rounds after 50 warm-up rounds; ms. "build + validate" is what the preview, 送信
and the delivery run (the 6情報 units, the 退院時サマリー's Composition structure and the MedicationRequests are cached
by content after the first round, as a preview followed by 送信 is; the document rules run every round); "cold" empties
the validation caches before each round: most of the summary's cold cost is registering its Composition profile for
the call (withCompositionProfile, twice a validation). The p95 and max columns follow the machine's load (load average
15–20 during the run), not the code: p50 is the figure to compare.

| step | p50 | p95 | max | goal |
|---|---:|---:|---:|---|
${rows.map(row).join('\n')}

Reproduce: \`npx tsx bench/discharge-checkup.bench.ts\`.`;
console.log(body);
if (process.env.BENCH_NO_WRITE !== '1') writeSection('退院時サマリー and 健康診断結果報告書 (build + validate)', body);
