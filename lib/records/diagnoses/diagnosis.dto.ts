import type { Diagnosis } from '@/lib/generated/prisma/client';
import { isoDate } from '@/lib/core/dates';
import { toVersionedRecordDto, type VersionedRecordDto, type VersionHistoryDto } from '@/lib/records/versioned-record.dto';
import { oneOf } from '@/lib/core/text-enum';
import { DIAGNOSIS_OUTCOMES, OUTCOME_LABELS, SUSPECTED_MODIFIER_CODE, type DiagnosisOutcome } from './diagnosis.constants';

/** A 修飾語 as stored with the diagnosis (copied from the master at the time of recording). */
export type DiagnosisModifierDto = {
  code: string;
  name: string;
  position: 'prefix' | 'suffix';
  keyNumber: string | null;
  exchangeCode: string | null;
};

/** One version of a diagnosis. Every field the JP_Condition_eCS profile needs is here (codes, dates, flags). */
export type DiagnosisDto = VersionedRecordDto & {
  visitId: string | null;
  /** 傷病名コード (支払基金, 7 digits); null = uncoded free text (FHIR: 9999999) */
  diseaseCode: string | null;
  /** MEDIS 病名管理番号 */
  medisKeyNumber: string | null;
  /** MEDIS 病名交換用コード */
  exchangeCode: string | null;
  icd10: string | null;
  isCoded: boolean;
  baseName: string;
  displayName: string;
  modifiers: DiagnosisModifierDto[];
  isPrimary: boolean;
  isSuspected: boolean;
  startDate: string;
  outcome: DiagnosisOutcome | null;
  outcomeLabel: string | null;
  endDate: string | null;
  isActive: boolean;
  longTermStorage: boolean;
  uninformed: boolean;
  /** 未提供: kept out of the national sharing service */
  undelivered: boolean;
  flagsChangedAt: string | null;
  flagsChangedById: string | null;
  departmentCode: string | null;
  note: string | null;
};

export function parseModifiers(value: unknown): DiagnosisModifierDto[] {
  if (!Array.isArray(value)) return [];
  return value
    .filter((m): m is Record<string, unknown> => typeof m === 'object' && m !== null && typeof (m as { code?: unknown }).code === 'string')
    .map((m) => ({
      code: String(m.code),
      name: String(m.name ?? ''),
      position: m.position === 'suffix' ? 'suffix' : 'prefix',
      keyNumber: typeof m.keyNumber === 'string' ? m.keyNumber : null,
      exchangeCode: typeof m.exchangeCode === 'string' ? m.exchangeCode : null,
    }));
}

/** 表示名: prefix modifiers + base name + suffix modifiers, in the order they were chosen. */
export function composeDisplayName(baseName: string, modifiers: Pick<DiagnosisModifierDto, 'name' | 'position'>[]): string {
  const prefix = modifiers.filter((m) => m.position === 'prefix').map((m) => m.name).join('');
  const suffix = modifiers.filter((m) => m.position === 'suffix').map((m) => m.name).join('');
  return `${prefix}${baseName}${suffix}`;
}

export const hasSuspectedModifier = (modifiers: Pick<DiagnosisModifierDto, 'code'>[]) => modifiers.some((m) => m.code === SUSPECTED_MODIFIER_CODE);

export function toDiagnosisDto(row: Diagnosis, names?: Map<string, string>): DiagnosisDto {
  const outcome = oneOf(DIAGNOSIS_OUTCOMES, row.outcome);
  return {
    ...toVersionedRecordDto(row, names),
    visitId: row.visitId,
    diseaseCode: row.diseaseCode,
    medisKeyNumber: row.medisKeyNumber,
    exchangeCode: row.exchangeCode,
    icd10: row.icd10,
    isCoded: row.diseaseCode !== null,
    baseName: row.baseName,
    displayName: row.displayName,
    modifiers: parseModifiers(row.modifiers),
    isPrimary: row.isPrimary,
    isSuspected: row.isSuspected,
    startDate: isoDate(row.startDate),
    outcome,
    outcomeLabel: outcome ? OUTCOME_LABELS[outcome] : null,
    endDate: row.endDate ? isoDate(row.endDate) : null,
    isActive: row.outcome === null && row.status !== 'entered_in_error',
    longTermStorage: row.longTermStorage,
    uninformed: row.uninformed,
    undelivered: row.undelivered,
    flagsChangedAt: row.flagsChangedAt?.toISOString() ?? null,
    flagsChangedById: row.flagsChangedById,
    departmentCode: row.departmentCode,
    note: row.note,
  };
}

/** Problem-list order: active first (主病名 on top, newest start first), then resolved by end date. */
export function compareForProblemList(a: DiagnosisDto, b: DiagnosisDto): number {
  if (a.isActive !== b.isActive) return a.isActive ? -1 : 1;
  if (a.isActive) {
    if (a.isPrimary !== b.isPrimary) return a.isPrimary ? -1 : 1;
    return b.startDate.localeCompare(a.startDate) || b.createdAt.localeCompare(a.createdAt);
  }
  return (b.endDate ?? '').localeCompare(a.endDate ?? '') || b.startDate.localeCompare(a.startDate);
}

export type DiagnosisHistoryDto = VersionHistoryDto<DiagnosisDto>;

/** Master search results shown in the pickers (plain data from the national masters). */
export type { DiseaseSearchHit as DiseaseOptionDto, ModifierSearchHit as ModifierOptionDto } from '@/lib/masters/master-search.repository';
