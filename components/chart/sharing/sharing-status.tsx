'use client';

import Link from 'next/link';
import { useEffect, useState, useTransition } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { resendSharingUnitAction } from '@/lib/sharing/sharing.actions';
import type { UnitState } from '@/lib/sharing/sharing.constants';
import type { PatientSharingStatusDto, SharingIssueDto, SharingUnitStatusDto } from '@/lib/sharing/sharing.dto';
import { backgroundRequestHeaders } from '@/lib/web/request-headers';
import { sessionEnded } from '@/lib/web/session-exit';
import { Badge, ErrorBanner } from '@/components/ui/ui';
import { STATE_TONE } from './sharing-tones';


const shortTime = (iso: string | null) =>
  iso ? new Intl.DateTimeFormat('ja-JP', { timeZone: 'Asia/Tokyo', month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit' }).format(new Date(iso)) : '';

/** The findings of a refused unit: what, where, and a link to the record to fix. */
export function SharingIssueList({ issues }: { issues: SharingIssueDto[] }) {
  if (issues.length === 0) return null;
  return (
    <ul className="mt-1 list-disc pl-5 text-xs">
      {issues.map((i, n) => (
        <li key={n} className={i.severity === 'error' ? 'text-red-800' : 'text-amber-800'}>
          {i.record && <span className="font-medium">{i.record}</span>}
          {i.field && <span>「{i.field}」</span>}
          {(i.record || i.field) && '：'}
          {i.message}
          {i.href && (
            <Link href={i.href} className="ml-1 text-teal-800 underline">
              記録を開く
            </Link>
          )}
        </li>
      ))}
    </ul>
  );
}

/** 再送 of one unit; calls back with the unit's new state. */
export function ResendButton({ unit, onDone, label = '再送' }: { unit: Pick<SharingUnitStatusDto, 'unitId' | 'title'>; onDone: (u: SharingUnitStatusDto) => void; label?: string }) {
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  if (!unit.unitId) return null;
  const unitId = unit.unitId;
  return (
    <span className="inline-flex flex-col items-end gap-1">
      <button
        type="button"
        className="rounded border border-slate-300 bg-white px-2 py-0.5 text-xs font-medium text-slate-800 hover:bg-slate-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-teal-500 disabled:text-slate-400"
        disabled={pending}
        aria-label={`${unit.title}を${label}`}
        onClick={() =>
          startTransition(async () => {
            setError(null);
            const r = await resendSharingUnitAction({ unitId });
            if (!r.ok) return setError(r.error);
            onDone(r.data);
          })
        }
      >
        {pending ? '再送中…' : label}
      </button>
      {error && <span role="alert" className="text-xs text-red-700">{error}</span>}
    </span>
  );
}

async function fetchStatus(patientId: string): Promise<PatientSharingStatusDto | undefined> {
  const res = await fetch(`/api/internal/patients/${patientId}/sharing`, { cache: 'no-store', headers: backgroundRequestHeaders });
  if (res.status === 401) {
    sessionEnded();
    return undefined;
  }
  if (!res.ok) throw new Error('共有状況を取得できませんでした。');
  return res.json();
}

const MOVING: readonly UnitState[] = ['pending', 'sending', 'retry_wait'];

function UnitRow({ unit, canResend, onResent }: { unit: SharingUnitStatusDto; canResend: boolean; onResent: (u: SharingUnitStatusDto) => void }) {
  const when = unit.state === 'sent' ? shortTime(unit.sentAt) : shortTime(unit.lastAttemptAt ?? unit.changedAt);
  return (
    <li data-testid="sharing-unit" data-kind={unit.kind} data-state={unit.state} className="border-t border-slate-100 py-1 first:border-t-0">
      <div className="flex items-center gap-2">
        <span className="min-w-0 flex-1 truncate" title={unit.title}>
          {unit.title}
        </span>
        {unit.state === 'sent' && unit.removed && <span className="text-xs text-slate-500">削除済</span>}
        <span className="text-xs text-slate-500">{when}</span>
        <Badge tone={STATE_TONE[unit.state]}>{unit.stateLabel}</Badge>
        {canResend && unit.resendable && unit.state !== 'pending' && <ResendButton unit={unit} onDone={onResent} label={unit.state === 'retry_wait' ? '今すぐ再送' : '再送'} />}
      </div>
      {unit.state === 'error' && (
        <div className="mt-1 rounded bg-red-50 px-2 py-1 text-xs text-red-900" data-testid="sharing-error">
          {unit.reason ?? '送信できませんでした。'}
          <SharingIssueList issues={unit.issues} />
        </div>
      )}
      {unit.state === 'retry_wait' && <p className="mt-0.5 text-xs text-amber-800">{unit.reason ?? '共有サービスに接続できません。自動で再送します。'}</p>}
    </li>
  );
}

/**
 * 情報共有 in the chart: one line per 報告単位 (傷病名, アレルギー, each 検査 report) with its state; エラー opens the reason
 * and what to fix, 再送 after fixing. Polls while something is on its way.
 */
export function SharingStatus({ initial, canResend, previewHref }: { initial: PatientSharingStatusDto; canResend: boolean; previewHref: string | null }) {
  const queryClient = useQueryClient();
  const queryKey = ['sharing-status', initial.patientId];
  const status = useQuery({
    queryKey,
    queryFn: () => fetchStatus(initial.patientId),
    initialData: initial,
    refetchInterval: (q) => (q.state.data?.units.some((u) => MOVING.includes(u.state)) ? 2_000 : 10_000),
  });
  // a chart refresh after a record was saved renders the panel again on the server: take its fresher state at once
  useEffect(() => {
    queryClient.setQueryData(['sharing-status', initial.patientId], initial);
  }, [initial, queryClient]);
  const units = status.data?.units ?? [];
  const errors = units.filter((u) => u.state === 'error').length;
  const onResent = (u: SharingUnitStatusDto) => {
    queryClient.setQueryData<PatientSharingStatusDto>(queryKey, (old) => (old ? { ...old, units: old.units.map((x) => (x.key === u.key ? u : x)) } : old));
    void queryClient.invalidateQueries({ queryKey });
  };
  return (
    <section className="rounded-lg border border-slate-200 bg-white shadow-sm" aria-labelledby="sharing-status-title" data-testid="sharing-status">
      <header className="flex items-center justify-between border-b border-slate-100 px-4 py-2">
        <h2 id="sharing-status-title" className="text-sm font-semibold text-slate-800">
          情報共有
          {errors > 0 && <span className="ml-2 text-xs font-normal text-red-700">エラー {errors}件</span>}
        </h2>
        {previewHref && (
          <Link href={previewHref} className="rounded border border-slate-300 px-2 py-1 text-xs text-slate-800 hover:bg-slate-100">
            送信内容を確認
          </Link>
        )}
      </header>
      <div className="px-4 py-2 text-sm">
        {status.error && <ErrorBanner>共有状況を更新できませんでした。</ErrorBanner>}
        {units.length === 0 ? (
          <p className="text-xs text-slate-500">電子カルテ情報共有サービスに送る記録（傷病名・アレルギー・検査）はまだありません。</p>
        ) : (
          <ul>
            {units.map((u) => (
              <UnitRow key={u.key} unit={u} canResend={canResend} onResent={onResent} />
            ))}
          </ul>
        )}
      </div>
    </section>
  );
}
