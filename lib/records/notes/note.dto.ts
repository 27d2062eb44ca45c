import type { ClinicalNote } from '@/lib/generated/prisma/client';
import { formatInTimeZone } from '@/lib/core/tz';
import { isoDate } from '@/lib/core/dates';
import { contentHash } from '@/lib/records/record-version';
import { RECORD_STATUSES, RECORD_STATUS_LABELS } from '@/lib/records/record-version.constants';
import { oneOf } from '@/lib/core/text-enum';
import { computeBmi, NOTE_KINDS, type NoteKind, type NoteStatus, type NoteVitals } from './note-format';

export type StaffRef = { id: string; name: string };

export type NoteDto = {
  id: string;
  lineageId: string;
  version: number;
  isLatest: boolean;
  patientId: string;
  visitId: string | null;
  /** 'YYYY-MM-DD' (JST): the visit's date, or the day the first version was written */
  encounterDate: string;
  status: NoteStatus;
  statusLabel: string;
  /** soap, or intake: a nurse's 予診 (0064) */
  kind: NoteKind;
  subjective: string;
  objective: string;
  assessment: string;
  plan: string;
  vitals: NoteVitals;
  /** computed from height and weight, never stored */
  bmi: number | null;
  /** responsible doctor */
  author: StaffRef;
  /** who typed this version (a nurse for 代行入力) */
  enterer: StaffRef;
  isProxyEntry: boolean;
  approvedBy: StaffRef | null;
  approvedAt: string | null;
  confirmedBy: StaffRef | null;
  confirmedAt: string | null;
  contentHash: string | null;
  /** the stored hash still matches the content (null while not 確定) */
  hashVerified: boolean | null;
  changeReason: string | null;
  supersedesId: string | null;
  createdAt: string;
  supersededAt: string | null;
};

/**
 * A timeline entry: the version shown (the latest, or the last 確定 one while a 代行入力 revision of it awaits approval),
 * when the note was first written, its other versions (newest first) and that revision.
 */
export type NoteWithHistoryDto = NoteDto & { firstCreatedAt: string; earlierVersions: NoteDto[]; pendingRevision: NoteDto | null };

/** Where the next page of the timeline starts: the (createdAt, id) of the last latest-version row of this page. */
export type NoteCursor = { createdAt: string; id: string };

/** One page of the chart timeline. `nextCursor` is null when there is nothing older. */
export type NotesPageDto = {
  notes: NoteWithHistoryDto[];
  nextCursor: NoteCursor | null;
  /** 承認待ち notes of the whole chart (not only this page); first page only */
  pendingApprovalCount: number | null;
};

const num = (d: { toString(): string } | null): number | null => (d === null ? null : Number(d.toString()));

export function vitalsOf(row: ClinicalNote): NoteVitals {
  return {
    heightCm: num(row.heightCm),
    weightKg: num(row.weightKg),
    systolicBp: row.systolicBp,
    diastolicBp: row.diastolicBp,
    pulse: row.pulse,
    bodyTempC: num(row.bodyTempC),
    spo2: row.spo2,
  };
}

/** The clinical content that 確定 signs: what the note says, for whom, by whom, which version. */
export function noteContent(row: ClinicalNote): Record<string, unknown> {
  const v = vitalsOf(row);
  return {
    patientId: row.patientId,
    visitId: row.visitId,
    lineageId: row.lineageId,
    version: row.version,
    authorId: row.authorId,
    subjective: row.subjective,
    objective: row.objective,
    assessment: row.assessment,
    plan: row.plan,
    heightCm: v.heightCm === null ? null : v.heightCm.toFixed(1),
    weightKg: v.weightKg === null ? null : v.weightKg.toFixed(1),
    systolicBp: v.systolicBp,
    diastolicBp: v.diastolicBp,
    pulse: v.pulse,
    bodyTempC: v.bodyTempC === null ? null : v.bodyTempC.toFixed(1),
    spo2: v.spo2,
    // a 予診 says so (0064); a 健診 entry signs its items and 問診 too (0086); a 診療録 hashes as it always did
    ...(row.kind === 'intake' ? { kind: 'intake' } : {}),
    ...(row.kind === 'checkup' ? { kind: 'checkup', checkup: row.checkup } : {}),
  };
}

export function noteContentHash(row: ClinicalNote): string {
  return contentHash(noteContent(row));
}

const ref = (names: Map<string, string>, id: string | null): StaffRef | null => (id ? { id, name: names.get(id) ?? '（不明な職員）' } : null);

export function toNoteDto(row: ClinicalNote, names: Map<string, string>, encounterDate?: string): NoteDto {
  const vitals = vitalsOf(row);
  const status = oneOf(RECORD_STATUSES, row.status);
  return {
    id: row.id,
    lineageId: row.lineageId,
    version: row.version,
    isLatest: row.isLatest,
    patientId: row.patientId,
    visitId: row.visitId,
    encounterDate: encounterDate ?? formatInTimeZone(row.createdAt, 'yyyy-MM-dd'),
    status,
    statusLabel: RECORD_STATUS_LABELS[status],
    kind: oneOf(NOTE_KINDS, row.kind),
    subjective: row.subjective,
    objective: row.objective,
    assessment: row.assessment,
    plan: row.plan,
    vitals,
    bmi: computeBmi(vitals.heightCm, vitals.weightKg),
    author: ref(names, row.authorId)!,
    enterer: ref(names, row.entererId)!,
    // a 取消 version is typed by the doctor who cancels; only a content version can be a 代行入力
    isProxyEntry: row.entererId !== row.authorId && row.status !== 'entered_in_error',
    approvedBy: ref(names, row.approvedById),
    approvedAt: row.approvedAt?.toISOString() ?? null,
    confirmedBy: ref(names, row.confirmedById),
    confirmedAt: row.confirmedAt?.toISOString() ?? null,
    contentHash: row.contentHash,
    hashVerified: row.contentHash ? row.contentHash === noteContentHash(row) : null,
    changeReason: row.changeReason,
    supersedesId: row.supersedesId,
    createdAt: row.createdAt.toISOString(),
    supersededAt: row.supersededAt?.toISOString() ?? null,
  };
}

export const visitDateIso = (d: Date) => isoDate(d);

export type PendingApprovalDto = {
  noteId: string;
  lineageId: string;
  version: number;
  patient: { id: string; patientNumber: number; name: string; kana: string };
  enterer: StaffRef;
  createdAt: string;
  preview: string;
  /** the whole record the doctor approves (issue 13: not a one-line preview) */
  sections: { short: string; label: string; text: string }[];
  /** the vitals as one line ('' when none) */
  vitals: string;
  changeReason: string | null;
};

export type DoctorOptionDto = { id: string; name: string };
