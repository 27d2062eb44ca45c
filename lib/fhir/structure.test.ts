/**
 * structure.ts against @medplum/core's own validateResource (the reference, ADR 0083): the same issues in the same
 * order for every bundle of the findings corpus (valid and broken), each of its entries alone, and a few hundred
 * records broken one field at a time (removed, emptied, of the wrong type, an unknown property) — cold, with the
 * stored sub-object issues of other bundles, and again.
 */
import { arrayify, getNestedProperty, getTypedPropertyValue, isEmpty as medplumIsEmpty, isPrimitiveType, tryGetDataType, type TypedValue, type TypedValueWithPath } from '@medplum/core';
import type { Bundle, Resource, StructureDefinition } from '@medplum/fhirtypes';
import { beforeAll, describe, expect, it } from 'vitest';
import { clearStructureMemo, entryResourceStructureIssues, entryTexts, hasNullish, isEmpty, nestedProperty, nestedPropertyWithPath, referenceStructureIssues, structureIssues, typedProperty } from './structure';
import dischargeDerived from './generated/clins-1.5.2-edischargesummary-composition.json';
import { buildDischargeSummaryBundle } from './discharge-summary';
import { buildReferralBundle } from './referral';
import { loadReferralProfiles, withCompositionProfile } from './referral-validate';
import { aDischargeSummary, aReferral } from './test-fixtures';
import { brokenBundles, oneFieldMutations } from './validate-corpus';
import { loadFhirProfiles } from './validate';

beforeAll(() => loadFhirProfiles(), 60_000);

const corpus = brokenBundles();

const mutations = (bundle: Bundle, limit: number) => oneFieldMutations(bundle, limit, ['delete', 'empty', 'number', 'extra']);

function expectSame(resource: Resource, name: string) {
  expect(structureIssues(resource), name).toEqual(referenceStructureIssues(resource));
}

describe('structure validation against @medplum/core', () => {
  it('agrees on every corpus bundle and each of its entries, cold and with stored sub-object issues', () => {
    for (const round of ['cold', 'stored']) {
      if (round === 'cold') clearStructureMemo();
      for (const [name, bundle] of Object.entries(corpus)) {
        expectSame(bundle, `${name} (${round})`);
        for (const [i, e] of (bundle.entry ?? []).entries()) if (e.resource) expectSame(e.resource, `${name} entry ${i} (${round})`);
      }
    }
    expect(Object.values(corpus).filter((b) => referenceStructureIssues(b).found.length > 0).length).toBeGreaterThan(5);
  }, 120_000);

  it('agrees on records broken one field at a time', () => {
    let withIssues = 0;
    for (const name of ['valid diagnoses', 'valid allergies', 'valid lab report']) {
      for (const [i, broken] of mutations(corpus[name]!, 400).entries()) {
        expectSame(broken, `${name} mutation ${i}`);
        if (referenceStructureIssues(broken).found.length > 0) withIssues += 1;
      }
    }
    expect(withIssues).toBeGreaterThan(300);
  }, 300_000);
});

/**
 * The precomputed property access (typedProperty, nestedProperty, nestedPropertyWithPath) against @medplum/core's
 * getTypedPropertyValue / getNestedProperty on every element of every schema reached from a bundle (present or not),
 * every JSON property of every object (the additional-property check's lookups) and every slice discriminator path.
 * Returns the number of comparisons.
 */
function compareAccess(bundle: Bundle): number {
  let compared = 0;
  const visit = (parent: TypedValueWithPath, depth: number) => {
    const schema = tryGetDataType(parent.type);
    if (!schema || depth > 40) return;
    for (const [key, element] of Object.entries(schema.elements)) {
      const mine = nestedPropertyWithPath(parent, key.split('.'));
      expect(mine, `${parent.path} ${key}`).toStrictEqual(getNestedProperty(parent, key, { withPath: true }));
      expect(nestedProperty(parent, key), `${parent.path} ${key} (no path)`).toStrictEqual(getNestedProperty(parent, key));
      compared += 2;
      for (const v of mine.flatMap((m) => arrayify(m) as TypedValueWithPath[])) {
        if (v?.value === undefined) continue;
        for (const d of element.slicing?.discriminator ?? []) {
          expect(nestedProperty(v, d.path), `${v.path} discriminator ${d.path}`).toStrictEqual(getNestedProperty(v, d.path));
          compared += 1;
        }
        if (!isPrimitiveType(v.type)) visit(v, depth + 1);
      }
    }
    if (parent.value && typeof parent.value === 'object') {
      for (const name of Object.keys(parent.value)) {
        for (const probe of [name, name.replace(/^_/, ''), name.replace(/[A-Z].*$/, '')]) {
          const tv: TypedValue = { type: parent.type, value: parent.value };
          expect(typedProperty(tv, probe), `${parent.path} property ${probe}`).toStrictEqual(getTypedPropertyValue(tv, probe));
          compared += 1;
        }
      }
    }
  };
  visit({ type: 'Bundle', value: bundle, path: 'Bundle' }, 0);
  return compared;
}

describe('document Compositions against @medplum/core', () => {
  it('agree for a referral letter and a discharge summary, whole and broken one field at a time, cold and with stored issues (backbone elements too)', () => {
    loadReferralProfiles();
    const compositionOf = (bundle: Bundle) => ({ resourceType: 'Bundle', entry: [bundle.entry![0]!] }) as unknown as Bundle;
    const documents: [string, Bundle, StructureDefinition | null][] = [
      ['referral', buildReferralBundle(aReferral()).bundle, null],
      ['discharge summary', buildDischargeSummaryBundle(aDischargeSummary()).bundle, dischargeDerived.structureDefinition as unknown as StructureDefinition],
    ];
    let withIssues = 0;
    for (const [name, bundle, profile] of documents) {
      const run = () => {
        const variants = [compositionOf(bundle), ...oneFieldMutations(compositionOf(bundle), 400, ['delete', 'empty', 'number', 'extra'])];
        for (const round of ['cold', 'stored']) {
          if (round === 'cold') clearStructureMemo();
          for (const [i, variant] of variants.entries()) {
            const composition = (variant.entry as { resource?: Resource }[] | undefined)?.[0]?.resource;
            if (!composition || typeof composition !== 'object' || composition.resourceType !== 'Composition') continue;
            expectSame(composition, `${name} variant ${i} (${round})`);
            if (round === 'cold' && referenceStructureIssues(composition).found.length > 0) withIssues += 1;
          }
        }
      };
      if (profile) withCompositionProfile(profile, run);
      else run();
    }
    expect(withIssues).toBeGreaterThan(200);
  }, 300_000);
});

/** An issue validate.ts keeps of a one-entry wrapper: under the entry's resource (its path or crawl path) or not under `Bundle`. */
function ofTheResource(issue: { expression?: string[] }): boolean {
  const e = issue.expression?.[0] ?? '';
  const under = (prefix: string) => e.startsWith(prefix) && (e.length === prefix.length || e[prefix.length] === '.' || e[prefix.length] === '[');
  return under('Bundle.entry[0].resource') || under('Bundle.entry.resource') || !e.startsWith('Bundle');
}

describe("a one-entry wrapper's resource alone", () => {
  it('has the issues of the whole wrapper under the resource, in the same order, for every corpus entry and broken record', () => {
    let withIssues = 0;
    let textsUsed = 0;
    const check = (resource: Resource, name: string) => {
      for (const wrapper of [{ resourceType: 'Bundle', entry: [{ resource }] }, { resourceType: 'Bundle', type: 'document', entry: [{ resource }] }] as unknown as Bundle[]) {
        const whole = structureIssues(wrapper);
        const alone = entryResourceStructureIssues(wrapper);
        expect(alone.crashed, name).toBe(whole.crashed);
        expect(alone.found.filter(ofTheResource), name).toEqual(whole.found.filter(ofTheResource));
        // with the resource's property texts written for validate.ts's entry key (used as the group memo's texts)
        const texts = entryTexts(resource);
        if (texts) {
          expect(texts.json, name).toBe(JSON.stringify(resource));
          expect(entryResourceStructureIssues(wrapper, texts).found.filter(ofTheResource), `${name} (texts)`).toEqual(whole.found.filter(ofTheResource));
          textsUsed += 1;
        }
        if (whole.found.some(ofTheResource)) withIssues += 1;
      }
    };
    for (const round of ['cold', 'stored']) {
      if (round === 'cold') clearStructureMemo();
      for (const [name, bundle] of Object.entries(corpus)) for (const [i, e] of (bundle.entry ?? []).entries()) if (e.resource) check(e.resource, `${name} entry ${i} (${round})`);
    }
    for (const name of ['valid diagnoses', 'valid allergies', 'valid lab report']) {
      for (const [i, broken] of mutations(corpus[name]!, 200).entries()) {
        const entries: unknown[] = Array.isArray(broken.entry) ? broken.entry : [];
        for (const [j, e] of entries.entries()) {
          const resource = (e as { resource?: unknown } | null)?.resource;
          if (resource && typeof resource === 'object') check(resource as Resource, `${name} mutation ${i} entry ${j}`);
        }
      }
    }
    expect(withIssues).toBeGreaterThan(100);
    expect(textsUsed).toBeGreaterThan(100);
  }, 300_000);
});

describe('precomputed property access against @medplum/core', () => {
  it('returns what getNestedProperty and getTypedPropertyValue return on every element of the corpus and of broken records', () => {
    let compared = 0;
    for (const bundle of Object.values(corpus)) compared += compareAccess(bundle);
    // every third of the first 120 broken records of each (the same fields and kinds of break, a third of the CPU:
    // this comparison against @medplum/core's lookups was a minute of CI; the issues of all 400 are compared above)
    for (const name of ['valid diagnoses', 'valid allergies', 'valid lab report']) for (const [i, broken] of mutations(corpus[name]!, 120).entries()) if (i % 3 === 0) compared += compareAccess(broken);
    // primitive extensions (`_name`, with and without a value) and choice names
    const withExtensions = structuredClone(corpus['valid diagnoses']!) as unknown as { entry: { resource: Record<string, unknown> }[] };
    const condition = withExtensions.entry[1]!.resource;
    condition._recordedDate = { extension: [{ url: 'http://example.org/x', valueString: 'x' }] };
    condition._onsetDateTime = { id: 'o1' };
    delete condition.onsetDateTime;
    (withExtensions.entry[0]!.resource as { name: { _given?: unknown }[] }).name[0]!._given = [null, { id: 'g' }];
    compared += compareAccess(withExtensions as unknown as Bundle);
    expect(compared).toBeGreaterThan(10_000);
  }, 300_000);
});

describe('stored sub-object issues and the null scan', () => {
  it('keeps values apart that differ only by an undefined property, a null, a number or a string of the same text', () => {
    const base = corpus['valid diagnoses']!;
    const variants = [undefined, null, 1, '1', true, 'true', [], {}, new Date(0)].map((v) => {
      const copy = structuredClone(base);
      ((copy.entry![1]!.resource as unknown as { code: Record<string, unknown> }).code.coding as Record<string, unknown>[])[0]!.version = v;
      return copy;
    });
    clearStructureMemo();
    for (const round of [1, 2]) for (const [i, b] of variants.entries()) expectSame(b, `variant ${i} (round ${round})`);
  });

  it('finds a null or an undefined anywhere', () => {
    expect(hasNullish({ a: [{ b: 'x' }], c: 1 })).toBe(false);
    expect(hasNullish({ a: [{ b: null }] })).toBe(true);
    expect(hasNullish({ a: [undefined] })).toBe(true);
    expect(hasNullish({ a: { b: undefined } })).toBe(true);
    expect(hasNullish(corpus['valid lab report'])).toBe(false);
  });

  it('reuses stored issues between exact JSON (texts by JSON.stringify) and JSON that is not (texts by contentKey)', () => {
    const base = corpus['valid lab report']!;
    const edit = (f: (r: Record<string, unknown>) => void) => {
      const copy = structuredClone(base);
      f(copy.entry![1]!.resource as unknown as Record<string, unknown>);
      return copy;
    };
    const quantity = (v: unknown) => edit((r) => ((r.valueQuantity as Record<string, unknown>).value = v));
    const variants = [
      base,
      // the same values beside an undefined, a Date, a function or a number JSON cannot write: the whole is not exact
      edit((r) => (r.unknownThing = undefined)),
      edit((r) => ((r.meta as Record<string, unknown>).lastUpdated = new Date(0))),
      edit((r) => (r.note = [{ text: 'x', toJSON: () => 'y' }])),
      ...[NaN, Infinity, -Infinity, -0, 1e21, 1.5].map(quantity),
      edit((r) => ((r.code as Record<string, unknown>).coding = Object.assign(Object.create(null) as object, { system: 'x' }))),
    ];
    clearStructureMemo();
    for (const round of [1, 2]) for (const [i, b] of variants.entries()) expectSame(b, `variant ${i} (round ${round})`);
    clearStructureMemo();
    for (const round of [1, 2]) for (const [i, b] of [...variants].reverse().entries()) expectSame(b, `reversed variant ${i} (round ${round})`);
  });

  it("answers @medplum/core's isEmpty on every value of the corpus and on odd ones", () => {
    const values: unknown[] = [undefined, null, '', ' ', 0, false, true, [], [undefined], {}, { length: 0 }, { length: 1 }, { length: '1' }, Object.create({ inherited: 1 }), Object.create(null), new Date(0), 'x'];
    const walk = (v: unknown) => {
      values.push(v);
      if (v && typeof v === 'object') for (const k of Object.keys(v)) walk((v as Record<string, unknown>)[k]);
    };
    for (const bundle of Object.values(corpus)) walk(bundle);
    for (const v of values) expect(isEmpty(v), JSON.stringify(v) ?? String(v)).toBe(medplumIsEmpty(v));
    expect(values.length).toBeGreaterThan(1000);
  });
});
