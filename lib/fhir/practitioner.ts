/**
 * Practitioner and Organization, pure: the clinic's staff (医籍登録番号 when stored) and the clinic itself
 * (医療機関コード). One mapping for the lab result's contained performer, the referral's author and organizations, and
 * the vendor API's Practitioner and Organization resources (JP Core 1.1.2 JP_Practitioner / JP_Organization).
 */
import type { Organization, Practitioner, PractitionerQualification } from '@medplum/fhirtypes';
import { fhirInstant } from './common';
import { EXTENSIONS, ID_SYSTEMS, PROFILES, practitionerIdSystem, type FhirTarget } from './profiles';
import type { FhirClinicInput, FhirOrganizationInput, FhirPractitionerInput } from './types';

export const MEDICAL_REGISTRATION_SYSTEM = 'http://jpfhir.jp/fhir/core/mhlw/IdSystem/medicalRegistrationNumber';
const CERTIFICATE_CATEGORY = 'http://jpfhir.jp/fhir/core/CodeSystem/practitioner-certificate-category';
const PREFECTURE_NO = 'http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_Organization_PrefectureNo';
const FEE_SCORE_CATEGORY = 'http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_Organization_InsuranceOrganizationCategory';
const ORGANIZATION_NO = 'http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_Organization_InsuranceOrganizationNo';

/** 医籍登録番号 / 歯科医籍登録番号 as a qualification; other licences (麻薬施用者 …) are not a certificate category. */
export function practitionerQualification(licenseNumber: string | null | undefined, licenseType: string | null | undefined = 'medical_registration'): PractitionerQualification[] {
  if (!licenseNumber) return [];
  const category =
    licenseType === 'dental_registration' ? { code: 'DentalDoctorLicense', display: '歯科医師' } : licenseType === 'medical_registration' || !licenseType ? { code: 'MedicalDoctorLicense', display: '医師' } : null;
  if (!category) return [];
  return [{ identifier: [{ system: MEDICAL_REGISTRATION_SYSTEM, value: licenseNumber }], code: { coding: [{ system: CERTIFICATE_CATEGORY, ...category }] } }];
}

/** The name as JP Core writes it: the 漢字 representation (IDE), full-width spaces as ASCII. */
export function practitionerName(name: string): Practitioner['name'] {
  return [{ extension: [{ url: EXTENSIONS.nameRepresentation, valueCode: 'IDE' }], text: name.replace(/\u3000/g, ' ').trim() }];
}

/** The clinic's staff identifier (the user id under the institution's practitioner OID). */
export function practitionerIdentifier(clinic: FhirClinicInput, practitionerId: string): Practitioner['identifier'] {
  return [{ system: practitionerIdSystem(clinic.institutionNumber), value: practitionerId }];
}

/** A staff member as a JP Core Practitioner (the vendor API's Practitioner resource). */
export function toFhirPractitioner(target: FhirTarget, clinic: FhirClinicInput, input: FhirPractitionerInput & { active?: boolean; updatedAt?: Date | string | null }): Practitioner {
  const resource: Practitioner = {
    resourceType: 'Practitioner',
    id: input.id,
    meta: { profile: [target.profile(PROFILES.practitioner)], ...(input.updatedAt ? { lastUpdated: fhirInstant(input.updatedAt) } : {}) },
    identifier: practitionerIdentifier(clinic, input.id),
    name: practitionerName(input.name),
  };
  if (input.active !== undefined) resource.active = input.active;
  const qualification = practitionerQualification(input.licenseNumber, input.licenseType);
  if (qualification.length) resource.qualification = qualification;
  return resource;
}

/**
 * An institution as an Organization: 医療機関コード as identifier and, when it is a 10-digit code, the JP Core
 * extensions read from it (都道府県番号 2 digits, 点数表 1 digit, 医療機関番号 7 digits).
 */
export function toFhirOrganization(target: FhirTarget, input: FhirOrganizationInput, profile: string = PROFILES.organization, options: { coreExtensions?: boolean } = {}): Organization {
  const org: Organization = {
    resourceType: 'Organization',
    id: input.id,
    meta: { ...(input.updatedAt ? { lastUpdated: fhirInstant(input.updatedAt) } : {}), profile: [target.profile(profile)] },
    name: input.name,
  };
  const code = input.institutionNumber;
  if (code) org.identifier = [{ system: ID_SYSTEMS.institutionNumber, value: code }];
  if (code && options.coreExtensions && /^\d{10}$/.test(code)) {
    org.extension = [
      { url: PREFECTURE_NO, valueCoding: { system: 'http://jpfhir.jp/fhir/core/mhlw/CodeSystem/PrefectureNo-2digits', code: code.slice(0, 2) } },
      { url: FEE_SCORE_CATEGORY, valueCoding: { system: 'http://jpfhir.jp/fhir/core/mhlw/CodeSystem/MedicationFeeScoreType', code: code.slice(2, 3) } },
      { url: ORGANIZATION_NO, valueIdentifier: { system: 'http://jpfhir.jp/fhir/core/mhlw/IdSystem/MedicalOrganizationID', value: code.slice(3) } },
    ];
  }
  if (input.address || input.postalCode) org.address = [{ ...(input.address ? { text: input.address } : {}), ...(input.postalCode ? { postalCode: input.postalCode } : {}) }];
  if (input.phone) org.telecom = [{ system: 'phone', value: input.phone }];
  return org;
}
