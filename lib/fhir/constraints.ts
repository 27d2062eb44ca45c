/**
 * The invariants of the StructureDefinitions (JP-CLINS profiles for the bundle and its entries, R4 base for
 * contained resources), evaluated with @medplum/core's FHIRPath engine with every expression parsed once.
 * Five data-type invariants that sit on every occurrence of a type (ext-1, ref-1, qty-3, per-1, rng-2) and dom-3
 * (every contained resource is referenced; its FHIRPath needs descendants(), which the engine lacks) are checked in
 * one walk over the JSON instead; ele-1 is validate.ts's empty-element walk.
 */
import { evalFhirPathTyped, parseFhirPath, toTypedValue, type TypedValue } from '@medplum/core';
import type { Bundle, Resource, StructureDefinition } from '@medplum/fhirtypes';
import { BUNDLE_INVARIANTS, BUNDLE_INVARIANT_EXPRESSIONS, RESOURCE_INVARIANTS, RESOURCE_INVARIANT_EXPRESSIONS, navigate, withSharedNavigation } from './compiled-invariants';
import { fieldLabel, type FhirIssue } from './issues';

type Atom = ReturnType<typeof parseFhirPath>;
interface Invariant {
  key: string;
  severity: 'error' | 'warning';
  human: string;
  atom: Atom;
  /** FHIRPath from the resource to the element ('' = the resource itself) */
  relativePath: string;
  pathAtom: Atom | null;
  /** relativePath's names when it is only names joined by dots (compiled-invariants' navigate finds its values) */
  pathNames: string[] | null;
  /** the expression written out in TypeScript (bundle-invariants.ts), used instead of the engine */
  compiled: ((focus: TypedValue[], variables: Record<string, TypedValue>) => TypedValue[] | null) | null;
}

const WALKED = new Set(['ele-1', 'ext-1', 'ref-1', 'qty-3', 'per-1', 'rng-2', 'dom-3']);
/** dom-6 asks every resource for a narrative: a best-practice warning the service does not need (the IG sends none). */
const SKIPPED = new Set(['dom-6']);
const baseByType = new Map<string, Invariant[]>();
const profileByType = new Map<string, Invariant[]>();

/** Whether the TypeScript version of an invariant is used (tests compare both ways). */
let useCompiled = true;
export function setCompiledInvariants(on: boolean): void {
  useCompiled = on;
}

function compiledOf(sd: StructureDefinition, key: string, expression: string): Invariant['compiled'] {
  if (sd.type === 'Bundle' && BUNDLE_INVARIANT_EXPRESSIONS[key] === expression) return BUNDLE_INVARIANTS[key] ?? null;
  for (const k of [`${sd.type}|${key}`, `*|${key}`]) if (RESOURCE_INVARIANT_EXPRESSIONS[k] === expression) return RESOURCE_INVARIANTS[k] ?? null;
  return null;
}

function invariantsOf(sd: StructureDefinition): Invariant[] {
  const out: Invariant[] = [];
  for (const element of sd.snapshot?.element ?? []) {
    if (!element.id || element.id.includes(':') || element.id.includes('[x]')) continue;
    const relativePath = element.id.split('.').slice(1).join('.');
    for (const c of element.constraint ?? []) {
      if (!c.expression || !c.key || WALKED.has(c.key) || SKIPPED.has(c.key)) continue;
      out.push({
        key: c.key,
        severity: c.severity === 'warning' ? 'warning' : 'error',
        human: c.human ?? c.key,
        atom: parseFhirPath(c.expression),
        relativePath,
        pathAtom: relativePath ? parseFhirPath(relativePath) : null,
        pathNames: /^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)*$/.test(relativePath) ? relativePath.split('.') : null,
        compiled: compiledOf(sd, c.key, c.expression),
      });
    }
  }
  return out;
}

/** R4 base resources: used for contained resources (Encounter, Practitioner). */
export function indexBaseConstraints(sds: readonly StructureDefinition[]) {
  for (const sd of sds) if (sd.kind === 'resource' && sd.type) baseByType.set(sd.type, invariantsOf(sd));
}

/** JP-CLINS profiles: used for the bundle and its entries. */
export function indexProfileConstraints(sd: StructureDefinition) {
  if (sd.kind === 'resource' && sd.type) profileByType.set(sd.type, invariantsOf(sd));
}

function holds(result: TypedValue[]): boolean {
  return result.length === 0 || (result.length === 1 && result[0]!.value === true) || result.every((r) => r.value === true);
}

/** One resource's invariants, with the compiled ones' entry / resource navigation shared for the evaluation. */
function evaluate(resource: Resource, invariants: readonly Invariant[], root: TypedValue, issues: FhirIssue[], owner: Resource | null) {
  withSharedNavigation(() => evaluateAll(resource, invariants, root, issues, owner));
}

function evaluateAll(resource: Resource, invariants: readonly Invariant[], root: TypedValue, issues: FhirIssue[], owner: Resource | null) {
  const self = toTypedValue(resource);
  const variables = { '%resource': self, '%rootResource': root, '%ucum': toTypedValue('http://unitsofmeasure.org') };
  // the compiled functions only read their input: one `[self]` for all of them (the engine gets its own)
  const selfOnly = [self];
  for (const inv of invariants) {
    let failed = false;
    try {
      const compiled = useCompiled ? inv.compiled : null;
      if (!inv.pathAtom) failed = !holds((compiled && compiled(selfOnly, variables)) || evalFhirPathTyped(inv.atom, [self], variables));
      else {
        // the element's values: navigated as the engine does (plain names), or by the engine
        const nodes = useCompiled && inv.pathNames ? navigate(selfOnly, inv.pathNames) : evalFhirPathTyped(inv.pathAtom, [self], variables);
        for (const node of nodes) {
          if (!holds((compiled && compiled([node], variables)) || evalFhirPathTyped(inv.atom, [node], variables))) {
            failed = true;
            break;
          }
        }
      }
    } catch {
      failed = false; // an expression the engine cannot run is not the record's fault
    }
    if (!failed) continue;
    const expression = inv.relativePath ? `${resource.resourceType}.${inv.relativePath}` : resource.resourceType;
    const field = fieldLabel(owner && owner !== resource ? `${owner.resourceType}.contained` : expression);
    issues.push({
      severity: inv.severity,
      message: inv.human.replace(/^R\d+:\s*/, ''),
      resourceType: (owner ?? resource).resourceType,
      recordId: owner ? (owner.id ?? null) : resource.resourceType === 'Bundle' ? null : (resource.id ?? null),
      field,
      expression,
      rule: inv.key,
    });
  }
}

/**
 * A path below `root` kept as its segments while walking (a property name, or an array index), written out only for
 * an issue: building every visited element's path string was most of what the walks allocated.
 */
export type PathSegments = (string | number)[];

/** `root` followed by the segments: `.name` for a property, `[i]` for an array index. */
export function pathText(root: string, segments: readonly (string | number)[]): string {
  let path = root;
  for (const s of segments) path += typeof s === 'number' ? `[${s}]` : `.${s}`;
  return path;
}

function typeIssue(rule: string, message: string, path: string, owner: Resource | null, issues: FhirIssue[]) {
  issues.push({ severity: 'error', message, resourceType: owner?.resourceType ?? 'Bundle', recordId: owner?.id ?? null, field: fieldLabel(path), expression: path, rule });
}

/**
 * Whether the value at these segments is an Extension: an element of (or the value of) an `extension` or
 * `modifierExtension` property, wherever it is (a resource, a data type, a primitive's `_name`). Until 2026-12-07 this
 * was a regex on the path text that asked for `/extension`, which FHIR paths never hold (they join names with dots):
 * ext-1 was never checked (ADR 0083, addendum on ext-1).
 */
function isExtensionPlace(segments: PathSegments): boolean {
  let last = segments.length - 1;
  if (typeof segments[last] === 'number') last -= 1;
  const name = segments[last];
  return name === 'extension' || name === 'modifierExtension';
}

/** ext-1, ref-1, qty-3, per-1, rng-2 wherever their type occurs (every property but `contained`, array holes skipped). */
function walkTypes(value: unknown, root: string, segments: PathSegments, owner: Resource | null, containedIds: ReadonlySet<string>, issues: FhirIssue[]) {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) continue;
      segments.push(i);
      walkTypes(value[i], root, segments, owner, containedIds, issues);
      segments.pop();
    }
    return;
  }
  if (!value || typeof value !== 'object') return;
  const o = value as Record<string, unknown>;
  if (typeof o.url === 'string' && isExtensionPlace(segments)) {
    let hasValue = false;
    for (const k in o) if (Object.prototype.hasOwnProperty.call(o, k) && k.startsWith('value')) hasValue = true;
    if (hasValue === Array.isArray(o.extension)) typeIssue('ext-1', '拡張には値か入れ子の拡張のどちらか一方が必要です。', pathText(root, segments), owner, issues);
  }
  if (typeof o.reference === 'string' && o.reference.startsWith('#') && !containedIds.has(o.reference.slice(1))) typeIssue('ref-1', `参照 ${o.reference} が埋め込みリソースにありません。`, pathText(root, segments), owner, issues);
  if (typeof o.value === 'number' && o.code !== undefined && o.system === undefined) typeIssue('qty-3', '単位コードにはコード体系が必要です。', pathText(root, segments), owner, issues);
  if (typeof o.start === 'string' && typeof o.end === 'string' && o.start > o.end) typeIssue('per-1', '期間の開始が終了より後です。', pathText(root, segments), owner, issues);
  const low = (o.low as { value?: number } | undefined)?.value;
  const high = (o.high as { value?: number } | undefined)?.value;
  if (typeof low === 'number' && typeof high === 'number' && low > high) typeIssue('rng-2', `下限 ${low} が上限 ${high} より大きくなっています。`, pathText(root, segments), owner, issues);
  for (const k in o) {
    if (!Object.prototype.hasOwnProperty.call(o, k) || k === 'contained') continue;
    segments.push(k);
    walkTypes(o[k], root, segments, owner, containedIds, issues);
    segments.pop();
  }
}

/** A FHIR id that JSON does not escape and that holds neither `"` nor `#`. */
const PLAIN_ID = /^[A-Za-z0-9\-.]{1,64}$/;
const MAX_DEPTH = 100;

/** A value JSON.stringify leaves out (a property) or writes as null (an array element). */
const dropped = (v: unknown) => v === undefined || typeof v === 'function' || typeof v === 'symbol';

/** What dom-3's walk looks for (`#id` of every contained resource) and what it has found of it. */
interface ContainedSearch {
  wanted: ReadonlySet<string>;
  found: Set<string>;
}

/** One string of the JSON text (a property name or a string value): it holds `"#id"` when it is `#id` or ends with `"#id`. */
function searchToken(s: string, search: ContainedSearch): void {
  // every wanted text starts with `#`: any other string is not looked up (a set lookup hashes the whole string)
  if (s.charCodeAt(0) === 35 && search.wanted.has(s)) search.found.add(s);
  const quote = s.lastIndexOf('"#');
  if (quote !== -1 && search.wanted.has(s.slice(quote + 1))) search.found.add(s.slice(quote + 1));
}

/**
 * The strings of a JSON value as JSON.stringify writes them (property names with a value it keeps, string values),
 * each given to searchToken; false when the value holds anything but plain JSON (a Date or other object with its own
 * prototype, a toJSON, a bigint, deeper than MAX_DEPTH), where only the text itself tells what it holds.
 */
function jsonStrings(value: unknown, search: ContainedSearch, depth: number): boolean {
  if (typeof value === 'string') {
    searchToken(value, search);
    return true;
  }
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return true;
  if (typeof value !== 'object' || depth > MAX_DEPTH || typeof (value as { toJSON?: unknown }).toJSON === 'function') return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!dropped(value[i]) && !jsonStrings(value[i], search, depth + 1)) return false;
    return true;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return false;
  const o = value as Record<string, unknown>;
  for (const k in o) {
    if (!Object.prototype.hasOwnProperty.call(o, k) || dropped(o[k])) continue;
    searchToken(k, search);
    if (!jsonStrings(o[k], search, depth + 1)) return false;
  }
  return true;
}

/** The JSON text dom-3 searches: the resource without its contained resources. */
const withoutContained = (r: Resource): string => JSON.stringify({ ...r, contained: undefined });

/**
 * dom-3's test of the contained resources' `#id`s: whether JSON.stringify({ ...r, contained: undefined }) holds
 * `"#id"`. With plain ids and plain JSON, without writing the text: a string holds `"#id"` in the text exactly when it
 * is `#id` or ends with `"#id` (the escaped quote, then the closing one); the answer is the set of `#id`s found.
 * Anything else asks the text: the answer is the text. No closures: tsx (the worker, the benchmarks) names every
 * function made in a call with a defineProperty, a cost per call.
 */
function referencedContained(r: Resource, contained: readonly Resource[]): ReadonlySet<string> | string {
  const wanted = new Set<string>();
  for (const c of contained) {
    if (typeof c.id !== 'string' || !PLAIN_ID.test(c.id)) return withoutContained(r);
    wanted.add(`#${c.id}`);
  }
  if (typeof (r as { toJSON?: unknown }).toJSON === 'function') return withoutContained(r);
  const search: ContainedSearch = { wanted, found: new Set() };
  const o = r as unknown as Record<string, unknown>;
  for (const k in o) {
    const v = o[k];
    if (!Object.prototype.hasOwnProperty.call(o, k) || k === 'contained' || dropped(v)) continue;
    searchToken(k, search);
    if (!jsonStrings(v, search, 1)) return withoutContained(r);
  }
  return search.found;
}

/** Whether `#id` is referenced, by referencedContained's answer. */
const isReferenced = (answer: ReadonlySet<string> | string, ref: string): boolean => (typeof answer === 'string' ? answer.includes(`"${ref}"`) : answer.has(ref));

/** Invariants of the bundle itself (the profile's rules over its entries). */
export function bundleConstraintIssues(bundle: Bundle): FhirIssue[] {
  const issues: FhirIssue[] = [];
  evaluate(bundle, profileByType.get('Bundle') ?? [], toTypedValue(bundle), issues, null);
  return issues;
}

/**
 * Invariant issues of one entry's resource and its contained resources: they depend on the resource alone
 * (%rootResource is the resource itself), so validate.ts may reuse them for an identical resource.
 */
export function entryConstraintIssues(r: Resource): FhirIssue[] {
  const issues: FhirIssue[] = [];
  const self = toTypedValue(r);
  evaluate(r, profileByType.get(r.resourceType) ?? baseByType.get(r.resourceType) ?? [], self, issues, null);
  const contained = ((r as { contained?: Resource[] }).contained ?? []);
  for (const c of contained) evaluate(c, baseByType.get(c.resourceType) ?? [], self, issues, r);
  walkTypes(r, r.resourceType, [], r, new Set(contained.map((c) => c.id ?? '')), issues);
  const referenced = contained.length > 0 ? referencedContained(r, contained) : null;
  for (const c of contained) {
    if (!isReferenced(referenced!, `#${c.id ?? ''}`)) {
      const field = fieldLabel(`${r.resourceType}.contained`);
      issues.push({ severity: 'error', message: `埋め込みリソース ${c.resourceType}/${c.id ?? ''} がどこからも参照されていません。`, resourceType: r.resourceType, recordId: r.id ?? null, field, expression: `${r.resourceType}.contained`, rule: 'dom-3' });
    }
  }
  for (const c of contained) walkTypes(c, `${r.resourceType}.contained`, [], r, new Set(), issues);
  return issues;
}

/** Invariant issues of a bundle and everything in it. */
export function constraintIssues(bundle: Bundle): FhirIssue[] {
  const issues = bundleConstraintIssues(bundle);
  for (const entry of bundle.entry ?? []) if (entry.resource) issues.push(...entryConstraintIssues(entry.resource));
  return issues;
}
