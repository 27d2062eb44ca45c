'use client';

import Link from 'next/link';
import { useState, useTransition } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { OrcaCounterAcceptanceDto } from '@/lib/orca/orca-counter.service';
import { takeOverOrcaAcceptanceAction } from '@/lib/orca/orca.actions';
import { backgroundRequestHeaders } from '@/lib/web/request-headers';
import { sessionEnded } from '@/lib/web/session-exit';
import { Button, Card, ErrorBanner, NoticeBanner } from '@/components/ui/ui';

/**
 * ORCAの窓口で受付された患者: 受付 made at ORCA's own reception screen that the EHR queue does not have yet (read from
 * ORCA every 15 s in the background). 受付に取込 puts the patient in the EHR queue, linked to ORCA's 受付.
 * Hidden for a clinic without an ORCA link, and when there is nothing to take over.
 */
export function OrcaCounterAcceptances({ initial, canCheckIn }: { initial: OrcaCounterAcceptanceDto[] | null; canCheckIn: boolean }) {
  const queryClient = useQueryClient();
  const list = useQuery({
    queryKey: ['reception-orca-counter'],
    queryFn: async (): Promise<OrcaCounterAcceptanceDto[] | null | undefined> => {
      const res = await fetch('/api/internal/reception/orca-counter', { cache: 'no-store', headers: backgroundRequestHeaders });
      if (res.status === 401) {
        sessionEnded();
        return undefined;
      }
      if (!res.ok) throw new Error('ORCAの受付を取得できませんでした。');
      return ((await res.json()) as { rows: OrcaCounterAcceptanceDto[] | null }).rows;
    },
    initialData: initial,
    refetchInterval: 10_000,
  });
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const rows = list.data ?? [];
  if (!rows.length && !notice && !error) return null;

  const takeOver = (r: OrcaCounterAcceptanceDto) =>
    startTransition(async () => {
      setError(null);
      setNotice(null);
      const result = await takeOverOrcaAcceptanceAction({ counterId: r.id });
      if (!result.ok) setError(result.error);
      else setNotice(`${r.patient?.name ?? r.name}さんを受付しました（受付番号 ${result.data.receptionNumber}・ORCA受付ID ${r.acceptanceId}）。`);
      await Promise.all([queryClient.invalidateQueries({ queryKey: ['reception-orca-counter'] }), queryClient.invalidateQueries({ queryKey: ['reception-queue'] })]);
    });

  return (
    <Card title={<>ORCAの窓口で受付された患者 <span className="text-xs font-normal text-slate-500">{rows.length}件・電子カルテの受付にまだありません</span></>}>
      {error && <ErrorBanner>{error}</ErrorBanner>}
      {notice && <NoticeBanner><span data-testid="orca-counter-notice">{notice}</span></NoticeBanner>}
      {rows.length > 0 && (
        <table className="w-full text-sm">
          <thead className="text-left text-xs text-slate-500">
            <tr><th className="py-1">ORCA受付</th><th>患者（ORCA）</th><th>電子カルテの患者</th><th className="text-right">操作</th></tr>
          </thead>
          <tbody data-testid="orca-counter-acceptances">
            {rows.map((r) => (
              <tr key={r.id} className="border-t border-slate-100">
                <td className="py-1.5 font-mono">{r.time}<div className="text-xs text-slate-500">ID {r.acceptanceId}</div></td>
                <td>
                  <div className="font-medium">{r.name}</div>
                  <div className="text-xs text-slate-500">{r.kana}・{r.birthDate}・ORCA患者番号 {r.orcaPatientId}</div>
                </td>
                <td>
                  {r.patient ? (
                    <span>{r.patient.name}（No.{r.patient.patientNumber}）</span>
                  ) : (
                    <span className="text-xs text-amber-700">
                      未連携の患者です。<Link className="underline" href="/patients/orca">ORCAで登録された患者</Link>から取り込んでください。
                    </span>
                  )}
                </td>
                <td className="text-right">
                  {canCheckIn && r.patient && <Button disabled={pending} onClick={() => takeOver(r)}>受付に取込</Button>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}
