'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { useChartCommand } from '@/components/chart/chart-commands';
import { recordDiagnosisOutcomeAction, retractDiagnosisAction, setDiagnosisFlagAction } from '@/lib/records/diagnoses/diagnosis.actions';
import type { DiagnosisDto } from '@/lib/records/diagnoses/diagnosis.dto';
import { DIAGNOSIS_OUTCOMES, OUTCOME_LABELS, type DiagnosisFlag } from '@/lib/records/diagnoses/diagnosis.constants';
import { formatDateTimeJst, todayJst } from '@/lib/core/dates';
import { Badge, Button, ErrorBanner, inputClass } from '@/components/ui/ui';
import { DiagnosisForm } from './diagnosis-form';

type Mode = { kind: 'add' } | { kind: 'edit' | 'outcome' | 'retract'; id: string } | null;

const slash = (iso: string) => iso.replaceAll('-', '/');

/** Badges shown wherever a diagnosis appears in the chart. 未告知 is loud on purpose. */
export function DiagnosisBadges({ d }: { d: DiagnosisDto }) {
  return (
    <>
      {d.isPrimary && <Badge tone="teal">主病名</Badge>}
      {d.isSuspected && <Badge tone="amber">疑い</Badge>}
      {d.uninformed && (
        <span className="inline-flex items-center rounded bg-red-600 px-1.5 py-0.5 text-xs font-bold text-white" title="患者に未告知。患者向けの文書には出力されません。">
          未告知{d.flagsChangedAt && `（${formatDateTimeJst(new Date(d.flagsChangedAt)).slice(0, 10)}〜）`}
        </span>
      )}
      {d.longTermStorage && <Badge tone="blue">長期保存</Badge>}
      {!d.isCoded && <Badge tone="slate">コードなし</Badge>}
    </>
  );
}

/** 問題リスト (problem list): active diagnoses first, 主病名 on top, resolved ones collapsed. */
export function DiagnosisList({ patientId, diagnoses, canWrite, canFlag }: { patientId: string; diagnoses: DiagnosisDto[]; canWrite: boolean; canFlag: boolean }) {
  const [mode, setMode] = useState<Mode>(null);
  const active = diagnoses.filter((d) => d.isActive);
  const resolved = diagnoses.filter((d) => !d.isActive);

  useChartCommand(['add-diagnosis'], () => {
    if (!canWrite) return;
    setMode({ kind: 'add' });
    setTimeout(() => document.getElementById('diagnosis-disease')?.focus());
  });

  const row = (d: DiagnosisDto) => (
    <li key={d.id} className="py-1.5" data-testid="diagnosis-row">
      <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
        <span className={d.isActive ? 'font-medium' : 'text-slate-500'}>{d.displayName}</span>
        <DiagnosisBadges d={d} />
        <span className="text-xs text-slate-500">
          {slash(d.startDate)}〜{d.endDate ? `${slash(d.endDate)}（${d.outcomeLabel}）` : ''}
        </span>
        {canWrite && (
          <span className="ml-auto flex gap-1">
            <Button variant="ghost" className="px-1.5 py-0.5 text-xs" onClick={() => setMode({ kind: 'edit', id: d.id })}>
              修正
            </Button>
            {d.isActive && (
              <Button variant="ghost" className="px-1.5 py-0.5 text-xs" onClick={() => setMode({ kind: 'outcome', id: d.id })}>
                転帰
              </Button>
            )}
            <Button variant="ghost" className="px-1.5 py-0.5 text-xs text-red-700" onClick={() => setMode({ kind: 'retract', id: d.id })}>
              取消
            </Button>
          </span>
        )}
      </div>
      {canFlag && <FlagToggles d={d} />}
      {mode?.kind === 'edit' && mode.id === d.id && <DiagnosisForm patientId={patientId} initial={d} onDone={() => setMode(null)} />}
      {mode?.kind === 'outcome' && mode.id === d.id && <OutcomeForm d={d} onDone={() => setMode(null)} />}
      {mode?.kind === 'retract' && mode.id === d.id && <RetractForm d={d} onDone={() => setMode(null)} />}
    </li>
  );

  return (
    <div className="flex flex-col gap-2">
      {canWrite && mode?.kind !== 'add' && (
        <div>
          <Button variant="secondary" className="text-xs" onClick={() => setMode({ kind: 'add' })} title="Alt+D">
            ＋ 傷病名を追加 <kbd className="text-[10px] text-slate-500">Alt+D</kbd>
          </Button>
        </div>
      )}
      {mode?.kind === 'add' && <DiagnosisForm patientId={patientId} onDone={() => setMode(null)} />}
      {active.length === 0 && <p className="text-sm text-slate-500">継続中の傷病名はありません。</p>}
      <ul className="divide-y divide-slate-100 text-sm" aria-label="継続中の傷病名">
        {active.map(row)}
      </ul>
      {resolved.length > 0 && (
        <details className="text-sm">
          <summary className="cursor-pointer text-xs text-slate-600">転帰済みの傷病名（{resolved.length}件）</summary>
          <ul className="divide-y divide-slate-100" aria-label="転帰済みの傷病名">
            {resolved.map(row)}
          </ul>
        </details>
      )}
      <Link href={`/patients/${patientId}/diagnoses`} className="self-end text-xs text-teal-700 hover:underline">
        傷病名の履歴（全版）
      </Link>
    </div>
  );
}

function useActionRunner(onDone: () => void) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const run = (fn: () => Promise<{ ok: true } | { ok: false; error: string }>) =>
    startTransition(async () => {
      setError(null);
      const r = await fn();
      if (!r.ok) {
        setError(r.error);
        return;
      }
      onDone();
      router.refresh();
    });
  return { pending, error, run };
}

function FlagToggles({ d }: { d: DiagnosisDto }) {
  const { pending, error, run } = useActionRunner(() => undefined);
  const toggle = (flag: DiagnosisFlag, value: boolean) => {
    const label = flag === 'uninformed' ? '未告知' : '長期保存';
    if (!window.confirm(`「${d.displayName}」の${label}フラグを${value ? '設定' : '解除'}しますか？（新しい版として記録されます）`)) return;
    run(() => setDiagnosisFlagAction({ diagnosisId: d.id, flag, value }));
  };
  return (
    <div className="mt-0.5 flex flex-wrap items-center gap-3 text-xs text-slate-600">
      <label className="inline-flex items-center gap-1">
        <input type="checkbox" checked={d.uninformed} disabled={pending} onChange={(e) => toggle('uninformed', e.target.checked)} /> 未告知
      </label>
      <label className="inline-flex items-center gap-1">
        <input type="checkbox" checked={d.longTermStorage} disabled={pending} onChange={(e) => toggle('longTermStorage', e.target.checked)} /> 長期保存
      </label>
      {error && <span className="text-red-700">{error}</span>}
    </div>
  );
}

function OutcomeForm({ d, onDone }: { d: DiagnosisDto; onDone: () => void }) {
  const { pending, error, run } = useActionRunner(onDone);
  const [outcome, setOutcome] = useState<(typeof DIAGNOSIS_OUTCOMES)[number]>('cured');
  const [endDate, setEndDate] = useState(todayJst());
  return (
    <form
      className="mt-1 flex flex-wrap items-end gap-2 rounded border border-slate-200 bg-slate-50 p-2"
      aria-label="転帰の登録"
      onSubmit={(e) => {
        e.preventDefault();
        run(() => recordDiagnosisOutcomeAction({ diagnosisId: d.id, outcome, endDate }));
      }}
      onKeyDown={(e) => e.key === 'Escape' && onDone()}
    >
      <label className="flex flex-col text-xs">
        転帰
        <select autoFocus className={inputClass} value={outcome} onChange={(e) => setOutcome(e.target.value as typeof outcome)}>
          {DIAGNOSIS_OUTCOMES.map((o) => (
            <option key={o} value={o}>
              {OUTCOME_LABELS[o]}
            </option>
          ))}
        </select>
      </label>
      <label className="flex flex-col text-xs">
        転帰日
        <input type="date" required className={inputClass} value={endDate} min={d.startDate} onChange={(e) => setEndDate(e.target.value)} />
      </label>
      <Button type="submit" disabled={pending}>
        登録
      </Button>
      <Button variant="secondary" onClick={onDone}>
        キャンセル
      </Button>
      {error && <div className="w-full"><ErrorBanner>{error}</ErrorBanner></div>}
    </form>
  );
}

function RetractForm({ d, onDone }: { d: DiagnosisDto; onDone: () => void }) {
  const { pending, error, run } = useActionRunner(onDone);
  const [reason, setReason] = useState('');
  return (
    <form
      className="mt-1 flex flex-wrap items-end gap-2 rounded border border-red-200 bg-red-50 p-2"
      aria-label="傷病名の取消"
      onSubmit={(e) => {
        e.preventDefault();
        run(() => retractDiagnosisAction({ diagnosisId: d.id, reason }));
      }}
      onKeyDown={(e) => e.key === 'Escape' && onDone()}
    >
      <label className="flex min-w-64 flex-1 flex-col text-xs">
        取消理由（入力誤りなど。記録は履歴に残ります）
        <input autoFocus required className={inputClass} value={reason} maxLength={200} onChange={(e) => setReason(e.target.value)} />
      </label>
      <Button type="submit" variant="danger" disabled={pending}>
        取消
      </Button>
      <Button variant="secondary" onClick={onDone}>
        キャンセル
      </Button>
      {error && <div className="w-full"><ErrorBanner>{error}</ErrorBanner></div>}
    </form>
  );
}
