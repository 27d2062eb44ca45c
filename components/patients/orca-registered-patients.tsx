'use client';

import Link from 'next/link';
import { useState, useTransition } from 'react';
import type { OrcaRegisteredPatientDto } from '@/lib/orca/orca-admin.dto';
import { importOrcaPatientAction } from '@/lib/orca/orca.actions';
import { Button, ErrorBanner } from '@/components/ui/ui';

const SEX_LABELS = { male: '男', female: '女' } as const;

function Row({ row }: { row: OrcaRegisteredPatientDto }) {
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<{ patientId: string; created: boolean } | null>(null);
  const bringIn = (patientId?: string) =>
    startTransition(async () => {
      const r = await importOrcaPatientAction({ orcaPatientId: row.orcaPatientId, ...(patientId ? { patientId } : {}) });
      if (r.ok) setDone(r.data);
      setError(r.ok ? null : r.error);
    });
  return (
    <tr className="border-t border-slate-100 align-top" data-testid="orca-registered-row">
      <td className="px-2 py-1.5 tabular-nums">{row.orcaPatientId}</td>
      <td className="px-2 py-1.5">
        <div>{row.name}</div>
        <div className="text-xs text-slate-500">{row.kana}</div>
      </td>
      <td className="px-2 py-1.5 text-sm">
        {row.birthDate.replaceAll('-', '/')}・{SEX_LABELS[row.sex]}
      </td>
      <td className="px-2 py-1.5 text-sm">
        {done ? (
          <p role="status">
            {done.created ? '電子カルテに登録しました。' : '連携しました。'}{' '}
            <Link href={`/patients/${done.patientId}/profile`} className="text-teal-800 underline">患者情報を開く</Link>
          </p>
        ) : (
          <div className="flex flex-col items-start gap-1">
            {row.matches.map((m) => (
              <div key={m.id} className="flex items-center gap-2">
                <span>
                  電子カルテの No.{m.patientNumber} {m.name}
                  {m.linkedToOtherOrcaPatient && <span className="text-xs text-amber-800">（別のORCA患者と連携済）</span>}
                </span>
                {!m.linkedToOtherOrcaPatient && (
                  <Button type="button" variant="secondary" disabled={pending} onClick={() => bringIn(m.id)}>
                    この患者と連携
                  </Button>
                )}
              </div>
            ))}
            {row.importable ? (
              <Button type="button" variant={row.matches.length ? 'secondary' : 'primary'} disabled={pending} onClick={() => bringIn()}>
                {row.matches.length ? '別の人として電子カルテに登録' : '電子カルテに登録'}
              </Button>
            ) : (
              <span className="text-xs text-slate-600">氏と名の区切りがないため、新規患者登録から入力してください。</span>
            )}
            {error && <ErrorBanner>{error}</ErrorBanner>}
          </div>
        )}
      </td>
    </tr>
  );
}

/** ORCA's patients the EHR does not have yet, each with 連携 to a likely match or 登録 as a new EHR patient. */
export function OrcaRegisteredPatients({ rows }: { rows: OrcaRegisteredPatientDto[] }) {
  if (rows.length === 0) return <p className="text-sm text-slate-600">取り込みが必要な患者はいません。</p>;
  return (
    <div className="overflow-x-auto rounded border border-slate-200 bg-white">
      <table className="w-full text-sm" data-testid="orca-registered-patients">
        <thead className="bg-slate-50 text-left text-xs text-slate-500">
          <tr>
            <th className="px-2 py-1.5">ORCA患者番号</th>
            <th className="px-2 py-1.5">氏名</th>
            <th className="px-2 py-1.5">生年月日・性別</th>
            <th className="px-2 py-1.5">電子カルテへ</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <Row key={r.orcaPatientId} row={r} />
          ))}
        </tbody>
      </table>
    </div>
  );
}
