/** Pieces every 6情報 resource shares: dates in JST, meta, identifiers, the institution and department extensions. */
import type { CodeableConcept, Coding, Encounter, Extension, Meta, Reference } from '@medplum/fhirtypes';
import { jstIsoInstant, jstParts } from '@/lib/core/tz';
import { findDepartment } from '@/lib/reference/departments';
import { CODE_SYSTEMS, EXTENSIONS, ID_SYSTEMS, INDICATION_DISPLAYS, PROFILES, type FhirTarget, type IndicationFlag } from './profiles';
import type { DateLike, FhirDepartmentInput, FhirEncounterInput } from './types';

/** FHIR date 'YYYY-MM-DD' of a DATE column (UTC midnight) or an ISO string. */
export function fhirDate(d: DateLike): string {
  return typeof d === 'string' ? d.slice(0, 10) : d.toISOString().slice(0, 10);
}

/** FHIR instant/dateTime in JST with milliseconds: 2026-12-04T10:00:00.000+09:00. */
export function fhirInstant(d: DateLike): string {
  return jstIsoInstant(typeof d === 'string' ? Date.parse(d) : d);
}

/** The JST calendar year of an instant. */
export function jstYear(d: Date): string {
  return jstParts(d).yyyy;
}

export function resourceMeta(target: FhirTarget, profile: string, lastUpdated: DateLike, tags: readonly IndicationFlag[] = []): Meta {
  const meta: Meta = { lastUpdated: fhirInstant(lastUpdated), profile: [target.profile(profile)] };
  if (tags.length) meta.tag = tags.map((code) => ({ system: CODE_SYSTEMS.indication, code, display: INDICATION_DISPLAYS[code] }));
  return meta;
}

export function instanceIdentifier(value: string) {
  return [{ system: ID_SYSTEMS.resourceInstance, value }];
}

export function institutionExtension(institutionNumber: string): Extension {
  return { url: EXTENSIONS.institutionNumber, valueIdentifier: { system: ID_SYSTEMS.institutionNumber, value: institutionNumber } };
}

/** JP_eCS_Department: SS-MIX2 code and name when the code is known, the name as text always. */
export function departmentExtension(department: FhirDepartmentInput | null | undefined): Extension | null {
  if (!department || !department.name.trim()) return null;
  const known = findDepartment(department.code);
  const concept: CodeableConcept = { text: department.name };
  if (known) concept.coding = [{ system: CODE_SYSTEMS.department, code: known.code, display: known.name }];
  return { url: EXTENSIONS.department, valueCodeableConcept: concept };
}

const ENCOUNTER_DISPLAYS = { AMB: '外来', IMP: '入院' } as const;
export const CONTAINED_ENCOUNTER_ID = 'encounter';

/** The contained Encounter every 6情報 resource carries (外来 unless the record says 入院). */
export function containedEncounter(encounter: FhirEncounterInput | null | undefined): Encounter {
  const cls = encounter?.class ?? 'AMB';
  const resource: Encounter = {
    resourceType: 'Encounter',
    id: CONTAINED_ENCOUNTER_ID,
    meta: { profile: [PROFILES.encounter] },
    status: 'finished',
    class: { system: CODE_SYSTEMS.actCode, code: cls, display: ENCOUNTER_DISPLAYS[cls] },
  };
  if (encounter?.id) resource.identifier = [{ system: ID_SYSTEMS.resourceInstance, value: encounter.id }];
  return resource;
}

export function encounterReference(encounter: FhirEncounterInput | null | undefined): Reference<Encounter> {
  return { reference: `#${CONTAINED_ENCOUNTER_ID}`, display: ENCOUNTER_DISPLAYS[encounter?.class ?? 'AMB'] };
}

export function coding(system: string, code: string, display?: string): Coding {
  return display === undefined ? { system, code } : { system, code, display };
}

/** The bundle-internal reference to the patient (the only cross-entry reference CLINS allows). */
export function patientFullUrl(patientId: string): string {
  return `urn:uuid:${patientId}`;
}

/** fullUrl of a record: its lineage id when it is a UUID (stable across resends, which the IG allows), else a derived one. */
export function recordFullUrl(lineageId: string): string {
  return `urn:uuid:${lineageId}`;
}

/** Text for display/text elements of lab codes: NFKC (half-width katakana → full-width, full-width ASCII and spaces → half-width), no control characters. */
export function normalizeLabText(text: string): string {
  return text.normalize('NFKC').replace(/[\u0000-\u001f\u007f]/g, '').trim();
}
