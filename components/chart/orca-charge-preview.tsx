'use client';

import { useState, useTransition } from 'react';
import { previewOrcaChargeAction } from '@/lib/orca/orca.actions';
import { Button, Card, ErrorBanner } from '@/components/ui/ui';

type Preview = Extract<Awaited<ReturnType<typeof previewOrcaChargeAction>>, { ok: true }>['data'];

/** 算定プレビュー: the points and the patient's charge ORCA computes for today's orders, before 確定. */
export function OrcaChargePreview({ patientId }: { patientId: string }) {
  const [preview, setPreview] = useState<Preview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const run = () =>
    startTransition(async () => {
      setError(null);
      const r = await previewOrcaChargeAction({ patientId });
      if (!r.ok) return setError(r.error);
      setPreview(r.data);
    });
  return (
    <Card
      title="算定プレビュー（ORCA）"
      actions={
        <Button type="button" onClick={run} disabled={pending}>
          {pending ? '計算中…' : 'ORCAで算定'}
        </Button>
      }
    >
      <div className="p-3 text-sm" data-testid="orca-preview">
        {error && <ErrorBanner>{error}</ErrorBanner>}
        {!preview && !error && <p className="text-slate-500">本日の処方（下書きを含む）と診察料を、確定前にORCAで試算します。ORCAには何も登録されません。</p>}
        {preview?.kind === 'unavailable' && <p className="text-amber-800">{preview.message}</p>}
        {preview?.kind === 'ok' && (
          <>
            <p className="text-base">
              合計 <strong data-testid="orca-preview-points">{preview.totalPoints.toLocaleString('ja-JP')}点</strong>　患者負担{' '}
              <strong data-testid="orca-preview-yen">{preview.billedYen.toLocaleString('ja-JP')}円</strong>
              {preview.burdenLabel && <span className="text-slate-500">（{preview.burdenLabel}）</span>}
            </p>
            <ul className="mt-1 text-slate-600">
              {preview.details.map((d) => (
                <li key={d.name}>
                  {d.name} {d.points.toLocaleString('ja-JP')}点
                </li>
              ))}
            </ul>
            {preview.unsendable.length > 0 && <p className="mt-1 text-amber-800">レセ電コードがないため算定に含まれていない薬剤: {preview.unsendable.join('、')}</p>}
          </>
        )}
      </div>
    </Card>
  );
}
