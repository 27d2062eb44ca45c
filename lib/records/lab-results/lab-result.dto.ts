/**
 * Lab result DTOs (plain objects for pages and client components). Every field JP-CLINS
 * JP_Observation_LabResult_eCS needs is here: code (JLAC10 + core/infection CodeSystem + slice display),
 * local code, value + unit, reference range, interpretation (H/L/N), specimen, effective (collectedAt),
 * issued (reportedAt), status, performer, encounter (visitId).
 */
import type { LabResult } from '@/lib/generated/prisma/client';
import { formatInTimeZone } from '@/lib/core/tz';
import { RECORD_STATUSES, RECORD_STATUS_LABELS } from '@/lib/records/record-version.constants';
import { oneOf } from '@/lib/core/text-enum';
import {
  JLAC10_CODE_SYSTEM,
  LAB_ITEMS,
  LAB_ITEMS_BY_KEY,
  LOCAL_LAB_CODE_SYSTEM,
  UNCODED_LAB_CODE,
  UNCODED_LAB_CODE_SYSTEM,
  jpClinsDisplayFor,
  type LabFlag,
  type LabItem,
} from './lab-items';

export type LabFlagValue = LabFlag;
export type LabStatus = LabResult['status'];

export type LabResultDto = {
  id: string;
  lineageId: string;
  version: number;
  isLatest: boolean;
  status: LabStatus;
  statusLabel: string;
  patientId: string;
  visitId: string | null;
  itemKey: string;
  /** staff display name */
  itemName: string;
  /** JLAC10 17 characters (system: jlac10System); null for uncoded local items */
  jlac10: string | null;
  jlac10System: string;
  /** JP-CLINS core / infection CodeSystem of the 43+5 slice, null for items outside the set */
  clinsCodeSystem: string | null;
  /** the fixed slice display of JP-CLINS (e.g. 'AST', 'HbA1c-NGSP'), null outside the set */
  clinsDisplay: string | null;
  /** the clinic's / lab's local code (JP-CLINS requires one) */
  localCode: string;
  localCodeSystem: string;
  /** for items without JLAC10: the uncoded code JP-CLINS uses */
  uncodedCode: string | null;
  uncodedSystem: string | null;
  valueNumber: number | null;
  valueText: string | null;
  /** what staff read: '<0.02', '13.2', '陰性' */
  valueDisplay: string;
  /** valueQuantity.unit (UCUM-ish) */
  unit: string | null;
  /** unit for Japanese screens */
  unitDisplay: string | null;
  referenceLow: number | null;
  referenceHigh: number | null;
  referenceText: string | null;
  /** 'H' | 'L' | 'N' | null */
  flag: LabFlag | null;
  specimen: string;
  specimenCode: string | null;
  /** effectiveDateTime (UTC ISO) */
  collectedAt: string;
  /** 'yyyy/MM/dd HH:mm' JST */
  collectedAtJst: string;
  /** 'yyyy-MM-dd' JST */
  collectedDate: string;
  /** issued (UTC ISO) */
  reportedAt: string | null;
  source: 'manual' | 'csv' | string;
  importBatchId: string | null;
  performer: string | null;
  recordedById: string;
  changeReason: string | null;
  createdAt: string;
  supersededAt: string | null;
};

export const num = (d: { toString(): string } | null | undefined): number | null => (d == null ? null : Number(d.toString()));

const asFlag = (f: string | null): LabFlag | null => (f === 'H' || f === 'L' || f === 'N' ? f : null);

/** Number as a lab reports it: no trailing binary noise, the item's decimals when known. */
export function formatLabNumber(n: number, item?: LabItem | null): string {
  if (item?.decimals != null && Number.isFinite(n)) {
    const fixed = n.toFixed(item.decimals);
    // keep more digits when the lab sent them (0.025 for a 2-decimal item stays 0.025)
    return Number(fixed) === n ? fixed : String(n);
  }
  return String(n);
}

export function toLabResultDto(r: LabResult): LabResultDto {
  const item = LAB_ITEMS_BY_KEY.get(r.itemKey) ?? null;
  const valueNumber = num(r.valueNumber);
  const valueDisplay = r.valueText ?? (valueNumber != null ? formatLabNumber(valueNumber, item) : '');
  const status = oneOf(RECORD_STATUSES, r.status);
  return {
    id: r.id,
    lineageId: r.lineageId,
    version: r.version,
    isLatest: r.isLatest,
    status,
    statusLabel: RECORD_STATUS_LABELS[status],
    patientId: r.patientId,
    visitId: r.visitId,
    itemKey: r.itemKey,
    itemName: r.itemName,
    jlac10: r.jlac10,
    jlac10System: JLAC10_CODE_SYSTEM,
    clinsCodeSystem: item?.codeSystem ?? null,
    clinsDisplay: item ? jpClinsDisplayFor(item, r.jlac10) : null,
    localCode: r.localCode,
    localCodeSystem: LOCAL_LAB_CODE_SYSTEM,
    uncodedCode: r.jlac10 ? null : UNCODED_LAB_CODE,
    uncodedSystem: r.jlac10 ? null : UNCODED_LAB_CODE_SYSTEM,
    valueNumber,
    valueText: r.valueText,
    valueDisplay,
    unit: r.unit,
    unitDisplay: item ? (item.unitDisplay ?? null) : r.unit,
    referenceLow: num(r.referenceLow),
    referenceHigh: num(r.referenceHigh),
    referenceText: r.referenceText,
    flag: asFlag(r.flag),
    specimen: r.specimen,
    specimenCode: r.specimenCode,
    collectedAt: r.collectedAt.toISOString(),
    collectedAtJst: formatInTimeZone(r.collectedAt, 'yyyy/MM/dd HH:mm'),
    collectedDate: formatInTimeZone(r.collectedAt, 'yyyy-MM-dd'),
    reportedAt: r.reportedAt?.toISOString() ?? null,
    source: r.source,
    importBatchId: r.importBatchId,
    performer: r.performer,
    recordedById: r.recordedById,
    changeReason: r.changeReason,
    createdAt: r.createdAt.toISOString(),
    supersededAt: r.supersededAt?.toISOString() ?? null,
  };
}

/** "13.7–16.8" / "≤0.14" / "陰性" for the range columns. */
export function formatReferenceRange(low: number | null | undefined, high: number | null | undefined, text?: string | null): string {
  if (low != null && high != null) return `${low}–${high}`;
  if (high != null) return `≤${high}`;
  if (low != null) return `≥${low}`;
  return text ?? '';
}

export type LabTrendPointDto = { id: string; collectedAt: string; collectedAtJst: string; value: number | null; valueDisplay: string; flag: LabFlag | null };

export type LabTrendDto = {
  itemKey: string;
  itemName: string;
  unitDisplay: string | null;
  numeric: boolean;
  /** the range that applies to the patient (sex-specific JCCLS, else the lab's latest range) */
  reference: { low: number | null; high: number | null } | null;
  referenceLabel: string;
  points: LabTrendPointDto[];
};

export type LabTableCellDto = { id: string; valueDisplay: string; flag: LabFlag | null; collectedAtJst: string; version: number } | null;

export type LabTableDto = {
  /** JST collection dates, newest first ('yyyy-MM-dd') */
  dates: string[];
  rows: { itemKey: string; itemName: string; unitDisplay: string | null; referenceLabel: string; cells: LabTableCellDto[] }[];
};

export type LabImportRowDto = {
  line: number;
  patientNumber: string;
  patientId: string;
  patientName: string;
  itemKey: string;
  itemName: string;
  labItemName: string;
  matchedBy: 'jlac10' | 'localCode' | 'name' | null;
  jlac10: string | null;
  localCode: string;
  valueDisplay: string;
  unitDisplay: string | null;
  referenceLabel: string;
  flag: LabFlag | null;
  specimen: string;
  collectedAtJst: string;
};

export type LabImportResultDto = {
  mode: 'preview' | 'commit';
  fileName: string;
  encoding: 'utf-8' | 'shift_jis';
  rows: LabImportRowDto[];
  errors: { line: number; message: string }[];
  /** set in commit mode */
  importBatchId: string | null;
  writtenCount: number;
};

/** What the quick-entry form needs about each of the 48 items (no code tables shipped to the browser). */
export type LabItemOption = {
  key: string;
  nameJa: string;
  display: string;
  unitDisplay: string | null;
  valueType: LabItem['valueType'];
  ordinalValues: string[] | null;
  specimen: string;
  set: LabItem['set'];
  /** lower-case NFKC name, key, display and aliases, for the search box */
  search: string;
  /** the same, one search key per name (labSearchKey), for exact and prefix matches */
  terms: string[];
};

/** NFKC, lower case, hiragana → katakana, no spaces: how the lab item search compares text. */
export function labSearchKey(s: string): string {
  let out = '';
  for (const ch of s.normalize('NFKC').toLowerCase()) {
    const c = ch.codePointAt(0)!;
    out += c >= 0x3041 && c <= 0x3096 ? String.fromCodePoint(c + 0x60) : ch;
  }
  return out.replace(/\s+/g, '');
}

/**
 * Items for the typed text, best first: an exact abbreviation or name (LDL → LDL-C, whose alias is 「LDL」), then names
 * that start with it, then names that contain it. Each name is compared on its own, so 「LD」 followed by
 * 「LD(乳酸脱水素酵素)」 never reads as 「LDLD…」 and matches LDL. Ties keep the code set's order.
 */
export function rankLabItems<T extends Pick<LabItemOption, 'terms'>>(query: string, items: T[]): T[] {
  const q = labSearchKey(query);
  if (!q) return [];
  const score = (i: T) => (i.terms.includes(q) ? 0 : i.terms.some((t) => t.startsWith(q)) ? 1 : i.terms.some((t) => t.includes(q)) ? 2 : 9);
  return items
    .map((i) => ({ i, s: score(i) }))
    .filter((x) => x.s < 9)
    .sort((a, b) => a.s - b.s)
    .map((x) => x.i);
}

export function labItemOptions(): LabItemOption[] {
  return LAB_ITEMS.map((i) => ({
    key: i.key,
    nameJa: i.nameJa,
    display: i.display,
    unitDisplay: i.unitDisplay,
    valueType: i.valueType,
    ordinalValues: i.ordinalValues ? [...i.ordinalValues] : null,
    specimen: i.specimen,
    set: i.set,
    search: [i.key, i.nameJa, i.display, i.displays['1.5.2'], ...i.aliases].join(' ').normalize('NFKC').toLowerCase(),
    terms: [...new Set([i.key, i.nameJa, i.display, i.displays['1.5.2'], ...i.aliases].map(labSearchKey))],
  }));
}
