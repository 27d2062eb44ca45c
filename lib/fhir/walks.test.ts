/**
 * The JSON walks of validation (ele-1 in validate.ts; ext-1, ref-1, qty-3, per-1, rng-2 in constraints.ts) keep the
 * path as segments and write it only for an issue: they must report exactly what the walks that built every element's
 * path string reported (kept below as the reference), on the corpus, bundles broken one field at a time and odd JSON
 * (array holes, a Date, numeric-like keys, an extension whose key holds a slash); and dom-3's test of a contained
 * resource's `#id`, found without writing the resource's JSON, against the JSON text it was.
 */
import type { Bundle, Resource } from '@medplum/fhirtypes';
import { beforeAll, describe, expect, it } from 'vitest';
import { constraintIssues } from './constraints';
import { fieldLabel, type FhirIssue } from './issues';
import { emptyElementIssues, loadFhirProfiles } from './validate';
import { brokenBundles, oneFieldMutations } from './validate-corpus';

beforeAll(() => loadFhirProfiles(), 60_000);

function referenceWalkEmpty(value: unknown, path: string, resource: Resource | undefined, issues: FhirIssue[]): void {
  const empty = value === '' || (Array.isArray(value) && value.length === 0) || (value && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0);
  if (empty) {
    const field = fieldLabel(path);
    issues.push({ severity: 'error', message: `${field}が空です（値のない項目は送れません）。`, resourceType: resource?.resourceType ?? 'Bundle', recordId: resource?.id ?? null, field, expression: path, rule: 'ele-1' });
    return;
  }
  if (Array.isArray(value)) value.forEach((v, i) => referenceWalkEmpty(v, `${path}[${i}]`, resource, issues));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) referenceWalkEmpty(v, `${path}.${k}`, resource, issues);
}

function referenceEmpty(bundle: Bundle): FhirIssue[] {
  const issues: FhirIssue[] = [];
  for (const [k, v] of Object.entries(bundle)) if (k !== 'entry') referenceWalkEmpty(v, `Bundle.${k}`, undefined, issues);
  for (const e of bundle.entry ?? []) if (e.resource) referenceWalkEmpty(e.resource, e.resource.resourceType, e.resource, issues);
  return issues;
}

/** `under`: the name of the property the value is (an element of) the value of; '' for a resource itself. */
function referenceWalkTypes(value: unknown, path: string, owner: Resource | null, containedIds: ReadonlySet<string>, issues: FhirIssue[], under = '') {
  if (Array.isArray(value)) {
    value.forEach((v, i) => referenceWalkTypes(v, `${path}[${i}]`, owner, containedIds, issues, under));
    return;
  }
  if (!value || typeof value !== 'object') return;
  const o = value as Record<string, unknown>;
  const add = (rule: string, message: string) => {
    const field = fieldLabel(path);
    issues.push({ severity: 'error', message, resourceType: owner?.resourceType ?? 'Bundle', recordId: owner?.id ?? null, field, expression: path, rule });
  };
  // an Extension: a value of an `extension` or `modifierExtension` property (ADR 0083, addendum on ext-1)
  if (typeof o.url === 'string' && (under === 'extension' || under === 'modifierExtension')) {
    const hasValue = Object.keys(o).some((k) => k.startsWith('value'));
    if (hasValue === Array.isArray(o.extension)) add('ext-1', '拡張には値か入れ子の拡張のどちらか一方が必要です。');
  }
  if (typeof o.reference === 'string' && o.reference.startsWith('#') && !containedIds.has(o.reference.slice(1))) add('ref-1', `参照 ${o.reference} が埋め込みリソースにありません。`);
  if (typeof o.value === 'number' && o.code !== undefined && o.system === undefined) add('qty-3', '単位コードにはコード体系が必要です。');
  if (typeof o.start === 'string' && typeof o.end === 'string' && o.start > o.end) add('per-1', '期間の開始が終了より後です。');
  const low = (o.low as { value?: number } | undefined)?.value;
  const high = (o.high as { value?: number } | undefined)?.value;
  if (typeof low === 'number' && typeof high === 'number' && low > high) add('rng-2', `下限 ${low} が上限 ${high} より大きくなっています。`);
  for (const [k, v] of Object.entries(o)) if (k !== 'contained') referenceWalkTypes(v, `${path}.${k}`, owner, containedIds, issues, k);
}

const TYPE_RULES = new Set(['ext-1', 'ref-1', 'qty-3', 'per-1', 'rng-2']);

/** dom-3 as it was: a contained resource is referenced when the resource's JSON without `contained` holds `"#id"`. */
function referenceDom3(bundle: Bundle): FhirIssue[] {
  const issues: FhirIssue[] = [];
  for (const e of bundle.entry ?? []) {
    const r = e.resource;
    if (!r) continue;
    const referenced = JSON.stringify({ ...r, contained: undefined });
    for (const c of (r as { contained?: Resource[] }).contained ?? []) {
      if (!referenced.includes(`"#${c.id ?? ''}"`)) {
        const field = fieldLabel(`${r.resourceType}.contained`);
        issues.push({ severity: 'error', message: `埋め込みリソース ${c.resourceType}/${c.id ?? ''} がどこからも参照されていません。`, resourceType: r.resourceType, recordId: r.id ?? null, field, expression: `${r.resourceType}.contained`, rule: 'dom-3' });
      }
    }
  }
  return issues;
}

function referenceTypes(bundle: Bundle): FhirIssue[] {
  const issues: FhirIssue[] = [];
  for (const e of bundle.entry ?? []) {
    const r = e.resource;
    if (!r) continue;
    const contained = (r as { contained?: Resource[] }).contained ?? [];
    referenceWalkTypes(r, r.resourceType, r, new Set(contained.map((c) => c.id ?? '')), issues);
    for (const c of contained) referenceWalkTypes(c, `${r.resourceType}.contained`, r, new Set(), issues);
  }
  return issues;
}

/** The issues, or that the walk threw. */
function attempt(run: () => FhirIssue[]): { issues?: FhirIssue[]; threw?: true } {
  try {
    return { issues: run() };
  } catch {
    return { threw: true };
  }
}

type Json = Record<string, unknown>;
function odd(bundle: Bundle): Record<string, Bundle> {
  const edit = (change: (entries: Json[]) => void) => {
    const copy = structuredClone(bundle);
    change(copy.entry!.map((e) => e.resource as unknown as Json));
    return copy;
  };
  return {
    holes: edit((r) => {
      const a = [r[1]!.extension as Json[]][0]!;
      r[1]!.extension = [a[0], , a[1]] as Json[];
      r[0]!.name = [, ''] as unknown as Json[];
    }),
    'a Date and an empty object in arrays': edit((r) => {
      r[1]!.note = [new Date(0), {}, [], [{}]];
    }),
    'numeric-like keys': edit((r) => {
      r[1]!.x = { '2': '', '1': { '0': [] }, b: { value: 3, code: 'x' } };
    }),
    'extensions with a value and nested extensions, or neither': edit((r) => {
      r[1]!.extension = [...((r[1]!.extension as Json[] | undefined) ?? []), { url: 'http://example.org/both', valueString: 'v', extension: [{ url: 'u', valueString: 'w' }] }, { url: 'http://example.org/neither' }];
      r[1]!.modifierExtension = { url: 'http://example.org/m', valueBoolean: true, extension: [{ url: 'u' }] };
      r[0]!._birthDate = { extension: [{ url: 'http://example.org/p' }] };
    }),
    'extensions with a slash in the key': edit((r) => {
      r[1]!['a/extension'] = [{ url: 'http://example.org/x' }, { url: 'http://example.org/y', valueString: 'v', extension: [] }];
      r[1]!['b/Extension'] = { url: 'http://example.org/z', valueString: 'v', extension: [{ url: 'u' }] };
    }),
    'contained references in odd places': edit((r) => {
      const contained = (r[1]!.contained as Json[] | undefined) ?? [];
      const ids = contained.map((c) => String(c.id));
      const more = ['p1', 'p2', 'p3', 'p4', 'p5', 'p6'].map((id) => ({ resourceType: 'Practitioner', id }));
      r[1]!.contained = [...contained, ...more];
      r[1]!.note = [{ text: 'see "#p1' }, { text: '#p2 and more' }, { '#p3': true }, { text: 'x"#p4"y' }, { text: 'a"#x"#p5' }, { text: '#' }];
      if (ids[0]) r[1]!.encounter = { reference: `"#${ids[0]}` };
    }),
    'contained ids JSON escapes or without an id': edit((r) => {
      r[1]!.contained = [...((r[1]!.contained as Json[] | undefined) ?? []), { resourceType: 'Practitioner', id: 'a"b' }, { resourceType: 'Practitioner' }, { resourceType: 'Practitioner', id: 'p1' }];
      r[1]!.note = [{ text: '#a"b' }, { text: '#' }, { text: 'x"#p1' }];
    }),
    'a Date beside contained resources': edit((r) => {
      r[1]!.recordedDate = new Date(0) as never;
      r[1]!.note = [{ text: 'x"#p1' }];
      r[1]!.contained = [...((r[1]!.contained as Json[] | undefined) ?? []), { resourceType: 'Practitioner', id: 'p1' }];
    }),
    'nested contained and dropped values': edit((r) => {
      r[1]!.contained = [...((r[1]!.contained as Json[] | undefined) ?? []), { resourceType: 'Practitioner', id: 'p1' }, { resourceType: 'Practitioner', id: 'p2' }];
      r[1]!.x = { contained: [{ reference: '#p1' }], gone: undefined, '#p2': undefined, list: [undefined, '#nothing'] };
    }),
    'types everywhere': edit((r) => {
      r[1]!.y = [{ start: '2', end: '1' }, { low: { value: 3 }, high: { value: 1 } }, { reference: '#nowhere' }, { value: 1, code: 'mg' }, { contained: [{ reference: '#x', start: '2', end: '1' }] }];
    }),
  };
}

describe('ext-1', () => {
  it('reports an extension with both a value and nested extensions, or with neither, wherever it is', () => {
    const bundle = structuredClone(brokenBundles()['valid lab report']!);
    const observation = bundle.entry![1]!.resource as unknown as Json;
    observation.extension = [
      ...(observation.extension as Json[]),
      { url: 'http://example.org/both', valueString: 'v', extension: [{ url: 'http://example.org/inner', valueString: 'w' }] },
      { url: 'http://example.org/nested', extension: [{ url: 'http://example.org/inner', valueString: 'w' }] },
      { url: 'http://example.org/neither' },
    ];
    const n = (observation.extension as Json[]).length;
    (bundle.entry![0]!.resource as unknown as Json)._birthDate = { extension: [{ url: 'http://example.org/p' }] };
    const ext1 = constraintIssues(bundle).filter((i) => i.rule === 'ext-1');
    expect(ext1.map((i) => [i.resourceType, i.expression])).toEqual([
      ['Patient', 'Patient._birthDate.extension[0]'],
      ['Observation', `Observation.extension[${n - 3}]`],
      ['Observation', `Observation.extension[${n - 1}]`],
    ]);
    expect(constraintIssues(brokenBundles()['valid lab report']!).filter((i) => i.rule === 'ext-1')).toEqual([]);
  });
});

describe('validation walks with paths written only for an issue', () => {
  it('report what the string-path walks reported', () => {
    const bundles: [string, Bundle][] = [];
    for (const [name, b] of Object.entries(brokenBundles())) {
      bundles.push([name, b]);
      for (const [kind, o] of Object.entries(odd(b))) bundles.push([`${name}: ${kind}`, o]);
    }
    const corpus = brokenBundles();
    for (const name of ['valid diagnoses', 'valid allergies', 'valid lab report']) {
      for (const [i, b] of oneFieldMutations(corpus[name]!, 3000, ['delete', 'empty', 'number', 'extra']).entries()) bundles.push([`${name} mutation ${i}`, b]);
    }
    let found = 0;
    for (const [name, b] of bundles) {
      const empty = attempt(() => referenceEmpty(b));
      expect(attempt(() => emptyElementIssues(b)), name).toStrictEqual(empty);
      const types = attempt(() => referenceTypes(b));
      // a bundle whose entries or contained resources are not arrays throws either way (both iterate them)
      expect(attempt(() => constraintIssues(b).filter((i) => TYPE_RULES.has(i.rule))), name).toStrictEqual(types);
      const dom3 = attempt(() => referenceDom3(b));
      expect(attempt(() => constraintIssues(b).filter((i) => i.rule === 'dom-3')), name).toStrictEqual(dom3);
      found += (empty.issues?.length ?? 0) + (types.issues?.length ?? 0) + (dom3.issues?.length ?? 0);
    }
    expect(bundles.length).toBeGreaterThan(2500);
    expect(found).toBeGreaterThan(1000);
  }, 300_000);
});
