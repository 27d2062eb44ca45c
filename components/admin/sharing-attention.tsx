'use client';

import Link from 'next/link';
import { useState } from 'react';
import type { SharingAttentionRowDto, SharingUnitStatusDto } from '@/lib/sharing/sharing.dto';
import { Badge } from '@/components/ui/ui';
import { ResendButton, SharingIssueList } from '@/components/chart/sharing/sharing-status';
import { STATE_TONE } from '@/components/chart/sharing/sharing-tones';

const time = (iso: string | null) =>
  iso ? new Intl.DateTimeFormat('ja-JP', { timeZone: 'Asia/Tokyo', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }).format(new Date(iso)) : '—';

/** 要対応: units in エラー, waiting, stopped or late, each with its reason and 再送. */
export function SharingAttention({ rows: initial, canResend, canOpenChart }: { rows: SharingAttentionRowDto[]; canResend: boolean; canOpenChart: boolean }) {
  const [rows, setRows] = useState(initial);
  const update = (u: SharingUnitStatusDto) => setRows((old) => old.map((r) => (r.key === u.key ? { ...r, ...u, jobStopped: false, lastError: null } : r)));
  if (rows.length === 0) return <p className="text-sm text-slate-600">対応が必要な送信はありません。</p>;
  return (
    <div className="overflow-x-auto rounded border border-slate-200 bg-white">
      <table className="w-full text-sm" data-testid="sharing-attention">
        <thead className="bg-slate-50 text-left text-xs text-slate-500">
          <tr>
            <th className="px-2 py-1.5">患者</th>
            <th className="px-2 py-1.5">送信単位</th>
            <th className="px-2 py-1.5">状態</th>
            <th className="px-2 py-1.5">理由・対応</th>
            <th className="px-2 py-1.5">変更・最終試行</th>
            <th className="px-2 py-1.5"><span className="sr-only">操作</span></th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key} className="border-t border-slate-100 align-top" data-testid="sharing-attention-row" data-state={r.state}>
              <td className="px-2 py-1.5">
                <div>{r.patient.name}</div>
                <div className="text-xs text-slate-500">患者番号 {r.patient.patientNumber}</div>
              </td>
              <td className="px-2 py-1.5">{r.title}</td>
              <td className="px-2 py-1.5">
                <div className="flex flex-col items-start gap-1">
                  <Badge tone={STATE_TONE[r.state]}>{r.stateLabel}</Badge>
                  {r.jobStopped && <Badge tone="red">送信停止</Badge>}
                  {r.overdue && <Badge tone="amber">期限超過</Badge>}
                </div>
              </td>
              <td className="max-w-md px-2 py-1.5 text-xs">
                {r.reason ?? (r.jobStopped ? `送信処理が停止しました${r.lastError ? `（${r.lastError}）` : ''}。原因を取り除いて「再送」してください。` : r.overdue ? '翌朝までの送信期限を過ぎています。' : '')}
                <SharingIssueList issues={r.issues} />
                <div className="mt-1 flex gap-3">
                  <Link href={`/patients/${r.patient.id}/sharing`} className="text-teal-800 underline">送信内容を確認</Link>
                  {canOpenChart && <Link href={`/patients/${r.patient.id}`} className="text-teal-800 underline">カルテ</Link>}
                </div>
              </td>
              <td className="px-2 py-1.5 text-xs text-slate-600">
                {time(r.changedAt)}
                <br />
                {time(r.lastAttemptAt)}
              </td>
              <td className="px-2 py-1.5 text-right">{canResend && r.resendable && <ResendButton unit={r} onDone={update} />}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
