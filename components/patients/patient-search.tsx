'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';
import { searchPatientsAction } from '@/lib/records/patients/patient.actions';
import type { PatientDto } from '@/lib/records/patients/patient.dto';
import { ErrorBanner, inputClass } from '@/components/ui/ui';

/** Search as you type: kana (any width), kanji, 患者番号, birth date (西暦/和暦) or phone. */
export function PatientSearch({ onPick, autoFocus = true, actions, recentWhenEmpty = true }: { onPick?: (p: PatientDto) => void; autoFocus?: boolean; actions?: (p: PatientDto) => React.ReactNode; recentWhenEmpty?: boolean }) {
  const [q, setQ] = useState('');
  const [data, setData] = useState<PatientDto[] | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const latest = useRef(0);
  const router = useRouter();
  const active = recentWhenEmpty || q.trim() !== '';

  // search as the receptionist types; a slower earlier answer never overwrites a newer one
  useEffect(() => {
    if (!active) return;
    const request = ++latest.current;
    const timer = setTimeout(async () => {
      const r = await searchPatientsAction({ q, limit: 30 });
      if (request !== latest.current) return;
      if (r.ok) {
        setData(r.data);
        setError(null);
      } else setError(r.error);
    }, 120);
    return () => clearTimeout(timer);
  }, [q, active]);
  const query = { data, isError: error !== null, error: new Error(error ?? '') };
  const showResults = active;
  const open = (p: PatientDto) => (onPick ? onPick(p) : router.push(`/patients/${p.id}`));

  return (
    <div className="flex flex-col gap-3">
      <input
        type="search"
        aria-label="患者検索"
        placeholder="カナ・漢字・患者番号・生年月日（例: S50.4.1）・電話番号"
        className={`${inputClass} text-base`}
        value={q}
        autoFocus={autoFocus}
        onChange={(e) => setQ(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && query.data?.[0]) open(query.data[0]);
        }}
      />
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
      </div>}
    </div>
  );
}
