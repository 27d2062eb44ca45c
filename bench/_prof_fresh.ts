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


loadFhirProfiles();
const ctx = aContext();
for (let i = 0; i < 200; i++) validateBundleByEntry(buildUnitBundle(ctx, newPatient(labs, i))!.bundle);
const c0 = process.cpuUsage();
for (let i = 200; i < 1700; i++) validateBundleByEntry(buildUnitBundle(ctx, newPatient(labs, i))!.bundle);
const c = process.cpuUsage(c0);
console.log('lab new patient CPU ms/unit', (c.user + c.system) / 1000 / 1500);
const d0 = process.cpuUsage();
const typical: FhirUnitInput = { ...diagnoses, diagnoses: diagnoses.diagnoses.slice(0, 3) };
for (let i = 2000; i < 3500; i++) validateBundleByEntry(buildUnitBundle(ctx, newPatient(typical, i))!.bundle);
const d = process.cpuUsage(d0);
console.log('diag3 new patient CPU ms/unit', (d.user + d.system) / 1000 / 1500);
