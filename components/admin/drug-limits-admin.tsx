'use client';

import { useState, useTransition } from 'react';
import { useRouter } from 'next/navigation';
import type { DrugSearchHit } from '@/lib/records/prescriptions/prescription.dto';
import type { ClinicDrugLimitDto } from '@/lib/records/prescriptions/clinic-drug-limit.dto';
import { removeClinicDrugLimitAction, saveClinicDrugLimitAction, searchDrugsForLimitsAction } from '@/lib/records/prescriptions/clinic-drug-limit.actions';
import { Button, ErrorBanner, Field, NoticeBanner, inputClass } from '@/components/ui/ui';

const amount = (n: number | null, unit: string) => (n === null ? '—' : `${n}${unit}`);

/** 薬品の上限: the clinic's own maximum per drug (docs/decisions/0045). */
export function DrugLimitsAdmin({ limits }: { limits: ClinicDrugLimitDto[] }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [q, setQ] = useState('');
  const [hits, setHits] = useState<DrugSearchHit[]>([]);
  const [drug, setDrug] = useState<{ code: string; name: string; unit: string | null } | null>(null);
  const [perDay, setPerDay] = useState('');
  const [perRx, setPerRx] = useState('');
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  function search() {
    startTransition(async () => {
      const r = await searchDrugsForLimitsAction({ q, limit: 20 });
      setError(r.ok ? null : r.error);
      setHits(r.ok ? r.data : []);
    });
  }
  function choose(d: { code: string; name: string; unit: string | null }, current?: ClinicDrugLimitDto) {
    setDrug(d);
    setHits([]);
    setPerDay(current?.maxPerDay?.toString() ?? '');
    setPerRx(current?.maxPerPrescription?.toString() ?? '');
    setNote(current?.note ?? '');
    setNotice(null);
  }
  function save() {
    if (!drug) return;
    startTransition(async () => {
      const r = await saveClinicDrugLimitAction({ receiptCode: drug.code, maxPerDay: perDay, maxPerPrescription: perRx, note });
      if (!r.ok) return setError(Object.values(r.fieldErrors ?? {})[0] ?? r.error);
      setError(null);
      setNotice(`${r.data.drugName} の上限を保存しました。`);
      setDrug(null);
      router.refresh();
    });
  }
  function remove(l: ClinicDrugLimitDto) {
    startTransition(async () => {
      const r = await removeClinicDrugLimitAction({ receiptCode: l.receiptCode });
      if (!r.ok) return setError(r.error);
      setError(null);
      setNotice(`${l.drugName} の上限を削除しました。`);
      router.refresh();
    });
  }

  return (
    <div className="flex flex-col gap-4">
      {error && <ErrorBanner>{error}</ErrorBanner>}
      {notice && <NoticeBanner>{notice}</NoticeBanner>}
      <form className="flex gap-2" onSubmit={(e) => { e.preventDefault(); search(); }}>
        <label htmlFor="limit-drug-search" className="sr-only">薬品を検索</label>
        <input id="limit-drug-search" className={inputClass} placeholder="薬品名（商品名・一般名・カナ）" value={q} onChange={(e) => setQ(e.target.value)} />
        <Button type="submit" disabled={pending || !q.trim()}>検索</Button>
      </form>
      {hits.length > 0 && (
        <ul className="flex flex-col divide-y rounded border" aria-label="検索結果">
          {hits.map((h) => (
            <li key={h.code}>
              <button type="button" className="w-full px-2 py-1 text-left text-sm hover:bg-teal-50" onClick={() => choose(h, limits.find((l) => l.receiptCode === h.code))}>
                {h.name} <span className="text-xs text-slate-500">（{h.unit ?? '単位なし'}・{h.code}）</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {drug && (
        <form className="flex flex-col gap-3 rounded border border-teal-200 bg-teal-50/30 p-3" onSubmit={(e) => { e.preventDefault(); save(); }} aria-label="上限の設定">
          <p className="text-sm font-semibold">{drug.name}</p>
          <div className="grid grid-cols-2 gap-3">
            <Field label={`1日の上限（${drug.unit ?? '単位'}）`} htmlFor="limit-per-day">
              <input id="limit-per-day" className={inputClass} inputMode="decimal" value={perDay} onChange={(e) => setPerDay(e.target.value)} />
            </Field>
            <Field label={`1処方の上限（総量、${drug.unit ?? '単位'}）`} htmlFor="limit-per-rx">
              <input id="limit-per-rx" className={inputClass} inputMode="decimal" value={perRx} onChange={(e) => setPerRx(e.target.value)} />
            </Field>
          </div>
          <Field label="メモ（任意）" htmlFor="limit-note">
            <input id="limit-note" className={inputClass} maxLength={200} value={note} onChange={(e) => setNote(e.target.value)} />
          </Field>
          <div className="flex gap-2">
            <Button type="submit" disabled={pending}>保存</Button>
            <Button variant="secondary" onClick={() => setDrug(null)}>やめる</Button>
          </div>
        </form>
      )}
      <table className="w-full text-sm" aria-label="設定済みの上限">
        <thead>
          <tr className="border-b text-left text-xs text-slate-500">
            <th className="py-1">薬品</th>
            <th>1日の上限</th>
            <th>1処方の上限</th>
            <th>メモ</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {limits.length === 0 && (
            <tr>
              <td colSpan={5} className="py-2 text-slate-500">設定された上限はありません。</td>
            </tr>
          )}
          {limits.map((l) => (
            <tr key={l.receiptCode} className="border-b">
              <td className="py-1">{l.drugName}</td>
              <td>{amount(l.maxPerDay, l.unit)}</td>
              <td>{amount(l.maxPerPrescription, l.unit)}</td>
              <td>{l.note}</td>
              <td className="whitespace-nowrap text-right">
                <Button variant="ghost" onClick={() => choose({ code: l.receiptCode, name: l.drugName, unit: l.unit }, l)}>変更</Button>
                <Button variant="ghost" disabled={pending} onClick={() => remove(l)}>削除</Button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
