/** The editor's starting values (no 'use client': server pages build them). */
import type { AttachmentDto, ReferralPrefillDto } from '@/lib/records/documents/document.dto';
import type { ReferralContent } from '@/lib/records/documents/referral.schema';

export type Sections = Pick<
  ReferralContent,
  'purpose' | 'chiefComplaint' | 'presentIllness' | 'pastHistory' | 'familyHistory' | 'clinicalCourse' | 'medications' | 'diagnosesNote' | 'allergiesNote' | 'labsNote' | 'remarks'
>;

export type ReferralEditorSeed = {
  /** the version being edited (draft: in place; 確定: a new version with a reason) */
  documentId?: string;
  lineageId?: string;
  sourceStatus?: 'draft' | 'final';
  destination: { institutionId: string | null; name: string; department: string; doctor: string; code: string | null };
  sections: Sections;
  diagnosisIds: string[];
  allergyIds: string[];
  labResultIds: string[];
  prescriptionIds: string[];
  /** 添付資料: the uploaded files and the attached documents (versions) the letter carries */
  attachments: AttachmentDto[];
  attachedDocumentIds: string[];
};

const EMPTY_SECTIONS: Sections = {
  purpose: '', chiefComplaint: '', presentIllness: '', pastHistory: '', familyHistory: '', clinicalCourse: '', medications: '',
  diagnosesNote: '', allergiesNote: '', labsNote: '', remarks: '',
};

/** A new letter's seed from the chart's prefill. */
export function seedFromPrefill(prefill: ReferralPrefillDto): ReferralEditorSeed {
  return {
    destination: { institutionId: null, name: '', department: '', doctor: '', code: null },
    sections: { ...EMPTY_SECTIONS, ...prefill.sections },
    diagnosisIds: prefill.diagnoses.filter((d) => d.checked).map((d) => d.id),
    allergyIds: prefill.allergies.filter((a) => a.checked).map((a) => a.id),
    labResultIds: [],
    prescriptionIds: prefill.prescriptions.filter((p) => p.checked).map((p) => p.id),
    attachments: [],
    attachedDocumentIds: [],
  };
}

