/**
 * Derives what lib/fhir's validator needs from the JP-CLINS 1.5.2 package into lib/fhir/generated/, so the product
 * never reads ../shared/fhir at run time (docs/decisions/0026):
 * - the StructureDefinitions of the 6情報 bundle, its resources and extensions, as snapshots reduced to what
 *   validation reads (descriptions, mappings and examples dropped), with two rewrites @medplum/core needs:
 *   `profile` slicing discriminators become `type` (it does not support `profile`), and the JP_Bundle_CLINS entry
 *   slices (one per resource profile) are removed: each entry resource is validated against its own profile instead.
 *   The ~200 per-item code.coding slices of the lab profile (system + display discriminators, one fixed display and
 *   a required ValueSet each) are replaced by the table below, checked in lib/fhir/ig-rules.ts.
 * - the lab slice table: for each 43+5 slice of JP_Observation_LabResult_eCS, its code system, fixed display
 *   (FHIR識別名) and the JLAC10 codes its ValueSet selects (descendent-of filters over the package's CodeSystems).
 *
 * - JP_MedicationRequest_eCS, the 処方 entries of the documents (430 投薬指示, 444 退院時投薬指示), reduced the same way
 *   (its Dosage keeps the R4 base type: JP_MedicationDosage_eCS is not derived).
 * - JP_Composition_eReferral (the 診療情報提供書, issue 11), reduced to its top-level section slices (920, 910, 300, …) and
 *   fixed values: @medplum/core applies the slices of nested elements (each section's entry slices and the 300
 *   section's sub-section slices) to the top level and reports false errors, so those are dropped here and checked in
 *   lib/fhir/referral-validate.ts (docs/decisions/0049).
 * - JP_Composition_eDischargeSummary (the 退院時サマリー), reduced the same way; its nested rules are checked in
 *   lib/fhir/discharge-summary-validate.ts (docs/decisions/0065).
 *
 * Usage: npx tsx scripts/fhir-derive.ts [path to clins-1.5.2/package]   (default ../shared/fhir/clins-1.5.2/package)
 */
import { readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';

type Json = Record<string, unknown>;
type Element = Json & { id: string; path: string; slicing?: { discriminator?: { type: string; path: string }[] } };

const PACKAGE = path.resolve(process.argv[2] ?? path.join(import.meta.dirname, '../../shared/fhir/clins-1.5.2/package'));
const OUT = path.join(import.meta.dirname, '../lib/fhir/generated');

const WANTED = new Set([
  'http://jpfhir.jp/fhir/clins/StructureDefinition/JP_Bundle_CLINS',
  'http://jpfhir.jp/fhir/eCS/StructureDefinition/JP_Patient_eCS',
  'http://jpfhir.jp/fhir/eCS/StructureDefinition/JP_Condition_eCS',
  'http://jpfhir.jp/fhir/eCS/StructureDefinition/JP_AllergyIntolerance_eCS',
  'http://jpfhir.jp/fhir/eCS/StructureDefinition/JP_Observation_LabResult_eCS',
  // 処方 travels only inside documents (430 投薬指示, 444 退院時投薬指示): validated as an entry of them
  'http://jpfhir.jp/fhir/eCS/StructureDefinition/JP_MedicationRequest_eCS',
  'http://jpfhir.jp/fhir/clins/Extension/StructureDefinition/JP_eCS_InstitutionNumber',
  'http://jpfhir.jp/fhir/eCS/Extension/StructureDefinition/JP_eCS_Department',
  'http://jpfhir.jp/fhir/eCS/Extension/StructureDefinition/JP_eCS_DiagnosisType',
  'http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_Condition_DiseasePrefixModifier',
  'http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_Condition_DiseasePostfixModifier',
]);

/** Element keys validation reads; the rest (text, mappings, examples) is left out. */
const ELEMENT_KEYS = new Set(['id', 'path', 'sliceName', 'min', 'max', 'base', 'type', 'contentReference', 'slicing', 'constraint', 'binding', 'mustSupport', 'isModifier', 'isSummary']);
const isFixedOrPattern = (k: string) => k.startsWith('fixed') || k.startsWith('pattern');

function readPackage(): Json[] {
  return readdirSync(PACKAGE)
    .filter((f) => f.endsWith('.json') && f !== 'package.json')
    .map((f) => JSON.parse(readFileSync(path.join(PACKAGE, f), 'utf8')) as Json);
}

const LAB_SLICE = /^Observation\.code\.coding:(coreLabo|infectionLabo)JLAC1[01]\//;

function reduce(sd: Json): Json {
  const snapshot = (sd.snapshot as { element: Element[] }).element;
  let elements = snapshot.filter((e) => !LAB_SLICE.test(e.id));
  if (sd.url === 'http://jpfhir.jp/fhir/clins/StructureDefinition/JP_Bundle_CLINS') {
    elements = elements.filter((e) => !e.id.startsWith('Bundle.entry:'));
  }
  const out = elements.map((e) => {
    const kept: Json = {};
    for (const [k, v] of Object.entries(e)) if (ELEMENT_KEYS.has(k) || isFixedOrPattern(k)) kept[k] = v;
    if (e.id === 'Bundle.entry') delete kept.slicing;
    const slicing = kept.slicing as Element['slicing'];
    if (slicing?.discriminator) {
      kept.slicing = { ...slicing, discriminator: slicing.discriminator.map((d) => (d.type === 'profile' ? { ...d, type: 'type' } : d)) };
    }
    // ele-1 (value or children) is checked in one JSON walk by lib/fhir/validate.ts instead of a FHIRPath per element
    if (Array.isArray(kept.constraint)) {
      kept.constraint = (kept.constraint as Json[]).filter((c) => c.key !== 'ele-1').map(({ key, severity, human, expression }) => ({ key, severity, human, expression }));
    }
    if (kept.binding) {
      const { strength, valueSet } = kept.binding as Json;
      kept.binding = valueSet ? { strength, valueSet } : { strength };
    }
    return kept;
  });
  const { resourceType, url, version, name, status, kind, abstract, type, baseDefinition, derivation } = sd;
  return { resourceType, url, version, name, status, kind, abstract, type, baseDefinition, derivation, snapshot: { element: out } };
}

interface Concept {
  code: string;
  display?: string;
  concept?: Concept[];
}

/** Codes under a concept (descendent-of: not the concept itself). */
function descendants(concepts: Concept[], code: string): string[] {
  const walk = (list: Concept[]): string[] => list.flatMap((c) => [c.code, ...walk(c.concept ?? [])]);
  const find = (list: Concept[]): Concept | undefined => {
    for (const c of list) {
      if (c.code === code) return c;
      const inner = find(c.concept ?? []);
      if (inner) return inner;
    }
    return undefined;
  };
  const found = find(concepts);
  return found ? walk(found.concept ?? []) : [];
}

function labSlices(all: Json[], observation: Json) {
  const codeSystems = new Map(all.filter((r) => r.resourceType === 'CodeSystem').map((r) => [r.url as string, r]));
  const valueSets = new Map(all.filter((r) => r.resourceType === 'ValueSet').map((r) => [r.url as string, r]));
  const elements = (observation.snapshot as { element: Element[] }).element;
  const slices: { slice: string; system: string; display: string; codes: string[] }[] = [];
  for (const e of elements) {
    const m = /^Observation\.code\.coding:((?:coreLabo|infectionLabo)JLAC10\/[^.]+)$/.exec(e.id);
    if (!m) continue;
    const slice = m[1]!;
    const system = elements.find((x) => x.id === `${e.id}.system`)?.fixedUri as string;
    const display = elements.find((x) => x.id === `${e.id}.display`)?.fixedString as string;
    const binding = elements.find((x) => x.id === `${e.id}.code`)?.binding as { valueSet?: string } | undefined;
    const vs = binding?.valueSet ? valueSets.get(binding.valueSet.split('|')[0]!) : undefined;
    const codes = new Set<string>();
    for (const include of ((vs?.compose as Json)?.include as Json[] | undefined) ?? []) {
      const cs = codeSystems.get(include.system as string);
      const concepts = (cs?.concept as Concept[] | undefined) ?? [];
      for (const c of (include.concept as Concept[] | undefined) ?? []) codes.add(c.code);
      for (const f of (include.filter as { op: string; value: string }[] | undefined) ?? []) {
        if (f.op === 'descendent-of' || f.op === 'is-a') for (const code of descendants(concepts, f.value)) codes.add(code);
        if (f.op === 'is-a') codes.add(f.value);
      }
    }
    if (!system || !display) throw new Error(`slice ${slice}: no fixed system/display`);
    slices.push({ slice, system, display, codes: [...codes].filter((c) => /^[0-9A-Z]{17}$/.test(c)).sort() });
  }
  return slices;
}

/** The document Compositions derived, and the file each goes to. */
const DOCUMENT_COMPOSITIONS = [
  ['http://jpfhir.jp/fhir/eReferral/StructureDefinition/JP_Composition_eReferral', 'clins-1.5.2-ereferral-composition.json'],
  ['http://jpfhir.jp/fhir/eDischargeSummary/StructureDefinition/JP_Composition_eDischargeSummary', 'clins-1.5.2-edischargesummary-composition.json'],
] as const;

/** A document Composition without the slices of nested elements (see the header). */
function reduceDocumentComposition(sd: Json): Json {
  const nested = (id: string) => /:[^.]+\..*:/.test(id) || /^Composition\.section:[^.]+\.section/.test(id);
  const element = (sd.snapshot as { element: Element[] }).element.filter((e) => !nested(e.id));
  const reduced = reduce({ ...sd, snapshot: { element } });
  for (const e of (reduced.snapshot as { element: Element[] }).element) {
    if (/:[^.]+\./.test(e.id)) {
      delete e.slicing;
      if (typeof e.min === 'number' && e.min > 1) e.min = 1;
    }
  }
  return reduced;
}

function main() {
  const all = readPackage();
  const sds = all.filter((r) => r.resourceType === 'StructureDefinition' && WANTED.has(r.url as string));
  if (sds.length !== WANTED.size) throw new Error(`found ${sds.length} of ${WANTED.size} StructureDefinitions in ${PACKAGE}`);
  const observation = sds.find((s) => (s.url as string).endsWith('JP_Observation_LabResult_eCS'))!;
  const pkg = JSON.parse(readFileSync(path.join(PACKAGE, 'package.json'), 'utf8')) as Json;
  mkdirSync(OUT, { recursive: true });
  const profiles = {
    source: `JP-CLINS 1.5.2 package (${pkg.name as string} ${pkg.version as string}); derived by scripts/fhir-derive.ts, do not edit`,
    structureDefinitions: sds.map(reduce),
  };
  writeFileSync(path.join(OUT, 'clins-1.5.2-profiles.json'), `${JSON.stringify(profiles)}\n`);
  const slices = labSlices(all, observation);
  writeFileSync(
    path.join(OUT, 'clins-1.5.2-lab-slices.json'),
    `${JSON.stringify({ source: profiles.source, slices }, null, 1)}\n`,
  );
  for (const [url, file] of DOCUMENT_COMPOSITIONS) {
    const composition = all.find((r) => r.url === url);
    if (!composition) throw new Error(`${url} not in ${PACKAGE}`);
    writeFileSync(path.join(OUT, file), `${JSON.stringify({ source: profiles.source, structureDefinition: reduceDocumentComposition(composition) })}\n`);
  }
  console.log(`${sds.length} profiles, ${slices.length} lab slices (${slices.reduce((n, s) => n + s.codes.length, 0)} codes) → ${OUT}`);
}

main();
