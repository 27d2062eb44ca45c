/**
 * The JP-CLINS example 診療情報提供書 (referral-jpclins-example.json: 港診療所's letter, built from the IG's own example
 * resources, not by our builder) addressed to another institution and, optionally, about another patient: the inbox's
 * tests send it to their clinic B, and the demo's sandbox service delivers it to みなと整形外科医院 about one of its demo
 * patients (prisma/seed/demo-inbox.ts), so a newcomer finds a received letter to open, link and import from. Pure.
 */
import type { Bundle } from '@medplum/fhirtypes';
import { ID_SYSTEMS } from '@/lib/fhir/profiles';
import example from './referral-jpclins-example.json';

// a JSON document walked by hand
type Obj = Record<string, any>;

/** Who the letter is about (as our patients are recorded). */
export type ExampleLetterPatient = { familyName: string; givenName: string; familyNameKana: string; givenNameKana: string; sex: string; birthDate: string; memberId: string };

const NAME_REPRESENTATION = 'http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation';

/**
 * The example letter with its 910 紹介先 Organization given `institutionNumber` (and `institutionName` when given), and
 * its Patient replaced when given.
 */
export function exampleLetterTo(institutionNumber: string, patient?: ExampleLetterPatient, institutionName?: string): Bundle {
  const b = structuredClone(example) as Obj;
  const entries = b.entry as Obj[];
  const to = (entries[0]!.resource.section as Obj[]).find((s) => s.code.coding[0].code === '910')!.entry.find((e: Obj) => e.type === 'Organization').reference;
  const org = entries.find((e) => e.fullUrl === to)!.resource;
  org.identifier = [{ system: ID_SYSTEMS.institutionNumber, value: institutionNumber }];
  if (institutionName) org.name = institutionName;
  if (patient) {
    const p = entries.find((e) => e.resource.resourceType === 'Patient')!.resource;
    const name = (representation: 'IDE' | 'SYL', family: string, given: string) => ({
      extension: [{ url: NAME_REPRESENTATION, valueCode: representation }],
      text: `${family} ${given}`,
      family,
      given: [given],
    });
    p.name = [name('IDE', patient.familyName, patient.givenName), name('SYL', patient.familyNameKana, patient.givenNameKana)];
    p.gender = ['male', 'female', 'other'].includes(patient.sex) ? patient.sex : 'unknown';
    p.birthDate = patient.birthDate;
    p.identifier = [...(p.identifier as Obj[]).filter((i) => i.system !== ID_SYSTEMS.insuranceMember), { system: ID_SYSTEMS.insuranceMember, value: patient.memberId }];
  }
  return b as Bundle;
}

/** The member id the example letter is registered under (its own patient's 被保険者個人識別子). */
export const EXAMPLE_LETTER_MEMBER_ID = '00012345:あいう:１８７:05';
