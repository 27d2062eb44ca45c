/**
 * The JP_Bundle_CLINS invariants that read every entry, written out in TypeScript over @medplum/core's own
 * collection semantics: each function below is its FHIRPath expression evaluated step by step with the same rules as
 * @medplum/core's engine (atoms.ts, functions.ts: property navigation through typedProperty — proven identical to
 * getTypedPropertyValue by structure.test.ts —, the singleton and boolean rules of and/or/implies, the string
 * functions' input checks and errors), without the engine's per-node dispatch and generic property lookup.
 * constraints.ts uses them in place of the FHIRPath for these keys; bundle-invariants.test.ts checks both agree on
 * every invariant of the corpus bundles, their broken variants and bundles broken one field at a time (ADR 0069
 * addendum). Any invariant not listed here is evaluated by the engine as before.
 */
import { booleanToTypedValue, fhirPathArrayEquals, fhirPathArrayNotEquals, fhirPathIs, isEmpty, isResource, singleton, toTypedValue, type TypedValue } from '@medplum/core';
import { typedProperty } from './structure';

type C = TypedValue[];
type Vars = Record<string, TypedValue>;

const bool = (b: boolean): C => booleanToTypedValue(b);
const str = (s: string): C => [{ type: 'string', value: s }];
const int = (n: number): C => [{ type: 'integer', value: n }];

/** SymbolAtom: a resource of that type stays, else its property (getTypedPropertyValue), flattened, undefined dropped. */
function nav(c: C, name: string): C {
  const out: TypedValue[] = [];
  for (const e of c) {
    const v = e.value as unknown;
    if (!v || typeof v !== 'object') continue;
    if (isResource(v, name as never)) {
      out.push(e);
      continue;
    }
    const p = typedProperty(e, name);
    if (Array.isArray(p)) {
      for (const x of p) if (x?.value !== undefined) out.push(x);
    } else if (p?.value !== undefined) out.push(p);
  }
  return out;
}
const path = (c: C, ...names: string[]): C => names.reduce(nav, c);
/** toJsBoolean */
const truthy = (c: C): boolean => (c.length === 0 ? false : !!c[0]!.value);
const where = (c: C, f: (e: C) => C): C => c.filter((e) => truthy(f([e])));
const all = (c: C, f: (e: C) => C): C => bool(c.every((e) => truthy(f([e]))));
const select = (c: C, f: (e: C) => C): C => c.flatMap((e) => f([e]));
const exists = (c: C): C => bool(c.length > 0 && c.every((e) => !isEmpty(e.value)));
const empty = (c: C): C => bool(c.length === 0 || c.every((e) => isEmpty(e.value)));
const ofType = (c: C, type: string): C => c.filter((e) => e.type === type);
const first = (c: C): C => (c.length === 0 ? [] : c.slice(0, 1));
const tail = (c: C): C => (c.length === 0 ? [] : c.slice(1));
const is = (c: C, type: string): C => c.map((v) => ({ type: 'boolean', value: fhirPathIs(v, type) }));
const eq = (a: C, b: C): C => fhirPathArrayEquals(a, b);
const ne = (a: C, b: C): C => fhirPathArrayNotEquals(a, b);

/** functions.toBoolean, then not */
function not(c: C): C {
  if (c.length === 0) return [];
  const value = one(c);
  let b: boolean | undefined;
  if (typeof value === 'boolean') b = value;
  else if (typeof value === 'number') b = value === 0 || value === 1 ? !!value : undefined;
  else if (typeof value === 'string') {
    const lower = value.toLowerCase();
    if (['true', 't', 'yes', 'y', '1', '1.0'].includes(lower)) b = true;
    else if (['false', 'f', 'no', 'n', '0', '0.0'].includes(lower)) b = false;
  }
  return b === undefined ? [] : bool(!b);
}

/** validateInput(input, 1) */
function one(c: C): unknown {
  if (c.length !== 1) throw new Error('Expected 1 arguments');
  if (c[0] === null || c[0] === undefined) throw new Error('Expected non-null argument');
  return c[0].value;
}

/** applyStringFunc */
function stringFunc(c: C, f: (s: string) => unknown): C {
  if (c.length === 0) return [];
  const value = one(c);
  if (typeof value !== 'string') throw new Error('String function cannot be called with non-string');
  const result = f(value);
  if (result === undefined) return [];
  return [toTypedValue(result)];
}
const indexOf = (c: C, s: string): C => stringFunc(c, (v) => v.indexOf(s));
const contains = (c: C, s: string): C => stringFunc(c, (v) => v.includes(s));
const matches = (c: C, re: RegExp): C => stringFunc(c, (v) => !!re.exec(v));
/** substring(start, length): the length argument is the first value of its expression evaluated on the same input */
function substring(c: C, start: number, length: (input: C) => C): C {
  if (c.length === 0) return [];
  const value = one(c);
  if (typeof value !== 'string') throw new Error('String function cannot be called with non-string');
  const n = length(c)[0]?.value as number | undefined;
  const end = n ? start + n : value.length;
  if (start < 0 || start >= value.length) return [];
  return [toTypedValue(value.substring(start, end))];
}

/** ArithemticOperatorAtom '>' */
function gt(left: C, right: C): C {
  if (left.length !== 1 || right.length !== 1) return [];
  return bool((left[0]!.value as number) > (right[0]!.value as number));
}

/** ConcatAtom '&' */
function concat(a: C, b: C): C {
  const result = [...a, ...b];
  if (result.length > 0 && result.every((e) => typeof e.value === 'string')) return str(result.map((e) => e.value as string).join(''));
  return result;
}

function isDistinct(c: C): C {
  const distinct: TypedValue[] = [];
  for (const v of c) if (!distinct.some((e) => e.value === v.value)) distinct.push(v);
  return bool(c.length === distinct.length);
}

function and(l: C, r: C): C {
  const left = singleton(l, 'boolean');
  const right = singleton(r, 'boolean');
  if (left?.value === true && right?.value === true) return bool(true);
  if (left?.value === false || right?.value === false) return bool(false);
  return [];
}
function or(l: C, r: C): C {
  const left = singleton(l, 'boolean');
  const right = singleton(r, 'boolean');
  if (left?.value === false && right?.value === false) return bool(false);
  if (left?.value || right?.value) return bool(true);
  return [];
}
function implies(l: C, r: C): C {
  const left = singleton(l, 'boolean');
  const right = singleton(r, 'boolean');
  if (right?.value === true || left?.value === false) return bool(true);
  if (!left || !right) return [];
  return bool(false);
}

const TAG_SYSTEM = 'http://jpfhir.jp/fhir/clins/CodeSystem/BundleResourceType_CS';
const INSTITUTION = 'http://jpfhir.jp/fhir/clins/Extension/StructureDefinition/JP_eCS_InstitutionNumber';
const DEPARTMENT = 'http://jpfhir.jp/fhir/eCS/Extension/StructureDefinition/JP_eCS_Department';
const ENCOUNTER = 'http://jpfhir.jp/fhir/core/StructureDefinition/JP_Encounter';
const INSTITUTION_RE = new RegExp('^[0-4][0-9][1-3][0-9]{7}$');

/** `$this.indexOf('|')>0 and ($this.indexOf('|')>0 implies ($this.substring(0,$this.indexOf('|'))=url))` */
const versionedProfile = (url: string) => (p: C) => and(gt(indexOf(p, '|'), int(0)), implies(gt(indexOf(p, '|'), int(0)), eq(substring(p, 0, (i) => indexOf(i, '|')), str(url))));

/** `(entry.resource.ofType(T).exists().not()) or ((…meta.profile.where(versioned).exists()).not()) or ((…meta.profile.where($this!=url).exists()).not())` */
const validEntryProfile = (type: string, url: string) => (b: C) => {
  const ofT = () => ofType(path(b, 'entry', 'resource'), type);
  return or(or(not(exists(ofT())), not(exists(where(path(ofT(), 'meta', 'profile'), versionedProfile(url))))), not(exists(where(path(ofT(), 'meta', 'profile'), (p) => ne(p, str(url))))));
};

const resourcesAs = (b: C, type: string): C => select(path(b, 'entry'), (e) => ofType(nav(e, 'resource'), type));
const hasExtension = (url: string) => (r: C) => exists(where(nav(r, 'extension'), (x) => eq(nav(x, 'url'), str(url))));
const hasContainedEncounter = (r: C) => exists(where(path(r, 'contained', 'meta'), (m) => eq(nav(m, 'profile'), str(ENCOUNTER))));
const tagIs = (b: C, code: string): C => eq(nav(where(path(b, 'meta', 'tag'), (t) => eq(nav(t, 'system'), str(TAG_SYSTEM))), 'code'), str(code));
const typeIn = (v: Vars, ...types: string[]): C => types.map((t) => eq(nav([v['%resource']!], 'type'), str(t))).reduce((acc, c) => or(acc, c));

/**
 * Each invariant as a function of its focus (the bundle, or one entry for bdl-5 / bdl-8) and the variables, returning
 * what @medplum/core's evalFhirPathTyped returns for its expression (a thrown error included).
 */
export const BUNDLE_INVARIANTS: Record<string, (focus: C, variables: Vars) => C> = {
  'bdl-2': (b) => or(empty(path(b, 'entry', 'search')), eq(nav(b, 'type'), str('searchset'))),
  'bdl-3': (b, v) => all(nav(b, 'entry'), (e) => eq(exists(nav(e, 'request')), typeIn(v, 'batch', 'transaction', 'history'))),
  'bdl-4': (b, v) => all(nav(b, 'entry'), (e) => eq(exists(nav(e, 'response')), typeIn(v, 'batch-response', 'transaction-response', 'history'))),
  'bdl-5': (e) => or(or(exists(nav(e, 'resource')), exists(nav(e, 'request'))), exists(nav(e, 'response'))),
  'bdl-7': (b) => or(eq(nav(b, 'type'), str('history')), isDistinct(select(where(nav(b, 'entry'), (e) => exists(nav(e, 'fullUrl'))), (e) => concat(nav(e, 'fullUrl'), path(e, 'resource', 'meta', 'versionId'))))),
  'bdl-8': (e) => not(contains(nav(e, 'fullUrl'), '/_history/')),
  'mustHaveOneMoreResources-with-designatedResourceType': (b) =>
    or(
      or(and(exists(ofType(path(b, 'entry', 'resource'), 'Observation')), tagIs(b, 'Observation')), and(exists(ofType(path(b, 'entry', 'resource'), 'Condition')), tagIs(b, 'Condition'))),
      and(exists(ofType(path(b, 'entry', 'resource'), 'AllergyIntolerance')), tagIs(b, 'AllergyIntolerance')),
    ),
  'all-entries-needs-extension-of-institutionNumber': (b) => all(nav(tail(nav(b, 'entry')), 'resource'), hasExtension(INSTITUTION)),
  'all-entries-needs-valid-institutionNumber': (b) =>
    all(nav(tail(nav(b, 'entry')), 'resource'), (r) => matches(nav(ofType(nav(where(nav(r, 'extension'), (x) => eq(nav(x, 'url'), str(INSTITUTION))), 'value'), 'Identifier'), 'value'), INSTITUTION_RE)),
  'condition-needs-contained-of-Encounter': (b) => all(resourcesAs(b, 'Condition'), hasContainedEncounter),
  'condition-needs-extension-of-Department': (b) => all(resourcesAs(b, 'Condition'), hasExtension(DEPARTMENT)),
  'condition-needs-onsetDateTime': (b) => all(resourcesAs(b, 'Condition'), (r) => exists(ofType(nav(r, 'onset'), 'dateTime'))),
  'observation-needs-contained-of-Encounter': (b) => all(resourcesAs(b, 'Observation'), hasContainedEncounter),
  'observation-needs-extension-of-Department': (b) => all(resourcesAs(b, 'Observation'), hasExtension(DEPARTMENT)),
  'first-bundle-entry-is-Patient': (b) => is(nav(first(nav(b, 'entry')), 'resource'), 'Patient'),
  'patients-profile-is-JP-Patient-eCS': (b) => {
    const profiles = () => path(first(nav(b, 'entry')), 'resource', 'meta', 'profile');
    const url = 'http://jpfhir.jp/fhir/eCS/StructureDefinition/JP_Patient_eCS';
    return or(exists(where(profiles(), versionedProfile(url))), exists(where(profiles(), (p) => eq(p, str(url)))));
  },
  'validEntryProfile-AllergyIntolerance': validEntryProfile('AllergyIntolerance', 'http://jpfhir.jp/fhir/eCS/StructureDefinition/JP_AllergyIntolerance_eCS'),
  'validEntryProfile-Condition': validEntryProfile('Condition', 'http://jpfhir.jp/fhir/eCS/StructureDefinition/JP_Condition_eCS'),
  'validEntryProfile-MedicationRequest': validEntryProfile('MedicationRequest', 'http://jpfhir.jp/fhir/eCS/StructureDefinition/JP_MedicationRequest_eCS'),
  'validEntryProfile-ObservationLabResult': validEntryProfile('Observation', 'http://jpfhir.jp/fhir/eCS/StructureDefinition/JP_Observation_LabResult_eCS'),
};

/** The expressions the functions above were written from: a function is used only for exactly this expression. */
export const BUNDLE_INVARIANT_EXPRESSIONS: Record<string, string> = {
  'bdl-2': "entry.search.empty() or (type = 'searchset')",
  'bdl-3': "entry.all(request.exists() = (%resource.type = 'batch' or %resource.type = 'transaction' or %resource.type = 'history'))",
  'bdl-4': "entry.all(response.exists() = (%resource.type = 'batch-response' or %resource.type = 'transaction-response' or %resource.type = 'history'))",
  'bdl-7': "(type = 'history') or entry.where(fullUrl.exists()).select(fullUrl&resource.meta.versionId).isDistinct()",
  'mustHaveOneMoreResources-with-designatedResourceType': "(entry.resource.ofType(Observation).exists() and meta.tag.where(system='http://jpfhir.jp/fhir/clins/CodeSystem/BundleResourceType_CS').code='Observation') or (entry.resource.ofType(Condition).exists() and meta.tag.where(system='http://jpfhir.jp/fhir/clins/CodeSystem/BundleResourceType_CS').code='Condition') or (entry.resource.ofType(AllergyIntolerance).exists() and meta.tag.where(system='http://jpfhir.jp/fhir/clins/CodeSystem/BundleResourceType_CS').code='AllergyIntolerance')",
  'all-entries-needs-extension-of-institutionNumber': "entry.tail().resource.all(extension.where(url='http://jpfhir.jp/fhir/clins/Extension/StructureDefinition/JP_eCS_InstitutionNumber').exists())",
  'all-entries-needs-valid-institutionNumber': "entry.tail().resource.all(extension.where(url='http://jpfhir.jp/fhir/clins/Extension/StructureDefinition/JP_eCS_InstitutionNumber').value.ofType(Identifier).value.matches('^[0-4][0-9][1-3][0-9]{7}$'))",
  'condition-needs-contained-of-Encounter': "entry.select(resource as Condition).all(contained.meta.where(profile='http://jpfhir.jp/fhir/core/StructureDefinition/JP_Encounter').exists())",
  'condition-needs-extension-of-Department': "entry.select(resource as Condition).all(extension.where(url='http://jpfhir.jp/fhir/eCS/Extension/StructureDefinition/JP_eCS_Department').exists())",
  'condition-needs-onsetDateTime': "entry.select(resource as Condition).all(onset.ofType(dateTime).exists())",
  'observation-needs-contained-of-Encounter': "entry.select(resource as Observation).all(contained.meta.where(profile='http://jpfhir.jp/fhir/core/StructureDefinition/JP_Encounter').exists())",
  'observation-needs-extension-of-Department': "entry.select(resource as Observation).all(extension.where(url='http://jpfhir.jp/fhir/eCS/Extension/StructureDefinition/JP_eCS_Department').exists())",
  'first-bundle-entry-is-Patient': "entry.first().resource.is(Patient)",
  'patients-profile-is-JP-Patient-eCS': "entry.first().resource.meta.profile.where($this.indexOf('|')>0 and ($this.indexOf('|')>0 implies ($this.substring(0,$this.indexOf('|'))='http://jpfhir.jp/fhir/eCS/StructureDefinition/JP_Patient_eCS'))).exists() or entry.first().resource.meta.profile.where($this='http://jpfhir.jp/fhir/eCS/StructureDefinition/JP_Patient_eCS').exists()",
  'validEntryProfile-AllergyIntolerance': "(entry.resource.ofType(AllergyIntolerance).exists().not()) or ((entry.resource.ofType(AllergyIntolerance).meta.profile.where($this.indexOf('|')>0 and ($this.indexOf('|')>0 implies ($this.substring(0,$this.indexOf('|'))='http://jpfhir.jp/fhir/eCS/StructureDefinition/JP_AllergyIntolerance_eCS'))).exists()).not()) or ((entry.resource.ofType(AllergyIntolerance).meta.profile.where($this!='http://jpfhir.jp/fhir/eCS/StructureDefinition/JP_AllergyIntolerance_eCS').exists()).not())",
  'validEntryProfile-Condition': "(entry.resource.ofType(Condition).exists().not()) or ((entry.resource.ofType(Condition).meta.profile.where($this.indexOf('|')>0 and ($this.indexOf('|')>0 implies ($this.substring(0,$this.indexOf('|'))='http://jpfhir.jp/fhir/eCS/StructureDefinition/JP_Condition_eCS'))).exists()).not()) or ((entry.resource.ofType(Condition).meta.profile.where($this!='http://jpfhir.jp/fhir/eCS/StructureDefinition/JP_Condition_eCS').exists()).not())",
  'validEntryProfile-MedicationRequest': "(entry.resource.ofType(MedicationRequest).exists().not()) or ((entry.resource.ofType(MedicationRequest).meta.profile.where($this.indexOf('|')>0 and ($this.indexOf('|')>0 implies ($this.substring(0,$this.indexOf('|'))='http://jpfhir.jp/fhir/eCS/StructureDefinition/JP_MedicationRequest_eCS'))).exists()).not()) or ((entry.resource.ofType(MedicationRequest).meta.profile.where($this!='http://jpfhir.jp/fhir/eCS/StructureDefinition/JP_MedicationRequest_eCS').exists()).not())",
  'validEntryProfile-ObservationLabResult': "(entry.resource.ofType(Observation).exists().not()) or ((entry.resource.ofType(Observation).meta.profile.where($this.indexOf('|')>0 and ($this.indexOf('|')>0 implies ($this.substring(0,$this.indexOf('|'))='http://jpfhir.jp/fhir/eCS/StructureDefinition/JP_Observation_LabResult_eCS'))).exists()).not()) or ((entry.resource.ofType(Observation).meta.profile.where($this!='http://jpfhir.jp/fhir/eCS/StructureDefinition/JP_Observation_LabResult_eCS').exists()).not())",
  'bdl-5': "resource.exists() or request.exists() or response.exists()",
  'bdl-8': "fullUrl.contains('/_history/').not()",
};
