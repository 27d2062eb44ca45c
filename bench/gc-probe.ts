/**
 * Where the tail of a new bundle's build + validate goes: the new-patient loops of fhir.bench.ts and the new-letter loop
 * of referral-document.bench.ts, one workload per process, with every GC pause (PerformanceObserver) attributed to the
 * round it fell in, the CPU per call, and (GC_PROBE_ALLOC=1, run with a semi-space large enough that no GC happens in the
 * measured rounds) the bytes allocated per call.
 *
 *   npx tsx bench/gc-probe.ts lab|dx3|dx8|letter     (GC_PROBE_ROUNDS, default 400; GC_PROBE_WARM, default 100)
 *   GC_PROBE_ALLOC=1 node --expose-gc --max-semi-space-size=256 --min-semi-space-size=256 --import tsx bench/gc-probe.ts lab
 *   GC_PROBE_MARK=1 node --trace-gc-nvp --import tsx bench/gc-probe.ts lab   (a marker line before the measured rounds:
 *     V8's per-scavenge figures — promoted, copied, phases — of the measured rounds follow it)
 *
 * Used for ADR 0069's addendum on scavenge survivors; prints only, writes nothing.
 */
import { PerformanceObserver, constants } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import { loadavg } from 'node:os';
import { buildUnitBundle } from '@/lib/fhir/bundle';
import { buildReferralBundle, type ReferralDocumentInput } from '@/lib/fhir/referral';
import { loadReferralProfiles, validateReferralBundle } from '@/lib/fhir/referral-validate';
import { aContext, aDiagnosis, aLabResult, aPatient, aReferral } from '@/lib/fhir/test-fixtures';
import type { FhirUnitInput } from '@/lib/fhir/types';
import { loadFhirProfiles, validateBundleByEntry } from '@/lib/fhir/validate';

const ROUNDS = Number(process.env.GC_PROBE_ROUNDS ?? 400);
const which = process.argv[2] ?? 'lab';

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

/** fhir.bench.ts's newPatient */
function newPatient(input: FhirUnitInput, round: number): FhirUnitInput {
  const n = round + 100_000;
  const hex = n.toString(16).padStart(12, '0');
  const patient = { ...input.patient, id: `0b7c1a52-3d6e-4f00-9a1b-${hex}`, patientNumber: n, givenName: `太郎${n % 97}`, birthDate: new Date(Date.UTC(1940 + (n % 60), n % 12, 1 + (n % 28))), insurance: input.patient.insurance && { ...input.patient.insurance, number: String(n) } };
  const id = (lineage: string) => `${lineage.slice(0, 24)}${hex}`;
  if (input.kind === 'condition') return { ...input, patient, diagnoses: input.diagnoses.map((d) => ({ ...d, lineageId: id(d.lineageId) })) };
  if (input.kind === 'lab-report') return { ...input, patient, reportKey: `bench-report-${n}`, results: input.results.map((r) => ({ ...r, lineageId: id(r.lineageId) })) };
  return { ...input, patient };
}

const letter: ReferralDocumentInput = aReferral({
  sections: { purpose: '精査加療のお願い', chiefComplaint: '労作時胸痛', presentIllness: '1か月前から労作時に胸痛', pastHistory: '虫垂炎（1990年）', familyHistory: '父 心筋梗塞', clinicalCourse: '2026/11/01 血圧 150/90、降圧薬開始', medications: 'アムロジピン 5mg 1日1回', remarks: '', diagnosesNote: '', allergiesNote: '', labsNote: '' },
  diagnoses: [aDiagnosis({ isPrimary: true }), aDiagnosis({ lineageId: 'b0000000-0000-4000-8000-000000000002', displayName: '脂質異常症', baseName: '脂質異常症', medisKeyNumber: '20054178' })],
});
/** referral-document.bench.ts's newLetter */
let fresh = 0;
function newLetter(): ReferralDocumentInput {
  const n = ++fresh + 100_000;
  const hex = n.toString(16).padStart(12, '0');
  const id = (lineage: string) => `${lineage.slice(0, 24)}${hex}`;
  const patient = { ...letter.patient, id: `0b7c1a52-3d6e-4f00-9a1b-${hex}`, patientNumber: n, givenName: `太郎${n % 97}`, birthDate: new Date(Date.UTC(1940 + (n % 60), n % 12, 1 + (n % 28))), insurance: letter.patient.insurance && { ...letter.patient.insurance, number: String(n) } };
  return {
    ...letter,
    lineageId: id(letter.lineageId),
    patient,
    diagnoses: letter.diagnoses.map((d) => ({ ...d, lineageId: id(d.lineageId) })),
    allergies: letter.allergies.map((a) => ({ ...a, lineageId: id(a.lineageId) })),
    labReports: letter.labReports.map((r) => ({ reportKey: `${r.reportKey}-${n}`, results: r.results.map((x) => ({ ...x, lineageId: id(x.lineageId) })) })),
  };
}

const ctx = aContext();
const unit = (input: FhirUnitInput) => (round: number) => void validateBundleByEntry(buildUnitBundle(ctx, newPatient(input, round))!.bundle);
const work: Record<string, (round: number) => void> = {
  lab: unit(labs),
  dx3: unit({ ...diagnoses, diagnoses: diagnoses.diagnoses.slice(0, 3) }),
  dx8: unit(diagnoses),
  letter: () => void validateReferralBundle(buildReferralBundle(newLetter())),
};
const fn = work[which];
if (!fn) throw new Error(`unknown workload ${which}`);
loadFhirProfiles();
loadReferralProfiles();
const WARM = Number(process.env.GC_PROBE_WARM ?? 100);
for (let i = 0; i < WARM; i++) fn(-1 - i);

if (process.env.GC_PROBE_ALLOC === '1') {
  // no GC expected in these rounds (a large semi-space): used heap grows by exactly what they allocate
  const n = Number(process.env.GC_PROBE_ALLOC_ROUNDS ?? 40);
  (globalThis as { gc?: () => void }).gc?.();
  let gcs = 0;
  const obs = new PerformanceObserver((list) => (gcs += list.getEntries().length));
  obs.observe({ entryTypes: ['gc'] });
  const before = getHeapStatistics().used_heap_size;
  for (let i = 0; i < n; i++) fn(i);
  const after = getHeapStatistics().used_heap_size;
  setTimeout(() => {
    obs.disconnect();
    console.log(`${which}: allocated per call ${((after - before) / n / 1024 / 1024).toFixed(3)} MB (${n} calls, ${gcs} GCs during them${gcs ? ': figure invalid' : ''})`);
  }, 10);
} else {
  const starts: number[] = [];
  const ends: number[] = [];
  const gcs: { start: number; duration: number; kind: number }[] = [];
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcs.push({ start: e.startTime, duration: e.duration, kind: (e as unknown as { detail: { kind: number } }).detail.kind });
  });
  obs.observe({ entryTypes: ['gc'] });
  const load = loadavg();
  if (process.env.GC_PROBE_MARK) console.log('---- measure');
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < ROUNDS; i++) {
    starts.push(performance.now());
    fn(i);
    ends.push(performance.now());
  }
  const cpu = process.cpuUsage(cpu0);
  setTimeout(() => {
    obs.disconnect();
    const kinds: Record<number, string> = { [constants.NODE_PERFORMANCE_GC_MINOR]: 'scavenge', [constants.NODE_PERFORMANCE_GC_MAJOR]: 'mark-compact', [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental', [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb' };
    const perRound = new Array<number>(ROUNDS).fill(0);
    const byKind: Record<string, { n: number; total: number; max: number; inRounds: number }> = {};
    let r = 0;
    for (const g of gcs) {
      while (r < ROUNDS && ends[r]! < g.start) r++;
      const inRound = r < ROUNDS && starts[r]! <= g.start;
      const k = kinds[g.kind] ?? String(g.kind);
      const s = (byKind[k] ??= { n: 0, total: 0, max: 0, inRounds: 0 });
      s.n++;
      s.total += g.duration;
      s.max = Math.max(s.max, g.duration);
      if (inRound) {
        s.inRounds++;
        perRound[r]! += g.duration;
      }
    }
    const walls = starts.map((s, i) => ends[i]! - s);
    const sorted = [...walls].sort((a, b) => a - b);
    const pct = (a: number[], p: number) => a[Math.min(a.length - 1, Math.floor(a.length * p))]!;
    const mutator = walls.map((w, i) => w - perRound[i]!).sort((a, b) => a - b);
    const withGc = perRound.filter((x) => x > 0).length;
    const slow = walls.map((w, i) => [w, i] as const).sort((a, b) => b[0] - a[0]).slice(0, Math.ceil(ROUNDS * 0.05));
    const slowGc = slow.filter(([, i]) => perRound[i]! > 0).length;
    console.log(
      `${which}: ${ROUNDS} rounds, load ${load.map((l) => l.toFixed(2)).join('/')}; wall p50 ${pct(sorted, 0.5).toFixed(2)} p95 ${pct(sorted, 0.95).toFixed(2)} max ${sorted.at(-1)!.toFixed(1)} ms; ` +
        `CPU/call ${((cpu.user + cpu.system) / 1000 / ROUNDS).toFixed(2)} ms; wall minus GC: p50 ${pct(mutator, 0.5).toFixed(2)} p95 ${pct(mutator, 0.95).toFixed(2)} ms; ` +
        `GC per round ${(perRound.reduce((a, b) => a + b, 0) / ROUNDS).toFixed(3)} ms; rounds with a GC pause ${withGc}; slowest 5 %: ${slowGc}/${slow.length} had a GC pause`,
    );
    for (const [k, s] of Object.entries(byKind)) console.log(`  ${k}: ${s.n} (${s.inRounds} in rounds), total ${s.total.toFixed(1)} ms, mean ${(s.total / s.n).toFixed(2)} ms, max ${s.max.toFixed(2)} ms`);
  }, 10);
}
