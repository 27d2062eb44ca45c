/** 版歴: every version of one note, newest first, with who/when/why and a line diff against the version before. */
import type { NoteDto } from '@/lib/records/notes/note.dto';
import { SOAP_SECTIONS, diffLines, formatVitalsLine } from '@/lib/records/notes/note-format';
import { Card, cx } from '@/components/ui/ui';
import { NoteSignatures, NoteStatusBadge, fmt } from './note-view';

function Diff({ before, after }: { before: string; after: string }) {
  const lines = diffLines(before, after);
  return (
    <pre className="whitespace-pre-wrap break-words font-[inherit] text-sm">
      {lines.map((l, i) => (
        <span
          key={i}
          className={cx('block px-1', l.kind === 'added' && 'bg-green-50 text-green-900', l.kind === 'removed' && 'bg-red-50 text-red-800 line-through')}
        >
          <span aria-hidden className="mr-1 inline-block w-3 select-none text-slate-500">
            {l.kind === 'added' ? '+' : l.kind === 'removed' ? '−' : ' '}
          </span>
          {l.kind === 'added' && <span className="sr-only">追加: </span>}
          {l.kind === 'removed' && <span className="sr-only">削除: </span>}
          {l.text || '\u00a0'}
        </span>
      ))}
    </pre>
  );
}

export function NoteHistory({ versions }: { versions: NoteDto[] }) {
  return (
    <ol className="flex flex-col gap-3">
      {versions.map((v, i) => {
        const prev = versions[i + 1];
        const vitals = formatVitalsLine(v.vitals);
        const prevVitals = prev ? formatVitalsLine(prev.vitals) : '';
        return (
          <li key={v.id}>
            <Card
              className={cx(v.status === 'entered_in_error' && 'border-red-200')}
              title={
                <span className="flex items-center gap-2">
                  第{v.version}版 <NoteStatusBadge status={v.status} />
                  {v.isLatest && <span className="text-xs font-normal text-slate-500">（最新）</span>}
                </span>
              }
            >
              <div className="mb-2 flex flex-col gap-0.5 text-xs text-slate-600">
                <span>
                  作成: {fmt(v.createdAt)}（入力者: {v.enterer.name}）
                  {v.supersededAt && ` ・ 次の版に置き換え: ${fmt(v.supersededAt)}`}
                </span>
                {v.changeReason && (
                  <span className={v.status === 'entered_in_error' ? 'font-medium text-red-700' : ''}>
                    {v.status === 'entered_in_error' ? '取消理由' : '修正理由'}: {v.changeReason}
                  </span>
                )}
                {v.contentHash && (
                  // words, not the hash itself (issue 13); the SHA-256 stays in the tooltip for whoever checks it
                  <span className={v.hashVerified ? 'text-[11px] text-slate-500' : 'text-[11px] font-semibold text-red-700'} title={`確定時の内容ハッシュ (SHA-256): ${v.contentHash}`} data-testid="note-integrity">
                    {v.hashVerified ? '確定時の内容から変更なし' : '確定時の内容から変更されています'}
                  </span>
                )}
              </div>
              <NoteSignatures note={v} />
              <div className={cx('mt-2 flex flex-col gap-2', v.status === 'entered_in_error' && 'opacity-70')}>
                {(vitals || prevVitals) && (
                  <section>
                    <h3 className="text-xs font-semibold text-teal-800">バイタル</h3>
                    {prev ? <Diff before={prevVitals} after={vitals} /> : <p className="font-mono text-xs">{vitals}</p>}
                  </section>
                )}
                {SOAP_SECTIONS.map((s) => {
                  const now = v[s.key];
                  const before = prev ? prev[s.key] : '';
                  if (!now && !before) return null;
                  return (
                    <section key={s.key}>
                      <h3 className="text-xs font-semibold text-teal-800">
                        {s.label}
                        {prev && now !== before && <span className="ml-2 font-normal text-amber-700">変更あり</span>}
                      </h3>
                      {prev ? <Diff before={before} after={now} /> : <p className="whitespace-pre-wrap break-words text-sm">{now}</p>}
                    </section>
                  );
                })}
              </div>
            </Card>
          </li>
        );
      })}
    </ol>
  );
}
