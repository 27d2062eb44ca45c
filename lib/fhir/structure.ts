/**
 * Structure validation of a resource against the schemas registered in @medplum/core (the derived JP-CLINS 1.5.2
 * profiles and the R4 base types, ADR 0026): the same algorithm as @medplum/core 4.5.2's `validateResource`
 * (src/typeschema/validation.ts and crawler.ts, Apache-2.0, ported here), over the same parsed schemas and with its
 * own helpers (property access, slice discriminators, fixed/pattern comparison, primitive formats, issue texts), so
 * it reports the same issues in the same order. One change (ADR 0083): @medplum/core's crawl visits every element of
 * an object's schema, present or not, and resolves every absent choice element through all of its types (Extension's
 * value[x] has 50); an absent optional element yields nothing there, so it is skipped here by a lookup of the JSON
 * names the element can take, precomputed once per schema. `referenceStructureIssues` (@medplum/core itself) stays
 * the reference: lib/fhir/structure.test.ts compares both on every fixture, demo bundle and broken record.
 */
import {
  HTTP_HL7_ORG,
  UCUM,
  arrayify,
  capitalize,
  createConstraintIssue,
  createOperationOutcomeIssue,
  createProcessingIssue,
  createStructureIssue,
  deepEquals,
  deepIncludes,
  evalFhirPathTyped,
  fhirTypeToJsType,
  getDataType,
  getElementDefinitionFromElements,
  getTypedPropertyValue,
  getTypedPropertyValueWithSchema,
  isPrimitiveType,
  isReference,
  isResource,
  matchDiscriminant,
  parseFhirPath,
  toTypedValue,
  tryGetDataType,
  validateResource,
  validationRegexes,
  type InternalSchemaElement,
  type InternalTypeSchema,
  type SlicingRules,
  type TypedValue,
  type TypedValueWithPath,
} from '@medplum/core';
import type { Bundle, OperationOutcomeIssue, Resource } from '@medplum/fhirtypes';

type Constraint = NonNullable<InternalTypeSchema['constraints']>[number];
type Atom = ReturnType<typeof parseFhirPath>;
type JsonObject = Record<string, unknown>;

/** The invariants @medplum/core never evaluates. */
const SKIPPED_CONSTRAINTS = new Set(['ele-1', 'dom-3', 'org-1', 'sdf-19']);
const INTEGER_TYPES = new Set(['integer', 'positiveInt', 'unsignedInt']);

/** One element of a schema, in the schema's order, with the JSON property names that make it present. */
interface CrawlElement {
  key: string;
  /** the element may be skipped when absent: optional, and its presence decidable from `names` */
  skippable: boolean;
  names: readonly string[];
  /**
   * `names` as a set when they are many (a choice element: Extension's value[x] has 100 with the `_` names), for
   * objects with the plain prototype: their own keys are fewer to look through; null when few, or when a name is also
   * a property of Object.prototype (then only the lookup by name sees it)
   */
  nameSet: ReadonlySet<string> | null;
  /** the key's property names (`code.coding` → code, coding), as @medplum/core's getNestedProperty splits it */
  parts: readonly string[];
  /** the schema's element of the key */
  element: InternalSchemaElement;
  /** a one-part key's accessorOf(schema, key), made on first use (undefined: not yet); the crawled object is of the schema */
  accessor: Accessor | null | undefined;
  /** a key of several parts: the parts but the last (`code.coding.system` → code, coding), joined, and the last */
  prefix: string;
  prefixParts: readonly string[];
  last: string;
  /**
   * On a property's element (`code`) and on the first of a run of sub-element keys without it: the element and the
   * sub-element keys under the same property that follow it (`code.coding`, `code.coding.system`, … `code.text`),
   * whose issues depend on that property's value alone (ElementGroup); null on every other element.
   */
  group: ElementGroup | null;
}

/**
 * A property's element and the run of a profile's sub-element keys under it that follows it (plan positions `start` to
 * `end`, exclusive; `first` the element at `start`): every value they visit is inside the property's JSON value (at one
 * of `first.names`: the element's name per type, and each with `_`), so the issues they report depend on that value,
 * the schema and where it is (the memo prefix) alone, and an identical value found again takes them with its object's
 * paths (crawlGroup).
 */
interface ElementGroup {
  start: number;
  end: number;
  first: CrawlElement;
}

const plans = new WeakMap<InternalTypeSchema, CrawlElement[]>();

/**
 * The element @medplum/core's property access uses for `key` of an object of this schema (getTypedPropertyValue →
 * the element by key, key[x] or a choice prefix), and the JSON names it looks up for it (last path segment, [x]
 * replaced by each type); null when property access would not go through an element (then nothing is skipped).
 */
function jsonNames(schema: InternalTypeSchema, key: string): string[] | null {
  const first = key.split('.')[0]!;
  const element = schema.elements[first] ?? schema.elements[`${first}[x]`];
  if (!element) return null;
  const segment = element.path.slice(element.path.lastIndexOf('.') + 1);
  const names = (element.type ?? []).map((t) => segment.replace('[x]', capitalize(t.code)));
  return names.flatMap((n) => [n, `_${n}`]);
}

function planOf(schema: InternalTypeSchema): CrawlElement[] {
  let plan = plans.get(schema);
  if (plan) return plan;
  plan = Object.keys(schema.elements).map((key) => {
    const names = jsonNames(schema, key);
    const element = schema.elements[key]!;
    const many = names !== null && names.length > 8 && !names.some((n) => n in Object.prototype);
    const parts = key.split('.');
    return { key, skippable: names !== null && element.min === 0, names: names ?? [], nameSet: many ? new Set(names) : null, parts, element, accessor: undefined, prefix: parts.slice(0, -1).join('.'), prefixParts: parts.slice(0, -1), last: parts.at(-1)!, group: null } as CrawlElement;
  });
  // a property's element (`code`) and the sub-element keys that follow it (`code.coding`, …), or a run of sub-element
  // keys alone: one group
  const sub = (e: CrawlElement) => e.parts.length > 1 && e.key !== '$this' && e.names.length > 0;
  for (let start = 0; start < plan.length; ) {
    const first = plan[start]!;
    let end = start + 1;
    if (first.key !== '$this' && first.names.length > 0) {
      while (end < plan.length && sub(plan[end]!) && plan[end]!.parts[0] === first.parts[0]) end += 1;
      first.group = { start, end, first };
    }
    start = end;
  }
  plans.set(schema, plan);
  return plan;
}

/**
 * What @medplum/core's getTypedPropertyValueWithSchema does for one property name of one schema, precomputed: the
 * element it resolves (getElementDefinitionFromElements), the JSON name it tries for each of the element's types in
 * order (the last path segment with [x] replaced by the capitalized type code), and the type it reports.
 */
interface Accessor {
  element: InternalSchemaElement;
  names: string[];
  extensionNames: string[];
  codes: string[];
  /** the type reported for an Element or BackboneElement match: the element's first type */
  first: string;
}

const accessors = new WeakMap<InternalTypeSchema, Map<string, Accessor | null>>();

/** The map stored under `owner` in `maps`, created empty the first time. */
function mapOf<O, K, V>(maps: { get(owner: O): Map<K, V> | undefined; set(owner: O, map: Map<K, V>): unknown }, owner: O): Map<K, V> {
  let map = maps.get(owner);
  if (!map) {
    map = new Map();
    maps.set(owner, map);
  }
  return map;
}

function accessorOf(schema: InternalTypeSchema, name: string): Accessor | null {
  const bySchema = mapOf(accessors, schema);
  let accessor = bySchema.get(name);
  if (accessor === undefined) {
    const element = getElementDefinitionFromElements(schema.elements, name);
    if (!element) accessor = null;
    else {
      const segment = element.path.slice(element.path.lastIndexOf('.') + 1);
      const types = element.type ?? [];
      const names = types.map((t) => segment.replace('[x]', capitalize(t.code)));
      accessor = { element, names, extensionNames: names.map((n) => `_${n}`), codes: types.map((t) => t.code), first: types[0]?.code ?? '' };
    }
    bySchema.set(name, accessor);
  }
  return accessor;
}

/**
 * @medplum/core's isEmpty (null or undefined, an empty string, an object with neither a positive `length` nor an own
 * enumerable key) without the Object.keys array it makes for every object: the first own key answers.
 */
export function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value === 'string') return value === '';
  if (typeof value !== 'object') return false;
  if ('length' in value && (value as { length: number }).length > 0) return false;
  for (const k in value) if (Object.prototype.hasOwnProperty.call(value, k)) return false;
  return true;
}

/** propertyOf's answer when the value was found by the precomputed accessor: it is in `foundValue`, its type in `foundType`. */
const FOUND: TypedValue = { type: 'found', value: undefined };
let foundValue: unknown = undefined;
let foundType = '';

/**
 * @medplum/core's getTypedPropertyValue (no profile URL) up to the JSON value, with the per-element work precomputed
 * (accessorOf): FOUND with the value and its type (a `Resource` type still to be resolved per value) in foundValue /
 * foundType, read by the caller at once; else @medplum/core's own result (a primitive extension `_name`, an unknown
 * type or a name without an element) or undefined.
 */
function propertyOf(input: TypedValue, name: string, known?: Accessor | null): TypedValue | TypedValue[] | undefined {
  const o = input.value as JsonObject;
  if (!o) return undefined;
  let accessor = known;
  if (accessor === undefined) {
    const schema = tryGetDataType(input.type);
    accessor = schema ? accessorOf(schema, name) : null;
  }
  if (!accessor) return getTypedPropertyValue(input, name);
  const { names, extensionNames, codes } = accessor;
  if (names.length === 0) return undefined;
  let value: unknown = undefined;
  let type = 'undefined';
  for (let i = 0; i < names.length; i++) {
    value = o[names[i]!];
    if (o[extensionNames[i]!] !== undefined) return getTypedPropertyValueWithSchema(input, name, accessor.element);
    if (value !== undefined) {
      type = codes[i]!;
      break;
    }
  }
  if (isEmpty(value)) return undefined;
  foundValue = value;
  foundType = type === 'Element' || type === 'BackboneElement' ? accessor.first : type;
  return FOUND;
}

const typeOf = (type: string, value: unknown): string => (type === 'Resource' && isResource(value) ? value.resourceType : type);

/** @medplum/core's getTypedPropertyValue (no profile URL): the same values and types (propertyOf). */
export function typedProperty(input: TypedValue, name: string): TypedValue | TypedValue[] | undefined {
  const found = propertyOf(input, name);
  if (found !== FOUND) return found;
  const value = foundValue;
  const type = foundType;
  if (Array.isArray(value)) return value.map((v: unknown) => ({ type: typeOf(type, v), value: v }));
  return { type: typeOf(type, value), value };
}

/**
 * @medplum/core's getTypedPropertyValueWithPath (withPath: the property's path below its parent's), built from
 * propertyOf's value directly (no intermediate typed values); an array keeps its holes as typedProperty's map does.
 */
function typedPropertyWithPath(input: TypedValueWithPath, name: string, known?: Accessor | null): TypedValueWithPath | TypedValueWithPath[] {
  const path = input.path ? `${input.path}.${name}` : name;
  const found = propertyOf(input, name, known);
  if (found === FOUND) {
    const value = foundValue;
    const type = foundType;
    if (Array.isArray(value)) return value.map((v: unknown, i) => ({ type: typeOf(type, v), value: v, path: `${path}[${i}]` }));
    return { type: typeOf(type, value), value, path };
  }
  if (found === undefined) return { type: 'undefined', value: undefined, path };
  if (Array.isArray(found)) return found.map((v, i) => ({ type: v.type, value: v.value, path: `${path}[${i}]` }));
  return { type: found.type, value: found.value, path };
}

/** @medplum/core's getNestedProperty(value, key, { withPath: true }) for a key already split at its dots. */
export function nestedPropertyWithPath(value: TypedValueWithPath, parts: readonly string[]): (TypedValueWithPath | TypedValueWithPath[])[] {
  if (parts.length === 1 && parts[0] === '$this') return [value];
  let values: (TypedValueWithPath | TypedValueWithPath[])[] = [typedPropertyWithPath(value, parts[0]!)];
  for (let p = 1; p < parts.length; p++) {
    const next: (TypedValueWithPath | TypedValueWithPath[])[] = [];
    for (const current of values) {
      if (Array.isArray(current)) for (const element of current) next.push(typedPropertyWithPath(element, parts[p]!));
      else if (current?.value !== undefined) next.push(typedPropertyWithPath(current, parts[p]!));
    }
    values = next;
  }
  return values;
}

/** The last step of nestedPropertyWithPath, from the values of the key's leading parts: its values. */
function lastStep(before: readonly (TypedValueWithPath | TypedValueWithPath[])[], last: string): (TypedValueWithPath | TypedValueWithPath[])[] {
  const next: (TypedValueWithPath | TypedValueWithPath[])[] = [];
  for (const current of before) {
    if (Array.isArray(current)) for (const element of current) next.push(typedPropertyWithPath(element, last));
    else if (current?.value !== undefined) next.push(typedPropertyWithPath(current, last));
  }
  return next;
}

/** Whether lastStep would find no value at all (every value typedPropertyWithPath's undefined one), without making them. */
function lastAbsent(before: readonly (TypedValueWithPath | TypedValueWithPath[])[], last: string): boolean {
  for (const current of before) {
    if (Array.isArray(current)) {
      for (const element of current) if (propertyOf(element, last) !== undefined) return false;
    } else if (current?.value !== undefined && propertyOf(current, last) !== undefined) return false;
  }
  return true;
}

/** @medplum/core's getNestedProperty(value, key) without paths. */
export function nestedProperty(value: TypedValue, key: string): (TypedValue | TypedValue[] | undefined)[] {
  if (key === '$this') return [value];
  const parts = key.split('.');
  let values: (TypedValue | TypedValue[] | undefined)[] = [typedProperty(value, parts[0]!)];
  for (let p = 1; p < parts.length; p++) {
    const next: (TypedValue | TypedValue[] | undefined)[] = [];
    for (const current of values) {
      if (Array.isArray(current)) for (const element of current) next.push(typedProperty(element, parts[p]!));
      else if (current !== undefined) next.push(typedProperty(current, parts[p]!));
    }
    values = next;
  }
  return values;
}

/** An absent optional element: @medplum/core's crawl finds no value for it and its visitor reports nothing. */
function absent(object: unknown, element: CrawlElement): boolean {
  if (!element.skippable) return false;
  if (!object || typeof object !== 'object') return true;
  const o = object as JsonObject;
  const set = element.nameSet;
  if (set !== null && Object.getPrototypeOf(o) === Object.prototype) {
    for (const k in o) if (set.has(k) && o[k] !== undefined) return false;
    return true;
  }
  for (const name of element.names) if (o[name] !== undefined) return false;
  return true;
}

/** presentName's answer when none of the names is present. */
const NONE = '\u0000none';

/**
 * The one JSON name of the element's first part present in the object (a value that is not undefined: what absent
 * looks for), NONE when none is, null when several are.
 */
function presentName(o: JsonObject, element: CrawlElement): string | null {
  let found: string | null = NONE;
  const set = element.nameSet;
  if (set !== null && Object.getPrototypeOf(o) === Object.prototype) {
    for (const k in o) {
      if (!set.has(k) || o[k] === undefined) continue;
      if (found !== NONE) return null;
      found = k;
    }
    return found;
  }
  for (const name of element.names) {
    if (o[name] === undefined) continue;
    if (found !== NONE) return null;
    found = name;
  }
  return found;
}

type Prefixes = Map<string, (TypedValueWithPath | TypedValueWithPath[])[]>;

/** A stored issue: its expression absolute, or the rest after the value's own path or its crawl path. */
interface MemoIssue {
  issue: OperationOutcomeIssue;
  at: 'absolute' | 'value' | 'crawl';
  rest: string;
}

const MEMO_SIZE = 20_000;
/** values with a longer memo key are crawled without the memo */
const MEMO_KEY_MAX = 1024;
/**
 * The stored issues by the root of the crawl path and whether a value's own path and crawl path coincide (memoPrefix),
 * then by schema, then by the value's content text (contentKey): the memo key, in parts, so no key text is put together
 * (and copied flat again for the lookup) per value.
 */
const memo = new Map<string, Map<InternalTypeSchema, Map<string, MemoIssue[]>>>();
let memoSize = 0;
const UNDEFINED_MARK = '\u0000undefined';
/** the content text of every value whose text would be longer than MEMO_KEY_MAX (see contentKey) */
const TOO_LONG = '\u0000too long'.padEnd(MEMO_KEY_MAX + 1, '.');

/** The stored issues of element groups: by memo prefix, group, the property's JSON name, then its value's JSON text. */
const groupMemo = new Map<string, Map<ElementGroup, Map<string, Map<string, MemoIssue[]>>>>();

/** Empties the stored issues of values (benchmarks measure the cold cost with it). */
export function clearStructureMemo(): void {
  memo.clear();
  groupMemo.clear();
  memoSize = 0;
}

/**
 * The part of a memo key besides the content (the content of a value as @medplum/core sees it: contentKey): the root of
 * its crawl path (the resource type validated) and whether its own path and crawl path coincide (then which of the two
 * an issue is under cannot be told apart, so such a value is only reused at a place where they coincide too).
 */
const memoPrefix = (root: string, coincide: boolean): string => `${root}|${coincide ? 1 : 0}`;

/**
 * An injective text of a JSON value as @medplum/core sees it (undefined properties and array elements kept, apart from
 * any string), each object's computed once per validation (`contents`): a value's key is built from its children's,
 * where one JSON.stringify per value re-serialized every subtree once per level above it. Anything but plain objects,
 * arrays and primitives (a Date …) is serialized by JSON.stringify, tagged so it cannot equal a plain value's text.
 * A text longer than MEMO_KEY_MAX is never looked up (crawlValue crawls such a value without the memo, and so every value
 * holding it), so it is not built: TOO_LONG stands for all of them, and an object or array stops at the child that makes
 * it too long (its other children's texts are made when they are crawled themselves).
 */
function contentKey(value: unknown, contents: Map<object, string>): string {
  if (value === undefined) return UNDEFINED_MARK;
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
    case 'boolean':
      return String(value);
    case 'object':
      break;
    default:
      return `\u0000${typeof value}:${String(value)}`;
  }
  const o = value as object;
  const known = contents.get(o);
  if (known !== undefined) return known;
  let key: string;
  if (Array.isArray(o)) {
    key = '[';
    for (let i = 0; i < o.length && key.length <= MEMO_KEY_MAX; i++) key += (i ? ',' : '') + contentKey(o[i], contents);
    key += ']';
  } else {
    const proto = Object.getPrototypeOf(o) as unknown;
    if (proto !== Object.prototype && proto !== null) key = `\u0000other:${JSON.stringify(o, (_k, v: unknown) => (v === undefined ? UNDEFINED_MARK : v))}`;
    else {
      key = '{';
      let first = true;
      for (const k in o) {
        if (key.length > MEMO_KEY_MAX) break;
        if (!Object.prototype.hasOwnProperty.call(o, k)) continue;
        key += `${first ? '' : ','}${JSON.stringify(k)}:${contentKey((o as JsonObject)[k], contents)}`;
        first = false;
      }
      key += '}';
    }
  }
  if (key.length > MEMO_KEY_MAX) key = TOO_LONG;
  contents.set(o, key);
  return key;
}

/** True when a JSON value holds a null or an undefined anywhere (a property's value or an array element). */
export function hasNullish(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value !== 'object') return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (hasNullish(value[i])) return true;
    return false;
  }
  for (const k in value) if (Object.prototype.hasOwnProperty.call(value, k) && hasNullish((value as JsonObject)[k])) return true;
  return false;
}

const NULLISH = 1;
const INEXACT = 2;

/**
 * One walk of the validated JSON: NULLISH when it holds a null or an undefined anywhere (what hasNullish answers, for
 * the null check), INEXACT when it holds anything but exact JSON — an undefined (a property's value or an array element
 * or hole), a number that is not finite, a function, symbol or bigint, an object that is neither a plain object nor an
 * array. Without INEXACT, every value in it has JSON.stringify(value) === contentKey(value): the same text, natively
 * (contentKey differs from JSON only for what INEXACT marks: it keeps undefined and tags anything not plain JSON).
 */
function scanJson(value: unknown): number {
  if (value === null) return NULLISH;
  switch (typeof value) {
    case 'undefined':
      return NULLISH | INEXACT;
    case 'string':
    case 'boolean':
      return 0;
    case 'number':
      return Number.isFinite(value) ? 0 : INEXACT;
    case 'object':
      break;
    default:
      return INEXACT;
  }
  let flags = 0;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length && flags !== (NULLISH | INEXACT); i++) flags |= scanJson(value[i]);
    return flags;
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) flags = INEXACT;
  for (const k in value) {
    if (flags === (NULLISH | INEXACT)) break;
    if (Object.prototype.hasOwnProperty.call(value, k)) flags |= scanJson((value as JsonObject)[k]);
  }
  return flags;
}

/**
 * What is left of `budget` after a lower bound of the length of an exact JSON value's text (every character is written
 * at least once, a string adds its quotes, a property its quotes and colon; commas aside): negative when the text is
 * surely longer than the budget. Stops as soon as it is negative. With `urn`, also negative as soon as a string or a
 * property name holds `urn:uuid:` — exactly when the JSON text would hold it: those characters need no escape and hold
 * none of JSON's own (quotes, colons after a quote, commas, brackets), and no escape sequence ends with a `u`.
 */
function leftAfter(value: unknown, budget: number, urn: boolean): number {
  if (typeof value === 'string') return urn && value.includes(URN_UUID) ? -1 : budget - value.length - 2;
  if (Array.isArray(value)) {
    budget -= 2;
    for (let i = 0; i < value.length && budget >= 0; i++) budget = leftAfter(value[i], budget, urn);
    return budget;
  }
  if (value && typeof value === 'object') {
    budget -= 2;
    for (const k in value) {
      if (budget < 0) break;
      if (!Object.prototype.hasOwnProperty.call(value, k)) continue;
      if (urn && k.includes(URN_UUID)) return -1;
      budget = leftAfter((value as JsonObject)[k], budget - k.length - 3, urn);
    }
    return budget;
  }
  return budget - 1;
}

const URN_UUID = 'urn:uuid:';

/** The texts of a value of primitives only (a plain object of strings, numbers, booleans) longer than this are not memoized. */
const LONG_FLAT = 200;

/** A plain object whose properties are all primitives, with more than LONG_FLAT characters of strings. */
function longFlat(value: unknown): boolean {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  let length = 0;
  for (const k in value) {
    const v = (value as JsonObject)[k];
    if (typeof v === 'string') length += v.length;
    else if (v !== null && typeof v === 'object') return false;
  }
  return length > LONG_FLAT;
}

function under(expression: string, prefix: string): boolean {
  return expression.startsWith(prefix) && (expression.length === prefix.length || expression[prefix.length] === '.' || expression[prefix.length] === '[');
}

function relative(issue: OperationOutcomeIssue, valuePath: string, crawlPath: string): MemoIssue {
  const expression = issue.expression?.[0];
  if (expression === undefined || issue.expression!.length !== 1) return { issue, at: 'absolute', rest: '' };
  if (under(expression, valuePath)) return { issue, at: 'value', rest: expression.slice(valuePath.length) };
  if (expression.startsWith(crawlPath) && (expression.length === crawlPath.length || expression[crawlPath.length] === '.')) return { issue, at: 'crawl', rest: expression.slice(crawlPath.length) };
  return { issue, at: 'absolute', rest: '' };
}

const atoms = new Map<string, Atom>();
function atomOf(expression: string): Atom {
  let atom = atoms.get(expression);
  if (!atom) {
    atom = parseFhirPath(expression);
    atoms.set(expression, atom);
  }
  return atom;
}

class StructureValidator {
  readonly issues: OperationOutcomeIssue[] = [];
  private constraintsEvaluated = 0;
  private readonly currentResource: Resource[] = [];
  private readonly schema: InternalTypeSchema;
  /** memo keys of this validation's objects (the JSON is not changed during one validation) */
  private readonly contents = new Map<object, string>();
  /** the JSON is exact (scanJson): a value's content text is its JSON.stringify */
  private exact = false;
  /** memoPrefix for values whose own path and crawl path differ, and coincide */
  private readonly prefixes: readonly [string, string];
  /** the last value contentOf wrote as JSON, and its text */
  private lastValue: unknown = undefined;
  private lastJson = '';

  /**
   * `entry`: the one entry resource's property texts (EntryTexts) when the root is its one-entry wrapper (the wrapper
   * adds only plain JSON around it, so the root is exact JSON without a null exactly when the resource is: no scan)
   */
  constructor(
    private readonly root: TypedValue,
    private readonly entry: EntryTexts | null = null,
  ) {
    if (isResource(root.value)) this.currentResource.push(root.value);
    this.schema = getDataType(root.type);
    // every crawl path starts with the root's schema path (a type name): the root memoKey named
    this.prefixes = [memoPrefix(this.schema.path, false), memoPrefix(this.schema.path, true)];
  }

  validate(): OperationOutcomeIssue[] {
    this.crawlObject(this.begin(), this.schema, this.schema.path, true);
    return this.issues;
  }

  /** The root's own checks before its crawl; the root with its path. */
  private begin(): TypedValueWithPath {
    this.constraintsCheck({ ...this.root, path: this.schema.path }, this.schema);
    const scan = this.entry ? 0 : scanJson(this.root.value);
    this.exact = (scan & INEXACT) === 0;
    if (scan & NULLISH) checkObjectForNull(this.root.value as JsonObject, this.schema.path, this.issues);
    return { ...this.root, path: this.schema.path };
  }

  /**
   * validate() of a one-entry wrapper bundle, of which only the issues of the entry's resource are wanted: the steps
   * crawlObject takes to the resource (the wrapper pushed as a resource, its `entry` values, the entry's `resource`
   * element, crawled as there), without the wrapper's and the entry's other elements, whose issues all sit under
   * `Bundle` outside the resource. Null when the wrapper is not what this expects (then validate() it whole).
   */
  validateEntryResource(): OperationOutcomeIssue[] | null {
    if (this.schema.path !== 'Bundle') return null;
    const wrapper = this.begin();
    const entries = nestedPropertyWithPath(wrapper, ['entry']);
    const entry = entries.length === 1 && Array.isArray(entries[0]) && entries[0].length === 1 ? entries[0][0] : undefined;
    if (!entry || isPrimitiveType(entry.type)) return null;
    const entrySchema = getDataType(entry.type);
    // an entry is crawled by crawlObject itself, not through the memo (a backbone element)
    if (entrySchema.kind === 'complex-type' || entrySchema.kind === 'resource') return null;
    const element = planOf(entrySchema).find((e) => e.key === 'resource');
    if (!element || absent(entry.value, element)) return null;
    this.currentResource.push(wrapper.value as Resource);
    this.crawlProperty(entry, element, entrySchema, `${this.schema.path}.entry.resource`, false);
    return this.issues;
  }

  /**
   * `aligned`: the object's own path equals its crawl path (`path`): true for the root, and for a value whose parent's
   * do and that is not an array's element (a one-part key appends the same `.key` to both; an index only to its own) —
   * known from the structure, so the paths are not compared (comparing two concatenated texts flattens both).
   */
  private crawlObject(obj: TypedValueWithPath, schema: InternalTypeSchema, path: string, aligned: boolean): void {
    const isRes = isResource(obj.value);
    if (isRes) this.currentResource.push(obj.value as Resource);
    // the values of a key's leading parts, shared by the keys below them (`meta.id`, `meta.extension`, … of `meta`)
    let prefixes: Prefixes | undefined;
    const plan = planOf(schema);
    for (let i = 0; i < plan.length; i++) {
      const element = plan[i]!;
      const group = element.group;
      if (group !== null && this.exact && this.crawlGroup(obj, plan, group, schema, path, aligned)) {
        i = group.end - 1;
        continue;
      }
      prefixes = this.crawlElement(obj, element, schema, path, aligned, prefixes);
    }
    this.checkAdditionalProperties(obj, schema.elements, obj.path);
    if (isRes) this.currentResource.pop();
  }

  /** One element of crawlObject's plan; the shared values of leading parts (made on first use) returned. */
  private crawlElement(obj: TypedValueWithPath, element: CrawlElement, schema: InternalTypeSchema, path: string, aligned: boolean, prefixes: Prefixes | undefined): Prefixes | undefined {
    if (absent(obj.value, element)) return prefixes;
    if (element.parts.length > 1 && element.key !== '$this') {
      prefixes ??= new Map();
      let before = prefixes.get(element.prefix);
      if (!before) {
        before = nestedPropertyWithPath(obj, element.prefixParts);
        prefixes.set(element.prefix, before);
      }
      // an optional element none of whose values has its last part: visitProperty finds it absent (no issue for an
      // optional element) and nothing is crawled, so it is skipped (a profile lists every sub-element of a constrained
      // one: `meta.id`, `meta.versionId`, … with `meta.lastUpdated` the only present one)
      if (element.element.min === 0 && lastAbsent(before, element.last)) return prefixes;
      this.crawlProperty(obj, element, schema, `${path}.${element.key}`, aligned, lastStep(before, element.last));
      return prefixes;
    }
    this.crawlProperty(obj, element, schema, `${path}.${element.key}`, aligned);
    return prefixes;
  }

  /** Stored issues (MemoIssue) given the paths of the value or object they are found again at. */
  private replay(hit: readonly MemoIssue[], valuePath: string, crawlPath: string): void {
    for (const r of hit) this.issues.push(r.at === 'absolute' ? r.issue : { ...r.issue, expression: [(r.at === 'value' ? valuePath : crawlPath) + r.rest] });
  }

  /**
   * A property's group of elements (ElementGroup) in an object of exact JSON whose property has one value (one of its
   * JSON names present), an object or array: the group's issues stored by that value's JSON text, or taken from the
   * store with this object's paths (an identical clinic extension, code, meta or contained resource of another record):
   * one lookup instead of one per data-type value below it, and no visit of its sub-element keys. False when not
   * applicable (no value or several, a primitive, a text over MEMO_KEY_MAX): crawlObject then crawls the group's
   * elements one by one.
   */
  private crawlGroup(obj: TypedValueWithPath, plan: readonly CrawlElement[], group: ElementGroup, schema: InternalTypeSchema, path: string, aligned: boolean): boolean {
    const o = obj.value as JsonObject;
    const name = presentName(o, group.first);
    if (name === NONE) {
      // every element of the group absent: only a required one is visited (its missing value reported)
      for (let i = group.start; i < group.end; i++) if (!plan[i]!.skippable) this.crawlElement(obj, plan[i]!, schema, path, aligned, undefined);
      return true;
    }
    if (name === null) return false;
    const value = o[name];
    // a primitive's few checks cost less than writing and looking up its text
    if (typeof value !== 'object' || value === null) return false;
    let json: string | undefined;
    if (o === this.entry?.resource) json = this.entry.texts.get(name);
    else if (value === this.lastValue) json = this.lastJson;
    // an array (a document's sections, a bundle's entries) may be far over the limit: not written then
    else if (Array.isArray(value) && leftAfter(value, MEMO_KEY_MAX, false) < 0) return false;
    else json = JSON.stringify(value);
    if (typeof json !== 'string' || json.length > MEMO_KEY_MAX) return false;
    // the property's value's own text, for its crawlValue (contentOf) on a miss
    this.lastValue = value;
    this.lastJson = json;
    const prefix = this.prefixes[aligned ? 1 : 0];
    const hit = groupMemo.get(prefix)?.get(group)?.get(name)?.get(json);
    if (hit) {
      this.replay(hit, obj.path, path);
      return true;
    }
    const from = this.issues.length;
    const evaluated = this.constraintsEvaluated;
    let prefixes: Prefixes | undefined;
    for (let i = group.start; i < group.end; i++) prefixes = this.crawlElement(obj, plan[i]!, schema, path, aligned, prefixes);
    if (this.constraintsEvaluated !== evaluated) return true;
    const recorded = this.issues.slice(from).map((issue) => relative(issue, obj.path, path));
    if (memoSize >= MEMO_SIZE) clearStructureMemo();
    mapOf(mapOf(mapOf(groupMemo, prefix), group), name).set(json, recorded);
    memoSize += 1;
    return true;
  }

  /**
   * A data type's or contained resource's value below the root: its issues depend on its schema and content alone
   * (the only context the crawl passes down, the resource stack, is read by invariants, and a crawl that evaluated
   * one is not stored), so an identical value found again (the clinic's extensions, the contained Encounter, codes)
   * takes the stored issues with its own paths.
   */
  private crawlValue(value: TypedValueWithPath, schema: InternalTypeSchema, path: string, aligned: boolean): void {
    // a backbone element (no kind) too, but a bundle's entry (its fullUrl is every record's own)
    if ((schema.kind !== 'complex-type' && schema.kind !== 'resource' && schema.kind !== undefined) || schema.path === 'Bundle.entry') {
      this.crawlObject(value, schema, path, aligned);
      return;
    }
    // a value of primitives only with long texts (a section's narrative): crawling its few properties costs less than
    // writing and looking up its text
    if (longFlat(value.value)) {
      this.crawlObject(value, schema, path, aligned);
      return;
    }
    // a large value (a whole entry resource, a contained resource with the patient's ids) is practically never seen
    // again (the per-entry cache of validate.ts takes identical entries first): storing it only fills the memo
    const key = this.contentOf(value.value, schema);
    if (key === null) {
      this.crawlObject(value, schema, path, aligned);
      return;
    }
    // the root of the crawl path is the root's schema path (this.prefixes); aligned: value.path === path
    const prefix = this.prefixes[aligned ? 1 : 0];
    const hit = memo.get(prefix)?.get(schema)?.get(key);
    if (hit) {
      this.replay(hit, value.path, path);
      return;
    }
    const from = this.issues.length;
    const evaluated = this.constraintsEvaluated;
    this.crawlObject(value, schema, path, aligned);
    if (this.constraintsEvaluated !== evaluated) return;
    const recorded = this.issues.slice(from).map((issue) => relative(issue, value.path, path));
    if (memoSize >= MEMO_SIZE) clearStructureMemo();
    mapOf(mapOf(memo, prefix), schema).set(key, recorded);
    memoSize += 1;
  }

  /**
   * The content text of a value (contentKey) to look it up and store it by, or null when it is not memoized: longer than
   * MEMO_KEY_MAX, or a backbone element naming a `urn:uuid:` (one document's own fullUrls, never found again). For exact
   * JSON its JSON.stringify, the same text written natively, and only for a value that may be memoized: a resource or a
   * backbone element is first walked for a lower bound of its length and (a backbone element) a `urn:uuid:`, so an
   * entry resource or a document's section is not written just to be dropped (its children's texts are written when
   * they are crawled themselves).
   */
  private contentOf(value: unknown, schema: InternalTypeSchema): string | null {
    const backbone = schema.kind === undefined;
    if (!this.exact) {
      const key = contentKey(value, this.contents);
      return key.length > MEMO_KEY_MAX || (backbone && key.includes(URN_UUID)) ? null : key;
    }
    if ((backbone || schema.kind === 'resource') && leftAfter(value, MEMO_KEY_MAX, backbone) < 0) return null;
    const json = value === this.lastValue ? this.lastJson : JSON.stringify(value);
    // kept for the group of sub-element keys under the same property, which crawlObject visits next (crawlGroup)
    this.lastValue = value;
    this.lastJson = json;
    return json.length > MEMO_KEY_MAX || (backbone && json.includes(URN_UUID)) ? null : json;
  }

  /** `aligned`: the parent's path equals its crawl path (crawlObject). */
  private crawlProperty(parent: TypedValueWithPath, element: CrawlElement, schema: InternalTypeSchema, path: string, aligned: boolean, found?: (TypedValueWithPath | TypedValueWithPath[])[]): void {
    // a one-part key of the crawled object (of `schema`): its accessor kept in the plan; a longer key's values found
    const onePart = element.parts.length === 1 && element.key !== '$this';
    const propertyValues = onePart
      ? [typedPropertyWithPath(parent, element.key, element.accessor === undefined ? (element.accessor = accessorOf(schema, element.key)) : element.accessor)]
      : (found ?? nestedPropertyWithPath(parent, element.parts));
    this.visitProperty(element, path, propertyValues);
    for (const propertyValue of propertyValues) {
      if (!propertyValue) continue;
      if (!Array.isArray(propertyValue)) {
        // a one-part key's single value is aligned with its parent; another key's path is compared
        if (!isPrimitiveType(propertyValue.type)) this.crawlValue(propertyValue, getDataType(propertyValue.type), path, onePart ? aligned : propertyValue.path === path);
        continue;
      }
      // an array's element has an index in its path only
      for (const value of propertyValue) if (!isPrimitiveType(value.type)) this.crawlValue(value, getDataType(value.type), path, false);
    }
  }

  private visitProperty(planned: CrawlElement, path: string, propertyValues: (TypedValueWithPath | TypedValueWithPath[])[]): void {
    const element = planned.element;
    for (const value of propertyValues) {
      if (!this.checkPresence(value, element, path)) return;
      if (!!element.isArray !== Array.isArray(value)) {
        this.issues.push(createStructureIssue(path, element.isArray ? 'Expected array of values for property' : 'Expected single value for property'));
        return;
      }
      // a single value is not put in an array of its own
      const count = Array.isArray(value) ? value.length : 1;
      if (count < element.min || count > element.max) {
        this.issues.push(createStructureIssue(element.path, `Invalid number of values: expected ${element.min}..${Number.isFinite(element.max) ? element.max : '*'}, but found ${count}`));
      }
      if (!matchesSpecifiedValue(value, element)) this.issues.push(createStructureIssue(path, 'Value did not match expected pattern'));
      // the values of each slice, by the slice's position (slice names are unique)
      const sliceCounts: number[] | undefined = element.slicing ? new Array<number>(element.slicing.slices.length).fill(0) : undefined;
      if (Array.isArray(value)) for (const v of value) this.visitValue(v, element, sliceCounts);
      else this.visitValue(value, element, sliceCounts);
      if (element.slicing && sliceCounts) {
        for (const [i, slice] of element.slicing.slices.entries()) {
          const n = sliceCounts[i]!;
          if (n < slice.min || n > slice.max) {
            this.issues.push(createStructureIssue(path, `Incorrect number of values provided for slice '${slice.name}': expected ${slice.min}..${Number.isFinite(slice.max) ? slice.max : '*'}, but found ${n}`));
          }
        }
      }
    }
  }

  /** visitProperty's checks of one of the property's values */
  private visitValue(v: TypedValueWithPath, element: InternalSchemaElement, sliceCounts: number[] | undefined): void {
    this.constraintsCheck(v, element);
    this.referenceTypeCheck(v, element);
    this.checkPropertyValue(v);
    const slice = checkSliceElement(v, element.slicing);
    if (slice >= 0 && sliceCounts) sliceCounts[slice]! += 1;
  }

  private checkPresence(value: TypedValueWithPath | TypedValueWithPath[], field: InternalSchemaElement, path: string): boolean {
    if (!Array.isArray(value) && value.value === undefined) {
      if (field.min > 0) this.issues.push(createStructureIssue(value.path, 'Missing required property'));
      return false;
    }
    if (isEmpty(value)) {
      this.issues.push(createStructureIssue(path, 'Invalid empty value'));
      return false;
    }
    return true;
  }

  private checkPropertyValue(value: TypedValueWithPath): void {
    if (isPrimitiveType(value.type)) this.validatePrimitiveType(value);
    else if (isEmpty(value.value)) this.issues.push(createStructureIssue(value.path, 'Invalid empty non-primitive value'));
  }

  private checkAdditionalProperties(parent: TypedValueWithPath, properties: Record<string, InternalSchemaElement>, path: string): void {
    const object = parent.value as JsonObject | undefined;
    if (!object) return;
    // the own enumerable keys in Object.keys order, without the array; the record of choices only when there is one
    let choiceOfTypeElements: Record<string, string> | undefined;
    for (const key in object) {
      if (!Object.prototype.hasOwnProperty.call(object, key) || key === 'resourceType') continue;
      const choice = isChoiceOfType(parent, key, properties);
      if (choice) {
        choiceOfTypeElements ??= {};
        const related = choice.startsWith('_') ? choice.slice(1) : `_${choice}`;
        const requiredRelated = choice.startsWith('_') ? key.slice(1) : `_${key}`;
        if (related in choiceOfTypeElements && choiceOfTypeElements[related] !== requiredRelated) {
          this.issues.push(createOperationOutcomeIssue('warning', 'structure', `Type of primitive extension does not match the type of property "${choice.startsWith('_') ? choice.slice(1) : choice}"`, choice));
        }
        if (choiceOfTypeElements[choice]) {
          this.issues.push(createOperationOutcomeIssue('warning', 'structure', `Conflicting choice of type properties: "${key}", "${choiceOfTypeElements[choice]}"`, key));
        }
        choiceOfTypeElements[choice] = key;
        continue;
      }
      if (!(key in properties) && !(key.startsWith('_') && key.slice(1) in properties)) {
        this.issues.push(createStructureIssue(`${path}.${key}`, `Invalid additional property "${key}"`));
      }
    }
  }

  private constraintsCheck(value: TypedValueWithPath, field: InternalTypeSchema | InternalSchemaElement): void {
    const constraints = field.constraints;
    if (!constraints) return;
    for (const constraint of constraints) {
      if (constraint.severity === 'error' && !SKIPPED_CONSTRAINTS.has(constraint.key) && !this.isExpressionTrue(constraint, value)) {
        this.issues.push(createConstraintIssue(value.path, constraint));
        return;
      }
    }
  }

  private isExpressionTrue(constraint: Constraint, value: TypedValueWithPath): boolean {
    this.constraintsEvaluated += 1;
    const variables: Record<string, TypedValue> = { '%context': value, '%ucum': toTypedValue(UCUM) };
    if (this.currentResource.length > 0) variables['%resource'] = toTypedValue(this.currentResource[this.currentResource.length - 1]);
    if (isResource(this.root.value)) variables['%rootResource'] = this.root;
    try {
      const result = evalFhirPathTyped(atomOf(constraint.expression), [value], variables);
      return result.length === 1 && result[0]!.value === true;
    } catch (e) {
      this.issues.push(createProcessingIssue(value.path, 'Error evaluating invariant expression', e as Error, { fhirpath: constraint.expression }));
      return false;
    }
  }

  private referenceTypeCheck(value: TypedValueWithPath, field: InternalSchemaElement): void {
    if (value.type !== 'Reference' || !isReference(value.value)) return;
    const reference = value.value.reference;
    if (reference.startsWith('#')) return;
    const referenceResourceType = reference.includes('?') ? reference.split('?')[0] : reference.split('/')[0];
    if (!referenceResourceType) return;
    const targetProfiles = field.type.find((t) => t.code === 'Reference')?.targetProfile;
    if (!targetProfiles) return;
    const hl7BaseUrl = `${HTTP_HL7_ORG}/fhir/StructureDefinition/`;
    const medplumBaseUrl = 'https://medplum.com/fhir/StructureDefinition/';
    for (const targetProfile of targetProfiles) {
      if (targetProfile === `${hl7BaseUrl}Resource` || targetProfile === hl7BaseUrl + referenceResourceType || targetProfile === medplumBaseUrl + referenceResourceType) return;
      if (!targetProfile.startsWith(hl7BaseUrl) && !targetProfile.startsWith(medplumBaseUrl)) return;
    }
    this.issues.push(createOperationOutcomeIssue('warning', 'structure', `Invalid reference: got "${referenceResourceType}", expected "${targetProfiles.join('", "')}"`, value.path));
  }

  private validatePrimitiveType(typedValue: TypedValueWithPath): void {
    // a plain primitive (no extension object): itself, without unpackPrimitiveElement's pair
    const plain = typeof typedValue.value !== 'object' || !typedValue.value;
    let primitiveValue: TypedValue | undefined = typedValue;
    let extensionElement: TypedValue | undefined;
    if (!plain) [primitiveValue, extensionElement] = unpackPrimitiveElement(typedValue);
    const path = typedValue.path;
    if (primitiveValue) {
      const { type, value } = primitiveValue;
      if (!(type in fhirTypeToJsType)) {
        this.issues.push(createStructureIssue(path, `Invalid JSON type: ${type} is not a valid FHIR type`));
        return;
      }
      const expectedType = fhirTypeToJsType[type as keyof typeof fhirTypeToJsType];
      if (typeof value !== expectedType) {
        if (value !== null) this.issues.push(createStructureIssue(path, `Invalid JSON type: expected ${expectedType}, but got ${typeof value}`));
        return;
      }
      if (expectedType === 'string') this.validateString(value as string, type, path);
      else if (expectedType === 'number') this.validateNumber(value as number, type, path);
    }
    if (extensionElement) this.crawlObject({ ...extensionElement, path }, getDataType('Element'), path, true);
  }

  private validateString(str: string, type: string, path: string): void {
    if (!str.trim()) {
      this.issues.push(createStructureIssue(path, 'String must contain non-whitespace content'));
      return;
    }
    if (str.length > 1024 * 1024) {
      this.issues.push(createStructureIssue(path, 'String cannot be larger than 1 MB'));
      return;
    }
    const regex = validationRegexes[type];
    // none of @medplum/core's validationRegexes is global or sticky: test answers what exec does, without a match array
    if (regex && !regex.test(str)) this.issues.push(createStructureIssue(path, `Invalid ${type} format`));
  }

  private validateNumber(n: number, type: string, path: string): void {
    if (Number.isNaN(n) || !Number.isFinite(n)) this.issues.push(createStructureIssue(path, 'Invalid numeric value'));
    else if (INTEGER_TYPES.has(type) && !Number.isInteger(n)) this.issues.push(createStructureIssue(path, 'Expected number to be an integer'));
    else if (type === 'positiveInt' && n <= 0) this.issues.push(createStructureIssue(path, 'Expected number to be positive'));
    else if (type === 'unsignedInt' && n < 0) this.issues.push(createStructureIssue(path, 'Expected number to be non-negative'));
  }
}

/** A JSON key's choice element in a schema: the property name to look up and the choice to report; null when none. */
interface Choice {
  testProperty: string;
  choice: string;
}
const choices = new WeakMap<Record<string, InternalSchemaElement>, Map<string, Choice | null>>();
const CHOICE_KEYS = 5000;

/** The key's choice element (the first of its prefixes, split before capitals, that is a `[x]` element), per schema. */
function choiceOf(key: string, properties: Record<string, InternalSchemaElement>): Choice | null {
  const byKey = mapOf(choices, properties);
  let found = byKey.get(key);
  if (found === undefined) {
    found = null;
    const prefix = key.startsWith('_') ? '_' : '';
    let testProperty = '';
    for (const part of key.slice(prefix.length).split(/(?=[A-Z])/g)) {
      testProperty += part;
      const elementName = `${testProperty}[x]`;
      if (properties[elementName]) {
        found = { testProperty, choice: prefix + elementName };
        break;
      }
    }
    // the keys come from the JSON (a received document's too): at most CHOICE_KEYS kept per schema
    if (byKey.size < CHOICE_KEYS) byKey.set(key, found);
  }
  return found;
}

function isChoiceOfType(typedValue: TypedValue, key: string, properties: Record<string, InternalSchemaElement>): string | undefined {
  const found = choiceOf(key, properties);
  if (!found) return undefined;
  return typedProperty(typedValue, found.testProperty) ? found.choice : undefined;
}

function checkObjectForNull(obj: JsonObject, path: string, issues: OperationOutcomeIssue[]): void {
  for (const [key, value] of Object.entries(obj)) {
    const propertyPath = `${path}.${key}`;
    const partnerKey = key.startsWith('_') ? key.slice(1) : `_${key}`;
    if (value === null) {
      issues.push(createStructureIssue(propertyPath, 'Invalid null value'));
    } else if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        if (value[i] === undefined) issues.push(createStructureIssue(`${propertyPath}[${i}]`, 'Invalid undefined value'));
        else if (value[i] === null && !(obj[partnerKey] as unknown[] | undefined)?.[i]) issues.push(createStructureIssue(`${propertyPath}[${i}]`, 'Invalid null value'));
        else if (value[i]) checkObjectForNull(value[i] as JsonObject, `${propertyPath}[${i}]`, issues);
      }
    } else if (typeof value === 'object') {
      checkObjectForNull(value as JsonObject, propertyPath, issues);
    }
  }
}

function matchesSpecifiedValue(value: TypedValue | TypedValue[], element: InternalSchemaElement): boolean {
  if (!element.pattern && !element.fixed) return true;
  const typeAndValue = Array.isArray(value) ? value.map((v) => ({ type: v.type, value: v.value })) : { type: value.type, value: value.value };
  if (element.pattern && !deepIncludes(typeAndValue, element.pattern)) return false;
  if (element.fixed && !deepEquals(typeAndValue, element.fixed)) return false;
  return true;
}

/**
 * The position of the first slice the value belongs to (every discriminator matches one of its values at the
 * discriminator's path), or -1: @medplum/core's checkSliceElement, with each discriminator's values found once per value
 * instead of once per slice (the same pure lookup).
 */
function checkSliceElement(value: TypedValue, slicing: SlicingRules | undefined): number {
  if (!slicing) return -1;
  const discriminators = slicing.discriminator;
  const found: (TypedValue[] | undefined | null)[] = [];
  for (const [s, slice] of slicing.slices.entries()) {
    let all = true;
    for (let d = 0; d < discriminators.length && all; d++) {
      const discriminator = discriminators[d]!;
      if (found[d] === undefined) found[d] = (arrayify(nestedProperty(value, discriminator.path)) as TypedValue[] | undefined) ?? null;
      const values = found[d];
      all = !!values && values.some((v) => matchDiscriminant(v, discriminator, slice));
    }
    if (all) return s;
  }
  return -1;
}

function unpackPrimitiveElement(v: TypedValue): [TypedValue | undefined, TypedValue | undefined] {
  if (typeof v.value !== 'object' || !v.value) return [v, undefined];
  const primitiveValue = (v.value as { valueOf(): unknown }).valueOf();
  if (primitiveValue === v.value) return [undefined, { type: 'Element', value: v.value }];
  const primitiveKeys = new Set(Object.keys(primitiveValue as object));
  const extensionEntries = Object.entries(v.value as object).filter(([k]) => !primitiveKeys.has(k));
  const extensionElement = extensionEntries.length > 0 ? Object.fromEntries(extensionEntries) : undefined;
  return [
    { type: v.type, value: primitiveValue },
    { type: 'Element', value: extensionElement },
  ];
}

/**
 * An entry resource of exact JSON without a null (scanJson finds nothing), written once for the entry cache's key:
 * its JSON text (`json`, JSON.stringify's own text: `{`, each own property's name and text, `}`) put together from the
 * texts of its own properties (`texts`, by name), which the structure check then uses as the memo texts of the
 * resource's property groups instead of writing them again (crawlGroup).
 */
export interface EntryTexts {
  resource: object;
  texts: Map<string, string>;
  json: string;
}

/** EntryTexts of a resource, or null when it is not a plain object of exact JSON without a null or undefined anywhere. */
export function entryTexts(resource: object): EntryTexts | null {
  if (Object.getPrototypeOf(resource) !== Object.prototype || scanJson(resource) !== 0) return null;
  const texts = new Map<string, string>();
  let json = '{';
  for (const k in resource) {
    if (!Object.prototype.hasOwnProperty.call(resource, k)) continue;
    const text = JSON.stringify((resource as JsonObject)[k]);
    texts.set(k, text);
    json += `${json.length > 1 ? ',' : ''}${JSON.stringify(k)}:${text}`;
  }
  return { resource, texts, json: `${json}}` };
}

/** The result of a structure validation: @medplum/core's issues, or `crashed` when it failed with anything else. */
export interface StructureResult {
  found: OperationOutcomeIssue[];
  crashed: boolean;
}

/** @medplum/core's own validation (it throws its issues when one is an error): the reference. */
export function referenceStructureIssues(resource: Resource): StructureResult {
  try {
    return { found: validateResource(resource as Parameters<typeof validateResource>[0]) as OperationOutcomeIssue[], crashed: false };
  } catch (error) {
    const outcome = (error as { outcome?: { issue?: OperationOutcomeIssue[] } }).outcome?.issue;
    if (outcome) return { found: outcome, crashed: false };
    return { found: [{ severity: 'error', code: 'exception', details: { text: String(error) } }], crashed: true };
  }
}

/**
 * The structure issues of a resource, as @medplum/core's validateResource reports them, without visiting absent
 * optional elements; anything the port does not expect (a missing schema, a thrown error) is left to the reference.
 */
/**
 * structureIssues of a one-entry wrapper bundle (`{ resourceType: 'Bundle', …, entry: [{ resource }] }`) as far as they
 * concern the entry's resource: the same issues in the same order as structureIssues(wrapper) has under the resource's
 * paths (and those naming a data type's element or a property), without crawling the wrapper's other elements, whose
 * issues the caller drops. Anything unexpected takes structureIssues(wrapper). `entry`: the EntryTexts of the wrapper's
 * one resource, when the wrapper holds nothing else but its resourceType and plain strings (validate.ts's wrappers).
 */
export function entryResourceStructureIssues(wrapper: Bundle, entry: EntryTexts | null = null): StructureResult {
  try {
    const found = new StructureValidator(toTypedValue(wrapper), entry && wrapper.entry?.length === 1 && entry.resource === wrapper.entry[0]?.resource ? entry : null).validateEntryResource();
    if (found) return { found, crashed: false };
  } catch {
    // the whole wrapper, as before
  }
  return structureIssues(wrapper as Resource);
}

export function structureIssues(resource: Resource): StructureResult {
  if (!resource.resourceType) return referenceStructureIssues(resource);
  try {
    return { found: new StructureValidator(toTypedValue(resource)).validate(), crashed: false };
  } catch {
    return referenceStructureIssues(resource);
  }
}
