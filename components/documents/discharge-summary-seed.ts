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
};

/** A new summary's starting point: the prefill's text, active diagnoses for 退院時診断, the primary one for 入院時診断. */
export function dischargeSeedFromPrefill(p: DischargeSummaryPrefillDto): DischargeSummarySeed {
  return {
    sourceStatus: 'draft',
    sections: {
      admissionDate: '',
      dischargeDate: '',
      destination: '自宅',
      attendingDoctor: p.sections.attendingDoctor,
      reasonForAdmission: '',
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
    outcome: '',
    admissionDiagnosisIds: p.diagnoses.filter((d) => d.checked).slice(0, 1).map((d) => d.id),
    dischargeDiagnosisIds: p.diagnoses.filter((d) => d.checked).map((d) => d.id),
    allergyIds: p.allergies.filter((a) => a.checked).map((a) => a.id),
    prescriptionIds: p.prescriptions.filter((r) => r.checked).map((r) => r.id),
  };
}

/** An existing version's state (its content), for editing it. */
export function dischargeSeedFromContent(doc: { id: string; lineageId: string; status: string; content: DischargeSummaryContent }): DischargeSummarySeed {
  const { outcome, admissionDiagnoses, dischargeDiagnoses, allergies, prescriptions, ...sections } = doc.content;
  return {
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
