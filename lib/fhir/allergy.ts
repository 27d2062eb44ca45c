/** Allergy → JP_AllergyIntolerance_eCS (薬剤アレルギー等 / その他アレルギー等). */
import type { AllergyIntolerance, AllergyIntoleranceReaction, Coding, Extension } from '@medplum/fhirtypes';
import { containedEncounter, coding, departmentExtension, encounterReference, fhirDate, fhirInstant, institutionExtension, instanceIdentifier, resourceMeta } from './common';
import { ALLERGEN_DUMMY_BODY, CODE_SYSTEMS, EXTENSIONS, PROFILES, type FhirTarget, type IndicationFlag } from './profiles';
import type { FhirAllergyInput, FhirClinicInput } from './types';

const YJ = /^[0-9A-Z]{12}$/;

/**
 * The allergen coding in the form the profile's table wants (AllergyIntolerance notes, 「アレルギーのコード」):
 * medicines YCM + YJ code (12), GCM + YJ with its last 3 characters 'ZZZ' (一般名), D9M + 9 zeros when uncodable;
 * foods J9F + J-FAGY code or D9F + zeros; everything else J9N + J-FAGY code or D9N + zeros.
 */
export function allergenCoding(allergy: FhirAllergyInput): Coding {
  const name = allergy.substanceName.trim();
  const raw = (allergy.code ?? '').normalize('NFKC').trim().toUpperCase();
  const yj = (allergy.yjCode ?? '').normalize('NFKC').trim().toUpperCase();
  switch (allergy.codeSystem) {
    case 'yj':
      if (YJ.test(raw || yj)) return coding(CODE_SYSTEMS.jfagyMedicationYcm, `YCM${raw || yj}`, name);
      break;
    case 'generic': {
      const generic = YJ.test(raw) ? raw : YJ.test(yj) ? `${yj.slice(0, 9)}ZZZ` : '';
      if (generic) return coding(CODE_SYSTEMS.jfagyMedicationGcm, `GCM${generic.slice(0, 9)}ZZZ`, name);
      break;
    }
    case 'jfagy-medication':
      if (/^YCM[0-9A-Z]{12}$/.test(raw)) return coding(CODE_SYSTEMS.jfagyMedicationYcm, raw, name);
      if (/^GCM[0-9A-Z]{12}$/.test(raw)) return coding(CODE_SYSTEMS.jfagyMedicationGcm, raw, name);
      if (YJ.test(raw)) return coding(CODE_SYSTEMS.jfagyMedicationYcm, `YCM${raw}`, name);
      break;
    case 'jfagy-food':
      if (raw) return coding(CODE_SYSTEMS.jfagyFood, raw.startsWith('J9F') ? raw : `J9F${raw}`, name);
      break;
    case 'jfagy-nonfood':
      if (raw) return coding(CODE_SYSTEMS.jfagyNonFood, raw.startsWith('J9N') ? raw : `J9N${raw}`, name);
      break;
  }
  if (allergy.category === 'medication') return coding(CODE_SYSTEMS.jfagyMedicationYcm, `D9M${ALLERGEN_DUMMY_BODY}`, name);
  if (allergy.category === 'food') return coding(CODE_SYSTEMS.jfagyFood, `D9F${ALLERGEN_DUMMY_BODY}`, name);
  return coding(CODE_SYSTEMS.jfagyNonFood, `D9N${ALLERGEN_DUMMY_BODY}`, name);
}

/** medication = 薬剤アレルギー等 (禁忌 included); food / environment = その他アレルギー等; 'other' carries no category. */
function category(allergy: FhirAllergyInput): AllergyIntolerance['category'] {
  if (allergy.category === 'medication' || allergy.category === 'food' || allergy.category === 'environment') return [allergy.category];
  return undefined;
}

const CLINICAL_DISPLAYS: Record<string, string> = { active: 'Active', inactive: 'Inactive', resolved: 'Resolved' };
const SEVERITIES = new Set(['mild', 'moderate', 'severe']);

export function allergyTags(target: FhirTarget, allergy: FhirAllergyInput): IndicationFlag[] {
  return allergy.longTermStorage && target.allergyTags.includes('LTS') ? ['LTS'] : [];
}

export function toFhirAllergy(target: FhirTarget, clinic: FhirClinicInput, allergy: FhirAllergyInput, patientRef: string): AllergyIntolerance {
  const extension: Extension[] = [institutionExtension(clinic.institutionNumber)];
  const department = departmentExtension(allergy.department);
  if (department) extension.push(department);
  const statusCode = allergy.endDate && allergy.clinicalStatus === 'active' ? 'resolved' : allergy.clinicalStatus;
  const resource: AllergyIntolerance = {
    resourceType: 'AllergyIntolerance',
    id: allergy.lineageId,
    meta: resourceMeta(target, PROFILES.allergy, allergy.updatedAt, allergyTags(target, allergy)),
    contained: [containedEncounter(allergy.encounter)],
    extension,
    identifier: instanceIdentifier(allergy.lineageId),
    clinicalStatus: { coding: [coding(CODE_SYSTEMS.allergyClinical, statusCode, CLINICAL_DISPLAYS[statusCode] ?? statusCode)] },
    verificationStatus: {
      coding: [
        allergy.verification === 'unconfirmed'
          ? coding(CODE_SYSTEMS.allergyVerification, 'unconfirmed', 'Unconfirmed')
          : coding(CODE_SYSTEMS.allergyVerification, 'confirmed', 'Confirmed'),
      ],
    },
    code: { coding: [allergenCoding(allergy)], text: allergy.substanceName.trim() },
    patient: { reference: patientRef },
    encounter: encounterReference(allergy.encounter),
    recordedDate: fhirInstant(allergy.recordedAt),
  };
  const cat = category(allergy);
  if (cat) resource.category = cat;
  if (allergy.onsetDate) resource.onsetDateTime = fhirDate(allergy.onsetDate);
  const reactionText = allergy.reaction?.trim();
  const severity = allergy.severity && SEVERITIES.has(allergy.severity) ? (allergy.severity as AllergyIntoleranceReaction['severity']) : undefined;
  if (reactionText || severity) {
    const reaction: AllergyIntoleranceReaction = {
      manifestation: [reactionText ? { text: reactionText } : { extension: [{ url: EXTENSIONS.nullFlavor, valueCode: 'NI' }] }],
    };
    if (severity) reaction.severity = severity;
    resource.reaction = [reaction];
  }
  const notes = [allergy.note?.trim(), allergy.endDate ? `終了日 ${fhirDate(allergy.endDate)}` : undefined].filter((n): n is string => !!n);
  if (notes.length) resource.note = notes.map((text) => ({ text }));
  return resource;
}
