/**
 * Build + validate one patient's diagnosis bundle and one lab report bundle (lib/fhir), in process, no database.
 * Goal (issue 10): p95 ≤ 5 ms each. Reports the uncached validation (every call validates) and the cached one
 * (validateBundle: the same bundle again, as when the relay re-checks a unit the preview already checked).
 *
 *   npx tsx bench/fhir.bench.ts            (BENCH_FHIR_ROUNDS, default 500; BENCH_NO_WRITE=1 prints only)
 */
import { execSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import { buildUnitBundle } from '@/lib/fhir/bundle';
import { aContext, aDiagnosis, aLabResult, aPatient } from '@/lib/fhir/test-fixtures';
import type { FhirUnitInput } from '@/lib/fhir/types';
import { clearValidationCaches, loadFhirProfiles, validateBundle, validateBundleByEntry, validateBundleUncached } from '@/lib/fhir/validate';
import { writeSection } from './lib';

const ROUNDS = Number(process.env.BENCH_FHIR_ROUNDS ?? 500);

const diagnoses: FhirUnitInput = {
  kind: 'condition',
  patient: aPatient(),
  diagnoses: [
    aDiagnosis({ lineageId: 'b0000000-0000-4000-8000-000000000001', isPrimary: true, longTermStorage: true }),
    aDiagnosis({ lineageId: 'b0000000-0000-4000-8000-000000000002', medisKeyNumber: '20054178', baseName: '脂質異常症', displayName: '脂質異常症' }),
    aDiagnosis({ lineageId: 'b0000000-0000-4000-8000-000000000003', isSuspected: true, displayName: '高血圧症の疑い', modifiers: [{ code: '8002', name: 'の疑い', position: 'suffix' }] }),
    aDiagnosis({ lineageId: 'b0000000-0000-4000-8000-000000000004', displayName: '左高血圧症', modifiers: [{ code: '2049', name: '左', position: 'prefix', keyNumber: 'QXYZ', exchangeCode: 'HJ8T' }] }),
    aDiagnosis({ lineageId: 'b0000000-0000-4000-8000-000000000005', outcome: 'cured', endDate: new Date('2024-03-31T00:00:00Z') }),
    aDiagnosis({ lineageId: 'b0000000-0000-4000-8000-000000000006', uninformed: true }),
    aDiagnosis({ lineageId: 'b0000000-0000-4000-8000-000000000007', medisKeyNumber: null, displayName: '右足底部痛' }),
    aDiagnosis({ lineageId: 'b0000000-0000-4000-8000-000000000008', outcome: 'discontinued', endDate: new Date('2023-01-10T00:00:00Z') }),
  ],
};
const ITEMS: [string, string, number, string][] = [
  ['TP', 'TP01', 7.1, 'g/dL'], ['ALB', 'ALB01', 4.2, 'g/dL'], ['AST', 'AST01', 22, 'U/L'], ['ALT', 'ALT01', 18, 'U/L'],
  ['GGT', 'GGT01', 30, 'U/L'], ['CRE', 'CRE01', 0.9, 'mg/dL'], ['UA', 'UA01', 5.8, 'mg/dL'], ['BUN', 'BUN01', 14, 'mg/dL'],
  ['NA', 'NA01', 141, 'mEq/L'], ['K', 'K01', 4.1, 'mEq/L'], ['LDLC', 'LDL01', 128, 'mg/dL'], ['HbA1c', 'A1C01', 6.2, '%'],
];
const labs: FhirUnitInput = {
  kind: 'lab-report',
  patient: aPatient(),
  reportKey: 'bench-report',
  results: [
    ...ITEMS.map(([itemKey, localCode, valueNumber, unit], i) =>
      aLabResult({ lineageId: `c0000000-0000-4000-8000-0000000000${String(i).padStart(2, '0')}`, itemKey, jlac10: null, localCode, itemName: itemKey, valueNumber, unit }),
    ),
    aLabResult({ lineageId: 'c0000000-0000-4000-8000-000000000099', itemKey: 'local:KET', jlac10: null, localCode: 'KET_U', itemName: 'ケトン体_尿', valueNumber: null, valueText: '(-)', unit: null, specimen: '尿' }),
  ],
};

function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

/** Wall-clock percentiles, and the mean CPU time of the process per call (robust to other work on the machine). */
function measure(fn: (round: number) => void) {
  for (let i = 0; i < 100; i++) fn(-1 - i);
  const times: number[] = [];
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < ROUNDS; i++) {
    const t = performance.now();
    fn(i);
    times.push(performance.now() - t);
  }
  const cpu = process.cpuUsage(cpu0);
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 0.5), p95: percentile(times, 0.95), max: times.at(-1)!, cpu: (cpu.user + cpu.system) / 1000 / ROUNDS };
}

/** The unit resent after one change: its first record's updatedAt (meta.lastUpdated) differs in every round. */
function oneChanged(input: FhirUnitInput, round: number): FhirUnitInput {
  const at = (d: Date | string) => new Date(new Date(d).getTime() + (round + 1000) * 1000);
  if (input.kind === 'condition') return { ...input, diagnoses: input.diagnoses.map((d, i) => (i === 0 ? { ...d, updatedAt: at(d.updatedAt) } : d)) };
  if (input.kind === 'lab-report') return { ...input, results: input.results.map((r, i) => (i === 0 ? { ...r, updatedAt: at(r.updatedAt) } : r)) };
  return input;
}

/**
 * A new patient's unit, as the outbox sends most of them: another patient (id, number, name, birth date, insurance
 * number) and other record ids in every round, so no entry is cached; identical sub-objects (the clinic's extensions,
 * codes) may reuse earlier findings (ADR 0083), as in a running worker.
 */
function newPatient(input: FhirUnitInput, round: number): FhirUnitInput {
  const n = round + 100_000;
  const hex = n.toString(16).padStart(12, '0');
  const patient = { ...input.patient, id: `0b7c1a52-3d6e-4f00-9a1b-${hex}`, patientNumber: n, givenName: `太郎${n % 97}`, birthDate: new Date(Date.UTC(1940 + (n % 60), n % 12, 1 + (n % 28))), insurance: input.patient.insurance && { ...input.patient.insurance, number: String(n) } };
  const id = (lineage: string) => `${lineage.slice(0, 24)}${hex}`;
  if (input.kind === 'condition') return { ...input, patient, diagnoses: input.diagnoses.map((d) => ({ ...d, lineageId: id(d.lineageId) })) };
  if (input.kind === 'lab-report') return { ...input, patient, reportKey: `bench-report-${n}`, results: input.results.map((r) => ({ ...r, lineageId: id(r.lineageId) })) };
  return { ...input, patient };
}

const t0 = performance.now();
loadFhirProfiles();
const loadMs = performance.now() - t0;
const ctx = aContext();
const rows: string[] = [];
const summary: Record<string, { p50: number; p95: number; max: number; cpu: number }> = {};
const summaryNew: typeof summary = {};
const typical: FhirUnitInput = { ...diagnoses, diagnoses: diagnoses.diagnoses.slice(0, 3) };
for (const [name, input] of [['diagnosis bundle (3 diagnoses)', typical], ['diagnosis bundle (8 diagnoses)', diagnoses], ['lab report bundle (13 results)', labs]] as const) {
  const sample = buildUnitBundle(ctx, input)!;
  const issues = validateBundleUncached(sample.bundle).filter((i) => i.severity === 'error');
  if (issues.length) throw new Error(`${name}: not valid: ${JSON.stringify(issues)}`);
  const build = measure(() => buildUnitBundle(ctx, input));
  const uncached = measure(() => validateBundleUncached(buildUnitBundle(ctx, input)!.bundle));
  const entriesCold = measure(() => {
    clearValidationCaches();
    validateBundleByEntry(buildUnitBundle(ctx, input)!.bundle);
  });
  const resend = measure((round) => validateBundleByEntry(buildUnitBundle(ctx, oneChanged(input, round))!.bundle));
  const fresh = measure((round) => validateBundleByEntry(buildUnitBundle(ctx, newPatient(input, round))!.bundle));
  const cached = measure(() => validateBundle(buildUnitBundle(ctx, input)!.bundle));
  summary[name] = resend;
  summaryNew[name] = fresh;
  const kb = (JSON.stringify(sample.bundle).length / 1024).toFixed(1);
  for (const [what, m] of [
    ['build only', build],
    ['build + validate, whole bundle, nothing cached (`validateBundleUncached`)', uncached],
    ['build + validate per entry, nothing cached', entriesCold],
    ['build + validate per entry, a new patient in every round (nothing of the unit cached; a running worker)', fresh],
    ['build + validate per entry, resent after one record changed (the other entries cached)', resend],
    ['build + validate, the same bundle again (cached by content)', cached],
  ] as const) {
    rows.push(`| ${name}, ${kb} KB | ${what} | ${m.p50.toFixed(2)} | ${m.p95.toFixed(2)} | ${m.max.toFixed(1)} | ${m.cpu.toFixed(2)} | ${what === 'build only' ? '' : m.p95 <= 5 ? 'yes' : 'no'} |`);
  }
}

const commit = execSync('git rev-parse --short HEAD').toString().trim();
const body = `Run: ${new Date().toISOString().slice(0, 10)}, commit ${commit}, machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${Math.round(totalmem() / 2 ** 30)} GiB RAM, Node ${process.version}; load average at start ${loadavg().map((l) => l.toFixed(2)).join(' / ')} (${process.env.BENCH_LOAD_NOTE ?? 'see the load average'}).

What: \`buildUnitBundle\` + validation (lib/fhir) in one process, no database: @medplum/core structure validation on the
derived JP-CLINS 1.5.2 profiles, the profiles' invariants through its FHIRPath engine, and the IG text rules. ${ROUNDS} rounds after
100 warm-up rounds; wall-clock times in ms, and the process's CPU time per call (user + system, the mean over the rounds:
it moves far less with other work on the machine than the wall-clock p95, but still some: compare runs at similar load). Rows: the whole-bundle path
(\`validateBundleUncached\`, what every validation cost before ADR 0069); the per-entry path (\`validateBundleByEntry\`,
ADR 0069) with its cache emptied before every call; the same after one record changed (its meta.lastUpdated differs in
every round, the other entries are cached: the usual resend of a unit); and \`validateBundle\` on the same bundle again
(SHA-256 of the JSON, then the stored issues). Loading the R4 base definitions and the profiles once per process:
${loadMs.toFixed(0)} ms. Goal: p95 ≤ 5 ms for build + validate.

| bundle | step | p50 (ms) | p95 (ms) | max (ms) | CPU per call (ms) | p95 ≤ 5 ms |
|---|---|---:|---:|---:|---:|:---:|
${rows.join('\n')}

Result: ${Object.entries(summary).map(([name, m]) => `${name}, resent after one change: p95 ${m.p95.toFixed(2)} ms (CPU ${m.cpu.toFixed(2)} ms) — ${m.p95 <= 5 ? 'met' : 'not met'}`).join('; ')}.
A new patient's unit: ${Object.entries(summaryNew).map(([name, m]) => `${name} p95 ${m.p95.toFixed(2)} ms (CPU ${m.cpu.toFixed(2)} ms) — ${m.p95 <= 5 ? 'met' : 'not met'}`).join('; ')}.
The structure check is lib/fhir/structure.ts (ADR 0083: @medplum/core's algorithm without visits to absent elements,
identical sub-objects' findings reused); the invariants and the per-entry wrapper (ADR 0069) are the rest.

Before the rewrite in ADR 0026 (a profile passed to \`validateResource\` is parsed on every call, every invariant re-parsed on every
element), one Condition took ≈ 14 ms and one lab Observation 80–130 ms.

Reproduce: \`npx tsx bench/fhir.bench.ts\`.`;

console.log(body);
for (const [name, m] of Object.entries(summary)) console.log(`${name}: resend p95 ${m.p95.toFixed(2)} ms, CPU ${m.cpu.toFixed(2)} ms; new patient p95 ${summaryNew[name]!.p95.toFixed(2)} ms, CPU ${summaryNew[name]!.cpu.toFixed(2)} ms`);
if (process.env.BENCH_NO_WRITE !== '1') writeSection('FHIR bundles (build + validate)', body);
