/** Presentational pieces of a note (no hooks): usable from the timeline (client) and the history page (server). */
import type { NoteDto } from '@/lib/records/notes/note.dto';
import { INTAKE_S_LABEL, NOTE_STATUS_BADGES, SOAP_SECTIONS, formatVitalsLine } from '@/lib/records/notes/note-format';
import { formatDateTimeJst } from '@/lib/core/dates';
import { Badge, cx } from '@/components/ui/ui';

export const fmt = (iso: string | null) => (iso ? formatDateTimeJst(new Date(iso)) : '');

export function NoteStatusBadge({ status }: { status: NoteDto['status'] }) {
  const b = NOTE_STATUS_BADGES[status];
  return <Badge tone={b.tone}>{b.label}</Badge>;
}

/** S/O/A/P and the vitals line. Entered-in-error content is struck through. */
export function NoteBody({ note, compact = false }: { note: NoteDto; compact?: boolean }) {
  const struck = note.status === 'entered_in_error';
  const vitals = formatVitalsLine(note.vitals);
  return (
    <div className={cx('flex flex-col gap-1 text-sm', struck && 'text-slate-500 line-through')} data-testid="note-body">
      {vitals && <p className="font-mono text-xs text-slate-700" data-testid="note-vitals">{vitals}</p>}
      <dl className={cx('grid grid-cols-[1.5rem_minmax(0,1fr)] gap-x-2', compact ? 'gap-y-0.5' : 'gap-y-1')}>
        {SOAP_SECTIONS.map((s) =>
          note[s.key] ? (
            <div key={s.key} className="contents">
              <dt className="font-semibold text-teal-800" title={note.kind === 'intake' ? INTAKE_S_LABEL : s.label}>
                {note.kind === 'intake' ? '予' : s.short}
              </dt>
              <dd className="whitespace-pre-wrap break-words">{note[s.key]}</dd>
            </div>
          ) : null,
        )}
      </dl>
    </div>
  );
}

/** A nurse's 予診 in the timeline (0064): her own 確定 record, not a 診療録. */
export function IntakeBadge({ note }: { note: Pick<NoteDto, 'kind'> }) {
  return note.kind === 'intake' ? <Badge tone="blue">予診（{INTAKE_S_LABEL}・バイタル）</Badge> : null;
}

/** Who wrote, typed, approved and 確定 this version, and when. */
export function NoteSignatures({ note }: { note: NoteDto }) {
  return (
    <p className="flex flex-wrap gap-x-3 gap-y-0.5 text-xs text-slate-500">
      <span>{note.kind === 'intake' ? '予診' : '記載医'}: {note.author.name}</span>
      {note.isProxyEntry && (
        <span>
          代行入力: {note.enterer.name}（{fmt(note.createdAt)}）
        </span>
      )}
      {!note.isProxyEntry && <span>入力: {fmt(note.createdAt)}</span>}
      {note.approvedBy && (
        <span>
          承認: {note.approvedBy.name}（{fmt(note.approvedAt)}）
        </span>
      )}
      {note.confirmedBy && note.status === 'final' && !note.approvedBy && (
        <span>
          確定: {note.confirmedBy.name}（{fmt(note.confirmedAt)}）
        </span>
      )}
      {note.status === 'entered_in_error' && note.confirmedBy && (
        <span>
          取消: {note.confirmedBy.name}（{fmt(note.confirmedAt)}）
        </span>
      )}
      {note.hashVerified === false && <span className="font-semibold text-red-700">内容ハッシュ不一致</span>}
    </p>
  );
}
