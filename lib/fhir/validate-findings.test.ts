/**
 * Pins what the validator finds in a set of broken bundles (validate-corpus.ts): validate-findings.json was written by
 * validateBundleUncached before the per-entry path existed (ADR 0069), and every way of validating must still find
 * exactly those issues, in that order — cold, with every entry cached, and with entries cached at other positions.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import pinned from './validate-findings.json';
import { brokenBundles } from './validate-corpus';
import { loadFhirProfiles, validateBundle, validateBundleByEntry, validateBundleUncached, validateByEntry } from './validate';

beforeAll(() => loadFhirProfiles(), 60_000);

const corpus = brokenBundles();
const expected = pinned as Record<string, unknown>;
/** The corpus cases the per-entry path cannot take (no resource, a null in an entry): they fall back to the whole bundle. */
const WHOLE_BUNDLE_ONLY = new Set(['bundle: entry without resource', 'condition: null value']);

describe('validator findings on broken bundles', () => {
  it('the corpus and the pinned findings name the same cases, and most cases have findings', () => {
    expect(Object.keys(corpus).sort()).toEqual(Object.keys(expected).sort());
    expect(Object.values(expected).filter((v) => (v as unknown[]).length > 0).length).toBeGreaterThan(15);
  });

  it('whole-bundle validation finds exactly the pinned issues', () => {
    for (const [name, bundle] of Object.entries(corpus)) expect(validateBundleUncached(bundle), name).toEqual(expected[name]);
  });

  it('per-entry validation finds exactly the pinned issues, cold and again with every entry cached', () => {
    for (const round of ['cold', 'cached']) {
      for (const [name, bundle] of Object.entries(corpus)) {
        const byEntry = validateByEntry(bundle);
        if (WHOLE_BUNDLE_ONLY.has(name)) expect(byEntry, `${name} (${round})`).toBeNull();
        else expect(byEntry, `${name} (${round})`).toEqual(expected[name]);
        expect(validateBundleByEntry(bundle), `${name} (${round})`).toEqual(expected[name]);
      }
    }
  });

  it('validateBundle (whole-bundle cache over the per-entry path) finds the pinned issues', () => {
    for (const [name, bundle] of Object.entries(corpus)) expect(validateBundle(structuredClone(bundle)), name).toEqual(expected[name]);
  });
});
