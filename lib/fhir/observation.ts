/** Lab result → JP_Observation_LabResult_eCS (検体検査結果 / 感染症). */
import type { Coding, Extension, Observation, Practitioner, Quantity } from '@medplum/fhirtypes';
import { LAB_ITEMS_BY_KEY, findLabItemByJlac10, jpClinsDisplayFor, type LabItem } from '@/lib/records/lab-results/lab-items';
import { sharedLabDisplays } from './lab-codes';
import {
  containedEncounter,
  coding,
  departmentExtension,
  encounterReference,
  fhirInstant,
  institutionExtension,
  instanceIdentifier,
  normalizeLabText,
  resourceMeta,
} from './common';
import { CODE_SYSTEMS, PROFILES, UNCODED_LAB_CODE, UNCODED_LAB_DISPLAY, type FhirTarget } from './profiles';
import { practitionerIdentifier, practitionerName } from './practitioner';
import type { FhirClinicInput, FhirLabResultInput } from './types';

/** The 43+5 item of a result: by its item key, else by its JLAC10 code. */
export function labItemOf(result: FhirLabResultInput): LabItem | null {
  return LAB_ITEMS_BY_KEY.get(result.itemKey) ?? (result.jlac10 ? findLabItemByJlac10(result.jlac10) : null);
}

/**
 * code.coding by the IG's rules: always the local code; for the 43+5 items the core/infection code with its
 * FHIR識別名 for the target version (plus the JLAC10 code); for other items the JLAC10 code, or the 未標準化コード.
 */
export function labCodings(target: FhirTarget, result: FhirLabResultInput): Coding[] {
  const name = normalizeLabText(result.itemName);
  const codings: Coding[] = [coding(CODE_SYSTEMS.labLocal, result.localCode.normalize('NFKC').trim(), name)];
  const item = labItemOf(result);
  const jlac10 = result.jlac10?.normalize('NFKC').trim().toUpperCase() || (item ? item.jlac10 : '');
  if (item) {
    // the shared code only when the target's code table has it (1.5.2's 血糖 group, for one, holds only 随時 codes)
    const system = item.set === 'core' ? CODE_SYSTEMS.labCore : CODE_SYSTEMS.labInfection;
    const displays = sharedLabDisplays(target, system, jlac10);
    const preferred = jpClinsDisplayFor(item, jlac10, target.version);
    if (displays.length) codings.push(coding(system, jlac10, displays.includes(preferred) ? preferred : displays[0]!));
  }
  if (jlac10) codings.push(coding(CODE_SYSTEMS.jlac10, jlac10, name));
  else codings.push(coding(CODE_SYSTEMS.labUncoded, UNCODED_LAB_CODE, UNCODED_LAB_DISPLAY));
  return codings;
}

const COMPARATORS: Record<string, Quantity['comparator']> = { '<': '<', '<=': '<=', '>=': '>=', '>': '>', '≦': '<=', '≧': '>=', '≤': '<=', '≥': '>=' };
const COMPARED_TEXT = /^\s*(<=|>=|<|>|≦|≧|≤|≥)\s*([+-]?[0-9]+(?:\.[0-9]+)?)\s*$/u;

function toNumber(v: number | string | null | undefined): number | null {
  if (v === null || v === undefined || v === '') return null;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : null;
}

function quantity(value: number, result: FhirLabResultInput): Quantity {
  const q: Quantity = { value };
  const unit = result.unit?.normalize('NFKC').trim();
  if (unit) q.unit = unit;
  if (result.unitCode) {
    q.system = CODE_SYSTEMS.merit9Unit;
    q.code = result.unitCode;
  }
  return q;
}

/** value[x] or dataAbsentReason; a comparator (from its own field, or a text like '<0.5') becomes Quantity.comparator. */
function setValue(resource: Observation, result: FhirLabResultInput) {
  const number = toNumber(result.valueNumber);
  const text = result.valueText?.normalize('NFKC').trim() ?? '';
  const compared = COMPARED_TEXT.exec(text);
  const comparator = COMPARATORS[result.comparator ?? ''] ?? (compared ? COMPARATORS[compared[1]!] : undefined);
  const value = number ?? (compared ? Number(compared[2]) : null);
  if (value !== null) {
    resource.valueQuantity = quantity(value, result);
    if (comparator) resource.valueQuantity.comparator = comparator;
  } else if (text) {
    resource.valueString = text;
  } else {
    const code = result.absentReason || 'unknown';
    resource.dataAbsentReason = { coding: [coding(CODE_SYSTEMS.dataAbsentReason, code, code === 'unknown' ? 'Unknown' : code)] };
  }
}

const INTERPRETATIONS: Record<string, { code: string; display: string }> = {
  H: { code: 'H', display: 'High' },
  L: { code: 'L', display: 'Low' },
  N: { code: 'N', display: 'Normal' },
};

export const CONTAINED_PERFORMER_ID = 'performer';

function performer(clinic: FhirClinicInput, doctor: NonNullable<FhirLabResultInput['orderingDoctor']>): Practitioner {
  const practitioner: Practitioner = {
    resourceType: 'Practitioner',
    id: CONTAINED_PERFORMER_ID,
    meta: { profile: [PROFILES.practitioner] },
    identifier: practitionerIdentifier(clinic, doctor.id),
    name: practitionerName(doctor.name),
  };
  return practitioner;
}

export function toFhirObservation(target: FhirTarget, clinic: FhirClinicInput, result: FhirLabResultInput, patientRef: string): Observation {
  const extension: Extension[] = [institutionExtension(clinic.institutionNumber)];
  const department = departmentExtension(result.department);
  if (department) extension.push(department);
  const contained: NonNullable<Observation['contained']> = [containedEncounter(result.encounter)];
  if (result.orderingDoctor) contained.push(performer(clinic, result.orderingDoctor));
  const resource: Observation = {
    resourceType: 'Observation',
    id: result.lineageId,
    meta: resourceMeta(target, PROFILES.labResult, result.updatedAt, result.longTermStorage ? ['LTS'] : []),
    contained,
    extension,
    identifier: instanceIdentifier(result.lineageId),
    status: result.version > 1 ? 'corrected' : 'final',
    category: [{ coding: [coding(CODE_SYSTEMS.observationCategory, 'laboratory', '検体検査')] }],
    code: { coding: labCodings(target, result), text: normalizeLabText(result.itemName) },
    subject: { reference: patientRef },
    encounter: encounterReference(result.encounter),
    effectiveDateTime: fhirInstant(result.collectedAt),
    specimen: { type: 'Specimen', display: result.specimen.trim() },
  };
  if (result.reportedAt) resource.issued = fhirInstant(result.reportedAt);
  if (result.orderingDoctor) resource.performer = [{ reference: `#${CONTAINED_PERFORMER_ID}`, display: result.orderingDoctor.name }];
  setValue(resource, result);
  const interpretation = result.flag ? INTERPRETATIONS[result.flag] : undefined;
  if (interpretation) resource.interpretation = [{ coding: [coding(CODE_SYSTEMS.interpretation, interpretation.code, interpretation.display)] }];
  const low = toNumber(result.referenceLow);
  const high = toNumber(result.referenceHigh);
  const rangeText = result.referenceText?.trim();
  if (low !== null || high !== null || rangeText) {
    const range: NonNullable<Observation['referenceRange']>[number] = {};
    if (low !== null) range.low = quantity(low, result);
    if (high !== null) range.high = quantity(high, result);
    if (rangeText) range.text = rangeText;
    resource.referenceRange = [range];
  }
  return resource;
}
