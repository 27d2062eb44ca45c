import type { Metadata } from 'next';
import Link from 'next/link';
import { requirePageActor } from '@/lib/auth/guards';
import { loadPatientForPage } from '@/lib/web/load-patient-page';
import { listPrescriptionHistory } from '@/lib/records/prescriptions/prescription.service';
import { MEDICATION_KIND_LABELS, DOSE_BASIS_LABELS } from '@/lib/records/prescriptions/prescription.constants';
import { RECORD_STATUS_LABELS } from '@/lib/records/record-version.constants';
import { Badge, Card, LinkButton, PageTitle } from '@/components/ui/ui';

export const metadata: Metadata = { title: '処方歴' };

const TONE = { draft: 'slate', pending_approval: 'amber', final: 'green', entered_in_error: 'red' } as const;

/** 処方歴: every prescription of the patient, newest first, with print links for 確定 ones. */
export default async function PrescriptionHistoryPage({ params }: { params: Promise<{ patientId: string }> }) {
  const actor = await requirePageActor('chart.read');
  const { patientId } = await params;
  const patient = await loadPatientForPage(patientId, actor, 'chart');
  const prescriptions = await listPrescriptionHistory(patientId, actor);
  return (
    <div className="mx-auto max-w-5xl">
      <PageTitle actions={<LinkButton href={`/patients/${patientId}`}>カルテへ戻る</LinkButton>}>
        処方歴 <span className="text-base font-normal text-slate-500">{patient.fullName}（{prescriptions.length}件）</span>
      </PageTitle>
      <div className="flex flex-col gap-3" data-testid="prescription-history-page">
        {prescriptions.map((p) => (
          <Card
            key={p.id}
            title={
              <span className="flex items-center gap-2">
                {p.issuedDate.replaceAll('-', '/')} <Badge tone={TONE[p.status]}>{RECORD_STATUS_LABELS[p.status]}</Badge>
                {p.outOfHouse ? <Badge>院外</Badge> : <Badge>院内</Badge>}
                <span className="text-xs font-normal text-slate-500">第{p.version}版・{p.authorName ?? ''}</span>
              </span>
            }
            actions={p.status === 'final' && <Link className="text-xs text-teal-700 hover:underline" href={`/patients/${patientId}/prescriptions/${p.id}/print`}>処方箋を印刷</Link>}
          >
            <ul className="text-sm">
              {p.items.map((i) => (
                <li key={i.id} className={p.status === 'entered_in_error' ? 'text-slate-500 line-through' : ''}>
                  <span className="mr-2 text-xs text-slate-500">Rp{i.rpNumber}</span>
                  {i.drugName} {i.dose}
                  {i.doseUnit}（{DOSE_BASIS_LABELS[i.doseBasis]}） {i.usageText} {i.days ? `${i.days}日分` : i.times ? `${i.times}回分` : ''}{' '}
                  <span className="text-xs text-slate-500">{MEDICATION_KIND_LABELS[i.kind]}</span>
                </li>
              ))}
            </ul>
          </Card>
        ))}
        {prescriptions.length === 0 && <p className="text-sm text-slate-500">処方はまだありません。</p>}
      </div>
    </div>
  );
}
