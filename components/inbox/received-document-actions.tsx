'use client';

/**
 * A received letter's patient link (candidates by name / kana / birth date, a person confirms) and its entries with
 * 確認して取り込み: the same review forms as 他院の情報, sent as an import of this letter. Nothing is imported unreviewed.
 */
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { Badge, Button, Card, ErrorBanner } from '@/components/ui/ui';
import { AllergyCopyForm, CopyButton, DiagnosisCopyForm } from '@/components/chart/other-institutions/other-institutions-records';
import { importReceivedAllergyAction, importReceivedDiagnosisAction, linkReceivedAction } from '@/lib/sharing/received-documents/received-document.actions';
import type { PatientCandidateDto } from '@/lib/sharing/received-documents/received-document.dto';
import type { SharedAllergyDto, SharedDiagnosisDto, SharedLabDto } from '@/lib/sharing/shared-records/shared-records.dto';

export function LinkPatientForm({ receivedId, candidates }: { receivedId: string; candidates: PatientCandidateDto[] }) {
  const router = useRouter();
  const [chosen, setChosen] = useState(candidates.length === 1 ? candidates[0]!.id : '');
  const [error, setError] = useState<string | null>(null);
  if (candidates.length === 0) return <p className="text-sm text-slate-500">氏名・生年月日が一致する患者がいません。患者を登録してから紐付けてください。</p>;
  return (
    <form
      className="space-y-2 text-sm"
      onSubmit={async (e) => {
        e.preventDefault();
        setError(null);
        const r = await linkReceivedAction({ receivedId, patientId: chosen });
        if (!r.ok) return setError(r.error);
        router.refresh();
      }}
    >
      {error ? <ErrorBanner>{error}</ErrorBanner> : null}
      <fieldset>
        <legend className="mb-1 text-xs text-slate-600">候補（一致した項目）。本人であることを確かめてから選んでください。</legend>
        {candidates.map((c) => (
          <label key={c.id} className="flex items-center gap-2 py-0.5">
            <input type="radio" name="patient" value={c.id} checked={chosen === c.id} onChange={() => setChosen(c.id)} />
            {c.name}（{c.kana}）{c.birthDate.replaceAll('-', '/')}生 患者番号 {c.patientNumber}
            {c.matches.map((m) => (
              <Badge key={m} tone="green">
                {m}
              </Badge>
            ))}
          </label>
        ))}
      </fieldset>
      <Button type="submit" disabled={!chosen}>
        この患者に紐付ける
      </Button>
    </form>
  );
}

export function ReceivedEntries({
  receivedId,
  diagnoses,
  allergies,
  labs,
  imported,
  canImport,
}: {
  receivedId: string;
  diagnoses: SharedDiagnosisDto[];
  allergies: SharedAllergyDto[];
  labs: SharedLabDto[];
  imported: string[];
  canImport: boolean;
}) {
  const router = useRouter();
  const [open, setOpen] = useState<string | null>(null);
  const done = () => {
    setOpen(null);
    router.refresh();
  };
  const importButton = (key: string, label: string) =>
    imported.includes(key) ? <Badge tone="green">取り込み済み</Badge> : canImport ? <CopyButton onClick={() => setOpen(key)} label={label} /> : null;
  return (
    <>
      <Card title={`傷病名 ${diagnoses.length}件`}>
        <ul className="divide-y divide-slate-100 text-sm" data-testid="received-diagnoses">
          {diagnoses.map((d) => (
            <li key={d.index} className="py-1">
              <div className="flex items-center gap-2">
                {d.name} {d.suspected ? <Badge tone="amber">疑い</Badge> : null}
                <span className="text-xs text-slate-500">{d.startDate ? `${d.startDate.replaceAll('-', '/')}〜` : ''}</span>
                {importButton(`diagnosis:${d.index}`, `${d.name}を確認して取り込む`)}
              </div>
              {open === `diagnosis:${d.index}` ? <DiagnosisCopyForm entry={d} onDone={done} send={(r) => importReceivedDiagnosisAction({ receivedId, index: d.index, ...r })} /> : null}
            </li>
          ))}
        </ul>
      </Card>
      <Card title={`アレルギー ${allergies.length}件`}>
        <ul className="divide-y divide-slate-100 text-sm" data-testid="received-allergies">
          {allergies.map((a) => (
            <li key={a.index} className="py-1">
              <div className="flex items-center gap-2">
                {a.substanceName} <span className="text-xs text-slate-500">{a.reaction ?? ''}</span>
                {importButton(`allergy:${a.index}`, `${a.substanceName}を確認して取り込む`)}
              </div>
              {open === `allergy:${a.index}` ? <AllergyCopyForm entry={a} onDone={done} send={(r) => importReceivedAllergyAction({ receivedId, index: a.index, ...r })} /> : null}
            </li>
          ))}
        </ul>
        {!canImport ? <p className="mt-1 text-xs text-slate-500">取り込むには、先に患者と紐付けてください（医師）。</p> : null}
      </Card>
      {labs.length ? (
        <Card title={`検査結果 ${labs.length}件`}>
          <table className="w-full text-sm">
            <tbody>
              {labs.map((l) => (
                <tr key={l.index} className="border-b border-slate-100">
                  <td className="py-1 pr-2">{l.itemName}</td>
                  <td className="py-1 pr-2">
                    {l.value} {l.unit ?? ''} {l.flag && l.flag !== 'N' ? <Badge tone="red">{l.flag}</Badge> : null}
                  </td>
                  <td className="py-1 text-xs text-slate-500">{l.effectiveAt ? l.effectiveAt.slice(0, 10).replaceAll('-', '/') : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
      ) : null}
    </>
  );
}
