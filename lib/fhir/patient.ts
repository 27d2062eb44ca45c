/** Patient → JP_Patient_eCS: the first entry of every 6情報 bundle, identified by the 被保険者個人識別子. */
import type { Address, Identifier, Patient } from '@medplum/fhirtypes';
import { toKatakana } from '@/lib/core/kana';
import { fhirDate, institutionExtension, resourceMeta } from './common';
import { EXTENSIONS, ID_SYSTEMS, PROFILES, patientIdSystem, type FhirTarget } from './profiles';
import type { FhirClinicInput, FhirInsuranceInput, FhirPatientInput, FhirPublicExpenseInput } from './types';

/** 法別番号 of 生活保護 (医療扶助): the first two digits of the 公費負担者番号. */
const LIVELIHOOD_PROTECTION_LAW = '12';

const WHITESPACE = /[\s\u3000]/gu;

/** ASCII letters and digits → full-width (U+FF01 block). */
function toFullWidth(s: string): string {
  return s.replace(/[!-~]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0));
}

/**
 * 記号 / 番号 as JP_Patient_eCS wants them: all half-width when they are only letters and digits, otherwise all
 * full-width (kana, kanji and the letters and digits with them); never a space of either width.
 */
export function memberIdPart(raw: string | null | undefined): string {
  const s = (raw ?? '').normalize('NFKC').replace(WHITESPACE, '');
  if (/^[0-9A-Za-z]*$/.test(s)) return s;
  return toFullWidth(s);
}

/** 被保険者個人識別子 `保険者番号8桁:記号:番号:枝番` (JP_Patient_eCS §被保険者個人識別子). */
export function insuranceMemberId(insurance: FhirInsuranceInput): string {
  const insurer = insurance.insurerNumber.normalize('NFKC').replace(WHITESPACE, '').padStart(8, '0');
  const branchRaw = (insurance.branch ?? '').normalize('NFKC').replace(WHITESPACE, '');
  const branch = /^[0-9]$/.test(branchRaw) ? `0${branchRaw}` : branchRaw;
  return `${insurer}:${memberIdPart(insurance.symbol)}:${memberIdPart(insurance.number)}:${branch}`;
}

/** 生活保護受給者識別子 `公費負担者番号8桁::受給者番号:` (same page, second table). */
export function publicPayerMemberId(expense: FhirPublicExpenseInput): string {
  const payer = expense.payerNumber.normalize('NFKC').replace(WHITESPACE, '').padStart(8, '0');
  return `${payer}::${memberIdPart(expense.recipientNumber)}:`;
}

/** The identifier the service knows the patient by, or null when there is none (自費): see ADR 0025. */
export function memberIdentifier(patient: FhirPatientInput): Identifier | null {
  if (patient.insurance) return { system: ID_SYSTEMS.insuranceMember, value: insuranceMemberId(patient.insurance) };
  const livelihood = (patient.publicExpenses ?? []).find((e) => e.payerNumber.normalize('NFKC').startsWith(LIVELIHOOD_PROTECTION_LAW) && e.recipientNumber);
  if (livelihood) return { system: ID_SYSTEMS.publicPayerMember, value: publicPayerMemberId(livelihood) };
  return null;
}

/** Halves full-width spaces (the profile forbids them in names) and collapses runs. */
function nameText(s: string): string {
  return s.replace(WHITESPACE, ' ').replace(/ +/g, ' ').trim();
}

function address(patient: FhirPatientInput): Address | null {
  const entered = nameText(patient.address ?? '');
  const prefecture = patient.prefecture?.trim() || undefined;
  const city = patient.city?.trim() || undefined;
  let text = entered;
  if (city && !text.includes(city)) text = `${city}${text}`;
  if (prefecture && !text.startsWith(prefecture)) text = `${prefecture}${text}`;
  if (!text) return null;
  const result: Address = { text };
  if (patient.postalCode) result.postalCode = patient.postalCode;
  if (prefecture) result.state = prefecture;
  if (city) result.city = city;
  return result;
}

const GENDERS = new Set(['male', 'female', 'other', 'unknown']);

/** Patient resource for one clinic's patient. */
export function toFhirPatient(target: FhirTarget, clinic: FhirClinicInput, patient: FhirPatientInput): Patient {
  const identifier: Identifier[] = [{ system: patientIdSystem(clinic.institutionNumber), value: String(patient.patientNumber) }];
  const member = memberIdentifier(patient);
  if (member) identifier.push(member);
  const family = nameText(patient.familyName);
  const given = nameText(patient.givenName);
  const familyKana = nameText(toKatakana(patient.familyNameKana));
  const givenKana = nameText(toKatakana(patient.givenNameKana));
  const resource: Patient = {
    resourceType: 'Patient',
    id: patient.id,
    meta: resourceMeta(target, PROFILES.patient, patient.updatedAt),
    extension: [institutionExtension(clinic.institutionNumber)],
    identifier,
    name: [
      {
        extension: [{ url: EXTENSIONS.nameRepresentation, valueCode: 'IDE' }],
        use: 'official',
        text: `${family} ${given}`,
        family,
        given: [given],
      },
      {
        extension: [{ url: EXTENSIONS.nameRepresentation, valueCode: 'SYL' }],
        use: 'official',
        text: `${familyKana} ${givenKana}`,
        family: familyKana,
        given: [givenKana],
      },
    ],
    gender: (GENDERS.has(patient.sex) ? patient.sex : 'unknown') as Patient['gender'],
    birthDate: fhirDate(patient.birthDate),
  };
  const addr = address(patient);
  if (addr) resource.address = [addr];
  return resource;
}
