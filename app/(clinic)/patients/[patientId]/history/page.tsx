import type { Metadata } from 'next';
import { requirePageActor } from '@/lib/auth/guards';
import { formatDateTimeJst } from '@/lib/core/dates';
import { loadPatientForPage } from '@/lib/web/load-patient-page';
import { listPatientRevisions } from '@/lib/records/patients/patient.service';
import { staffNames } from '@/lib/staff/staff-names';
import { formatRevisionValue, REVISION_FIELD_LABELS as LABELS } from '@/lib/records/patients/revision-format';
import { Card, LinkButton, PageTitle } from '@/components/ui/ui';

export const metadata: Metadata = { title: '患者情報の変更履歴' };

export default async function PatientHistoryPage({ params }: { params: Promise<{ patientId: string }> }) {
  const actor = await requirePageActor('patient.read');
  const { patientId } = await params;
  const patient = await loadPatientForPage(patientId, actor);
  const revisions = await listPatientRevisions(patientId, actor);
  const names = await staffNames(actor.clinicId, revisions.map((r) => r.changedById));
  return (
    <div className="mx-auto max-w-5xl">
      <PageTitle actions={<LinkButton href={`/patients/${patient.id}/profile`}>患者情報へ戻る</LinkButton>}>
        変更履歴 <span className="text-base font-normal text-slate-500">{patient.fullName}</span>
      </PageTitle>
      <div className="flex flex-col gap-3">
        {revisions.map((r, i) => {
          const prev = revisions[i + 1]?.snapshot as Record<string, unknown> | undefined;
          const snap = r.snapshot as Record<string, unknown>;
          const changed = Object.keys(LABELS).filter((k) => !prev || JSON.stringify(prev[k] ?? null) !== JSON.stringify(snap[k] ?? null));
          return (
            <Card key={r.version} title={`第${r.version}版 ${r.changeType === 'create' ? '（新規登録）' : r.changeType === 'delete' ? '（登録の取消）' : ''}`}>
              <p className="mb-2 text-xs text-slate-500">
                {formatDateTimeJst(new Date(r.changedAt))} ・ {names.get(r.changedById) ?? '不明な職員'}
                {r.reason && ` ・ 理由: ${r.reason}`}
              </p>
              <table className="w-full text-sm">
                <tbody>
                  {changed.map((k) => (
                    <tr key={k} className="border-t border-slate-100">
                      <th className="w-28 py-1 text-left font-normal text-slate-500">{LABELS[k]}</th>
                      {prev && <td className="py-1 text-slate-500 line-through">{formatRevisionValue(k, prev[k])}</td>}
                      <td className="py-1">{formatRevisionValue(k, snap[k])}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </Card>
          );
        })}
      </div>
    </div>
  );
}
