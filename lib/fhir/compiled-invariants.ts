/**
 * The JP_Bundle_CLINS invariants that read every entry, and the entry profiles' own invariants (and those of the R4
 * base for contained resources), written out in TypeScript over @medplum/core's own
 * collection semantics: each function below is its FHIRPath expression evaluated step by step with the same rules as
 * @medplum/core's engine (atoms.ts, functions.ts: property navigation through typedProperty — proven identical to
 * getTypedPropertyValue by structure.test.ts —, the singleton and boolean rules of and/or/implies, the string
 * functions' input checks and errors), without the engine's per-node dispatch and generic property lookup.
 * constraints.ts uses them in place of the FHIRPath for these keys; compiled-invariants.test.ts checks both agree on
 * every invariant of the corpus bundles, their broken variants and bundles broken one field at a time (ADR 0069
 * addendum). A function may answer null: the engine evaluates that case. Any invariant not listed here is evaluated by the engine as before.
 */
import { fhirPathEquals, fhirPathIs, isResource, singleton, toTypedValue, type TypedValue } from '@medplum/core';
import { isEmpty, typedProperty } from './structure';

type C = TypedValue[];
type Vars = Record<string, TypedValue>;

/*
 * A collection these functions answer is only read, never changed (by them, constraints.ts or the tests), so the
 * constant ones are made once: booleanToTypedValue's two answers, the literals' collections (`str`, `int`).
 */
const constant = (value: TypedValue): C => Object.freeze([Object.freeze(value)]) as unknown as C;
const TRUE = constant({ type: 'boolean', value: true });
const FALSE = constant({ type: 'boolean', value: false });
/** booleanToTypedValue */
const bool = (b: boolean): C => (b ? TRUE : FALSE);
const literals = new Map<string, C>();
/** A string literal's collection: only ever called with the constants below (concat makes its own). */
function str(s: string): C {
  let c = literals.get(s);
  if (!c) {
    c = constant({ type: 'string', value: s });
    literals.set(s, c);
  }
  return c;
}
const ints: C[] = [];
const int = (n: number): C => (n >= 0 && n < 64 && Number.isInteger(n) ? (ints[n] ??= constant({ type: 'integer', value: n })) : [{ type: 'integer', value: n }]);

/** One value's property (getTypedPropertyValue), flattened, undefined dropped, appended to `out`. */
function property(e: TypedValue, name: string, out: TypedValue[]): void {
  const p = typedProperty(e, name);
  if (Array.isArray(p)) {
    for (const x of p) if (x?.value !== undefined) out.push(x);
  } else if (p?.value !== undefined) out.push(p);
}

/**
 * Every navigation step of one evaluation (one resource's invariants, withSharedNavigation), per typed value and name:
 * the invariants navigate the same steps again and again (the bundle invariants a score of passes over every entry,
 * `meta.tag`, `identifier` …; a resource's `contained.meta`, `extension` …), and the JSON does not change during an
 * evaluation. A step's values are shared, and a one-value collection's step is answered with them as they are: never
 * changed (every function here only reads its input collections). The maps are made for the one evaluation (on first
 * use) and dropped after it: module-level WeakMaps held the entries and resources before, and V8's scavenger treats a
 * WeakMap's values as live, so the entries of every bundle evaluated since the last scavenge were copied and most of
 * them promoted (ADR 0069, addendum on scavenge survivors). Outside an evaluation (tests calling these functions directly)
 * nothing is shared: the same values are computed again.
 */
let sharing = false;
let steps: Map<TypedValue, Map<string, C>> | null = null;

/** Runs one evaluation (constraints.ts: one resource's invariants) with its navigation steps shared. */
export function withSharedNavigation<T>(run: () => T): T {
  const outer = { sharing, steps };
  sharing = true;
  steps = null;
  try {
    return run();
  } finally {
    ({ sharing, steps } = outer);
  }
}

/** One value's step: itself when it is a resource of that type, else its property (flattened, undefined dropped). */
function step(e: TypedValue, name: string): C {
  if (isResource(e.value, name as never)) return [e];
  const out: C = [];
  property(e, name, out);
  return out;
}

/** step(), shared within an evaluation; null for a value that is not an object (it has no step). */
function sharedStep(e: TypedValue, name: string): C | null {
  const v = e.value as unknown;
  if (!v || typeof v !== 'object') return null;
  if (!sharing) return step(e, name);
  steps ??= new Map();
  let byName = steps.get(e);
  if (!byName) {
    byName = new Map();
    steps.set(e, byName);
  }
  let values = byName.get(name);
  if (!values) {
    values = step(e, name);
    byName.set(name, values);
  }
  return values;
}

/** SymbolAtom: a resource of that type stays, else its property (getTypedPropertyValue), flattened, undefined dropped. */
function nav(c: C, name: string): C {
  if (c.length === 1) return sharedStep(c[0]!, name) ?? [];
  const out: TypedValue[] = [];
  for (const e of c) {
    const values = sharedStep(e, name);
    if (values) for (const x of values) out.push(x);
  }
  return out;
}
/** A dotted path of up to three names, step by step (nav): no rest-parameter array per call. */
function path(c: C, a: string, b?: string, d?: string): C {
  let out = nav(c, a);
  if (b !== undefined) out = nav(out, b);
  if (d !== undefined) out = nav(out, d);
  return out;
}

/**
 * The engine's evaluation of a FHIRPath of plain names (`entry`, `referenceRange`, `a.b`: SymbolAtoms joined by dots),
 * step by step as nav does it: where an invariant sits on an element, constraints.ts finds the element's values so.
 */
export function navigate(c: TypedValue[], names: readonly string[]): TypedValue[] {
  let out = c;
  for (const name of names) out = nav(out, name);
  return out;
}
/** toJsBoolean */
const truthy = (c: C): boolean => (c.length === 0 ? false : !!c[0]!.value);
/*
 * where / all / select give each element to `f` as a one-element collection: one array per call, its element replaced
 * (`f` only reads its input and answers a collection of its own; select copies what it answers).
 */
function where(c: C, f: (e: C) => C): C {
  const out: C = [];
  const one: C = [];
  for (const e of c) {
    one[0] = e;
    if (truthy(f(one))) out.push(e);
  }
  return out;
}
function all(c: C, f: (e: C) => C): C {
  const one: C = [];
  for (const e of c) {
    one[0] = e;
    if (!truthy(f(one))) return FALSE;
  }
  return TRUE;
}
function select(c: C, f: (e: C) => C): C {
  const out: C = [];
  const one: C = [];
  for (const e of c) {
    one[0] = e;
    for (const x of f(one)) out.push(x);
  }
  return out;
}
function exists(c: C): C {
  if (c.length === 0) return FALSE;
  for (const e of c) if (isEmpty(e.value)) return FALSE;
  return TRUE;
}
function empty(c: C): C {
  for (const e of c) if (!isEmpty(e.value)) return FALSE;
  return TRUE;
}
const ofType = (c: C, type: string): C => c.filter((e) => e.type === type);
const first = (c: C): C => (c.length === 0 ? [] : c.slice(0, 1));
const tail = (c: C): C => (c.length === 0 ? [] : c.slice(1));
const is = (c: C, type: string): C => c.map((v) => ({ type: 'boolean', value: fhirPathIs(v, type) }));

/**
 * toJsBoolean(fhirPathEquals(a, b)): two strings or two numbers compared here by the engine's own rules (strings by
 * ===, numbers within 1e-8), without its answer array; anything else by fhirPathEquals itself.
 */
function equal(a: TypedValue, b: TypedValue): boolean {
  const x = (a.value as { valueOf(): unknown } | null | undefined)?.valueOf();
  const y = (b.value as { valueOf(): unknown } | null | undefined)?.valueOf();
  if (typeof x === 'string' && typeof y === 'string') return x === y;
  if (typeof x === 'number' && typeof y === 'number') return Math.abs(x - y) < 1e-8;
  return truthy(fhirPathEquals(a, b));
}
/** fhirPathArrayEquals */
function eq(a: C, b: C): C {
  if (a.length === 0 || b.length === 0) return [];
  if (a.length !== b.length) return FALSE;
  for (let i = 0; i < a.length; i++) if (!equal(a[i]!, b[i]!)) return FALSE;
  return TRUE;
}
/** fhirPathArrayNotEquals */
function ne(a: C, b: C): C {
  if (a.length === 0 || b.length === 0) return [];
  if (a.length !== b.length) return TRUE;
  for (let i = 0; i < a.length; i++) if (!equal(a[i]!, b[i]!)) return TRUE;
  return FALSE;
}

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

const count = (c: C): C => int(c.length);
/** hasValue(): a non-empty collection (the engine does not look at the values) */
const hasValue = (c: C): C => bool(c.length !== 0);
/** left-associative `or` of several operands, as the parser nests `a or b or c` */
const anyOf = (...cs: C[]): C => cs.reduce((acc, c) => or(acc, c));

/** ArithemticOperatorAtom '>' */
function gt(left: C, right: C): C {
  if (left.length !== 1 || right.length !== 1) return [];
  return bool((left[0]!.value as number) > (right[0]!.value as number));
}

/** ConcatAtom '&' */
function concat(a: C, b: C): C {
  const result = [...a, ...b];
  if (result.length > 0 && result.every((e) => typeof e.value === 'string')) return [{ type: 'string', value: result.map((e) => e.value as string).join('') }];
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
const BUNDLE_PROFILE = 'http://jpfhir.jp/fhir/clins/StructureDefinition/JP_Bundle_CLINS';
const BUNDLE_ID_SYSTEM = 'http://jpfhir.jp/fhir/clins/bundle-identifier';
const BUNDLE_ID_RE = new RegExp('^[0-4][0-9][1-3][0-9]{7}[\\^]20[2-3][0-9][\\^][A-Za-z0-9\\-]{1,36}$');

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
const typeIs = (b: C, type: string): C => eq(nav(b, 'type'), str(type));
/** `meta.tag.where(system='…BundleResourceType_CS')` */
const resourceTypeTags = (b: C): C => where(path(b, 'meta', 'tag'), (t) => eq(nav(t, 'system'), str(TAG_SYSTEM)));
const bundleIdentifiers = (b: C): C => where(nav(b, 'identifier'), (i) => eq(nav(i, 'system'), str(BUNDLE_ID_SYSTEM)));
const tagIs = (b: C, code: string): C => eq(nav(where(path(b, 'meta', 'tag'), (t) => eq(nav(t, 'system'), str(TAG_SYSTEM))), 'code'), str(code));
/** `%resource.type = t1 or %resource.type = t2 or …`, left-associative */
function typeIn(v: Vars, types: readonly string[]): C {
  const type = nav([v['%resource']!], 'type');
  let result = eq(type, str(types[0]!));
  for (let i = 1; i < types.length; i++) result = or(result, eq(type, str(types[i]!)));
  return result;
}

/**
 * Each invariant as a function of its focus (the bundle, or one entry for bdl-5 / bdl-8) and the variables, returning
 * what @medplum/core's evalFhirPathTyped returns for its expression (a thrown error included).
 */
export const BUNDLE_INVARIANTS: Record<string, (focus: C, variables: Vars) => C | null> = {
  'bdl-1': (b) => anyOf(empty(nav(b, 'total')), typeIs(b, 'searchset'), typeIs(b, 'history')),
  'bdl-9': (b) => implies(typeIs(b, 'document'), and(exists(path(b, 'identifier', 'system')), exists(path(b, 'identifier', 'value')))),
  'bdl-10': (b) => implies(typeIs(b, 'document'), hasValue(nav(b, 'timestamp'))),
  'bdl-11': (b) => implies(typeIs(b, 'document'), is(nav(first(nav(b, 'entry')), 'resource'), 'Composition')),
  'bdl-12': (b) => implies(typeIs(b, 'message'), is(nav(first(nav(b, 'entry')), 'resource'), 'MessageHeader')),
  'bundle-profile-is-JP-Bundle-CLINS': (b) => or(exists(where(path(b, 'meta', 'profile'), versionedProfile(BUNDLE_PROFILE))), exists(where(path(b, 'meta', 'profile'), (p) => eq(p, str(BUNDLE_PROFILE))))),
  'bundle-meta-tag-resourceType-exists': (b) => exists(resourceTypeTags(b)),
  'bundle-meta-tag-resourceType-valid': (b) =>
    anyOf(...['AllergyIntolerance', 'Observation', 'Condition'].map((code) => eq(count(where(resourceTypeTags(b), (t) => eq(nav(t, 'code'), str(code)))), int(1)))),
  'valid-system-bundleIdenfifier': (b) => exists(bundleIdentifiers(b)),
  'valid-value-bundleIdenfifier': (b) => and(eq(count(bundleIdentifiers(b)), int(1)), matches(nav(bundleIdentifiers(b), 'value'), BUNDLE_ID_RE)),
  'bdl-2': (b) => or(empty(path(b, 'entry', 'search')), eq(nav(b, 'type'), str('searchset'))),
  // the right side reads only %resource: the same for every entry, evaluated once (on the first entry)
  'bdl-3': (b, v) => {
    let types: C | undefined;
    return all(nav(b, 'entry'), (e) => eq(exists(nav(e, 'request')), (types ??= typeIn(v, ['batch', 'transaction', 'history']))));
  },
  'bdl-4': (b, v) => {
    let types: C | undefined;
    return all(nav(b, 'entry'), (e) => eq(exists(nav(e, 'response')), (types ??= typeIn(v, ['batch-response', 'transaction-response', 'history']))));
  },
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

const CONDITION_VER = 'http://terminology.hl7.org/CodeSystem/condition-ver-status';
const CONDITION_CLINICAL = 'http://terminology.hl7.org/CodeSystem/condition-clinical';
const ALLERGY_VER = 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification';
const LOCAL_PATIENT_ID = 'urn:oid:1.2.392.100495.20.3.51.';
const MEMBER_ID = 'http://jpfhir.jp/fhir/clins/Idsystem/JP_Insurance_memberID';
const MEMBER_ID_RE = new RegExp('^[0-9]{8}:[^:^\\s^　]*:[^:^\\s^　]*:(.{0}|[0-9][0-9])$');
const EN_REPRESENTATION = 'http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation';
const none = (): C => [];
/** `coding.where(system = s and code = x)` */
const codingWhere = (c: C, system: string, code: (k: C) => C): C => where(nav(c, 'coding'), (k) => and(eq(nav(k, 'system'), str(system)), code(k)));
const codeIs = (value: string) => (k: C) => eq(nav(k, 'code'), str(value));

/** The invariants of one resource (focus: the resource, or the element for an element's invariant), by `Type|key`; `*|key` for every type. */
export const RESOURCE_INVARIANTS: Record<string, (focus: C, variables: Vars) => C | null> = {
  '*|dom-2': (r) => empty(path(r, 'contained', 'contained')),
  '*|dom-4': (r) => and(empty(path(r, 'contained', 'meta', 'versionId')), empty(path(r, 'contained', 'meta', 'lastUpdated'))),
  '*|dom-5': (r) => empty(path(r, 'contained', 'meta', 'security')),
  'Patient|valid-system-local-patientID': (r) => {
    const local = () => where(nav(r, 'identifier'), (i) => eq(substring(nav(i, 'system'), 0, () => int(31)), str(LOCAL_PATIENT_ID)));
    return or(
      and(and(eq(count(local()), int(1)), eq(substring(nav(local(), 'system'), 31, () => int(1)), str('1'))), matches(substring(nav(local(), 'system'), 32, none), INSTITUTION_RE)),
      empty(local()),
    );
  },
  'Patient|valid-system-insurance-patientIdentifier': (r) => eq(count(where(nav(r, 'identifier'), (i) => eq(nav(i, 'system'), str(MEMBER_ID)))), int(1)),
  'Patient|valid-value-insurance-patientIdentifier': (r) => {
    const member = () => where(nav(r, 'identifier'), (i) => eq(nav(i, 'system'), str(MEMBER_ID)));
    return and(eq(count(member()), int(1)), matches(nav(member(), 'value'), MEMBER_ID_RE));
  },
  'Patient|kanjiName-kanaName-donot-contain-ZenkakuKuuhaku': (r) =>
    not(exists(where(where(nav(r, 'name'), (n) => exists(where(nav(n, 'extension'), (x) => eq(nav(x, 'url'), str(EN_REPRESENTATION))))), (n) => contains(nav(n, 'text'), '　')))),
  'Patient|pat-1': (c) => anyOf(exists(nav(c, 'name')), exists(nav(c, 'telecom')), exists(nav(c, 'address')), exists(nav(c, 'organization'))),
  'Condition|con-3': (r) =>
    anyOf(exists(nav(r, 'clinicalStatus')), exists(codingWhere(nav(r, 'verificationStatus'), CONDITION_VER, codeIs('entered-in-error'))), empty(select(nav(r, 'category'), (c) => eq(c, str('problem-list-item'))))),
  'Condition|con-4': (r) => or(empty(nav(r, 'abatement')), exists(codingWhere(nav(r, 'clinicalStatus'), CONDITION_CLINICAL, (k) => anyOf(codeIs('resolved')(k), codeIs('remission')(k), codeIs('inactive')(k))))),
  'Condition|con-5': (r) => or(empty(codingWhere(nav(r, 'verificationStatus'), CONDITION_VER, codeIs('entered-in-error'))), empty(nav(r, 'clinicalStatus'))),
  'Condition|con-1': (c) => or(exists(nav(c, 'summary')), exists(nav(c, 'assessment'))),
  'Condition|con-2': (c) => or(exists(nav(c, 'code')), exists(nav(c, 'detail'))),
  'AllergyIntolerance|ait-1': (r) => or(exists(codingWhere(nav(r, 'verificationStatus'), ALLERGY_VER, codeIs('entered-in-error'))), exists(nav(r, 'clinicalStatus'))),
  'AllergyIntolerance|ait-2': (r) => or(empty(codingWhere(nav(r, 'verificationStatus'), ALLERGY_VER, codeIs('entered-in-error'))), empty(nav(r, 'clinicalStatus'))),
  'Observation|obs-6': (r) => or(empty(nav(r, 'dataAbsentReason')), empty(nav(r, 'value'))),
  // with component codes the engine runs intersect against %resource: left to it
  'Observation|obs-7': (r) => (path(r, 'component', 'code').length > 0 ? null : or(empty(nav(r, 'value')), empty([]))),
  'Observation|resource-needs-extension-of-institutionNumber': (r) => hasExtension(INSTITUTION)(r),
  'Observation|obs-3': (c) => anyOf(exists(nav(c, 'low')), exists(nav(c, 'high')), exists(nav(c, 'text'))),
};

/** The expressions the resource functions were written from. */
export const RESOURCE_INVARIANT_EXPRESSIONS: Record<string, string> = {
  'AllergyIntolerance|ait-1': "verificationStatus.coding.where(system = 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification' and code = 'entered-in-error').exists() or clinicalStatus.exists()",
  'AllergyIntolerance|ait-2': "verificationStatus.coding.where(system = 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification' and code = 'entered-in-error').empty() or clinicalStatus.empty()",
  '*|dom-2': "contained.contained.empty()",
  '*|dom-4': "contained.meta.versionId.empty() and contained.meta.lastUpdated.empty()",
  '*|dom-5': "contained.meta.security.empty()",
  'Condition|con-3': "clinicalStatus.exists() or verificationStatus.coding.where(system='http://terminology.hl7.org/CodeSystem/condition-ver-status' and code = 'entered-in-error').exists() or category.select($this='problem-list-item').empty()",
  'Condition|con-4': "abatement.empty() or clinicalStatus.coding.where(system='http://terminology.hl7.org/CodeSystem/condition-clinical' and (code='resolved' or code='remission' or code='inactive')).exists()",
  'Condition|con-5': "verificationStatus.coding.where(system='http://terminology.hl7.org/CodeSystem/condition-ver-status' and code='entered-in-error').empty() or clinicalStatus.empty()",
  'Condition|con-1': "summary.exists() or assessment.exists()",
  'Condition|con-2': "code.exists() or detail.exists()",
  'Observation|obs-6': "dataAbsentReason.empty() or value.empty()",
  'Observation|obs-7': "value.empty() or component.code.where(coding.intersect(%resource.code.coding).exists()).empty()",
  'Observation|resource-needs-extension-of-institutionNumber': "extension.where(url='http://jpfhir.jp/fhir/clins/Extension/StructureDefinition/JP_eCS_InstitutionNumber').exists()",
  'Observation|obs-3': "low.exists() or high.exists() or text.exists()",
  'Patient|valid-system-local-patientID': "(identifier.where(system.substring(0,31) = 'urn:oid:1.2.392.100495.20.3.51.').count()=1 and (identifier.where(system.substring(0,31) = 'urn:oid:1.2.392.100495.20.3.51.')).system.substring(31,1) = '1' and (identifier.where(system.substring(0,31) = 'urn:oid:1.2.392.100495.20.3.51.')).system.substring(32).matches('^[0-4][0-9][1-3][0-9]{7}$')) or (identifier.where(system.substring(0,31) = 'urn:oid:1.2.392.100495.20.3.51.').empty())",
  'Patient|valid-system-insurance-patientIdentifier': "(identifier.where(system = 'http://jpfhir.jp/fhir/clins/Idsystem/JP_Insurance_memberID').count()=1)",
  'Patient|valid-value-insurance-patientIdentifier': "(identifier.where(system = 'http://jpfhir.jp/fhir/clins/Idsystem/JP_Insurance_memberID').count()=1 and identifier.where(system = 'http://jpfhir.jp/fhir/clins/Idsystem/JP_Insurance_memberID').value.matches('^[0-9]{8}:[^:^\\\\s^　]*:[^:^\\\\s^　]*:(.{0}|[0-9][0-9])$'))",
  'Patient|kanjiName-kanaName-donot-contain-ZenkakuKuuhaku': "name.where(extension.where(url='http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation').exists()).where(text.contains('　')).exists().not()",
  'Patient|pat-1': "name.exists() or telecom.exists() or address.exists() or organization.exists()",
};

/** The expressions the functions above were written from: a function is used only for exactly this expression. */
export const BUNDLE_INVARIANT_EXPRESSIONS: Record<string, string> = {
  'bdl-1': "total.empty() or (type = 'searchset') or (type = 'history')",
  'bdl-9': "type = 'document' implies (identifier.system.exists() and identifier.value.exists())",
  'bdl-10': "type = 'document' implies (timestamp.hasValue())",
  'bdl-11': "type = 'document' implies entry.first().resource.is(Composition)",
  'bdl-12': "type = 'message' implies entry.first().resource.is(MessageHeader)",
  'bundle-profile-is-JP-Bundle-CLINS': "meta.profile.where($this.indexOf('|')>0 and ($this.indexOf('|')>0 implies ($this.substring(0,$this.indexOf('|'))='http://jpfhir.jp/fhir/clins/StructureDefinition/JP_Bundle_CLINS'))).exists()  or meta.profile.where($this='http://jpfhir.jp/fhir/clins/StructureDefinition/JP_Bundle_CLINS').exists()",
  'bundle-meta-tag-resourceType-exists': "meta.tag.where(system='http://jpfhir.jp/fhir/clins/CodeSystem/BundleResourceType_CS').exists()",
  'bundle-meta-tag-resourceType-valid': "meta.tag.where(system='http://jpfhir.jp/fhir/clins/CodeSystem/BundleResourceType_CS').where(code='AllergyIntolerance').count()=1 or meta.tag.where(system='http://jpfhir.jp/fhir/clins/CodeSystem/BundleResourceType_CS').where(code='Observation').count()=1 or meta.tag.where(system='http://jpfhir.jp/fhir/clins/CodeSystem/BundleResourceType_CS').where(code='Condition').count()=1",
  'valid-system-bundleIdenfifier': "identifier.where(system='http://jpfhir.jp/fhir/clins/bundle-identifier').exists()",
  'valid-value-bundleIdenfifier': "(identifier.where(system = 'http://jpfhir.jp/fhir/clins/bundle-identifier').count()=1 and identifier.where(system = 'http://jpfhir.jp/fhir/clins/bundle-identifier').value.matches('^[0-4][0-9][1-3][0-9]{7}[\\\\^]20[2-3][0-9][\\\\^][A-Za-z0-9\\\\-]{1,36}$'))",
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
