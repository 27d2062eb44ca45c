'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { startTransition as startBackgroundTransition, useCallback, useRef, useState, useTransition } from 'react';
import type { ActionResult } from '@/lib/actions/define-action';
import { approveNoteAction, confirmNoteAction, listNotesPageAction, markNoteEnteredInErrorAction } from '@/lib/records/notes/note.actions';
import type { DoctorOptionDto, NoteDto, NotesPageDto, NoteWithHistoryDto } from '@/lib/records/notes/note.dto';
import { mergeTimeline, withSavedNote } from '@/lib/records/notes/note-timeline';
import { Button, ErrorBanner, cx, inputClass } from '@/components/ui/ui';
import type { PhraseForExpansion } from '@/lib/phrases/phrase-expand';
import { NoteEditor, type NoteViewer } from './note-editor';
import { IntakeBadge, NoteBody, NoteSignatures, NoteStatusBadge, fmt } from './note-view';

/** inputClass is w-full: a fixed width (w-16 …) only applies once that is removed. */
const fixedWidthInput = inputClass.replace('w-full ', '');

const WEEKDAYS = ['日', '月', '火', '水', '木', '金', '土'];

function dateHeading(iso: string) {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  const wd = WEEKDAYS[new Date(Date.UTC(y, m - 1, d)).getUTCDay()];
  return `${y}/${String(m).padStart(2, '0')}/${String(d).padStart(2, '0')}（${wd}）`;
}

function canEdit(note: NoteDto, viewer: NoteViewer) {
  if (!viewer.canWrite || !note.isLatest || note.status === 'entered_in_error') return false;
  if (note.status === 'draft') return note.author.id === viewer.userId;
  if (note.status === 'pending_approval') return viewer.isDoctor ? note.author.id === viewer.userId : note.enterer.id === viewer.userId;
  // a 予診 is corrected only by the nurse who recorded it (0064)
  if (note.kind === 'intake') return !viewer.isDoctor && note.author.id === viewer.userId;
  return true;
}

/** A saved note is shown at once from the action's result; the page is re-rendered only when the 承認待ち count changed. */
export type NoteSavedHandler = (saved: NoteDto, before?: NoteDto['status']) => void;

/**
 * The chart's 診療録 column: the editor on top, then the latest notes newest first, grouped by visit date, and
 * 「さらに表示」 for older encounters. Keeps its own list: the server's first page, older pages and saved notes merged.
 */
export function NotesWorkspace({
  patientId,
  page,
  viewer,
  doctors,
  visitDoctorId = null,
  phrases = [],
}: {
  patientId: string;
  page: NotesPageDto;
  viewer: NoteViewer;
  doctors: DoctorOptionDto[];
  /** the doctor of today's visit: a 代行入力 is for them unless the nurse chooses another */
  visitDoctorId?: string | null;
  /** 定型文 the editor expands (the clinic's and the viewer's own) */
  phrases?: PhraseForExpansion[];
}) {
  const router = useRouter();
  const [editing, setEditing] = useState<NoteDto | null>(null);
  const [notes, setNotes] = useState<NoteWithHistoryDto[]>(page.notes);
  const [cursor, setCursor] = useState(page.nextCursor);
  const [serverNotes, setServerNotes] = useState(page.notes);
  const [loadingMore, startLoadingMore] = useTransition();
  const [moreError, setMoreError] = useState<string | null>(null);
  const editorDirty = useRef(false);

  // a server re-render (router.refresh from any panel) brings a fresh first page: merge it, keep older pages
  if (serverNotes !== page.notes) {
    setServerNotes(page.notes);
    setNotes((cur) => mergeTimeline(cur, page.notes));
  }

  const onSaved: NoteSavedHandler = useCallback(
    (saved, before) => {
      setNotes((cur) => withSavedNote(cur, saved));
      // the heading's 承認待ち count is server-rendered: refresh it without holding up the note
      if (saved.status === 'pending_approval' || before === 'pending_approval') startBackgroundTransition(() => router.refresh());
    },
    [router],
  );

  const loadMore = () => {
    if (!cursor || loadingMore) return;
    startLoadingMore(async () => {
      const result = await listNotesPageAction({ patientId, cursor });
      if (!result.ok) {
        setMoreError(result.error);
        return;
      }
      setMoreError(null);
      setNotes((cur) => mergeTimeline(cur, result.data.notes));
      setCursor(result.data.nextCursor);
    });
  };

  const groups: { date: string; notes: NoteWithHistoryDto[] }[] = [];
  for (const n of notes) {
    const last = groups[groups.length - 1];
    if (last && last.date === n.encounterDate) last.notes.push(n);
    else groups.push({ date: n.encounterDate, notes: [n] });
  }
  return (
    <div className="flex flex-col gap-3">
      <NoteEditor
        patientId={patientId}
        viewer={viewer}
        doctors={doctors}
        visitDoctorId={visitDoctorId}
        editing={editing}
        notes={notes.flatMap((n) => (n.pendingRevision ? [n, n.pendingRevision] : [n]))}
        timeline={notes}
        phrases={phrases}
        onSaved={onSaved}
        onDone={() => setEditing(null)}
        onDirtyChange={(d) => {
          editorDirty.current = d;
        }}
      />
      {notes.length === 0 && <p className="text-sm text-slate-500">診療録はまだありません。</p>}
      <ol className="flex flex-col gap-4" aria-label="診療録の履歴">
        {groups.map((g) => (
          <li key={g.date}>
            <h3 className="mb-1 border-b border-slate-200 pb-0.5 text-xs font-semibold text-slate-600">{dateHeading(g.date)}</h3>
            <ol className="flex flex-col gap-2">
              {g.notes.map((n) => (
                <NoteCard
                  key={n.id}
                  note={n}
                  viewer={viewer}
                  patientId={patientId}
                  isEditing={editing?.lineageId === n.lineageId}
                  onSaved={onSaved}
                  onEdit={(version) => {
                    if (editorDirty.current && !window.confirm('入力中の内容は保存されていません。破棄してこの診療録を編集しますか？')) return;
                    setEditing(version);
                    window.scrollTo({ top: 0, behavior: 'smooth' });
                  }}
                />
              ))}
            </ol>
          </li>
        ))}
      </ol>
      {moreError && <ErrorBanner>{moreError}</ErrorBanner>}
      {cursor && (
        <div className="flex justify-center">
          <Button variant="secondary" onClick={loadMore} disabled={loadingMore} data-testid="notes-load-more">
            {loadingMore ? '読み込み中…' : 'さらに表示'}
          </Button>
        </div>
      )}
    </div>
  );
}

function NoteCard({
  note,
  viewer,
  patientId,
  isEditing,
  onSaved,
  onEdit,
}: {
  note: NoteWithHistoryDto;
  viewer: NoteViewer;
  patientId: string;
  isEditing: boolean;
  onSaved: NoteSavedHandler;
  onEdit: (version: NoteDto) => void;
}) {
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const [cancelling, setCancelling] = useState(false);
  const [reason, setReason] = useState('');

  const run = (fn: () => Promise<ActionResult<NoteDto>>, before: NoteDto['status'] = note.status) =>
    startTransition(async () => {
      const result = await fn();
      if (!result.ok) {
        setError(result.error);
        return;
      }
      setError(null);
      setCancelling(false);
      onSaved(result.data, before);
    });

  const mine = note.author.id === viewer.userId;
  const struck = note.status === 'entered_in_error';
  // a 代行入力 revision of this 確定 note awaits approval: the 確定 version stays shown; the revision is acted on below
  const revision = note.pendingRevision;
  return (
    <li
      className={cx('rounded border bg-white p-3', isEditing ? 'border-teal-400 ring-1 ring-teal-300' : 'border-slate-200', struck && 'bg-slate-50')}
      data-testid="note-card"
      data-status={note.status}
    >
      <div className="mb-1 flex flex-wrap items-center gap-2">
        <NoteStatusBadge status={note.status} />
        <IntakeBadge note={note} />
        {note.status === 'pending_approval' && <span className="text-xs text-blue-800">{note.author.name}の承認待ち</span>}
        <span className="text-xs text-slate-500">第{note.version}版</span>
        <span className="text-xs text-slate-500">{fmt(note.createdAt)}</span>
        <div className="ml-auto flex flex-wrap gap-1">
          {canEdit(note, viewer) && (
            <Button variant="ghost" className="px-2 py-0.5 text-xs" onClick={() => onEdit(note)} disabled={pending}>
              編集
            </Button>
          )}
          {viewer.isDoctor && note.status === 'draft' && mine && (
            <Button className="px-2 py-0.5 text-xs" onClick={() => run(() => confirmNoteAction({ noteId: note.id }))} disabled={pending}>
              確定
            </Button>
          )}
          {viewer.isDoctor && note.status === 'pending_approval' && mine && (
            <Button className="px-2 py-0.5 text-xs" onClick={() => run(() => approveNoteAction({ noteId: note.id }))} disabled={pending}>
              承認
            </Button>
          )}
          {viewer.isDoctor && !struck && !revision && (note.status !== 'draft' || mine) && (
            <Button variant="ghost" className="px-2 py-0.5 text-xs text-red-700" onClick={() => setCancelling((c) => !c)} disabled={pending}>
              取消
            </Button>
          )}
        </div>
      </div>
      {struck && note.changeReason && (
        <p className="mb-1 text-xs font-medium text-red-700">取消理由: {note.changeReason}</p>
      )}
      {!struck && note.changeReason && <p className="mb-1 text-xs text-slate-600">修正理由: {note.changeReason}</p>}
      <NoteBody note={note} />
      <div className="mt-1">
        <NoteSignatures note={note} />
      </div>
      {revision && (
        <section className="mt-2 rounded border border-blue-200 bg-blue-50 p-2" data-testid="note-pending-revision" aria-label="承認待ちの修正">
          <div className="mb-1 flex flex-wrap items-center gap-2">
            <NoteStatusBadge status={revision.status} />
            <span className="text-xs font-medium text-blue-900">
              修正（第{revision.version}版）は{revision.author.name}の承認待ちです。承認されるまでは上の確定版が診療録です。
            </span>
            <div className="ml-auto flex flex-wrap gap-1">
              {canEdit(revision, viewer) && (
                <Button variant="ghost" className="px-2 py-0.5 text-xs" onClick={() => onEdit(revision)} disabled={pending}>
                  修正を編集
                </Button>
              )}
              {viewer.isDoctor && revision.author.id === viewer.userId && (
                <Button className="px-2 py-0.5 text-xs" onClick={() => run(() => approveNoteAction({ noteId: revision.id }), revision.status)} disabled={pending}>
                  修正を承認
                </Button>
              )}
            </div>
          </div>
          {revision.changeReason && <p className="mb-1 text-xs text-slate-600">修正理由: {revision.changeReason}</p>}
          <NoteBody note={revision} compact />
          <NoteSignatures note={revision} />
        </section>
      )}
      {error && (
        <div className="mt-2">
          <ErrorBanner>{error}</ErrorBanner>
        </div>
      )}
      {cancelling && (
        <form
          className="mt-2 flex flex-wrap items-center gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            run(() => markNoteEnteredInErrorAction({ noteId: note.id, reason }));
          }}
        >
          <label htmlFor={`cancel-${note.id}`} className="text-xs font-medium text-red-800">
            取消理由
          </label>
          <input id={`cancel-${note.id}`} value={reason} onChange={(e) => setReason(e.target.value)} className={cx(fixedWidthInput, 'w-64 py-1')} placeholder="例: 別の患者のカルテに記載した" autoFocus />
          <Button type="submit" variant="danger" className="px-2 py-1 text-xs" disabled={pending || !reason.trim()}>
            入力誤りとして取り消す
          </Button>
        </form>
      )}
      {note.earlierVersions.length > 0 && (
        <details className="mt-2 text-xs">
          <summary className="cursor-pointer text-teal-800">
            過去の版（{note.earlierVersions.length}）
          </summary>
          <ol className="mt-1 flex flex-col gap-2 border-l-2 border-slate-200 pl-3">
            {note.earlierVersions.map((v) => (
              <li key={v.id}>
                <div className="flex flex-wrap items-center gap-2">
                  <span className="font-medium text-slate-700">第{v.version}版</span>
                  <NoteStatusBadge status={v.status} />
                  <span className="text-slate-500">{fmt(v.createdAt)}</span>
                  {v.changeReason && <span className="text-slate-600">理由: {v.changeReason}</span>}
                </div>
                <NoteBody note={v} compact />
                <NoteSignatures note={v} />
              </li>
            ))}
          </ol>
          <Link href={`/patients/${patientId}/notes/${note.lineageId}`} className="mt-1 inline-block text-teal-800 underline">
            版歴と差分を見る
          </Link>
        </details>
      )}
    </li>
  );
}
