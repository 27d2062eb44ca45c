'use client';

import Link from 'next/link';
import { useState, useTransition } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { QueueDto } from '@/lib/reception/visit.service';
import { VISIT_STATUS_LABELS, VISIT_TRANSITIONS, type VisitStatusValue } from '@/lib/reception/visit.constants';
import { changeVisitStatusAction, checkInAction, recheckEligibilityAction } from '@/lib/reception/visit.actions';
import { ELIGIBILITY_LABELS } from '@/lib/eligibility/eligibility.constants';
import type { PatientDto } from '@/lib/records/patients/patient.dto';
import { PatientSearch } from '@/components/patients/patient-search';
import { PatientForm } from '@/components/patients/patient-form';
import { Badge, Button, Card, ErrorBanner, NoticeBanner } from '@/components/ui/ui';
import { backgroundRequestHeaders } from '@/lib/web/request-headers';

const STATUS_TONE: Record<VisitStatusValue, 'slate' | 'blue' | 'amber' | 'teal' | 'green' | 'red'> = {
  received: 'blue', waiting: 'amber', in_consultation: 'teal', billing: 'slate', done: 'green', cancelled: 'red',
};
const ELIGIBILITY_TONE: Record<string, 'green' | 'red' | 'amber' | 'slate'> = { valid: 'green', expired: 'red', unknown: 'amber', unavailable: 'amber', not_checked: 'slate' };
const NEXT_LABEL: Partial<Record<VisitStatusValue, string>> = { waiting: '診察待ちへ', in_consultation: '診察開始', billing: '会計へ', done: '完了' };

async function fetchQueue(): Promise<QueueDto | undefined> {
  const res = await fetch('/api/internal/reception/queue', { cache: 'no-store', headers: backgroundRequestHeaders });
  if (res.status === 401) {
    window.location.href = '/login?reason=ended';
    return undefined;
  }
  if (!res.ok) throw new Error('受付一覧を取得できませんでした。');
  return res.json();
}

export function ReceptionBoard(props: { initialQueue: QueueDto; canCheckIn: boolean; canRegister: boolean; canOpenChart: boolean; canRecheck: boolean }) {
  const queryClient = useQueryClient();
  const queue = useQuery({ queryKey: ['reception-queue'], queryFn: fetchQueue, initialData: props.initialQueue, refetchInterval: 5_000 });
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [registering, setRegistering] = useState(false);
  const [showDone, setShowDone] = useState(false);

  const refresh = () => queryClient.invalidateQueries({ queryKey: ['reception-queue'] });

  const checkIn = (p: PatientDto) =>
    startTransition(async () => {
      setError(null);
      setNotice(null);
      const r = await checkInAction({ patientId: p.id });
      if (!r.ok) return setError(r.error);
      const e = r.data.eligibility;
      setNotice(`${p.fullName}さんを受付しました（受付番号 ${r.data.receptionNumber}）。資格確認: ${e ? ELIGIBILITY_LABELS[e.result] + ('message' in e ? `（${e.message}）` : '') : '保険情報なし'}`);
      refresh();
    });

  const move = (visitId: string, status: VisitStatusValue) =>
    startTransition(async () => {
      setError(null);
      const r = await changeVisitStatusAction({ visitId, status });
      if (!r.ok) setError(r.error);
      refresh();
    });

  const recheck = (visitId: string) =>
    startTransition(async () => {
      const r = await recheckEligibilityAction({ visitId });
      if (!r.ok) setError(r.error);
      refresh();
    });

  const rows = (queue.data?.entries ?? []).filter((v) => showDone || (v.status !== 'done' && v.status !== 'cancelled'));
  const counts = (queue.data?.entries ?? []).reduce<Record<string, number>>((acc, v) => ({ ...acc, [v.status]: (acc[v.status] ?? 0) + 1 }), {});

  return (
    <div className="mx-auto flex max-w-7xl flex-col gap-4">
      <div className="flex items-center justify-between">
        <h1 className="text-xl font-bold">受付 <span className="text-base font-normal text-slate-500" data-testid="reception-day">{queue.data?.dateLabel ?? props.initialQueue.dateLabel}</span></h1>
        <div className="flex gap-2 text-xs">
          {(['received', 'waiting', 'in_consultation', 'billing', 'done'] as const).map((s) => (
            <Badge key={s} tone={STATUS_TONE[s]}>{VISIT_STATUS_LABELS[s]} {counts[s] ?? 0}</Badge>
          ))}
        </div>
      </div>
      {error && <ErrorBanner>{error}</ErrorBanner>}
      {notice && <NoticeBanner><span data-testid="reception-notice">{notice}</span></NoticeBanner>}
      {props.canCheckIn && (
        <Card title="患者を探して受付" actions={props.canRegister && <Button variant="secondary" onClick={() => setRegistering((r) => !r)}>{registering ? '閉じる' : '新規患者を登録して受付'}</Button>}>
          {registering ? (
            <PatientForm onSaved={(p) => { setRegistering(false); checkIn(p); }} />
          ) : (
            <PatientSearch onPick={checkIn} recentWhenEmpty={false} actions={(p) => <Button disabled={pending} onClick={() => checkIn(p)}>受付</Button>} />
          )}
          <p className="mt-2 text-xs text-slate-500">名前・カナ・患者番号を入力して Enter で先頭の患者を受付します。</p>
        </Card>
      )}
      <Card title="本日の受付一覧" actions={<label className="flex items-center gap-1 text-xs"><input type="checkbox" checked={showDone} onChange={(e) => setShowDone(e.target.checked)} />完了・キャンセルも表示</label>}>
        <table className="w-full text-sm">
          <thead className="text-left text-xs text-slate-500">
            <tr>
              <th className="py-1">番号</th><th>受付時刻</th><th>待ち時間</th><th>患者</th><th>状態</th><th>資格確認</th><th className="text-right">操作</th>
            </tr>
          </thead>
          <tbody data-testid="reception-queue">
            {rows.map((v) => {
              const next = VISIT_TRANSITIONS[v.status].filter((s) => s !== 'cancelled' && NEXT_LABEL[s] && ['received', 'waiting', 'in_consultation', 'billing'].indexOf(s) >= ['received', 'waiting', 'in_consultation', 'billing'].indexOf(v.status));
              return (
                <tr key={v.visitId} className="border-t border-slate-100" data-status={v.status}>
                  <td className="py-1.5 font-mono text-base font-bold">
                    {v.receptionNumber}
                    {v.carriedOver && <span className="ml-1"><Badge tone="amber">前日 {v.visitDate.slice(5).replace('-', '/')}</Badge></span>}
                  </td>
                  <td>{new Date(v.arrivedAt).toLocaleTimeString('ja-JP', { hour: '2-digit', minute: '2-digit', timeZone: 'Asia/Tokyo' })}</td>
                  <td>{v.waitingMinutes !== null ? <span className={v.waitingMinutes >= 30 ? 'font-bold text-red-700' : ''}>{v.waitingMinutes}分</span> : '−'}</td>
                  <td>
                    <div className="font-medium">{props.canOpenChart ? <Link className="text-teal-800 hover:underline" href={`/patients/${v.patient.id}`}>{v.patient.name}</Link> : v.patient.name}</div>
                    <div className="text-xs text-slate-500">{v.patient.kana}・{v.patient.age}歳 {v.patient.sex}・No.{v.patient.patientNumber}</div>
                  </td>
                  <td><Badge tone={STATUS_TONE[v.status]}>{VISIT_STATUS_LABELS[v.status]}</Badge></td>
                  <td title={v.eligibilityMessage ?? undefined}>
                    <Badge tone={ELIGIBILITY_TONE[v.eligibility] ?? 'slate'}>{ELIGIBILITY_LABELS[v.eligibility as keyof typeof ELIGIBILITY_LABELS]}</Badge>
                    {props.canRecheck && v.eligibility !== 'valid' && <button type="button" className="ml-1 text-xs text-teal-700 underline" onClick={() => recheck(v.visitId)}>再確認</button>}
                  </td>
                  <td className="space-x-1 text-right">
                    {props.canCheckIn && next.map((s) => <Button key={s} variant="secondary" disabled={pending} onClick={() => move(v.visitId, s)}>{NEXT_LABEL[s]}</Button>)}
                    {props.canCheckIn && VISIT_TRANSITIONS[v.status].includes('cancelled') && <Button variant="ghost" disabled={pending} onClick={() => move(v.visitId, 'cancelled')}>取消</Button>}
                  </td>
                </tr>
              );
            })}
            {rows.length === 0 && <tr><td colSpan={7} className="py-6 text-center text-slate-500">受付中の患者はいません。</td></tr>}
          </tbody>
        </table>
        <p className="mt-2 text-right text-xs text-slate-500">{queue.isFetching ? '更新中…' : '5秒ごとに自動更新'}</p>
      </Card>
    </div>
  );
}
