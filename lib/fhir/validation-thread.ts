/**
 * A bundle-validation thread (validation-threads.ts): loads the profiles, then answers each { id, bundle } with the
 * issues validateBundle finds — the same function, with its own per-content cache, as on the main thread — and warms
 * the validator up at start (workerData.warmUpRounds).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Bundle } from '@medplum/fhirtypes';
import { loadFhirProfiles, validateBundle } from './index';
import { warmUpFhir } from './warm-up';

loadFhirProfiles();
parentPort!.on('message', ({ id, bundle }: { id: number; bundle: Bundle }) => {
  try {
    parentPort!.postMessage({ id, issues: validateBundle(bundle) });
  } catch (error) {
    parentPort!.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
parentPort!.postMessage({ ready: true });
// the start-up warm-up of the unit validators (ADR 0094), in slices while no bundle is being validated
const rounds = (workerData as { warmUpRounds?: number } | undefined)?.warmUpRounds ?? 0;
if (rounds > 0) warmUpFhir('units', rounds).catch((error: unknown) => console.error('validation thread warm-up failed', error));
