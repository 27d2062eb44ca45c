import type { Metadata } from 'next';
import { requirePageActor } from '@/lib/auth/guards';
import { RECORD_STATUS_LABELS } from '@/lib/records/record-version.constants';
import { loadPatientForPage } from '@/lib/web/load-patient-page';
import { listDiagnosisHistory } from '@/lib/records/diagnoses/diagnosis.service';
import { Badge } from '@/components/ui/ui';
import { ReasonAndNote, RecordHistory } from '@/components/chart/record-history';
import { DiagnosisBadges } from '@/components/chart/diagnoses/diagnosis-list';

export const metadata: Metadata = { title: '傷病名の履歴' };

const slash = (iso: string | null) => (iso ? iso.replaceAll('-', '/') : '−');

/** Every diagnosis with all its versions (真正性: nothing is overwritten; 取消 stays visible). */
export default async function DiagnosisHistoryPage({ params }: { params: Promise<{ patientId: string }> }) {
  const actor = await requirePageActor('chart.read');
  const { patientId } = await params;
  const patient = await loadPatientForPage(patientId, actor, 'chart');
  const history = await listDiagnosisHistory(patientId, actor);
  return (
    <RecordHistory
      title="傷病名の履歴"
      patient={patient}
      emptyText="傷病名の記録はありません。"
      history={history}
      name={(latest) => latest.displayName}
      state={(latest) => (latest.isActive ? <Badge tone="green">継続中</Badge> : <Badge>{latest.outcomeLabel}</Badge>)}
      columns={[
        {
          header: '表示名',
          cell: (v) => (
            <>
              {v.displayName}
              <div className="flex flex-wrap gap-1">
                <DiagnosisBadges d={v} />
              </div>
            </>
          ),
        },
        {
          header: 'コード',
          className: 'font-mono text-xs',
          cell: (v) => (
            <>
              {v.diseaseCode ?? '未コード化'}
              {v.icd10 && <div>ICD10 {v.icd10}</div>}
              {v.medisKeyNumber && <div>管理番号 {v.medisKeyNumber}</div>}
            </>
          ),
        },
        { header: '開始日', cell: (v) => slash(v.startDate) },
        { header: '転帰', cell: (v) => (v.outcome ? `${v.outcomeLabel} ${slash(v.endDate)}` : '−') },
        {
          header: '状態・理由',
          className: 'text-xs',
          cell: (v) => (
            <>
              {RECORD_STATUS_LABELS[v.status]}
              <ReasonAndNote v={v} />
            </>
          ),
        },
      ]}
    />
  );
}
