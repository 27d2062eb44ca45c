/**
 * A bundle-validation thread (validation-threads.ts): loads the profiles, then answers each { id, bundle } with the
 * issues validateBundle finds — the same function, with its own per-content cache, as on the main thread.
 */
import { parentPort } from 'node:worker_threads';
import type { Bundle } from '@medplum/fhirtypes';
import { loadFhirProfiles, validateBundle } from './index';

loadFhirProfiles();
parentPort!.on('message', ({ id, bundle }: { id: number; bundle: Bundle }) => {
  try {
    parentPort!.postMessage({ id, issues: validateBundle(bundle) });
  } catch (error) {
    parentPort!.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
parentPort!.postMessage({ ready: true });
