/** Test data for clinical documents: a 確定 referral letter addressed to another test clinic. */
import { recordAllergy } from '@/lib/records/allergies/allergy.service';
import { recordDiagnosis } from '@/lib/records/diagnoses/diagnosis.service';
import { confirmDocument, saveReferral } from '@/lib/records/documents/document.service';
import { saveDischargeSummary } from '@/lib/records/documents/discharge-summary.service';
import type { SaveDischargeSummaryInput } from '@/lib/records/documents/discharge-summary.schema';
import { savePrescription } from '@/lib/records/prescriptions/prescription.service';
import type { PrescriptionItemInput } from '@/lib/records/prescriptions/prescription.schema';
import { asReferral } from '@/lib/records/documents/document.dto';
import { saveInstitution, searchInstitutions } from '@/lib/records/documents/referral-institution.service';
import { db } from '@/lib/core/db';
import { loadDemoMasters } from '@/lib/masters/demo-masters';
import { HttpSharingService } from '@/lib/sharing/adapters/http-sharing-service';
import { profileValidator } from '@/lib/sharing/sandbox/fhir-validator';
import { startSharingSandboxServer } from '@/lib/sharing/sandbox/sandbox-server';
import { clinicWithStaff, createPatient } from './factories';

type Staff = Awaited<ReturnType<typeof clinicWithStaff>>;

/**
 * Two test clinics (A with the 診療科 JP-CLINS wants on every record) and the sandbox sharing service over real HTTP
 * on a free port, with the profile validator; the caller closes the sandbox.
 */
export async function documentSharingSetup() {
  await loadDemoMasters();
  const sandbox = await startSharingSandboxServer({ port: 0, validate: profileValidator });
  const service = new HttpSharingService({ baseUrl: sandbox.url, timeoutMs: 2000 });
  const [a, b] = await Promise.all([clinicWithStaff(), clinicWithStaff()]);
  await db().department.create({ data: { clinicId: a.clinic.id, code: '01', name: '内科' } });
  return { sandbox, service, a, b };
}

/** A 確定 prescription of ノルバスク錠５ｍｇ 1錠 1日1回朝食後 (院外, needs the demo masters); `item` overrides the drug line. */
export function confirmedPrescription(staff: Staff, patientId: string, item: Partial<PrescriptionItemInput> = {}, outOfHouse = true) {
  return savePrescription(
    {
      patientId,
      intent: 'confirm',
      outOfHouse,
      items: [{ rpNumber: 1, kind: 'internal', receiptCode: '612170710', prescribeByGeneric: false, drugName: '', dose: 1, doseUnit: '錠', doseBasis: 'per_day', usageText: '1日1回朝食後', days: 28, genericSubstitutionAllowed: true, ...item }],
    },
    staff.doctor,
  );
}

/**
 * A 確定 診療情報提供書 from one test clinic to another's 医療機関コード, listing a diagnosis and an allergy (needs the demo
 * masters), and with `withPrescription` a 確定 prescription (a 430 MedicationRequest entry).
 */
export async function confirmedLetterTo(staff: Staff, to: Staff, options: { withPrescription?: boolean } = {}) {
  const p = await createPatient(staff.receptionist, { address: '東京都新宿区西新宿2-8-1' });
  const dx = await recordDiagnosis({ patientId: p.id, diseaseCode: '8833421', startDate: '2025-02-01', isPrimary: true }, staff.doctor);
  const al = await recordAllergy({ patientId: p.id, category: 'food', substanceName: 'そば', reaction: '蕁麻疹' }, staff.doctor);
  const inst =
    (await searchInstitutions({ query: to.clinic.institutionNumber }, staff.doctor))[0] ??
    (await saveInstitution({ code: to.clinic.institutionNumber, name: '受信側クリニック', departments: ['内科'] }, staff.doctor));
  const rx = options.withPrescription ? await confirmedPrescription(staff, p.id) : null;
  const draft = await saveReferral(
    {
      patientId: p.id,
      prescriptionIds: rx ? [rx.id] : [],
      destination: { institutionId: inst.id, name: '', department: '内科', doctor: '鈴木 花子' },
      purpose: '精査加療のお願い',
      chiefComplaint: '労作時胸痛',
      presentIllness: '2週間前から労作時の胸痛',
      diagnosisIds: [dx.lineageId],
      allergyIds: [al.lineageId],
    },
    staff.doctor,
  );
  const confirmed = await confirmDocument({ documentId: draft.id }, staff.doctor);
  return { patient: p, letter: asReferral(confirmed) };
}

/** A 退院時サマリー's save input (a 肺炎 stay, 2026-03-01 to 03-10) naming the chosen records; `overrides` change fields. */
export const aDischargeSummaryInput = (patientId: string, ids: { admission: string[]; discharge: string[]; allergies: string[] }, overrides: Partial<SaveDischargeSummaryInput> = {}): SaveDischargeSummaryInput => ({
  patientId,
  admissionDate: '2026-03-01',
  dischargeDate: '2026-03-10',
  outcome: '1',
  destination: '自宅',
  attendingDoctor: '山田 医師',
  reasonForAdmission: '肺炎で入院加療',
  chiefComplaint: '発熱と咳嗽',
  presentIllness: '3日前から発熱',
  hospitalCourse: '抗菌薬点滴で解熱。第7病日に胸部X線で改善。',
  medications: 'アモキシシリン 250mg 1日3回 5日分',
  dischargeCondition: 'ADL自立',
  instructions: '1週間後に外来再診',
  admissionDiagnosisIds: ids.admission,
  dischargeDiagnosisIds: ids.discharge,
  allergyIds: ids.allergies,
  ...overrides,
});

/** A draft 退院時サマリー of the patient, complete enough to 確定 (a 肺炎 diagnosis as 入院時・退院時診断; needs the demo masters). */
export async function dischargeSummaryDraft(staff: Staff, patientId: string) {
  const dx = await recordDiagnosis({ patientId, diseaseCode: '8833421', startDate: '2026-03-01' }, staff.doctor);
  return saveDischargeSummary(aDischargeSummaryInput(patientId, { admission: [dx.lineageId], discharge: [dx.lineageId], allergies: [] }), staff.doctor);
}
