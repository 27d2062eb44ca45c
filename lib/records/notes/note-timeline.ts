/**
 * The chart timeline as the client keeps it: pages loaded with 「さらに表示」, the first page refreshed by the server,
 * and notes saved in this browser merged into one list (one entry per lineage). Pure functions, no hooks: the
 * service sorts with the same order.
 */
import type { NoteDto, NoteWithHistoryDto } from './note.dto';

/** Newest encounter first; within a day the note first written last comes first (an edit keeps its place). */
export function compareTimeline(x: NoteWithHistoryDto, y: NoteWithHistoryDto): number {
  return y.encounterDate.localeCompare(x.encounterDate) || y.firstCreatedAt.localeCompare(x.firstCreatedAt);
}

/** 下書き/承認待ち → 確定 keeps the id and version: the later status wins when versions tie. */
const STATUS_RANK: Record<NoteDto['status'], number> = { draft: 0, pending_approval: 0, final: 1, entered_in_error: 2 };

function isNewer(incoming: NoteDto, current: NoteDto): boolean {
  if (incoming.version !== current.version) return incoming.version > current.version;
  return STATUS_RANK[incoming.status] >= STATUS_RANK[current.status];
}

/** The newest version of an entry: its revision awaiting approval, else the version shown. */
export const headOf = (entry: NoteWithHistoryDto): NoteDto => entry.pendingRevision ?? entry;

/**
 * The timeline entry of one lineage from its versions (any order). The version shown is the latest, except while a
 * 代行入力 revision of a 確定 note awaits the doctor's approval (issue 9 item 9): then the last 確定 version stays the
 * one shown (it is the record; only it may be printed or sent) and the revision is shown beside it as `pendingRevision`.
 * A note without a visit belongs to the day its first version was written.
 */
export function lineageEntry(versions: readonly NoteDto[]): NoteWithHistoryDto {
  const sorted = [...versions].sort((x, y) => y.version - x.version);
  const latest = sorted[0]!;
  const first = sorted[sorted.length - 1]!;
  const inForce = latest.status === 'pending_approval' ? sorted.find((v) => v.status === 'final') : undefined;
  const shown = inForce ?? latest;
  return {
    ...shown,
    encounterDate: shown.visitId ? shown.encounterDate : first.encounterDate,
    firstCreatedAt: first.createdAt,
    earlierVersions: sorted.filter((v) => v.id !== shown.id && v.id !== latest.id),
    pendingRevision: inForce ? latest : null,
  };
}

/** Every version an entry holds, newest first. */
const versionsOf = (entry: NoteWithHistoryDto): NoteDto[] => {
  const { firstCreatedAt: _f, earlierVersions, pendingRevision, ...shown } = entry;
  return [...(pendingRevision ? [pendingRevision] : []), shown, ...earlierVersions];
};

/** Upserts entries by lineage (the newer head version wins; on a tie the incoming one) and sorts the timeline. */
export function mergeTimeline(current: NoteWithHistoryDto[], incoming: NoteWithHistoryDto[]): NoteWithHistoryDto[] {
  const byLineage = new Map(current.map((n) => [n.lineageId, n]));
  for (const n of incoming) {
    const existing = byLineage.get(n.lineageId);
    if (!existing || isNewer(headOf(n), headOf(existing))) byLineage.set(n.lineageId, n);
  }
  return [...byLineage.values()].sort(compareTimeline);
}

/**
 * A timeline entry for a note a server action just returned. A new version keeps the entry's encounter day and
 * turns the previous head into an earlier version; the same version (下書き edit, 確定, 承認) replaces it.
 */
export function timelineEntryFor(saved: NoteDto, existing: NoteWithHistoryDto | undefined): NoteWithHistoryDto {
  if (!existing) return lineageEntry([saved]);
  const head = headOf(existing);
  const others = versionsOf(existing)
    .filter((v) => v.id !== saved.id)
    .map((v) => (v.id === head.id ? { ...v, isLatest: false, supersededAt: v.supersededAt ?? saved.createdAt } : v));
  return lineageEntry([saved, ...others]);
}

/** The timeline after a save: the saved note merged in its lineage's entry. */
export function withSavedNote(current: NoteWithHistoryDto[], saved: NoteDto): NoteWithHistoryDto[] {
  const existing = current.find((n) => n.lineageId === saved.lineageId);
  if (existing && !isNewer(saved, headOf(existing))) return current;
  return mergeTimeline(current, [timelineEntryFor(saved, existing)]);
}

export const SOAP_KEYS = ['subjective', 'objective', 'assessment', 'plan'] as const;
export type SoapKey = (typeof SOAP_KEYS)[number];

/**
 * 前回カルテDo: the source is the newest 確定 note of the timeline that has S/O/A/P text (a nurse's vitals-only
 * record and her 予診 are skipped, and so is the lineage being edited). Its 確定 version, never a revision awaiting approval.
 */
export function previousNoteForDo(timeline: readonly NoteWithHistoryDto[], excludeLineageId?: string | null): NoteDto | null {
  for (const entry of timeline) {
    if (entry.lineageId === excludeLineageId || entry.status !== 'final' || entry.kind === 'intake') continue;
    if (SOAP_KEYS.some((k) => entry[k].trim() !== '')) return entry;
  }
  return null;
}

/**
 * The sections after copying `sections` of the source into the editor: an empty section takes the source's text,
 * a section already written is kept as it is (reported in `kept`, so nothing typed is lost).
 */
export function applyNoteDo(
  current: Record<SoapKey, string>,
  source: Pick<NoteDto, SoapKey>,
  sections: readonly SoapKey[] = SOAP_KEYS,
): { values: Record<SoapKey, string>; copied: SoapKey[]; kept: SoapKey[] } {
  const values = { ...current };
  const copied: SoapKey[] = [];
  const kept: SoapKey[] = [];
  for (const k of sections) {
    if (source[k].trim() === '') continue;
    if (current[k].trim() !== '') kept.push(k);
    else {
      values[k] = source[k];
      copied.push(k);
    }
  }
  return { values, copied, kept };
}

/**
 * セットの適用 (docs/decisions/0059): the set's text goes at the end of each section, after a line break when the
 * section already has text, so nothing typed is lost. `added` lists the sections that received text.
 */
export function appendNoteSections(current: Record<SoapKey, string>, text: Record<SoapKey, string>): { values: Record<SoapKey, string>; added: SoapKey[] } {
  const values = { ...current };
  const added: SoapKey[] = [];
  for (const k of SOAP_KEYS) {
    const add = text[k].trim() === '' ? '' : text[k];
    if (!add) continue;
    values[k] = current[k].trim() === '' ? add : `${current[k].replace(/\s+$/, '')}\n${add}`;
    added.push(k);
  }
  return { values, added };
}

/**
 * 予診 for the note being written: the newest 確定 予診 of the timeline recorded on `today` (YYYY-MM-DD, the
 * encounter day), whose 主訴・問診 the doctor may take into S (0064). Null when there is none.
 */
export function intakeOfDay(timeline: readonly NoteWithHistoryDto[], today: string): NoteDto | null {
  return timeline.find((e) => e.kind === 'intake' && e.status === 'final' && e.encounterDate === today && e.subjective.trim() !== '') ?? null;
}
