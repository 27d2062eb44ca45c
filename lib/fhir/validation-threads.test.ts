/**
 * Validation on worker threads (validation-threads.ts) answers exactly what validateBundle answers on this thread —
 * for a valid unit, a unit with an error and a malformed bundle — and once the threads are gone, this thread answers.
 */
import type { Bundle } from '@medplum/fhirtypes';
import { afterAll, describe, expect, it } from 'vitest';
import { buildUnitBundle } from './bundle';
import { aContext, aDiagnosis, aLabResult, aPatient } from './test-fixtures';
import { isSendable, loadFhirProfiles, validateBundle } from './validate';
import { startValidationThreads } from './validation-threads';

const threads = startValidationThreads(2);
afterAll(() => threads.close());

const bundles: [string, Bundle][] = [
  ['a diagnosis unit', buildUnitBundle(aContext(), { kind: 'condition', patient: aPatient(), diagnoses: [aDiagnosis(), aDiagnosis({ lineageId: 'b0000000-0000-4000-8000-000000000009' })] })!.bundle],
  ['a lab report unit', buildUnitBundle(aContext(), { kind: 'lab-report', patient: aPatient(), reportKey: 'R1', results: [aLabResult()] })!.bundle],
  ['a unit whose patient has no name', buildUnitBundle(aContext(), { kind: 'condition', patient: aPatient({ familyName: '', givenName: '' }), diagnoses: [aDiagnosis()] })!.bundle],
  ['an empty collection', { resourceType: 'Bundle', type: 'collection', entry: [] }],
];

describe('validation threads', () => {
  it('answer what validateBundle answers here, for valid and invalid bundles alike', async () => {
    loadFhirProfiles();
    const answers = await Promise.all(bundles.map(([, b]) => threads.validate(b)));
    expect(threads.alive()).toBe(2);
    bundles.forEach(([name, bundle], i) => expect(answers[i], name).toEqual(validateBundle(bundle)));
    expect(answers.map(isSendable)).toEqual([true, true, false, false]);
  }, 60_000);

  it('answer the same while a thread is still warming up (ADR 0094): the bundles go between its slices', async () => {
    const warming = startValidationThreads(1, { warmUpRounds: 200 });
    try {
      await warming.ready();
      const answers = await Promise.all(bundles.map(([, b]) => warming.validate(b)));
      expect(warming.alive()).toBe(1);
      bundles.forEach(([name, bundle], i) => expect(answers[i], name).toEqual(validateBundle(bundle)));
    } finally {
      await warming.close();
    }
  }, 60_000);

  it('validate on this thread once no thread is left', async () => {
    await threads.close();
    expect(threads.alive()).toBe(0);
    expect(await threads.validate(bundles[3]![1])).toEqual(validateBundle(bundles[3]![1]));
  });
});
