'use client';

import Link from 'next/link';
import { useState } from 'react';
import { openAndFocus, useChartCommand } from '@/components/chart/chart-commands';
import { AddRecordButton, RecordRowActions, RetractForm } from '@/components/chart/record-forms';
import { retractAllergyAction } from '@/lib/records/allergies/allergy.actions';
import type { AllergyDto } from '@/lib/records/allergies/allergy.dto';
import { Badge } from '@/components/ui/ui';
import { AllergyForm } from './allergy-form';

type Mode = { kind: 'add' } | { kind: 'edit' | 'retract'; id: string } | null;

const SEVERITY_TONE = { severe: 'red', moderate: 'amber', mild: 'slate' } as const;

/** Allergy list with add / 修正 / 取消 for doctors and nurses. */
export function AllergyList({ patientId, allergies, canWrite }: { patientId: string; allergies: AllergyDto[]; canWrite: boolean }) {
  const [mode, setMode] = useState<Mode>(null);

  useChartCommand(['add-allergy'], () => {
    if (!canWrite) return;
    openAndFocus(() => setMode({ kind: 'add' }), () => document.getElementById('allergy-search'));
  });

  return (
    <div className="flex flex-col gap-2">
      {canWrite && mode?.kind !== 'add' && <AddRecordButton label="アレルギーを追加" shortcut="Alt+A" onClick={() => setMode({ kind: 'add' })} />}
      {mode?.kind === 'add' && <AllergyForm patientId={patientId} onDone={() => setMode(null)} />}
      {allergies.length === 0 ? (
        <p className="text-sm text-slate-500">アレルギーの登録はありません。</p>
      ) : (
        <ul className="divide-y divide-slate-100 text-sm" aria-label="アレルギー">
          {allergies.map((a) => (
            <li key={a.id} className="py-1.5" data-testid="allergy-row">
              <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
                <Badge tone={a.category === 'medication' ? 'red' : 'slate'}>{a.categoryLabel}</Badge>
                <span className={a.clinicalStatus === 'active' ? 'font-medium' : 'text-slate-500 line-through'}>{a.substanceName}</span>
                {a.severity && <Badge tone={SEVERITY_TONE[a.severity]}>{a.severityLabel}</Badge>}
                {a.reaction && <span className="text-slate-700">{a.reaction}</span>}
                {a.clinicalStatus !== 'active' && <Badge>{a.clinicalStatusLabel}</Badge>}
                {a.verification === 'unconfirmed' && <Badge tone="amber">未確認</Badge>}
                {!a.isCoded && <Badge>コードなし</Badge>}
                {a.onsetDate && <span className="text-xs text-slate-500">発症 {a.onsetDate.replaceAll('-', '/')}</span>}
                {canWrite && <RecordRowActions onEdit={() => setMode({ kind: 'edit', id: a.id })} onRetract={() => setMode({ kind: 'retract', id: a.id })} />}
              </div>
              {a.note && <p className="text-xs text-slate-500">{a.note}</p>}
              {mode?.kind === 'edit' && mode.id === a.id && <AllergyForm patientId={patientId} initial={a} onDone={() => setMode(null)} />}
              {mode?.kind === 'retract' && mode.id === a.id && (
                <RetractForm
                  label="アレルギーの取消"
                  hint="取消理由（入力誤りなど。解消した場合は「修正」で状態を「解消」にしてください）"
                  onRetract={(reason) => retractAllergyAction({ allergyId: a.id, reason })}
                  onDone={() => setMode(null)}
                />
              )}
            </li>
          ))}
        </ul>
      )}
      <Link href={`/patients/${patientId}/allergies`} className="self-end text-xs text-teal-700 hover:underline">
        アレルギーの履歴（全版）
      </Link>
    </div>
  );
}
