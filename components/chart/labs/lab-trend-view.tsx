'use client';

/** 推移: an item selector and the chart; recharts is loaded only when this view renders (next/dynamic, no SSR). */
import dynamic from 'next/dynamic';
import { useState } from 'react';
import type { LabTrendDto } from '@/lib/records/lab-results/lab-result.dto';
import { cx } from '@/components/ui/ui';
import { LabValue } from './lab-flag';

const LabTrendChart = dynamic(() => import('./lab-trend-chart'), {
  ssr: false,
  loading: () => <div className="flex h-64 items-center justify-center text-sm text-slate-500">グラフを読み込み中…</div>,
});

export function LabTrendView({ trends, initialKey }: { trends: LabTrendDto[]; initialKey?: string }) {
  const [key, setKey] = useState(initialKey && trends.some((t) => t.itemKey === initialKey) ? initialKey : trends[0]?.itemKey);
  const trend = trends.find((t) => t.itemKey === key);
  if (!trend) return <p className="text-sm text-slate-500">推移を表示できる検査結果はありません。</p>;
  return (
    <div className="grid gap-4 md:grid-cols-[12rem_minmax(0,1fr)]">
      <div role="listbox" aria-label="検査項目" className="flex max-h-80 flex-col overflow-auto rounded border border-slate-200 text-sm">
        {trends.map((t) => {
          const last = t.points.at(-1);
          return (
            <button
              key={t.itemKey}
              type="button"
              role="option"
              aria-selected={t.itemKey === key}
              onClick={() => setKey(t.itemKey)}
              className={cx('flex justify-between gap-2 border-b border-slate-100 px-2 py-1 text-left', t.itemKey === key ? 'bg-teal-100' : 'hover:bg-slate-50')}
            >
              <span className="truncate">{t.itemName}</span>
              {last && <LabValue value={last.valueDisplay} flag={last.flag} className="text-xs" />}
            </button>
          );
        })}
      </div>
      <div>
        <h3 className="mb-1 text-sm font-semibold text-slate-800">
          {trend.itemName}
          {trend.unitDisplay && <span className="ml-1 text-xs font-normal text-slate-500">（{trend.unitDisplay}）</span>}
          {trend.referenceLabel && <span className="ml-2 text-xs font-normal text-slate-500">基準範囲 {trend.referenceLabel}</span>}
        </h3>
        {trend.numeric && trend.points.some((p) => p.value != null) ? (
          <LabTrendChart trend={trend} />
        ) : (
          <table className="text-sm">
            <tbody>
              {[...trend.points].reverse().map((p) => (
                <tr key={p.id} className="border-b border-slate-100">
                  <td className="py-0.5 pr-4 text-slate-500">{p.collectedAtJst}</td>
                  <td className="py-0.5">
                    <LabValue value={p.valueDisplay} flag={p.flag} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </div>
  );
}
