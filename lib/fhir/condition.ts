/** Diagnosis → JP_Condition_eCS (傷病名). */
import type { CodeableConcept, Coding, Condition, Extension } from '@medplum/fhirtypes';
import { OUTCOME_LABELS, SUSPECTED_MODIFIER_CODE, type DiagnosisOutcome } from '@/lib/records/diagnoses/diagnosis.constants';
import {
  containedEncounter,
  coding,
  departmentExtension,
  encounterReference,
  fhirDate,
  fhirInstant,
  institutionExtension,
  instanceIdentifier,
  resourceMeta,
} from './common';
import { CODE_SYSTEMS, EXTENSIONS, PROFILES, UNCODED_DISEASE_DISPLAY, UNCODED_DISEASE_KEY, type FhirTarget, type IndicationFlag } from './profiles';
import type { FhirClinicInput, FhirDiagnosisInput, FhirModifierInput } from './types';

/** 転帰 → clinicalStatus at the end date (the IG: the state at abatementDateTime). */
const CLINICAL_STATUS_BY_OUTCOME: Record<DiagnosisOutcome, { code: string; display: string }> = {
  cured: { code: 'resolved', display: 'Resolved' },
  died: { code: 'inactive', display: 'Inactive' },
  discontinued: { code: 'inactive', display: 'Inactive' },
  transferred: { code: 'inactive', display: 'Inactive' },
};

/** A 管理番号 is 8 digits; anything else is not a MEDIS code. */
const MEDIS_KEY = /^[0-9]{8}$/;

/**
 * True when every code the diagnosis needs is there: a MEDIS 病名管理番号 and, for each modifier it carries
 * (the 「の疑い」 modifier is sent as verificationStatus instead), a MEDIS 修飾語管理番号. A diagnosis with a modifier
 * that has no 管理番号 is sent uncoded: the base code alone would name a different disease.
 */
export function isFullyCoded(diagnosis: FhirDiagnosisInput): boolean {
  if (!diagnosis.medisKeyNumber || !MEDIS_KEY.test(diagnosis.medisKeyNumber)) return false;
  return sentModifiers(diagnosis).every((m) => !!m.keyNumber);
}

function sentModifiers(diagnosis: FhirDiagnosisInput): readonly FhirModifierInput[] {
  return diagnosis.modifiers.filter((m) => m.code !== SUSPECTED_MODIFIER_CODE);
}

function modifierExtension(m: FhirModifierInput): Extension {
  const codings: Coding[] = [coding(CODE_SYSTEMS.medisModifier, m.keyNumber!, m.name)];
  if (m.exchangeCode) codings.push(coding(CODE_SYSTEMS.medisModifierExchange, m.exchangeCode, m.name));
  if (m.code) codings.push(coding(CODE_SYSTEMS.receiptModifier, m.code, m.name));
  return { url: m.position === 'prefix' ? EXTENSIONS.prefixModifier : EXTENSIONS.postfixModifier, valueCodeableConcept: { coding: codings } };
}

function diseaseCode(diagnosis: FhirDiagnosisInput): CodeableConcept {
  const text = diagnosis.displayName.trim();
  if (!isFullyCoded(diagnosis)) {
    return { coding: [coding(CODE_SYSTEMS.medisDisease, UNCODED_DISEASE_KEY, UNCODED_DISEASE_DISPLAY)], text };
  }
  const codings: Coding[] = [coding(CODE_SYSTEMS.medisDisease, diagnosis.medisKeyNumber!, diagnosis.baseName)];
  if (diagnosis.exchangeCode) codings.push(coding(CODE_SYSTEMS.medisExchange, diagnosis.exchangeCode, diagnosis.baseName));
  if (diagnosis.diseaseCode) codings.push(coding(CODE_SYSTEMS.receiptDisease, diagnosis.diseaseCode, diagnosis.baseName));
  if (diagnosis.icd10) codings.push(coding(CODE_SYSTEMS.icd10, diagnosis.icd10, diagnosis.baseName));
  const concept: CodeableConcept = { coding: codings, text };
  const modifiers = sentModifiers(diagnosis);
  if (modifiers.length) concept.extension = modifiers.map(modifierExtension);
  return concept;
}

export function conditionTags(diagnosis: FhirDiagnosisInput): IndicationFlag[] {
  const tags: IndicationFlag[] = [];
  if (diagnosis.longTermStorage) tags.push('LTS');
  if (diagnosis.uninformed) tags.push('UNINFORMED');
  if (diagnosis.undelivered) tags.push('UNDELIVERED');
  return tags;
}

/**
 * Condition for one diagnosis (its latest version). A 未告知 diagnosis is sent with its UNINFORMED tag, never
 * dropped; its note (free text) is left out so that the name travels only where the tag governs it.
 */
export function toFhirCondition(target: FhirTarget, clinic: FhirClinicInput, diagnosis: FhirDiagnosisInput, patientRef: string): Condition {
  const extension: Extension[] = [institutionExtension(clinic.institutionNumber)];
  const department = departmentExtension(diagnosis.department);
  if (department) extension.push(department);
  if (diagnosis.isPrimary) {
    extension.push({ url: EXTENSIONS.diagnosisType, valueCodeableConcept: { coding: [coding(CODE_SYSTEMS.diagnosisType, 'principal', '主病名')] } });
  }
  const outcome = diagnosis.outcome as DiagnosisOutcome | null | undefined;
  const ended = !!outcome || !!diagnosis.endDate;
  const status = outcome ? CLINICAL_STATUS_BY_OUTCOME[outcome] : ended ? { code: 'inactive', display: 'Inactive' } : { code: 'active', display: 'Active' };
  const clinicalStatus: CodeableConcept = { coding: [coding(CODE_SYSTEMS.conditionClinical, status.code, status.display)] };
  if (outcome && OUTCOME_LABELS[outcome]) clinicalStatus.text = OUTCOME_LABELS[outcome];
  const resource: Condition = {
    resourceType: 'Condition',
    id: diagnosis.lineageId,
    meta: resourceMeta(target, PROFILES.condition, diagnosis.updatedAt, conditionTags(diagnosis)),
    contained: [containedEncounter(diagnosis.encounter)],
    extension,
    identifier: instanceIdentifier(diagnosis.lineageId),
    clinicalStatus,
    verificationStatus: {
      coding: [
        diagnosis.isSuspected
          ? coding(CODE_SYSTEMS.conditionVerification, 'unconfirmed', 'Unconfirmed')
          : coding(CODE_SYSTEMS.conditionVerification, 'confirmed', 'Confirmed'),
      ],
    },
    category: [{ coding: [coding(CODE_SYSTEMS.conditionCategory, 'encounter-diagnosis', 'Encounter Diagnosis')] }],
    code: diseaseCode(diagnosis),
    subject: { reference: patientRef },
    encounter: encounterReference(diagnosis.encounter),
    onsetDateTime: fhirDate(diagnosis.startDate),
    recordedDate: fhirInstant(diagnosis.recordedAt),
  };
  if (ended) resource.abatementDateTime = fhirDate(diagnosis.endDate ?? fhirInstant(diagnosis.updatedAt));
  if (diagnosis.note?.trim() && !diagnosis.uninformed) resource.note = [{ text: diagnosis.note.trim() }];
  return resource;
}
