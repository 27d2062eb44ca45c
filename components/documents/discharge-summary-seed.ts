/** The 退院時サマリー editor's starting state (server-safe: the pages compute it, the client editor takes it). */
import type { DischargeSummaryPrefillDto } from '@/lib/records/documents/discharge-summary.service';
import type { DischargeSummaryContent } from '@/lib/records/documents/discharge-summary.schema';

export type Sections = Pick<
  DischargeSummaryContent,
  | 'admissionDate'
  | 'dischargeDate'
  | 'destination'
  | 'attendingDoctor'
  | 'reasonForAdmission'
  | 'chiefComplaint'
  | 'presentIllness'
  | 'pastHistory'
  | 'hospitalCourse'
  | 'medications'
  | 'dischargeCondition'
  | 'instructions'
  | 'diagnosesNote'
  | 'allergiesNote'
>;

export type DischargeSummarySeed = {
  documentId?: string;
  lineageId?: string;
  sourceStatus: 'draft' | 'final';
  sections: Sections;
  outcome: DischargeSummaryContent['outcome'];
  admissionDiagnosisIds: string[];
  dischargeDiagnosisIds: string[];
  allergyIds: string[];
  prescriptionIds: string[];
  /** the 入院 version (Admission.id) the summary is written from (0087) */
  admissionId?: string;
};

/**
 * A new summary's starting point: the prefill's text, active diagnoses for 退院時診断, the primary one for 入院時診断;
 * with a 入院 record (0087) its stay, 入院時/退院時診断, 転帰, 退院先, 担当医 and 入院理由 instead (未告知 diagnoses,
 * which the editor never offers, left out).
 */
export function dischargeSeedFromPrefill(p: DischargeSummaryPrefillDto): DischargeSummarySeed {
  const adm = p.admission;
  const offered = new Set(p.diagnoses.map((d) => d.id));
  const fromAdmission = (ids: { lineageId: string }[]) => ids.map((d) => d.lineageId).filter((id) => offered.has(id));
  const checked = p.diagnoses.filter((d) => d.checked).map((d) => d.id);
  return {
    sourceStatus: 'draft',
    ...(adm ? { admissionId: adm.id } : {}),
    sections: {
      admissionDate: adm?.admittedOn ?? '',
      dischargeDate: adm?.dischargedOn ?? '',
      destination: adm?.destination ?? '自宅',
      attendingDoctor: adm?.attendingDoctorName ?? p.sections.attendingDoctor,
      reasonForAdmission: adm?.reason ?? '',
      chiefComplaint: p.sections.chiefComplaint,
      presentIllness: '',
      pastHistory: p.sections.pastHistory,
      hospitalCourse: p.sections.hospitalCourse,
      medications: p.sections.medications,
      dischargeCondition: '',
      instructions: '',
      diagnosesNote: '',
      allergiesNote: '',
    },
    outcome: adm?.outcome ?? '',
    admissionDiagnosisIds: adm ? fromAdmission(adm.admissionDiagnoses) : checked.slice(0, 1),
    dischargeDiagnosisIds: adm?.dischargeDiagnoses.length ? fromAdmission(adm.dischargeDiagnoses) : checked,
    allergyIds: p.allergies.filter((a) => a.checked).map((a) => a.id),
    prescriptionIds: p.prescriptions.filter((r) => r.checked).map((r) => r.id),
  };
}

/** An existing version's state (its content), for editing it. */
export function dischargeSeedFromContent(doc: { id: string; lineageId: string; status: string; content: DischargeSummaryContent }): DischargeSummarySeed {
  const { outcome, admissionDiagnoses, dischargeDiagnoses, allergies, prescriptions, admission, ...sections } = doc.content;
  return {
    ...(admission ? { admissionId: admission.id } : {}),
    documentId: doc.id,
    lineageId: doc.lineageId,
    sourceStatus: doc.status === 'final' ? 'final' : 'draft',
    sections,
    outcome,
    admissionDiagnosisIds: admissionDiagnoses.map((d) => d.lineageId),
    dischargeDiagnosisIds: dischargeDiagnoses.map((d) => d.lineageId),
    allergyIds: allergies.map((a) => a.lineageId),
    prescriptionIds: prescriptions.map((p) => p.id),
  };
}
