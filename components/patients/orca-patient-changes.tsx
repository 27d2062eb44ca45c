'use client';

import Link from 'next/link';
import { useState, useTransition } from 'react';
import type { OrcaPatientChangeDto } from '@/lib/orca/orca-patient-changes.service';
import { applyOrcaPatientChangeAction } from '@/lib/orca/orca.actions';
import { Button, ErrorBanner } from '@/components/ui/ui';

/** One linked patient ORCA changed: the differences side by side, and 反映 after the receptionist has checked them. */
function Change({ row }: { row: OrcaPatientChangeDto }) {
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const [applied, setApplied] = useState(false);
  const apply = () =>
    startTransition(async () => {
      const r = await applyOrcaPatientChangeAction({ patientId: row.patientId, expectedVersion: row.version });
      setApplied(r.ok);
      setError(r.ok ? null : r.error);
    });
  return (
    <div className="rounded border border-slate-200 p-3" data-testid="orca-change-row">
      <div className="mb-2 flex flex-wrap items-center gap-2 text-sm">
        <Link href={`/patients/${row.patientId}/profile`} className="font-medium text-teal-800 underline">No.{row.patientNumber} {row.name}</Link>
        <span className="text-xs text-slate-500">ORCA患者番号 {row.orcaPatientId}{row.orcaUpdatedAt ? `・ORCAで更新 ${row.orcaUpdatedAt.replaceAll('-', '/')}` : ''}</span>
      </div>
      <table className="w-full text-sm">
        <thead className="text-left text-xs text-slate-500">
          <tr><th className="py-1">項目</th><th>電子カルテ</th><th>ORCA</th></tr>
        </thead>
        <tbody>
          {row.differences.map((d) => (
            <tr key={d.field} className="border-t border-slate-100" data-field={d.field}>
              <td className="py-1">{d.label}</td>
              <td className="text-slate-600">{d.ehr}</td>
              <td className="font-medium">{d.orca}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="mt-2 flex items-center gap-2">
        {applied ? (
          <p role="status" className="text-sm text-green-800">ORCAの内容を反映しました（患者情報の新しい版として保存）。</p>
        ) : (
          <Button type="button" disabled={pending} onClick={apply}>ORCAの内容を反映</Button>
        )}
        {error && <ErrorBanner>{error}</ErrorBanner>}
      </div>
    </div>
  );
}

export function OrcaPatientChanges({ rows }: { rows: OrcaPatientChangeDto[] }) {
  if (!rows.length) return <p className="text-sm text-slate-600">ORCAで変更された連携済みの患者はありません。</p>;
  return (
    <div className="flex flex-col gap-3" data-testid="orca-changes">
      {rows.map((r) => <Change key={r.patientId} row={r} />)}
    </div>
  );
}
