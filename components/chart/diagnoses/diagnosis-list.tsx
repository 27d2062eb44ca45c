'use client';

import Link from 'next/link';
import { useState } from 'react';
import { openAndFocus, useChartCommand } from '@/components/chart/chart-commands';
import { AddRecordButton, InlineRecordForm, RecordRowActions, RetractForm, useRecordAction } from '@/components/chart/record-forms';
import { recordDiagnosisOutcomeAction, retractDiagnosisAction, setDiagnosisFlagAction } from '@/lib/records/diagnoses/diagnosis.actions';
import type { DiagnosisDto } from '@/lib/records/diagnoses/diagnosis.dto';
import { DIAGNOSIS_OUTCOMES, FLAG_LABELS, OUTCOME_LABELS, type DiagnosisFlag } from '@/lib/records/diagnoses/diagnosis.constants';
import { formatDateTimeJst, todayJst } from '@/lib/core/dates';
import { Badge, Button, inputClass } from '@/components/ui/ui';
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
      {d.undelivered && <Badge tone="slate">未提供</Badge>}
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
    openAndFocus(() => setMode({ kind: 'add' }), () => document.getElementById('diagnosis-disease'));
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
          <RecordRowActions onEdit={() => setMode({ kind: 'edit', id: d.id })} onRetract={() => setMode({ kind: 'retract', id: d.id })}>
            {d.isActive && (
              <Button variant="ghost" className="px-1.5 py-0.5 text-xs" onClick={() => setMode({ kind: 'outcome', id: d.id })}>
                転帰
              </Button>
            )}
          </RecordRowActions>
        )}
      </div>
      {canFlag && <FlagToggles d={d} />}
      {mode?.kind === 'edit' && mode.id === d.id && <DiagnosisForm patientId={patientId} initial={d} onDone={() => setMode(null)} />}
      {mode?.kind === 'outcome' && mode.id === d.id && <OutcomeForm d={d} onDone={() => setMode(null)} />}
      {mode?.kind === 'retract' && mode.id === d.id && (
        <RetractForm
          label="傷病名の取消"
          hint="取消理由（入力誤りなど。記録は履歴に残ります）"
          onRetract={(reason) => retractDiagnosisAction({ diagnosisId: d.id, reason })}
          onDone={() => setMode(null)}
        />
      )}
    </li>
  );

  return (
    <div className="flex flex-col gap-2">
      {canWrite && mode?.kind !== 'add' && <AddRecordButton label="傷病名を追加" shortcut="Alt+D" onClick={() => setMode({ kind: 'add' })} />}
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

function FlagToggles({ d }: { d: DiagnosisDto }) {
  const { pending, error, run } = useRecordAction(() => undefined);
  const toggle = (flag: DiagnosisFlag, value: boolean) => {
    const label = FLAG_LABELS[flag];
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
      <label className="inline-flex items-center gap-1" title="電子カルテ情報共有サービスに提供しない">
        <input type="checkbox" checked={d.undelivered} disabled={pending} onChange={(e) => toggle('undelivered', e.target.checked)} /> 未提供
      </label>
      {error && <span className="text-red-700">{error}</span>}
    </div>
  );
}

function OutcomeForm({ d, onDone }: { d: DiagnosisDto; onDone: () => void }) {
  const [outcome, setOutcome] = useState<(typeof DIAGNOSIS_OUTCOMES)[number]>('cured');
  const [endDate, setEndDate] = useState(todayJst());
  return (
    <InlineRecordForm label="転帰の登録" submitLabel="登録" onSubmit={() => recordDiagnosisOutcomeAction({ diagnosisId: d.id, outcome, endDate })} onDone={onDone}>
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
    </InlineRecordForm>
  );
}
