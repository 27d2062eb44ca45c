/**
 * Start-up warm-up of the FHIR builders and validators (docs/decisions/0094): a process that has just started runs
 * them unoptimised, and V8 spends the first thousand or so bundles compiling their hot code (`--trace-opt`: ~500
 * functions, 2.7 s of compiler time over 1,500 letters), so the first letters and units a server or worker handles take
 * twice as long as later ones. The worker and each validation thread run this once at start, the web server in each
 * copy of the document builders it loads (warmUpThisCopyInServer): it builds and validates sample documents and 6情報
 * units of every kind — invented patients, nothing read or written, nothing kept — in slices of a few milliseconds,
 * run only while the thread is otherwise idle.
 * FHIR_WARM_UP_ROUNDS (lib/core/env.ts) sets the rounds; 0: none. The validation caches keep what the rounds left: the
 * sample patients' entries are pushed out by real ones (FIFO); the memo of shared values (profile URLs, code systems)
 * is what the first real bundles would have filled.
 */
import { performance } from 'node:perf_hooks';
import type { FhirIssue } from './issues';
import type { FhirUnitInput } from './types';
import { buildUnitBundle } from './bundle';
import { buildCheckupReportBundle } from './checkup-report';
import { validateCheckupReportBundle } from './checkup-report-validate';
import { buildDischargeSummaryBundle } from './discharge-summary';
import { validateDischargeSummaryBundle } from './discharge-summary-validate';
import { buildReferralBundle, type ReferralDocumentInput } from './referral';
import { validateReferralWithAttachments } from './referral-attachments-validate';
import { aCheckupReport, aContext, aDiagnosis, aDischargeSummary, aDrugLine, aLabResult, aPatient, aReferral, anAllergy } from './test-fixtures';
import { validateBundle } from './validate';

/**
 * Work per slice (ms), and the pause after it. A slice runs only when the thread was idle through the pause before it
 * (its event loop utilisation then under IDLE_UTILIZATION): requests and jobs are chains of awaits, so a slice run
 * between two of their steps would delay them (a document page 1.5–2× slower for the seconds of the warm-up, measured
 * on the demo); while real work goes on, the warm-up waits, and the real work warms the code itself.
 */
const SLICE_MS = 8;
const IDLE_UTILIZATION = 0.05;

/** errors: error issues the samples had (0: a sample that fails would warm the wrong paths; warm-up.test.ts) */
export type WarmUpResult = { rounds: number; ms: number; errors: number };

/** What to warm: the documents (web server, worker) or only the 6情報 units (validation threads). */
export type WarmUpKind = 'documents' | 'units';

/** The round's sample patient: different ids, name, birth date and insurance each round, so no cache answers. */
function samplePatient(n: number) {
  const hex = (n + 0x5000_0000).toString(16).padStart(12, '0');
  const id = (seed: string) => `${seed.slice(0, 24)}${hex}`;
  const patient = aPatient({ id: id('7a7a7a7a-0000-4000-8000-'), patientNumber: 900_000 + n, givenName: `花子${n % 89}`, birthDate: new Date(Date.UTC(1935 + (n % 70), n % 12, 1 + (n % 27))), insurance: { insurerNumber: '06138057', symbol: String(n % 50), number: String(1000 + n), branch: '01' } });
  return { id, patient };
}

function letter(n: number): ReferralDocumentInput {
  const { id, patient } = samplePatient(n);
  return aReferral({
    lineageId: id('7d1f3c2a-1111-4222-8333-'),
    patient,
    diagnoses: [
      aDiagnosis({ lineageId: id('b1000000-0000-4000-8000-'), isPrimary: true }),
      aDiagnosis({ lineageId: id('b2000000-0000-4000-8000-'), medisKeyNumber: '20054178', baseName: '脂質異常症', displayName: '脂質異常症' }),
      aDiagnosis({ lineageId: id('b3000000-0000-4000-8000-'), isSuspected: true, uninformed: n % 3 === 0 }),
    ],
    allergies: [anAllergy({ lineageId: id('a1000000-0000-4000-8000-') }), anAllergy({ lineageId: id('a2000000-0000-4000-8000-'), category: 'food', codeSystem: 'jfagy-food', code: 'C11310000', substanceName: 'さば' })],
    labReports: [{ reportKey: `warm-${n}`, results: [aLabResult({ lineageId: id('c1000000-0000-4000-8000-') }), aLabResult({ lineageId: id('c2000000-0000-4000-8000-'), itemKey: 'local:KET', jlac10: null, localCode: 'KET_U', itemName: 'ケトン体_尿', valueNumber: null, valueText: '(-)', unit: null, specimen: '尿' })] }],
    prescriptions: n % 2 === 0 ? [aDrugLine({ lineageId: id('d1000000-0000-4000-8000-') })] : [],
  });
}

function units(n: number): FhirUnitInput[] {
  const { id, patient } = samplePatient(n);
  return [
    { kind: 'condition', patient, diagnoses: [aDiagnosis({ lineageId: id('e1000000-0000-4000-8000-'), isPrimary: true, longTermStorage: n % 2 === 0 }), aDiagnosis({ lineageId: id('e2000000-0000-4000-8000-'), outcome: 'cured', endDate: new Date('2024-03-31T00:00:00Z') }), aDiagnosis({ lineageId: id('e3000000-0000-4000-8000-'), medisKeyNumber: null, displayName: '右足底部痛' })] },
    { kind: 'allergy', patient, allergies: [anAllergy({ lineageId: id('f1000000-0000-4000-8000-') })] },
    { kind: 'lab-report', patient, reportKey: `warm-${n}`, results: [aLabResult({ lineageId: id('f2000000-0000-4000-8000-') }), aLabResult({ lineageId: id('f3000000-0000-4000-8000-'), itemKey: 'HbA1c', jlac10: null, localCode: 'A1C01', itemName: 'HbA1c', valueNumber: 6.2, unit: '%' })] },
  ];
}

/** One round; returns the error issues found. */
function round(kind: WarmUpKind, n: number): number {
  const errors = (issues: readonly FhirIssue[]) => issues.filter((i) => i.severity === 'error').length;
  const ctx = aContext();
  let found = 0;
  for (const input of units(n)) {
    const built = buildUnitBundle(ctx, input);
    found += built ? errors(validateBundle(built.bundle)) : 1;
  }
  if (kind === 'units') return found;
  found += errors(validateReferralWithAttachments(buildReferralBundle(letter(n))));
  // the other two documents are written far less often: every tenth round
  if (n % 10 === 0) {
    const { patient } = samplePatient(n);
    found += errors(validateDischargeSummaryBundle(buildDischargeSummaryBundle(aDischargeSummary({ patient }))));
    found += errors(validateCheckupReportBundle(buildCheckupReportBundle(aCheckupReport({ patient }))));
  }
  return found;
}

/** Waits SLICE_MS, then again until the thread has been idle through a whole pause. */
async function idlePause(): Promise<void> {
  for (;;) {
    const before = performance.eventLoopUtilization();
    await new Promise<void>((resolve) => setTimeout(resolve, SLICE_MS));
    if (performance.eventLoopUtilization(before).utilization < IDLE_UTILIZATION) return;
  }
}

/**
 * Runs `rounds` warm-up rounds in slices of ~8 ms, each after a pause through which the thread was idle; resolves
 * when done. Rejects on a builder's bug (a sample is valid input); callers log it and go on, since a process works
 * without it.
 */
export async function warmUpFhir(kind: WarmUpKind, rounds: number): Promise<WarmUpResult> {
  const start = performance.now();
  let n = 0;
  let errors = 0;
  while (n < rounds) {
    await idlePause();
    const slice = performance.now();
    while (n < rounds && performance.now() - slice < SLICE_MS) errors += round(kind, n++);
  }
  return { rounds: n, ms: performance.now() - start, errors };
}

const SERVER_ROUNDS = Symbol.for('karte.fhirWarmUpRounds');
let warming = false;

/**
 * The production web server (scripts/serve.ts) asks, before it loads anything else, that every copy of this module
 * in the process warm itself with `rounds` rounds when it is loaded. There are several: the vendor API's (serve.ts's
 * own module graph) and Next's, which bundles lib/fhir into its server chunks as module instances of their own, with
 * their own compiled code, and evaluates a page's modules on the page's first request — so a warm-up run from
 * serve.ts or instrumentation.ts would train a copy no page uses.
 */
export function requestServerWarmUp(rounds: number): void {
  (globalThis as Record<symbol, unknown>)[SERVER_ROUNDS] = rounds;
}

/**
 * Called at load by the module that builds documents in the web server (document-fhir.service.ts): warms this copy
 * once, in the background, when the server asked for it (requestServerWarmUp); anywhere else (tests, scripts) nothing.
 */
export function warmUpThisCopyInServer(): void {
  const rounds = (globalThis as Record<symbol, unknown>)[SERVER_ROUNDS];
  if (warming || typeof rounds !== 'number' || rounds <= 0) return;
  warming = true;
  // after the request that loaded this copy has been answered
  const start = () => warmUpFhir('documents', rounds).then(
    ({ ms }) => console.log(`FHIR warm-up: ${rounds} rounds in ${Math.round(ms)} ms`),
    (error: unknown) => console.error('FHIR warm-up failed', error),
  );
  setTimeout(start, 1000).unref();
}
