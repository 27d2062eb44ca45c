'use client';

import { useState } from 'react';
import type { SharingPreviewUnitDto } from '@/lib/sharing/sharing.dto';
import { Badge, cx } from '@/components/ui/ui';
import { SharingIssueList } from './sharing-status';
import { STATE_TONE } from './sharing-tones';

const ACTION_TONE = { register: 'teal', unchanged: 'slate', delete: 'amber', none: 'slate' } as const;

function Readable({ unit }: { unit: SharingPreviewUnitDto }) {
  const r = unit.rendered!;
  return (
    <div className="flex flex-col gap-3 text-sm">
      <dl className="grid grid-cols-[8rem_1fr] gap-x-3 gap-y-0.5 rounded bg-slate-50 px-3 py-2">
        {r.patient.map((row) => (
          <div key={row.label} className="contents">
            <dt className="text-xs text-slate-500">{row.label}</dt>
            <dd>{row.value}</dd>
          </div>
        ))}
      </dl>
      {r.records.map((rec) => (
        <div key={rec.id} className="rounded border border-slate-200 px-3 py-2" data-testid="preview-record">
          <div className="flex flex-wrap items-center gap-2 font-medium">
            {rec.heading}
            {rec.flags.map((f) => (
              <Badge key={f} tone="amber">{f}</Badge>
            ))}
          </div>
          <dl className="mt-1 grid grid-cols-[8rem_1fr] gap-x-3 gap-y-0.5">
            {rec.rows.map((row, i) => (
              <div key={`${row.label}-${i}`} className="contents">
                <dt className="text-xs text-slate-500">{row.label}</dt>
                <dd className="break-all">{row.value}</dd>
              </div>
            ))}
          </dl>
        </div>
      ))}
    </div>
  );
}

/** One 報告単位 as it would be sent: what happens, the findings, and the bundle readable in Japanese or as raw JSON. */
export function SharingPreviewUnit({ unit }: { unit: SharingPreviewUnitDto }) {
  const [view, setView] = useState<'readable' | 'json'>('readable');
  const errors = unit.issues.filter((i) => i.severity === 'error').length;
  const warnings = unit.issues.length - errors;
  return (
    <section className="rounded-lg border border-slate-200 bg-white shadow-sm" data-testid="preview-unit" data-kind={unit.kind} aria-label={unit.title}>
      <header className="flex flex-wrap items-center gap-2 border-b border-slate-100 px-4 py-2">
        <h2 className="text-sm font-semibold text-slate-800">{unit.title}</h2>
        {unit.state && <Badge tone={STATE_TONE[unit.state]}>{unit.stateLabel}</Badge>}
        <Badge tone={ACTION_TONE[unit.action]}>{unit.actionLabel}</Badge>
        {errors > 0 ? <Badge tone="red">エラー {errors}件（送信できません）</Badge> : unit.rendered && <Badge tone="green">検証OK</Badge>}
        {warnings > 0 && <Badge tone="amber">注意 {warnings}件</Badge>}
        {unit.rendered && (
          <div role="tablist" aria-label="表示形式" className="ml-auto flex gap-1 text-xs">
            {(['readable', 'json'] as const).map((v) => (
              <button
                key={v}
                type="button"
                role="tab"
                aria-selected={view === v}
                onClick={() => setView(v)}
                className={cx('rounded px-2 py-0.5', view === v ? 'bg-teal-700 text-white' : 'border border-slate-300 text-slate-700 hover:bg-slate-100')}
              >
                {v === 'readable' ? '内容' : 'JSON'}
              </button>
            ))}
          </div>
        )}
      </header>
      <div className="flex flex-col gap-2 p-4">
        <p className="text-xs text-slate-500">
          文書識別子 <span className="font-mono">{unit.identifier ?? '—'}</span>　被保険者個人識別子 <span className="font-mono">{unit.memberId ?? '（なし）'}</span>
        </p>
        {unit.issues.length > 0 && (
          <div className={cx('rounded px-3 py-2', errors > 0 ? 'bg-red-50' : 'bg-amber-50')} data-testid="preview-issues">
            <p className="text-xs font-medium">{errors > 0 ? '送信前の検証で見つかった問題（修正すると自動で送信されます）' : '確認をおすすめする点'}</p>
            <SharingIssueList issues={unit.issues} />
          </div>
        )}
        {unit.rendered && view === 'readable' && <Readable unit={unit} />}
        {unit.rendered && view === 'json' && (
          <pre className="max-h-[32rem] overflow-auto rounded bg-slate-900 p-3 text-xs text-slate-100" data-testid="preview-json">
            {unit.rendered.json}
          </pre>
        )}
      </div>
    </section>
  );
}
