/**
 * 処方 → JP Core 1.1.2 JP_MedicationRequest, pure: one MedicationRequest per drug line (PrescriptionItem) of a
 * prescription version. The logical id is `<prescription lineage>-<Rp番号>-<順番>` (medicationRequestId), so a drug line
 * keeps its id across the prescription's versions; meta.versionId is the prescription's version.
 * Codes: YJ, 一般名処方マスタ, or the NOCODED code with the name as text; 用法: 電子処方箋用法コード when stored, the
 * 用法 text always; days as JP_MedicationDosage_UsageDuration and dispenseRequest.expectedSupplyDuration.
 * 変更不可 as substitution.allowedCodeableConcept (JP Core: CodeableConcept only; 後発品変更不可コード 1) with the reason
 * (医療上必要 / 患者希望) as substitution.reason text — no code system for the 患者希望 column is published; a drug that may
 * be changed has no substitution element (「何も指定されていなければ代替薬品を用いてもよい」). リフィル可 as
 * dispenseRequest.numberOfRepeatsAllowed: the uses after the first (総使用回数 − 1), as JP Core defines it (0063).
 * Inside a JP-CLINS document (`inDocument`) the same mapping carries the JP_MedicationRequest_eCS profile and only
 * references that resolve within the bundle: the prescriber by name, no visit (docs/decisions/0073).
 */
import type { Coding, Dosage, Extension, MedicationRequest, Quantity } from '@medplum/fhirtypes';
import { coding, fhirDate, institutionExtension, resourceMeta } from './common';
import { CODE_SYSTEMS, ID_SYSTEMS, PROFILES, type FhirTarget } from './profiles';
import type { FhirClinicInput, FhirMedicationInput } from './types';

const USAGE_DURATION = 'http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_MedicationDosage_UsageDuration';
const DAYS = (value: number): Quantity => ({ value, unit: '日', system: CODE_SYSTEMS.ucum, code: 'd' });

/** The logical id of a drug line: the prescription's lineage, the Rp number and the position within the Rp. */
export function medicationRequestId(lineageId: string, rpNumber: number, sortOrder: number): string {
  return `${lineageId}-${rpNumber}-${sortOrder}`;
}

/** The inverse of medicationRequestId; null when `id` is not one. */
export function parseMedicationRequestId(id: string): { lineageId: string; rpNumber: number; sortOrder: number } | null {
  const m = /^(.+)-(\d{1,2})-(\d{1,3})$/.exec(id);
  return m ? { lineageId: m[1]!, rpNumber: Number(m[2]), sortOrder: Number(m[3]) } : null;
}

function drugCodings(item: FhirMedicationInput): Coding[] {
  const code = item.drugCode?.trim();
  if (item.drugCodeSystem === 'yj' && (code || item.yjCode)) return [coding(CODE_SYSTEMS.yjCode, (code || item.yjCode)!, item.drugName)];
  if (item.drugCodeSystem === 'generic' && code) return [coding(CODE_SYSTEMS.genericDrug, code, item.drugName)];
  return [coding(CODE_SYSTEMS.uncodedDrug, 'NOCODED', '未コード化医薬品')];
}

function doseQuantity(item: FhirMedicationInput, value: number): Quantity {
  return { value, unit: item.doseUnit, ...(item.doseUnitCode ? { system: CODE_SYSTEMS.merit9Unit, code: item.doseUnitCode } : {}) };
}

function dosage(item: FhirMedicationInput): Dosage {
  const dose = Number(item.dose);
  const d: Dosage = { text: [item.usageText, `${item.dose}${item.doseUnit}`, item.days ? `${item.days}日分` : item.times ? `${item.times}回分` : ''].filter(Boolean).join(' ') };
  const extension: Extension[] = [];
  if (item.days) extension.push({ url: USAGE_DURATION, valueDuration: DAYS(item.days) });
  if (extension.length) d.extension = extension;
  d.timing = { code: { ...(item.usageCode ? { coding: [coding(CODE_SYSTEMS.usageEPrescription, item.usageCode)] } : {}), text: item.usageText } };
  if (item.times) d.timing.repeat = { count: item.times };
  if (item.kind === 'as_needed') d.asNeededBoolean = true;
  if (Number.isFinite(dose)) {
    if (item.doseBasis === 'per_day') d.doseAndRate = [{ rateRatio: { numerator: doseQuantity(item, dose), denominator: DAYS(1) } }];
    else d.doseAndRate = [{ doseQuantity: doseQuantity(item, dose) }];
  }
  return d;
}

export function toFhirMedicationRequest(target: FhirTarget, clinic: FhirClinicInput, item: FhirMedicationInput, patientRef: string, options: { inDocument?: boolean } = {}): MedicationRequest {
  const id = medicationRequestId(item.lineageId, item.rpNumber, item.sortOrder);
  const resource: MedicationRequest = {
    resourceType: 'MedicationRequest',
    id,
    meta: resourceMeta(target, options.inDocument ? PROFILES.medicationRequestDocument : PROFILES.medicationRequest, item.updatedAt),
    extension: [institutionExtension(clinic.institutionNumber)],
    identifier: [
      { system: ID_SYSTEMS.rpGroupNumber, value: String(item.rpNumber) },
      { system: ID_SYSTEMS.administrationIndex, value: String(item.sortOrder) },
      { system: ID_SYSTEMS.resourceInstance, value: id },
    ],
    // an issued (確定) prescription has been handed over: completed, as the JP-CLINS examples write it
    status: item.status === 'entered_in_error' ? 'entered-in-error' : 'completed',
    intent: 'order',
    category: [{ coding: [item.outOfHouse ? coding(CODE_SYSTEMS.medicationCategory, 'OHO', '院外処方') : coding(CODE_SYSTEMS.medicationCategory, 'OHI', '院内処方')] }],
    medicationCodeableConcept: { coding: drugCodings(item), text: item.drugName },
    subject: { reference: patientRef },
    authoredOn: fhirDate(item.issuedDate),
    groupIdentifier: { system: ID_SYSTEMS.resourceInstance, value: item.lineageId },
    dosageInstruction: [dosage(item)],
  };
  if (!item.genericSubstitutionAllowed) {
    const reason = item.substitutionReason === 'patient' ? '患者希望' : '医療上必要';
    resource.substitution = {
      allowedCodeableConcept: { coding: [coding(CODE_SYSTEMS.substitutionProhibited, '1', '後発品変更不可')], text: `変更不可（${reason}）` },
      reason: { text: reason },
    };
  }
  if (item.visitId && !options.inDocument) resource.encounter = { reference: `Encounter/${item.visitId}` };
  if (item.author) resource.requester = options.inDocument ? { display: item.author.name } : { reference: `Practitioner/${item.author.id}`, display: item.author.name };
  if (item.days || item.refillTimes) {
    resource.dispenseRequest = {
      ...(item.days ? { expectedSupplyDuration: DAYS(item.days) } : {}),
      ...(item.refillTimes ? { numberOfRepeatsAllowed: item.refillTimes - 1 } : {}),
    };
  }
  if (item.comment?.trim()) resource.note = [{ text: item.comment.trim() }];
  return resource;
}
