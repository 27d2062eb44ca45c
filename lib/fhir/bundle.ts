/**
 * One 報告単位 → one JP_Bundle_CLINS collection bundle: Patient first, then every resource of the unit.
 * The sharing outbox calls buildUnitBundle with the current records each time a unit changed; the same unit keeps
 * the same bundle identifier (医療機関コード^年^id), so a resend replaces what the service holds.
 */
import { hash } from 'node:crypto';
import type { Bundle, BundleEntry, Resource } from '@medplum/fhirtypes';
import { toFhirAllergy } from './allergy';
import { fhirInstant, jstYear, patientFullUrl, recordFullUrl } from './common';
import { toFhirCondition } from './condition';
import { toFhirObservation } from './observation';
import { memberIdentifier, toFhirPatient } from './patient';
import { CODE_SYSTEMS, ID_SYSTEMS, PROFILES, fhirTarget } from './profiles';
import type { DateLike, FhirAllergyInput, FhirBuildContext, FhirDiagnosisInput, FhirUnitInput, FhirUnitKind } from './types';

export interface UnitBundle {
  bundle: Bundle;
  /** Bundle.identifier.value: keep it for every resend and for the delete command */
  identifier: string;
  /** SHA-256 of the bundle without its build time: equal hashes = nothing new to send */
  contentHash: string;
  /** the 被保険者個人識別子 (or 生活保護受給者識別子) the unit is filed under; null when the patient has none */
  memberId: string | null;
}

const RESOURCE_TYPES: Record<FhirUnitKind, 'Condition' | 'AllergyIntolerance' | 'Observation'> = {
  condition: 'Condition',
  allergy: 'AllergyIntolerance',
  'lab-report': 'Observation',
};
const ID_PREFIX: Record<FhirUnitKind, string> = { condition: 'C', allergy: 'A', 'lab-report': 'L' };

/** A finished record stays in its unit for five years after its end (IG: 終了日等が５年以内のもの). */
export const RETENTION_YEARS = 5;

function hex32(value: string): string {
  const compact = value.replace(/-/g, '').toLowerCase();
  return /^[0-9a-f]{32}$/.test(compact) ? compact : hash('sha256', value, 'hex').slice(0, 32);
}

/** Stable key of a unit within the clinic: what the outbox and the identifier are keyed by. */
export function unitKey(input: FhirUnitInput): string {
  return input.kind === 'lab-report' ? `${input.patient.id}/${input.reportKey}` : input.patient.id;
}

/** A new bundle identifier for a unit, `医療機関コード^年^id` (id: kind letter + 32 hex digits, stable per unit). */
export function newBundleIdentifier(institutionNumber: string, now: Date, input: FhirUnitInput): string {
  return `${institutionNumber}^${jstYear(now)}^${ID_PREFIX[input.kind]}${hex32(unitKey(input))}`;
}

function toTime(d: DateLike): number {
  return (typeof d === 'string' ? new Date(d) : d).getTime();
}

function withinRetention(end: DateLike | null | undefined, now: Date): boolean {
  if (!end) return true;
  const limit = new Date(now);
  limit.setUTCFullYear(limit.getUTCFullYear() - RETENTION_YEARS);
  return toTime(end) >= limit.getTime();
}

const sent = (status: string | undefined) => status !== 'entered_in_error' && status !== 'draft';

/** Diagnoses of the unit: current ones and those ended (転帰 / end date) within five years. */
export function diagnosesInUnit(diagnoses: readonly FhirDiagnosisInput[], now: Date): FhirDiagnosisInput[] {
  return diagnoses.filter((d) => sent(d.status) && withinRetention(d.endDate ?? (d.outcome ? d.updatedAt : null), now));
}

/** Allergies of the unit: current ones and those ended (end date, or no longer active) within five years. */
export function allergiesInUnit(allergies: readonly FhirAllergyInput[], now: Date): FhirAllergyInput[] {
  return allergies.filter((a) => sent(a.status) && withinRetention(a.endDate ?? (a.clinicalStatus !== 'active' ? a.updatedAt : null), now));
}

/**
 * Canonical JSON (sorted keys) for hashing. Built by concatenation (no per-level arrays): the text, and so every
 * stored content hash, is the same as the map/join form's it replaced (an undefined array element is empty text, an
 * undefined property is left out).
 */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) {
    let text = '[';
    for (let i = 0; i < value.length; i++) text += `${i ? ',' : ''}${canonical(value[i]) ?? ''}`;
    return `${text}]`;
  }
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    const keys = Object.keys(o).sort();
    let text = '{';
    let first = true;
    for (const k of keys) {
      if (o[k] === undefined) continue;
      text += `${first ? '' : ','}${JSON.stringify(k)}:${canonical(o[k])}`;
      first = false;
    }
    return `${text}}`;
  }
  return JSON.stringify(value);
}

/** Hash of what a bundle says, leaving out when it was built (Bundle.timestamp and Bundle.meta.lastUpdated). */
export function bundleContentHash(bundle: Bundle): string {
  const { timestamp: _timestamp, meta, ...rest } = bundle;
  const { lastUpdated: _lastUpdated, ...metaRest } = meta ?? {};
  return hash('sha256', canonical({ ...rest, meta: metaRest }), 'hex');
}

const contentHashes = new WeakMap<object, string>();

/** The `contentHash` getter of every built bundle: one function, so every built object keeps the same hidden class. */
function contentHashGetter(this: { bundle: Bundle }): string {
  let digest = contentHashes.get(this);
  if (digest === undefined) {
    digest = bundleContentHash(this.bundle);
    contentHashes.set(this, digest);
  }
  return digest;
}

/**
 * `contentHash` computed on its first read: the delivery reads it, while the unit bundles inside a 診療情報提供書 or
 * 退院時サマリー and a preview never do (the canonical JSON and SHA-256 were ≈ 8 % of building and validating a letter).
 * The bundle must not be changed after it is built (nothing does).
 * The getter is one shared function (the hash is kept in a WeakMap): a new closure per object gave every built object a
 * hidden class of its own, and V8's hidden classes live in the old generation, so each one held its bundle (closure →
 * `built`) through every scavenge until the next full GC — a new unit's whole bundle was copied and promoted
 * (ADR 0069, addendum on scavenge survivors).
 */
export function withContentHash<T extends { bundle: Bundle }>(built: T): T & { readonly contentHash: string } {
  return Object.defineProperty(built, 'contentHash', { enumerable: true, get: contentHashGetter }) as T & { readonly contentHash: string };
}

/**
 * The bundle of one 報告単位, or null when the unit has nothing left to send (the sharing layer then sends a delete
 * with the identifier it stored). Pure: the same context and input give the same bundle.
 */
export function buildUnitBundle(ctx: FhirBuildContext, input: FhirUnitInput): UnitBundle | null {
  const target = ctx.target ?? fhirTarget();
  const patientRef = patientFullUrl(input.patient.id);
  let resources: Resource[];
  switch (input.kind) {
    case 'condition':
      resources = diagnosesInUnit(input.diagnoses, ctx.now).map((d) => toFhirCondition(target, ctx.clinic, d, patientRef));
      break;
    case 'allergy':
      resources = allergiesInUnit(input.allergies, ctx.now).map((a) => toFhirAllergy(target, ctx.clinic, a, patientRef));
      break;
    case 'lab-report':
      resources = input.results.filter((r) => sent(r.status)).map((r) => toFhirObservation(target, ctx.clinic, r, patientRef));
      break;
  }
  if (resources.length === 0) return null;
  const identifier = ctx.bundleIdentifier || newBundleIdentifier(ctx.clinic.institutionNumber, ctx.now, input);
  const now = fhirInstant(ctx.now);
  const entry: BundleEntry[] = [
    { fullUrl: patientRef, resource: toFhirPatient(target, ctx.clinic, input.patient) },
    ...resources.map((resource) => ({ fullUrl: recordFullUrl(resource.id!), resource })),
  ];
  const bundle: Bundle = {
    resourceType: 'Bundle',
    meta: {
      lastUpdated: now,
      profile: [target.profile(PROFILES.bundle)],
      tag: [{ system: CODE_SYSTEMS.bundleResourceType, code: RESOURCE_TYPES[input.kind] }],
    },
    identifier: { system: ID_SYSTEMS.bundle, value: identifier },
    type: 'collection',
    timestamp: now,
    entry,
  };
  return withContentHash({ bundle, identifier, memberId: memberIdentifier(input.patient)?.value ?? null });
}
