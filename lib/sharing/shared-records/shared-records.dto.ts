/** Other institutions' 6情報 as the chart shows them: plain values, each with its source institution and date. */
import type { SharingConsentDto } from '../consent/consent.dto';
import type { SharedInfoKind } from '../sharing-service';

export type SharedSource = { institutionNumber: string; institutionName: string; registeredAt: string; identifier: string };

/** Where one entry came from: the bundle (by identifier) and the entry's index in it; the copy re-reads it there. */
export type SharedEntryRef = { identifier: string; index: number };

export type SharedDiagnosisDto = SharedEntryRef & {
  kind: 'diagnosis';
  source: SharedSource;
  name: string;
  /** 傷病名コード (支払基金, 7 digits) when the institution coded it, or the one of its MEDIS code (`medisCode`) */
  diseaseCode: string | null;
  /** the MEDIS 病名管理番号 or 病名交換用コード the institution sent, when it sent no 傷病名コード */
  medisCode: string | null;
  icd10: string | null;
  suspected: boolean;
  /** active | recurrence | relapse | inactive | remission | resolved, as sent */
  clinicalStatus: string | null;
  outcomeText: string | null;
  startDate: string | null;
  endDate: string | null;
};

export type SharedAllergyDto = SharedEntryRef & {
  kind: 'allergy';
  source: SharedSource;
  substanceName: string;
  /** medication | food | environment | other */
  category: string;
  /** the allergen code as sent (YCM…, GCM…, J9F…, J9N…, D9x… for uncoded) */
  code: string | null;
  codeSystem: string | null;
  reaction: string | null;
  severity: string | null;
  clinicalStatus: string | null;
  onsetDate: string | null;
};

export type SharedLabDto = SharedEntryRef & {
  kind: 'lab';
  source: SharedSource;
  itemName: string;
  jlac10: string | null;
  value: string;
  unit: string | null;
  referenceRange: string | null;
  /** H | L | N … (interpretation code) */
  flag: string | null;
  effectiveAt: string | null;
};

/** A bundle or entry the chart could not read (it is left out, never breaks the panel). */
export type SharedProblem = { institutionName: string | null; kind: SharedInfoKind | null; message: string };

export type SharedRecordsDto = {
  diagnoses: SharedDiagnosisDto[];
  allergies: SharedAllergyDto[];
  labs: SharedLabDto[];
  problems: SharedProblem[];
};

export type OtherInstitutionsView =
  | { state: 'no_member_id' }
  | { state: 'no_consent'; latest: SharingConsentDto | null }
  | { state: 'unavailable'; consent: SharingConsentDto; message: string }
  | { state: 'ok'; consent: SharingConsentDto; fetchedAt: string; records: SharedRecordsDto; institutions: number };
