/** What the inbox (受信した紹介状) shows. Types only: client components may import this file. */
import type { SharedAllergyDto, SharedDiagnosisDto, SharedLabDto } from '../shared-records/shared-records.dto';

export type ReceivedReferralView = {
  title: string;
  /** Composition.date as sent */
  date: string | null;
  sender: { name: string | null; code: string; doctor: string | null };
  destination: { name: string | null; code: string | null; doctor: string | null };
  patient: { name: string | null; kana: string | null; birthDate: string | null; sexLabel: string | null; memberId: string | null };
  /** the sections in order (920/910 shown in the header); depth 1 = under 300 構造情報 */
  sections: { code: string | null; title: string; text: string; depth: number }[];
  diagnoses: SharedDiagnosisDto[];
  allergies: SharedAllergyDto[];
  labs: SharedLabDto[];
  /** MedicationRequest entries of 430 / 444 (ours structures the listed 処方 since ADR 0073) */
  medications: { name: string; dosage: string | null }[];
  /**
   * 添付資料: files, by the index of their DocumentReference entry (viewable: a PDF or image we show inline); `section`:
   * the title of the section that refers to it when that is not 210 添付情報 (e.g. 臨床経過)
   */
  attachments: { index: number; title: string; contentType: string; size: number | null; viewable: boolean; section: string | null }[];
  /** documents attached to the letter (a 退院時サマリー, a 健診結果報告書), each rendered like a letter */
  attachedDocuments: Omit<ReceivedReferralView, 'attachments' | 'attachedDocuments'>[];
  problems: string[];
};

export type ReceivedDocumentSummaryDto = {
  id: string;
  identifier: string;
  version: number;
  senderName: string | null;
  senderInstitution: string;
  patientName: string | null;
  patientBirthDate: string | null;
  receivedAt: string;
  withdrawn: boolean;
  linkedPatient: { id: string; name: string; patientNumber: number } | null;
};

export type PatientCandidateDto = { id: string; patientNumber: number; name: string; kana: string; birthDate: string; matches: string[] };

export type ReceivedDocumentDto = ReceivedDocumentSummaryDto & {
  view: ReceivedReferralView;
  /** later versions of the same letter received since (this one was replaced: 差替) */
  supersededBy: number | null;
  candidates: PatientCandidateDto[];
  importedEntries: string[];
};
