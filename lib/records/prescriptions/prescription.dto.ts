/**
 * Plain DTOs for 処方. Everything JP_MedicationRequest_eCS / JP_MedicationDosage_eCS needs is kept:
 * drug code + system (YJ / 一般名処方コード / none = NOCODED), the printed name, 1回量 vs 1日量 + unit,
 * 用法 (JAMI 16-character code or text only = uncoded), days (boundsDuration) / times, 頓用 flag (kind),
 * 変更不可, Rp group number and order (identifier), authoredOn (issuedDate), requester, 院外.
 */
import type { Prescription, PrescriptionItem } from '@/lib/generated/prisma/client';
import { isoDate } from '@/lib/core/dates';
import type { ActionResult } from '@/lib/actions/define-action';
import { oneOf } from '@/lib/core/text-enum';
import { RECORD_STATUSES, type RecordStatus } from '@/lib/records/record-version.constants';
import { MEDICATION_KINDS, type DoseBasis, type MedicationKindValue, type PrescriptionItemInput, type RefillTimes, type SubstitutionReason } from './prescription.schema';
import type { SafetyReport } from './safety-check';

/** Master search hits for the drug and 用法 pickers. */
export type { DrugSearchHit, UsageDto } from '@/lib/masters/master-search.repository';

export type PrescriptionStatus = RecordStatus;
export type DrugCodeSystem = 'yj' | 'generic' | 'none';

export const DRUG_CODE_SYSTEM_URIS: Record<Exclude<DrugCodeSystem, 'none'>, string> = {
  yj: 'http://capstandard.jp/iyaku.info/CodeSystem/YJ-code',
  generic: 'http://jpfhir.jp/fhir/core/mhlw/CodeSystem/MedicationGeneralOrderCode',
};

export type PrescriptionItemDto = {
  id: string;
  rpNumber: number;
  sortOrder: number;
  kind: MedicationKindValue;
  drugCodeSystem: DrugCodeSystem;
  /** YJ code or 一般名処方コード (per drugCodeSystem); null = no standard code */
  drugCode: string | null;
  /** YJ code of the chosen drug, also when prescribed by 一般名 (safety checks) */
  yjCode: string | null;
  /** 医薬品コード (レセ電 9 digits) of the master row chosen */
  receiptCode: string | null;
  drugName: string;
  dose: number;
  doseUnit: string;
  doseBasis: DoseBasis;
  usageCode: string | null;
  usageText: string;
  days: number | null;
  times: number | null;
  genericSubstitutionAllowed: boolean;
  /** why 変更不可: 医療上必要 or 患者希望 (a 変更不可 row written before 0063 reads as 医療上必要); null = 変更可 */
  substitutionReason: SubstitutionReason | null;
  comment: string | null;
};

export type PrescriptionDto = {
  id: string;
  lineageId: string;
  version: number;
  isLatest: boolean;
  patientId: string;
  visitId: string | null;
  status: PrescriptionStatus;
  outOfHouse: boolean;
  /** リフィル可: 総使用回数 (2 or 3); null = an ordinary 処方箋 */
  refillTimes: RefillTimes | null;
  /** 交付年月日 / authoredOn, YYYY-MM-DD */
  issuedDate: string;
  authorId: string;
  authorName: string | null;
  entererId: string;
  entererName: string | null;
  approvedById: string | null;
  approvedAt: string | null;
  confirmedById: string | null;
  /** the doctor who 確定d (or approved) this version: the 保険医 the 処方箋 names */
  confirmedByName: string | null;
  confirmedAt: string | null;
  allergyOverrideReason: string | null;
  duplicateAcknowledged: boolean;
  /** reason given to exceed a legal 投与日数 limit or the clinic's maximum */
  limitOverrideReason: string | null;
  /** 前回Do: lineages of the prescriptions this one continues (replaces) */
  continuesLineageIds: string[];
  note: string | null;
  contentHash: string | null;
  changeReason: string | null;
  supersedesId: string | null;
  createdAt: string;
  supersededAt: string | null;
  /** last day the longest item lasts (YYYY-MM-DD), see activeUntil() */
  activeUntil: string;
  items: PrescriptionItemDto[];
};

export type PrescriptionRow = Prescription & { items: PrescriptionItem[] };

export function toPrescriptionItemDto(i: PrescriptionItem): PrescriptionItemDto {
  return {
    id: i.id,
    rpNumber: i.rpNumber,
    sortOrder: i.sortOrder,
    kind: oneOf(MEDICATION_KINDS, i.kind),
    drugCodeSystem: (['yj', 'generic', 'none'].includes(i.drugCodeSystem) ? i.drugCodeSystem : 'none') as DrugCodeSystem,
    drugCode: i.drugCode,
    yjCode: i.yjCode,
    receiptCode: i.receiptCode,
    drugName: i.drugName,
    dose: Number(i.dose),
    doseUnit: i.doseUnit,
    doseBasis: (['per_day', 'per_time', 'total'].includes(i.doseBasis) ? i.doseBasis : 'per_day') as DoseBasis,
    usageCode: i.usageCode,
    usageText: i.usageText,
    days: i.days,
    times: i.times,
    genericSubstitutionAllowed: i.genericSubstitutionAllowed,
    substitutionReason: i.genericSubstitutionAllowed ? null : i.substitutionReason === 'patient' ? 'patient' : 'medical',
    comment: i.comment,
  };
}

/**
 * How many days an item covers, for 重複投薬 and 「現在の処方」: the prescribed days; a 頓服 without days counts
 * its number of doses as days (at most one dose a day, the cautious upper bound); otherwise the day of issue only.
 */
export function itemCoverageDays(item: { days: number | null; times: number | null }): number {
  return item.days ?? item.times ?? 1;
}

/** The last day (inclusive) an item lasts: the day of issue is day 1. */
export function itemActiveUntil(issuedDate: string, item: { days: number | null; times: number | null }): string {
  const d = new Date(`${issuedDate}T00:00:00.000Z`);
  d.setUTCDate(d.getUTCDate() + itemCoverageDays(item) - 1);
  return isoDate(d);
}

export function toPrescriptionDto(p: PrescriptionRow, names: Map<string, string> = new Map()): PrescriptionDto {
  const issuedDate = isoDate(p.issuedDate);
  const items = [...p.items].sort((a, b) => a.rpNumber - b.rpNumber || a.sortOrder - b.sortOrder).map(toPrescriptionItemDto);
  const activeUntil = items.map((i) => itemActiveUntil(issuedDate, i)).sort().at(-1) ?? issuedDate;
  return {
    id: p.id,
    lineageId: p.lineageId,
    version: p.version,
    isLatest: p.isLatest,
    patientId: p.patientId,
    visitId: p.visitId,
    status: oneOf(RECORD_STATUSES, p.status),
    outOfHouse: p.outOfHouse,
    refillTimes: p.refillTimes === 2 || p.refillTimes === 3 ? p.refillTimes : null,
    issuedDate,
    authorId: p.authorId,
    authorName: names.get(p.authorId) ?? null,
    entererId: p.entererId,
    entererName: names.get(p.entererId) ?? null,
    approvedById: p.approvedById,
    approvedAt: p.approvedAt?.toISOString() ?? null,
    confirmedById: p.confirmedById,
    confirmedByName: p.confirmedById ? (names.get(p.confirmedById) ?? null) : null,
    confirmedAt: p.confirmedAt?.toISOString() ?? null,
    allergyOverrideReason: p.allergyOverrideReason,
    duplicateAcknowledged: p.duplicateAcknowledged,
    limitOverrideReason: p.limitOverrideReason,
    continuesLineageIds: p.continuesLineageIds,
    note: p.note,
    contentHash: p.contentHash,
    changeReason: p.changeReason,
    supersedesId: p.supersedesId,
    createdAt: p.createdAt.toISOString(),
    supersededAt: p.supersededAt?.toISOString() ?? null,
    activeUntil,
    items,
  };
}

/** Editor content (前回Do / open a previous prescription as a new draft). */
export type PrescriptionPrefillDto = {
  sourceId: string | null;
  sourceIssuedDate: string | null;
  outOfHouse: boolean;
  /** the last source's リフィル回数 (an amendment keeps it; 前回Do lets the doctor choose again) */
  refillTimes: RefillTimes | null;
  note: string | null;
  items: PrescriptionItemInput[];
  /** the prescriptions copied: the new one continues (replaces) them, so they are not its 重複投薬 */
  continues: string[];
};

/**
 * The editor content from one or more final prescriptions (前回Do: everything ordered at the last visit, oldest
 * first): their Rp numbers follow on, the 院外/院内 and 備考 are the last one's.
 */
export function toPrefill(sources: PrescriptionDto | PrescriptionDto[]): PrescriptionPrefillDto {
  const list = Array.isArray(sources) ? sources : [sources];
  const last = list[list.length - 1]!;
  let offset = 0;
  const items = list.flatMap((p) => {
    const base = offset;
    offset += Math.max(0, ...p.items.map((i) => i.rpNumber));
    return p.items.map((i) => prefillItem(i, base));
  });
  return { sourceId: last.id, sourceIssuedDate: last.issuedDate, outOfHouse: last.outOfHouse, refillTimes: last.refillTimes, note: last.note, items, continues: list.map((p) => p.id) };
}

function prefillItem(i: PrescriptionDto['items'][number], rpOffset: number): PrescriptionItemInput {
  return {
      rpNumber: i.rpNumber + rpOffset,
      kind: i.kind,
      receiptCode: i.receiptCode ?? undefined,
      prescribeByGeneric: i.drugCodeSystem === 'generic',
      drugName: i.drugName,
      dose: i.dose,
      doseUnit: i.doseUnit,
      doseBasis: i.doseBasis,
      usageCode: i.usageCode ?? undefined,
      usageText: i.usageText,
      days: i.days ?? undefined,
      times: i.times ?? undefined,
      genericSubstitutionAllowed: i.genericSubstitutionAllowed,
      substitutionReason: i.substitutionReason ?? undefined,
      comment: i.comment ?? undefined,
  };
}

export type DoctorOptionDto = { id: string; displayName: string };

export type PrescriptionPanelDto = {
  /** final prescriptions whose days have not run out as of today */
  current: PrescriptionDto[];
  /** latest version of every lineage, newest first (drafts, pending, final, 取消) */
  history: PrescriptionDto[];
  doctors: DoctorOptionDto[];
  today: string;
};

/** Everything the 院外処方箋 needs (no diagnoses). */
export type PrescriptionPrintDto = {
  prescription: PrescriptionDto;
  patient: {
    fullName: string;
    fullNameKana: string;
    birthDate: string;
    birthDateWareki: string;
    sexLabel: string;
    patientNumber: number;
    insurance: { insurerNumber: string; symbol: string | null; number: string; branch: string | null; relationship: 'self' | 'family' } | null;
    publicExpense: { payerNumber: string; recipientNumber: string | null } | null;
  };
  clinic: { name: string; postalCode: string | null; address: string | null; phone: string | null; institutionNumber: string };
  doctorName: string;
  /** 使用期間: 交付日を含めて4日以内 */
  validUntil: string;
};

/** A save / 確定 / 承認 the safety checks stopped: the UI shows the warnings and resubmits with acknowledgements. */
export type SafetyBlockedResult = { ok: false; code: 'PRECONDITION_FAILED'; error: string; safety: SafetyReport };
export type PrescriptionActionResult<T> = ActionResult<T> | SafetyBlockedResult;

export function isSafetyBlocked<T>(r: PrescriptionActionResult<T>): r is SafetyBlockedResult {
  return !r.ok && 'safety' in r;
}

/** What the editor learns the moment a drug is added: allergy matches, and how the clinic last prescribed it. */
export type DrugOnAddDto = {
  allergyConflicts: import('./safety-check').AllergyConflict[];
  /** the drug's legal 投与日数 limit and the clinic's maximum: the editor checks the item against them as it changes */
  limits: import('./duration-limits').DrugLimitInfo;
  lastUse: Pick<import('./prescription.schema').PrescriptionItemInput, 'kind' | 'dose' | 'doseUnit' | 'doseBasis' | 'usageCode' | 'usageText' | 'days' | 'times'> | null;
};
