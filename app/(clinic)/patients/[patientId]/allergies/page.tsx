import type { Metadata } from 'next';
import { requirePageActor } from '@/lib/auth/guards';
import { RECORD_STATUS_LABELS } from '@/lib/records/record-version.constants';
import { loadPatientForPage } from '@/lib/web/load-patient-page';
import { listAllergyHistory } from '@/lib/records/allergies/allergy.service';
import { Badge } from '@/components/ui/ui';
import { ReasonAndNote, RecordHistory } from '@/components/chart/record-history';

export const metadata: Metadata = { title: 'アレルギーの履歴' };

const CODE_SYSTEM_LABELS: Record<string, string> = {
  yj: 'YJ',
  receipt: 'レセプト電算',
  'jfagy-food': 'J-FAGY 食物',
  'jfagy-nonfood': 'J-FAGY 非食物',
  'jfagy-medication': 'J-FAGY 薬剤',
};

/** Every allergy with all its versions, including 取消 (entered in error). */
export default async function AllergyHistoryPage({ params }: { params: Promise<{ patientId: string }> }) {
  const actor = await requirePageActor('chart.read');
  const { patientId } = await params;
  const patient = await loadPatientForPage(patientId, actor, 'chart');
  const history = await listAllergyHistory(patientId, actor);
  return (
    <RecordHistory
      title="アレルギーの履歴"
      patient={patient}
      emptyText="アレルギーの記録はありません。"
      history={history}
      lead={(latest) => <Badge tone={latest.category === 'medication' ? 'red' : 'slate'}>{latest.categoryLabel}</Badge>}
      name={(latest) => latest.substanceName}
      state={(latest) => <Badge>{latest.clinicalStatusLabel}</Badge>}
      columns={[
        {
          header: '原因物質',
          cell: (v) => (
            <>
              {v.categoryLabel}・{v.substanceName}
              {v.onsetDate && <div className="text-xs text-slate-500">発症 {v.onsetDate.replaceAll('-', '/')}</div>}
            </>
          ),
        },
        { header: 'コード', className: 'font-mono text-xs', cell: (v) => (v.code ? `${CODE_SYSTEM_LABELS[v.codeSystem ?? ''] ?? v.codeSystem} ${v.code}` : 'コードなし') },
        { header: '症状・重症度', cell: (v) => [v.reaction, v.severityLabel].filter(Boolean).join('・') || '−' },
        {
          header: '状態',
          className: 'text-xs',
          cell: (v) => (
            <>
              {RECORD_STATUS_LABELS[v.status]}
              <div>
                {v.clinicalStatusLabel}・{v.verificationLabel}
              </div>
            </>
          ),
        },
        { header: '理由・メモ', className: 'text-xs', cell: (v) => <ReasonAndNote v={v} /> },
      ]}
    />
  );
}
