import type { Allergy } from '@/lib/generated/prisma/client';
import { isoDate } from '@/lib/core/dates';
import { toVersionedRecordDto, type VersionedRecordDto, type VersionHistoryDto } from '@/lib/records/versioned-record.dto';
import { oneOf } from '@/lib/core/text-enum';
import {
  ALLERGY_CATEGORIES,
  ALLERGY_CLINICAL_STATUSES,
  ALLERGY_SEVERITIES,
  CATEGORY_LABELS,
  CLINICAL_STATUS_LABELS,
  SEVERITY_LABELS,
  VERIFICATION_LABELS,
  type AllergyCategory,
  type AllergyClinicalStatus,
  type AllergySeverity,
  type AllergyVerification,
} from './allergy.constants';

/** One version of an allergy. Carries what JP_AllergyIntolerance_eCS needs (code + system, category, status, dates). */
export type AllergyDto = VersionedRecordDto & {
  category: AllergyCategory;
  categoryLabel: string;
  /** 'yj' | 'receipt' | 'jfagy-food' | 'jfagy-nonfood' | 'jfagy-medication' | null (free text) */
  codeSystem: string | null;
  code: string | null;
  isCoded: boolean;
  substanceName: string;
  yjCode: string | null;
  reaction: string | null;
  severity: AllergySeverity | null;
  severityLabel: string | null;
  onsetDate: string | null;
  endDate: string | null;
  clinicalStatus: AllergyClinicalStatus;
  clinicalStatusLabel: string;
  verification: AllergyVerification;
  verificationLabel: string;
  longTermStorage: boolean;
  note: string | null;
};

export type AllergyHistoryDto = VersionHistoryDto<AllergyDto>;

/** For the prescription safety check: an active medication allergy (latest version, not entered in error). */
export type MedicationAllergyDto = {
  id: string;
  lineageId: string;
  substanceName: string;
  yjCode: string | null;
  code: string | null;
  codeSystem: string | null;
  severity: AllergySeverity | null;
  reaction: string | null;
};

/** Master search hits for the pickers. */
export type { AllergenSearchHit as AllergenOptionDto, DrugSearchHit as DrugOptionDto } from '@/lib/masters/master-search.repository';

export function toAllergyDto(row: Allergy, names?: Map<string, string>): AllergyDto {
  const verification: AllergyVerification = row.verification === 'unconfirmed' ? 'unconfirmed' : 'confirmed';
  const category = oneOf(ALLERGY_CATEGORIES, row.category);
  const severity = oneOf(ALLERGY_SEVERITIES, row.severity);
  const clinicalStatus = oneOf(ALLERGY_CLINICAL_STATUSES, row.clinicalStatus);
  return {
    ...toVersionedRecordDto(row, names),
    category,
    categoryLabel: CATEGORY_LABELS[category],
    codeSystem: row.codeSystem,
    code: row.code,
    isCoded: row.code !== null,
    substanceName: row.substanceName,
    yjCode: row.yjCode,
    reaction: row.reaction,
    severity,
    severityLabel: severity ? SEVERITY_LABELS[severity] : null,
    onsetDate: row.onsetDate ? isoDate(row.onsetDate) : null,
    endDate: row.endDate ? isoDate(row.endDate) : null,
    clinicalStatus,
    clinicalStatusLabel: CLINICAL_STATUS_LABELS[clinicalStatus],
    verification,
    verificationLabel: VERIFICATION_LABELS[verification],
    longTermStorage: row.longTermStorage,
    note: row.note,
  };
}

const SEVERITY_RANK = { severe: 0, moderate: 1, mild: 2 } as const;

/** Chart order: active first, medication before others, severe first, then newest. */
export function compareAllergies(a: AllergyDto, b: AllergyDto): number {
  const active = (x: AllergyDto) => (x.clinicalStatus === 'active' ? 0 : 1);
  const med = (x: AllergyDto) => (x.category === 'medication' ? 0 : 1);
  const sev = (x: AllergyDto) => (x.severity ? SEVERITY_RANK[x.severity] : 3);
  return active(a) - active(b) || med(a) - med(b) || sev(a) - sev(b) || b.createdAt.localeCompare(a.createdAt);
}
