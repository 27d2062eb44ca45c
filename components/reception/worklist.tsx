'use client';

import { useQuery } from '@tanstack/react-query';
import { backgroundRequestHeaders } from '@/lib/web/request-headers';
import { sessionEnded } from '@/lib/web/session-exit';
import type { QueueDto } from '@/lib/reception/visit.service';
import { VISIT_STATUS_LABELS } from '@/lib/reception/visit.constants';
import { Badge, Card, LinkButton } from '@/components/ui/ui';
import { OpenChartLink } from './open-chart-link';

const time = (iso: string) => new Date(iso).toLocaleTimeString('ja-JP', { hour: '2-digit', minute: '2-digit', timeZone: 'Asia/Tokyo' });

async function fetchWorklist(): Promise<QueueDto | undefined> {
  const res = await fetch('/api/internal/reception/worklist', { cache: 'no-store', headers: backgroundRequestHeaders });
  if (res.status === 401) {
    sessionEnded();
    return undefined;
  }
  if (!res.ok) throw new Error('診察待ちの一覧を取得できませんでした。');
  return res.json();
}

/**
 * 診察待ち: the doctor's own list; opening a patient starts the consultation (診察中). Polled every 10 s as a background
 * request, so an unattended list still reaches the idle timeout.
 */
export function Worklist({ initialList, startsConsultation }: { initialList: QueueDto; startsConsultation: boolean }) {
  const query = useQuery({ queryKey: ['worklist'], queryFn: fetchWorklist, initialData: initialList, refetchInterval: 10_000 });
  const list = query.data ?? initialList;
  return (
    <div className="mx-auto flex max-w-5xl flex-col gap-4">
      <div className="flex items-center justify-between">
        <h1 className="text-xl font-bold">診察待ち <span className="text-base font-normal text-slate-500">{list.dateLabel}</span></h1>
        <LinkButton href="/reception">受付一覧へ</LinkButton>
      </div>
      <Card title="担当の患者（担当医が自分か未定の受付）">
        <table className="w-full text-sm">
          <thead className="text-left text-xs text-slate-500">
            <tr><th className="py-1">番号</th><th>受付時刻</th><th>待ち時間</th><th>患者</th><th>状態</th><th>受付メモ</th></tr>
          </thead>
          <tbody data-testid="worklist">
            {list.entries.map((v) => (
              <tr key={v.visitId} className="border-t border-slate-100" data-status={v.status}>
                <td className="py-1.5 font-mono text-base font-bold">{v.receptionNumber}{v.carriedOver && <span className="ml-1"><Badge tone="amber">前日</Badge></span>}</td>
                <td>{time(v.arrivedAt)}</td>
                <td>{v.waitingMinutes !== null ? <span className={v.waitingMinutes >= 30 ? 'font-bold text-red-700' : ''}>{v.waitingMinutes}分</span> : '−'}</td>
                <td>
                  <div className="font-medium">
                    <OpenChartLink className="text-teal-800 hover:underline" visitId={v.visitId} patientId={v.patient.id} starts={startsConsultation}>{v.patient.name}</OpenChartLink>
                  </div>
                  <div className="text-xs text-slate-500">{v.patient.kana}・{v.patient.age}歳 {v.patient.sex}・No.{v.patient.patientNumber}{v.doctorName ? '' : '・担当医未定'}</div>
                </td>
                <td><Badge tone={v.status === 'in_consultation' ? 'teal' : v.status === 'waiting' ? 'amber' : 'blue'}>{VISIT_STATUS_LABELS[v.status]}</Badge></td>
                <td className="text-xs text-slate-600">{v.memo ?? ''}</td>
              </tr>
            ))}
            {list.entries.length === 0 && <tr><td colSpan={6} className="py-6 text-center text-slate-500">診察待ちの患者はいません。</td></tr>}
          </tbody>
        </table>
      </Card>
    </div>
  );
}
