/**
 * The one file that knows JP-CLINS / JP Core profile URLs, code systems and identifier systems, and the target
 * version they are taken from (docs/decisions/0024). Everything else in lib/fhir imports these constants.
 *
 * Source: the JP-CLINS 1.5.2 package (jp-clins.r4-1.5.2) and JP Core 1.1.2, read while writing this file.
 */
import type { JpClinsVersion } from '@/lib/records/lab-results/lab-items';

export type { JpClinsVersion };

/** The target the product sends by default: JP-CLINS 1.5.2 on JP Core 1.1.2 (the newest full package we have). */
export const DEFAULT_TARGET_VERSION: JpClinsVersion = '1.5.2';
export const JP_CORE_VERSION = '1.1.2';

export const PROFILES = {
  bundle: 'http://jpfhir.jp/fhir/clins/StructureDefinition/JP_Bundle_CLINS',
  patient: 'http://jpfhir.jp/fhir/eCS/StructureDefinition/JP_Patient_eCS',
  condition: 'http://jpfhir.jp/fhir/eCS/StructureDefinition/JP_Condition_eCS',
  allergy: 'http://jpfhir.jp/fhir/eCS/StructureDefinition/JP_AllergyIntolerance_eCS',
  labResult: 'http://jpfhir.jp/fhir/eCS/StructureDefinition/JP_Observation_LabResult_eCS',
  /** contained Encounter: the bundle invariants look for exactly this JP Core profile */
  encounter: 'http://jpfhir.jp/fhir/core/StructureDefinition/JP_Encounter',
  practitioner: 'http://jpfhir.jp/fhir/core/StructureDefinition/JP_Practitioner',
  /** vendor API resources (JP Core 1.1.2) */
  organization: 'http://jpfhir.jp/fhir/core/StructureDefinition/JP_Organization',
  encounterCore: 'http://jpfhir.jp/fhir/core/StructureDefinition/JP_Encounter',
  medicationRequest: 'http://jpfhir.jp/fhir/core/StructureDefinition/JP_MedicationRequest',
  /** a drug line inside a JP-CLINS document (430 投薬指示, 444 退院時投薬指示) */
  medicationRequestDocument: 'http://jpfhir.jp/fhir/eCS/StructureDefinition/JP_MedicationRequest_eCS',
} as const;

export const EXTENSIONS = {
  institutionNumber: 'http://jpfhir.jp/fhir/clins/Extension/StructureDefinition/JP_eCS_InstitutionNumber',
  department: 'http://jpfhir.jp/fhir/eCS/Extension/StructureDefinition/JP_eCS_Department',
  diagnosisType: 'http://jpfhir.jp/fhir/eCS/Extension/StructureDefinition/JP_eCS_DiagnosisType',
  prefixModifier: 'http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_Condition_DiseasePrefixModifier',
  postfixModifier: 'http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_Condition_DiseasePostfixModifier',
  nameRepresentation: 'http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation',
  nullFlavor: 'http://hl7.org/fhir/StructureDefinition/iso21090-nullFlavor',
} as const;

export const ID_SYSTEMS = {
  resourceInstance: 'http://jpfhir.jp/fhir/core/IdSystem/resourceInstance-identifier',
  institutionNumber: 'http://jpfhir.jp/fhir/core/IdSystem/insurance-medical-institution-no',
  bundle: 'http://jpfhir.jp/fhir/clins/bundle-identifier',
  insuranceMember: 'http://jpfhir.jp/fhir/clins/Idsystem/JP_Insurance_memberID',
  /** 生活保護受給者識別子 (IG text; the 1.5.2 Patient invariant does not accept it alone, see ADR 0025) */
  publicPayerMember: 'http://jpfhir.jp/fhir/clins/Idsystem/JP_PublicPayer_memberID',
  /** Rp番号 and the drug's position in it (JP Core MedicationRequest.identifier) */
  rpGroupNumber: 'http://jpfhir.jp/fhir/core/mhlw/IdSystem/Medication-RPGroupNumber',
  administrationIndex: 'http://jpfhir.jp/fhir/core/mhlw/IdSystem/MedicationAdministrationIndex',
} as const;

/** 患者番号 at an institution: this OID prefix + '1' + the 10-digit 医療機関コード. */
export function patientIdSystem(institutionNumber: string): string {
  return `urn:oid:1.2.392.100495.20.3.51.1${institutionNumber}`;
}

/** 医籍登録番号 etc. of staff at an institution (JP Core practitioner id: OID .41. + '1' + 医療機関コード). */
export function practitionerIdSystem(institutionNumber: string): string {
  return `urn:oid:1.2.392.100495.20.3.41.1${institutionNumber}`;
}

export const CODE_SYSTEMS = {
  bundleResourceType: 'http://jpfhir.jp/fhir/clins/CodeSystem/BundleResourceType_CS',
  indication: 'http://jpfhir.jp/fhir/clins/CodeSystem/JP_ehrshrs_indication',
  department: 'http://jami.jp/SS-MIX2/CodeSystem/ClinicalDepartment',
  actCode: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
  // 傷病名
  medisDisease: 'http://medis.or.jp/CodeSystem/master-disease-keyNumber',
  medisExchange: 'http://medis.or.jp/CodeSystem/master-disease-exCode',
  medisModifier: 'http://medis.or.jp/CodeSystem/master-disease-modKeyNumber',
  medisModifierExchange: 'http://medis.or.jp/CodeSystem/master-disease-modExCode',
  receiptDisease: 'http://jpfhir.jp/fhir/core/mhlw/CodeSystem/masterB-disease',
  receiptModifier: 'http://jpfhir.jp/fhir/core/mhlw/CodeSystem/masterZ-disease-modifier',
  icd10: 'http://jpfhir.jp/fhir/core/mhlw/CodeSystem/ICD10-2013-full',
  conditionClinical: 'http://terminology.hl7.org/CodeSystem/condition-clinical',
  conditionVerification: 'http://terminology.hl7.org/CodeSystem/condition-ver-status',
  conditionCategory: 'http://terminology.hl7.org/CodeSystem/condition-category',
  diagnosisType: 'http://terminology.hl7.org/CodeSystem/ex-diagnosistype',
  // アレルギー
  jfagyFood: 'http://jpfhir.jp/fhir/core/CodeSystem/JP_JfagyFoodAllergen_CS',
  jfagyNonFood: 'http://jpfhir.jp/fhir/core/CodeSystem/JP_JfagyNonFoodNonMedicationAllergen_CS',
  jfagyMedicationYcm: 'http://jpfhir.jp/fhir/core/CodeSystem/YCM/JP_JfagyMedicationAllergen_CS',
  jfagyMedicationGcm: 'http://jpfhir.jp/fhir/core/CodeSystem/GCM/JP_JfagyMedicationAllergen_CS',
  allergyClinical: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical',
  allergyVerification: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification',
  // 検査
  observationCategory: 'http://jpfhir.jp/fhir/core/CodeSystem/JP_SimpleObservationCategory_CS',
  labCore: 'http://jpfhir.jp/fhir/clins/CodeSystem/JLAC10/JP_CLINS_ObsLabResult_CoreLabo_CS',
  labInfection: 'http://jpfhir.jp/fhir/clins/CodeSystem/JLAC10/JP_CLINS_ObsLabResult_InfectionLabo_CS',
  jlac10: 'http://medis.or.jp/CodeSystem/master-JLAC10-17digits',
  labUncoded: 'http://jpfhir.jp/fhir/clins/CodeSystem/JP_CLINS_ObsLabResult_Uncoded_CS',
  labLocal: 'http://jpfhir.jp/fhir/clins/CodeSystem/JP_CLINS_ObsLabResult_LocalCode_CS',
  interpretation: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation',
  dataAbsentReason: 'http://terminology.hl7.org/CodeSystem/data-absent-reason',
  ucum: 'http://unitsofmeasure.org',
  merit9Unit: 'http://jpfhir.jp/fhir/core/mhlw/CodeSystem/MedicationUnitMERIT9Code',
  // 処方
  yjCode: 'http://capstandard.jp/iyaku.info/CodeSystem/YJ-code',
  genericDrug: 'http://jpfhir.jp/fhir/core/mhlw/CodeSystem/MedicationGeneralOrderCode',
  uncodedDrug: 'http://jpfhir.jp/fhir/eCS/CodeSystem/MedicationCodeNocoded_CS',
  usageEPrescription: 'http://jpfhir.jp/fhir/core/mhlw/CodeSystem/MedicationUsage_ePrescription',
  medicationCategory: 'http://jpfhir.jp/fhir/core/CodeSystem/JP_MedicationCategoryMERIT9_CS',
  substitutionProhibited: 'http://jpfhir.jp/fhir/core/mhlw/CodeSystem/MedicationSubstitutionProhibittedCategory',
  encounterStatus: 'http://hl7.org/fhir/encounter-status',
} as const;

/** 病名管理番号 of a diagnosis that cannot be coded: as many 9s as a 管理番号 has digits (8). */
export const UNCODED_DISEASE_KEY = '99999999';
export const UNCODED_DISEASE_DISPLAY = '未コード化傷病名';
/** 未標準化コード of a lab item that has no JLAC10 code (fixed by the profile's unCoded slice). */
export const UNCODED_LAB_CODE = '99999999999999999';
export const UNCODED_LAB_DISPLAY = '未標準化コード項目(JLAC)';
/** J-FAGY dummy code body when a substance cannot be coded (IG: 9 zeros after the 3-letter meta code). */
export const ALLERGEN_DUMMY_BODY = '000000000';

export type IndicationFlag = 'LTS' | 'UNINFORMED' | 'UNDELIVERED';
export const INDICATION_DISPLAYS: Record<IndicationFlag, string> = { LTS: '長期保存', UNINFORMED: '未告知', UNDELIVERED: '未提供' };

/**
 * What changes with the target version. Profile URLs are the same in 1.5.2 and 1.10.0; lab displays (FHIR識別名)
 * and the discharge-summary section codes differ (1.5.4 renumbered 362/372/552/642 to 360/370/550/640).
 */
export interface FhirTarget {
  readonly version: JpClinsVersion;
  readonly coreVersion: string;
  /** meta.profile value: the 6情報 bundle invariants (validEntryProfile-*) accept only the unversioned URL */
  profile(url: string): string;
  /** discharge-summary section code in this version, given its 1.5.2 code */
  dischargeSectionCode(code152: string): string;
  /** AllergyIntolerance may carry only LTS (1.5.3+); Condition carries LTS, UNINFORMED and UNDELIVERED in both */
  readonly allergyTags: readonly IndicationFlag[];
}

const DISCHARGE_SECTIONS_RENUMBERED: Readonly<Record<string, string>> = { '362': '360', '372': '370', '552': '550', '642': '640' };

/** The settings for one target version. */
export function fhirTarget(version: JpClinsVersion = DEFAULT_TARGET_VERSION): FhirTarget {
  return {
    version,
    coreVersion: JP_CORE_VERSION,
    profile: (url) => url,
    dischargeSectionCode: (code152) => (version === '1.5.2' ? code152 : (DISCHARGE_SECTIONS_RENUMBERED[code152] ?? code152)),
    allergyTags: ['LTS'],
  };
}
