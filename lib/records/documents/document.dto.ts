/** What leaves the server about a clinical document. Only types and pure helpers: client components may import this file. */
import type { RecordStatus } from '@/lib/records/record-version.constants';
import type { UnitState } from '@/lib/sharing/sharing.constants';
import type { ReferralContent } from './referral.schema';
import type { DischargeSummaryContent } from './discharge-summary.schema';
import type { CheckupReportContent } from './checkup-report.schema';

/** A version's content with its kind (narrow on `kind`). */
export type DocumentContent =
  | { kind: 'referral'; content: ReferralContent }
  | { kind: 'discharge_summary'; content: DischargeSummaryContent }
  | { kind: 'checkup_report'; content: CheckupReportContent };

export type DocumentDto = DocumentContent & {
  id: string;
  lineageId: string;
  version: number;
  isLatest: boolean;
  patientId: string;
  status: RecordStatus;
  statusLabel: string;
  authorId: string;
  authorName: string | null;
  confirmedByName: string | null;
  confirmedAt: string | null;
  contentHash: string | null;
  /** the stored hash still matches the content (null while not 確定) */
  hashVerified: boolean | null;
  changeReason: string | null;
  createdAt: string;
  /** the delivery to the sharing service, once the letter was sent (null: never sent) */
  sending: DocumentSendingDto | null;
};

export type ReferralDocumentDto = Extract<DocumentDto, { kind: 'referral' }>;
export type DischargeSummaryDocumentDto = Extract<DocumentDto, { kind: 'discharge_summary' }>;

/** The DTO as a 診療情報提供書 (a caller that knows the kind; anything else is a bug). */
export function asReferral(d: DocumentDto): ReferralDocumentDto {
  if (d.kind !== 'referral') throw new Error(`document ${d.id} is a ${d.kind}, not a referral`);
  return d;
}

/** The DTO as a 退院時サマリー. */
export function asDischargeSummary(d: DocumentDto): DischargeSummaryDocumentDto {
  if (d.kind !== 'discharge_summary') throw new Error(`document ${d.id} is a ${d.kind}, not a discharge summary`);
  return d;
}

export type CheckupReportDocumentDto = Extract<DocumentDto, { kind: 'checkup_report' }>;

/** The DTO as a 健康診断結果報告書. */
export function asCheckupReport(d: DocumentDto): CheckupReportDocumentDto {
  if (d.kind !== 'checkup_report') throw new Error(`document ${d.id} is a ${d.kind}, not a checkup report`);
  return d;
}

/** A sent letter's delivery as the clinic sees it: 送信待ち / 送信済 / 再送待ち / エラー (and 取消済 once deleted). */
export type DocumentSendingDto = { state: UnitState; label: string; tone: 'green' | 'amber' | 'red' | 'slate'; reason: string | null; sentAt: string | null };

const SENDING_LABELS: Record<UnitState, string> = { pending: '送信待ち', sending: '送信中', sent: '送信済', retry_wait: '再送待ち', error: '送信エラー' };

export function documentSendingDto(u: { state: UnitState; removed: boolean; cancelled: boolean; reason: string | null; sentAt: string | null }): DocumentSendingDto {
  const label = u.state === 'sent' && u.removed && u.cancelled ? '取消送信済' : SENDING_LABELS[u.state];
  const tone = u.state === 'sent' ? (u.removed ? 'slate' : 'green') : u.state === 'error' ? 'red' : 'amber';
  return { state: u.state, label, tone, reason: u.reason, sentAt: u.sentAt };
}

/** A record the editor offers to list in the letter (checked = listed). */
export type ReferralChoiceDto = { id: string; label: string; detail: string | null; checked: boolean };

/** The editor's starting point: a draft pre-filled from the chart, and what may be picked. */
export type ReferralPrefillDto = {
  sections: Pick<ReferralContent, 'chiefComplaint' | 'presentIllness' | 'pastHistory' | 'clinicalCourse' | 'medications'>;
  diagnoses: ReferralChoiceDto[];
  /** 未告知 diagnoses are never offered: how many were left out, so the editor can say so */
  uninformedOmitted: number;
  allergies: ReferralChoiceDto[];
  labs: ReferralChoiceDto[];
  /** the 確定 current prescriptions (checked): listed as MedicationRequest entries of the document */
  prescriptions: ReferralChoiceDto[];
  /** the patient's 確定 退院時サマリー / 健康診断結果報告書 that may be attached (unchecked) */
  documents: ReferralChoiceDto[];
};

/** An uploaded 添付資料 as the editor and the letter show it. */
export type AttachmentDto = { id: string; fileName: string; contentType: string; size: number; typeLabel: string; sizeLabel: string };

export type InstitutionDto = {
  id: string;
  code: string;
  name: string;
  nameKana: string | null;
  address: string | null;
  phone: string | null;
  departments: string[];
  doctors: string[];
  lastUsedAt: string | null;
};

/** Everything the printed 診療情報提供書 needs: the 確定 letter, the patient, the clinic (紹介元) and the signing doctor. */
export type DocumentPrintDto = {
  document: DocumentDto;
  patient: { fullName: string; fullNameKana: string; birthDateWareki: string; age: number; sexLabel: string; address: string | null; phone: string | null; patientNumber: number };
  clinic: { name: string; postalCode: string | null; address: string | null; phone: string | null; institutionNumber: string };
  doctor: { name: string; licenseNumber: string | null; department: string | null };
  /** 和暦, the day it was 確定d */
  dateWareki: string;
};
