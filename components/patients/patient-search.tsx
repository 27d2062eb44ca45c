'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';
import { searchPatientsAction } from '@/lib/records/patients/patient.actions';
import type { PatientDto } from '@/lib/records/patients/patient.dto';
import { enterChoice } from '@/lib/records/patients/enter-choice';
import { ErrorBanner, inputClass } from '@/components/ui/ui';

const PAGE_SIZE = 30;

/**
 * Search as you type: kana (any width), kanji, 患者番号, birth date (西暦/和暦) or phone. Enter acts only on the results
 * of the text now in the box (it waits for them when they are still on the way), never while the IME is composing,
 * and only on a single best match (lib/records/patients/enter-choice.ts); otherwise the list is the choice.
 */
export function PatientSearch({ onPick, autoFocus = true, actions, recentWhenEmpty = true }: { onPick?: (p: PatientDto) => void; autoFocus?: boolean; actions?: (p: PatientDto) => React.ReactNode; recentWhenEmpty?: boolean }) {
  const [q, setQ] = useState('');
  // paging: 30 a page; one more is asked for to know whether a next page exists
  const [page, setPage] = useState(0);
  const [results, setResults] = useState<{ q: string; data: PatientDto[]; hasMore: boolean } | undefined>(undefined);
  const data = results?.data;
  const [error, setError] = useState<string | null>(null);
  // the text Enter was pressed on while its results were still on the way
  const [enterFor, setEnterFor] = useState<string | null>(null);
  const [hint, setHint] = useState<string | null>(null);
  const composing = useRef(false);
  const latest = useRef(0);
  const router = useRouter();
  const active = recentWhenEmpty || q.trim() !== '';

  // search as the receptionist types; a slower earlier answer never overwrites a newer one
  useEffect(() => {
    if (!active) return;
    const request = ++latest.current;
    const text = q.trim();
    const timer = setTimeout(async () => {
      const r = await searchPatientsAction({ q, limit: PAGE_SIZE + 1, offset: page * PAGE_SIZE });
      if (request !== latest.current) return;
      if (r.ok) {
        setResults({ q: text, data: r.data.slice(0, PAGE_SIZE), hasMore: r.data.length > PAGE_SIZE });
        setError(null);
      } else setError(r.error);
    }, 120);
    return () => clearTimeout(timer);
  }, [q, active, page]);
  const query = { data, isError: error !== null, error: new Error(error ?? '') };
  const showResults = active;
  const open = (p: PatientDto) => (onPick ? onPick(p) : router.push(`/patients/${p.id}`));

  const actOnEnter = (text: string, list: PatientDto[]) => {
    const choice = enterChoice(text, list);
    if (choice.kind === 'pick') {
      setHint(null);
      open(choice.patient);
    } else if (choice.kind === 'ambiguous') {
      setHint(`該当する患者が${choice.count}名います。一覧から選んでください。`);
    } else setHint('該当する患者はいません。');
  };

  // Enter pressed before the results of that text arrived: act once they are here (if the text is still the same)
  useEffect(() => {
    if (enterFor === null || !results || results.q !== enterFor) return;
    setEnterFor(null);
    if (enterFor === q.trim()) actOnEnter(enterFor, results.data);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [results, enterFor]);

  return (
    <div className="flex flex-col gap-3">
      <input
        type="search"
        aria-label="患者検索"
        placeholder="カナ・漢字・患者番号・生年月日（例: S50.4.1）・電話番号"
        className={`${inputClass} text-base`}
        value={q}
        autoFocus={autoFocus}
        onChange={(e) => {
          setQ(e.target.value);
          setPage(0);
          setEnterFor(null);
          setHint(null);
        }}
        onCompositionStart={() => { composing.current = true; }}
        onCompositionEnd={() => { composing.current = false; }}
        onKeyDown={(e) => {
          if (e.key !== 'Enter') return;
          // the Enter that confirms an IME conversion is not a command (keyCode 229: Safari sends it after compositionend)
          if (e.nativeEvent.isComposing || composing.current || e.keyCode === 229) return;
          e.preventDefault();
          const text = q.trim();
          if (!text) return;
          if (results?.q === text) actOnEnter(text, results.data);
          else setEnterFor(text);
        }}
      />
      {hint && <p role="status" data-testid="patient-search-hint" className="text-sm text-amber-800">{hint}</p>}
      {query.isError && <ErrorBanner>{(query.error as Error).message}</ErrorBanner>}
      {showResults && <div className="overflow-hidden rounded border border-slate-200 bg-white">
        <table className="w-full text-sm">
          <thead className="bg-slate-100 text-left text-xs text-slate-600">
            <tr>
              <th className="px-3 py-1.5">患者番号</th>
              <th className="px-3 py-1.5">氏名</th>
              <th className="px-3 py-1.5">カナ</th>
              <th className="px-3 py-1.5">性別</th>
              <th className="px-3 py-1.5">生年月日</th>
              <th className="px-3 py-1.5">電話</th>
              {actions && <th className="px-3 py-1.5" />}
            </tr>
          </thead>
          <tbody data-testid="patient-results">
            {query.data?.map((p) => (
              <tr key={p.id} className="border-t border-slate-100 hover:bg-teal-50">
                <td className="px-3 py-1.5 font-mono">{p.patientNumber}</td>
                <td className="px-3 py-1.5">
                  <Link href={`/patients/${p.id}`} className="font-medium text-teal-800 hover:underline" onClick={(e) => { if (onPick) { e.preventDefault(); onPick(p); } }}>
                    {p.fullName}
                  </Link>
                </td>
                <td className="px-3 py-1.5 text-slate-600">{p.fullNameKana}</td>
                <td className="px-3 py-1.5">{p.sexLabel}</td>
                <td className="px-3 py-1.5">
                  {p.birthDate.replaceAll('-', '/')} <span className="text-xs text-slate-500">({p.birthDateWareki}・{p.age}歳)</span>
                </td>
                <td className="px-3 py-1.5">{p.phone}</td>
                {actions && <td className="px-3 py-1.5 text-right">{actions(p)}</td>}
              </tr>
            ))}
            {query.data?.length === 0 && (
              <tr>
                <td colSpan={7} className="px-3 py-6 text-center text-slate-500">
                  該当する患者はいません。
                </td>
              </tr>
            )}
          </tbody>
        </table>
        {(page > 0 || results?.hasMore) && (
          <nav aria-label="検索結果のページ" className="flex items-center justify-between border-t border-slate-100 px-3 py-1.5 text-xs text-slate-600">
            <button type="button" className="rounded px-2 py-1 text-teal-800 hover:bg-teal-50 disabled:text-slate-300" disabled={page === 0} onClick={() => setPage((n) => Math.max(0, n - 1))}>
              ← 前の{PAGE_SIZE}件
            </button>
            <span data-testid="patient-results-range">{page * PAGE_SIZE + 1}〜{page * PAGE_SIZE + (data?.length ?? 0)}件目</span>
            <button type="button" className="rounded px-2 py-1 text-teal-800 hover:bg-teal-50 disabled:text-slate-300" disabled={!results?.hasMore} onClick={() => setPage((n) => n + 1)}>
              次の{PAGE_SIZE}件 →
            </button>
          </nav>
        )}
      </div>}
    </div>
  );
}
