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

/** Upserts entries by lineage (the newer version wins; on a tie the incoming one) and sorts the timeline. */
export function mergeTimeline(current: NoteWithHistoryDto[], incoming: NoteWithHistoryDto[]): NoteWithHistoryDto[] {
  const byLineage = new Map(current.map((n) => [n.lineageId, n]));
  for (const n of incoming) {
    const existing = byLineage.get(n.lineageId);
    if (!existing || isNewer(n, existing)) byLineage.set(n.lineageId, n);
  }
  return [...byLineage.values()].sort(compareTimeline);
}

/**
 * A timeline entry for a note a server action just returned. A new version keeps the entry's encounter day and
 * moves the version shown until now into the earlier versions; the same version (下書き edit, 確定, 承認) replaces it.
 */
export function timelineEntryFor(saved: NoteDto, existing: NoteWithHistoryDto | undefined): NoteWithHistoryDto {
  if (!existing) return { ...saved, firstCreatedAt: saved.createdAt, earlierVersions: [] };
  const encounterDate = saved.visitId ? saved.encounterDate : existing.encounterDate;
  const { firstCreatedAt, earlierVersions, ...shown } = existing;
  if (existing.id === saved.id) return { ...saved, encounterDate, firstCreatedAt, earlierVersions };
  const previous: NoteDto = { ...shown, isLatest: false, supersededAt: shown.supersededAt ?? saved.createdAt };
  return { ...saved, encounterDate, firstCreatedAt, earlierVersions: [previous, ...earlierVersions.filter((v) => v.id !== previous.id)] };
}

/** The timeline after a save: the saved note merged in its lineage's entry. */
export function withSavedNote(current: NoteWithHistoryDto[], saved: NoteDto): NoteWithHistoryDto[] {
  const existing = current.find((n) => n.lineageId === saved.lineageId);
  if (existing && !isNewer(saved, existing)) return current;
  return mergeTimeline(current, [timelineEntryFor(saved, existing)]);
}
