'use client';

/** 訂正・取消 of the latest results (each creates a new version with a reason) and the version history of one result. */
import { Fragment, useState, useTransition } from 'react';
import { useRouter } from 'next/navigation';
import { correctLabResultAction, getLabResultHistoryAction, markLabResultEnteredInErrorAction } from '@/lib/records/lab-results/lab-result.actions';
import type { LabResultDto } from '@/lib/records/lab-results/lab-result.dto';
import { Button, ErrorBanner, Field, cx, inputClass } from '@/components/ui/ui';
import { LabValue } from './lab-flag';

/** inputClass is w-full: a fixed width (w-16 …) only applies once that is removed. */
const fixedWidthInput = inputClass.replace('w-full ', '');

type Mode = { id: string; kind: 'correct' | 'error' | 'history' } | null;

export function LabResultCorrections({ results, canWrite }: { results: LabResultDto[]; canWrite: boolean }) {
  const router = useRouter();
  const [mode, setMode] = useState<Mode>(null);
  const [value, setValue] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [history, setHistory] = useState<LabResultDto[] | null>(null);
  const [pending, startTransition] = useTransition();

  const open = (r: LabResultDto, kind: 'correct' | 'error' | 'history') => {
    setMode({ id: r.id, kind });
    setValue(kind === 'correct' ? r.valueText ?? String(r.valueNumber ?? '') : '');
    setReason('');
    setError(null);
    setFieldErrors({});
    setHistory(null);
    if (kind === 'history') {
      startTransition(async () => {
        const res = await getLabResultHistoryAction({ id: r.id });
        if (res.ok) setHistory(res.data);
        else setError(res.error);
      });
    }
  };

  const save = () => {
    if (!mode) return;
    startTransition(async () => {
      const res = mode.kind === 'correct' ? await correctLabResultAction({ id: mode.id, value, reason }) : await markLabResultEnteredInErrorAction({ id: mode.id, reason });
      if (!res.ok) {
        setError(res.error);
        setFieldErrors(res.fieldErrors ?? {});
        return;
      }
      setMode(null);
      router.refresh();
    });
  };

  if (results.length === 0) return <p className="text-sm text-slate-500">検査結果はまだありません。</p>;
  return (
    <table className="w-full text-sm">
      <thead>
        <tr className="border-b border-slate-200 text-left text-xs text-slate-500">
          <th className="py-1 font-normal">項目</th>
          <th className="py-1 text-right font-normal">値</th>
          <th className="py-1 pl-2 font-normal">採取日時</th>
          <th className="py-1 font-normal">入力</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {results.map((r) => (
          <Fragment key={r.id}>
            <tr className="border-b border-slate-100">
              <td className="py-1">{r.itemName}</td>
              <td className="py-1 text-right">
                <LabValue value={r.valueDisplay} flag={r.flag} /> <span className="text-xs text-slate-500">{r.unitDisplay ?? ''}</span>
              </td>
              <td className="py-1 pl-2 text-xs text-slate-500">{r.collectedAtJst}</td>
              <td className="py-1 text-xs text-slate-500">
                {r.source === 'csv' ? 'CSV取込' : '手入力'}
                {r.version > 1 && <span className="ml-1 text-amber-700">第{r.version}版</span>}
              </td>
              <td className="py-1 text-right whitespace-nowrap">
                <Button variant="ghost" className="px-1 py-0.5 text-xs" onClick={() => open(r, 'history')}>履歴</Button>
                {canWrite && (
                  <>
                    <Button variant="ghost" className="px-1 py-0.5 text-xs" onClick={() => open(r, 'correct')}>訂正</Button>
                    <Button variant="ghost" className="px-1 py-0.5 text-xs text-red-700" onClick={() => open(r, 'error')}>取消</Button>
                  </>
                )}
              </td>
            </tr>
            {mode?.id === r.id && (
              <tr className="border-b border-slate-100 bg-slate-50">
                <td colSpan={5} className="p-2">
                  {error && <ErrorBanner>{error}</ErrorBanner>}
                  {mode.kind === 'history' ? (
                    <ol className="mt-1 flex flex-col gap-1 text-xs">
                      {pending && <li className="text-slate-500">読み込み中…</li>}
                      {history?.map((h) => (
                        <li key={h.id} className={cx(!h.isLatest && 'text-slate-500')}>
                          第{h.version}版 {h.statusLabel}: {h.valueDisplay} {h.unitDisplay ?? ''}（記録 {new Date(h.createdAt).toLocaleString('ja-JP', { timeZone: 'Asia/Tokyo' })}）
                          {h.changeReason && ` 理由: ${h.changeReason}`}
                        </li>
                      ))}
                      <li>
                        <Button variant="secondary" className="mt-1 px-2 py-0.5 text-xs" onClick={() => setMode(null)}>閉じる</Button>
                      </li>
                    </ol>
                  ) : (
                    <form
                      className="flex flex-wrap items-end gap-2"
                      onSubmit={(e) => {
                        e.preventDefault();
                        save();
                      }}
                    >
                      {mode.kind === 'correct' && (
                        <Field label={`訂正後の値${r.unitDisplay ? `（${r.unitDisplay}）` : ''}`} htmlFor={`lab-correct-${r.id}`} error={fieldErrors.value} required>
                          <input id={`lab-correct-${r.id}`} className={cx(fixedWidthInput, 'w-28')} value={value} onChange={(e) => setValue(e.target.value)} autoFocus aria-invalid={!!fieldErrors.value} />
                        </Field>
                      )}
                      <Field label={mode.kind === 'correct' ? '訂正理由' : '取消理由（入力誤りの内容）'} htmlFor={`lab-reason-${r.id}`} error={fieldErrors.reason} required className="min-w-64 flex-1">
                        <input id={`lab-reason-${r.id}`} className={inputClass} value={reason} onChange={(e) => setReason(e.target.value)} autoFocus={mode.kind === 'error'} aria-invalid={!!fieldErrors.reason} />
                      </Field>
                      <Button variant="secondary" onClick={() => setMode(null)}>キャンセル</Button>
                      <Button type="submit" variant={mode.kind === 'error' ? 'danger' : 'primary'} disabled={pending}>
                        {mode.kind === 'correct' ? '訂正を保存' : '取り消す'}
                      </Button>
                    </form>
                  )}
                </td>
              </tr>
            )}
          </Fragment>
        ))}
      </tbody>
    </table>
  );
}
