'use client';

import { useEffect, useRef, useState } from 'react';
import { Button, inputClass } from '@/components/ui/ui';
import type { SafetyReport } from '@/lib/records/prescriptions/safety-check';

const MATCH_LABELS = { same_drug: '同一薬品', same_ingredient: '同一成分', same_ingredient_name: '同一成分（一般名）', same_class: '同じ薬効分類' } as const;
const SEVERITY_LABELS: Record<string, string> = { mild: '軽度', moderate: '中等度', severe: '重度' };

export type SafetyAck = { allergyOverrideReason?: string; duplicateAcknowledged: boolean; limitOverrideReason?: string };

/**
 * The order-time warnings: drug allergy (red, a reason is required), 重複投薬 (must be acknowledged) and 投与日数・投与量
 * over a legal limit or the clinic's maximum (a reason is required, docs/decisions/0044).
 * Resubmits through onAcknowledge with what the doctor entered.
 */
export function SafetyDialog({
  report,
  initialReason,
  initialLimitReason,
  busy,
  onAcknowledge,
  onCancel,
}: {
  report: SafetyReport;
  initialReason?: string | null;
  initialLimitReason?: string | null;
  busy?: boolean;
  onAcknowledge: (ack: SafetyAck) => void;
  onCancel: () => void;
}) {
  const [reason, setReason] = useState(initialReason ?? '');
  const [dupAck, setDupAck] = useState(false);
  const [limitReason, setLimitReason] = useState(initialLimitReason ?? '');
  const first = useRef<HTMLTextAreaElement & HTMLInputElement>(null);
  const hasAllergy = report.allergyConflicts.length > 0;
  const hasDup = report.duplicates.length > 0;
  const limits = report.limits ?? [];
  const hasLimit = limits.length > 0;
  const ready = (!hasAllergy || reason.trim().length > 0) && (!hasDup || dupAck) && (!hasLimit || limitReason.trim().length > 0);

  useEffect(() => first.current?.focus(), []);

  return (
    <div className="fixed inset-0 z-50 flex items-center justify-center bg-slate-900/40 p-4" role="presentation" onKeyDown={(e) => e.key === 'Escape' && onCancel()}>
      <div role="alertdialog" aria-modal="true" aria-labelledby="rx-safety-title" className={`w-full max-w-xl rounded-lg border-2 bg-white shadow-xl ${hasAllergy ? 'border-red-600' : 'border-amber-500'}`}>
        <header className={`px-4 py-2 text-sm font-bold text-white ${hasAllergy ? 'bg-red-600' : 'bg-amber-600'}`} id="rx-safety-title">
          {hasAllergy ? '薬剤アレルギー警告' : hasLimit ? '投与日数・投与量の上限' : '重複投薬の確認'}
        </header>
        <div className="flex flex-col gap-3 p-4 text-sm">
          {hasAllergy && (
            <section>
              <p className="mb-1 font-semibold text-red-800">登録されている薬剤アレルギーに該当します。</p>
              <ul className="list-disc space-y-1 pl-5 text-red-900" data-testid="rx-allergy-conflicts">
                {report.allergyConflicts.map((c, i) => (
                  <li key={i}>
                    <span className="font-medium">{c.drugName}</span> — アレルギー「{c.substanceName}」と{MATCH_LABELS[c.matchType]}
                    {c.severity && `（${SEVERITY_LABELS[c.severity] ?? c.severity}）`}
                    {c.reaction && `：${c.reaction}`}
                  </li>
                ))}
              </ul>
              <label htmlFor="rx-override-reason" className="mt-2 block text-xs font-medium text-slate-700">
                それでも処方する理由<span className="ml-1 text-red-600">*</span>
              </label>
              <textarea id="rx-override-reason" ref={first} className={inputClass} rows={2} maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} />
            </section>
          )}
          {hasDup && (
            <section>
              <p className="mb-1 font-semibold text-amber-800">重複投薬の可能性があります。</p>
              <ul className="list-disc space-y-1 pl-5 text-amber-900" data-testid="rx-duplicates">
                {report.duplicates.map((d, i) => (
                  <li key={i}>
                    <span className="font-medium">{d.drugName}</span> と {d.otherDrugName}（{MATCH_LABELS[d.matchType]}、
                    {d.source === 'this_prescription' ? 'この処方内' : `${d.otherIssuedDate} 処方・${d.otherActiveUntil} まで服用中`}）
                  </li>
                ))}
              </ul>
              <label className="mt-2 flex items-center gap-2 text-sm">
                <input type="checkbox" ref={hasAllergy ? undefined : first} checked={dupAck} onChange={(e) => setDupAck(e.target.checked)} />
                重複を確認のうえ処方します
              </label>
            </section>
          )}
          {hasLimit && (
            <section>
              <p className="mb-1 font-semibold text-amber-800">上限を超えています。</p>
              <ul className="list-disc space-y-1 pl-5 text-amber-900" data-testid="rx-limits">
                {limits.map((f, i) => (
                  <li key={i}>
                    <span className="font-medium">{f.drugName}</span> — {f.message}
                  </li>
                ))}
              </ul>
              <label htmlFor="rx-limit-reason" className="mt-2 block text-xs font-medium text-slate-700">
                上限を超えて処方する理由（長期の旅行等の特殊の事情など）<span className="ml-1 text-red-600">*</span>
              </label>
              <textarea id="rx-limit-reason" ref={hasAllergy || hasDup ? undefined : first} className={inputClass} rows={2} maxLength={500} value={limitReason} onChange={(e) => setLimitReason(e.target.value)} />
            </section>
          )}
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={onCancel}>
              戻って修正
            </Button>
            <Button variant={hasAllergy ? 'danger' : 'primary'} disabled={!ready || busy} onClick={() => onAcknowledge({ allergyOverrideReason: hasAllergy ? reason.trim() : undefined, duplicateAcknowledged: dupAck, limitOverrideReason: hasLimit ? limitReason.trim() : undefined })}>
              承知して続ける
            </Button>
          </div>
        </div>
      </div>
    </div>
  );
}
