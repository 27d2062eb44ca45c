import type { Metadata } from 'next';
import { requirePageActor } from '@/lib/auth/guards';
import { formatDateTimeJst } from '@/lib/core/dates';
import { RECORD_STATUS_LABELS } from '@/lib/records/record-version.constants';
import { loadPatientForPage } from '@/lib/records/patients/load-patient-page';
import { listDiagnosisHistory } from '@/lib/records/diagnoses/diagnosis.service';
import { Badge, Card, LinkButton, PageTitle } from '@/components/ui/ui';
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
    <div className="mx-auto max-w-5xl">
      <PageTitle actions={<LinkButton href={`/patients/${patient.id}`}>カルテへ戻る</LinkButton>}>
        傷病名の履歴 <span className="text-base font-normal text-slate-500">{patient.fullName}</span>
      </PageTitle>
      {history.length === 0 && <p className="text-sm text-slate-500">傷病名の記録はありません。</p>}
      <div className="flex flex-col gap-3">
        {history.map(({ lineageId, latest, versions }) => (
          <Card
            key={lineageId}
            title={
              <span className="flex flex-wrap items-center gap-2">
                <span className={latest.status === 'entered_in_error' ? 'text-slate-400 line-through' : ''}>{latest.displayName}</span>
                {latest.status === 'entered_in_error' ? <Badge tone="red">取消</Badge> : latest.isActive ? <Badge tone="green">継続中</Badge> : <Badge>{latest.outcomeLabel}</Badge>}
              </span>
            }
          >
            <div className="overflow-x-auto">
              <table className="w-full text-sm">
                <thead className="text-left text-xs text-slate-500">
                  <tr>
                    <th className="py-1 pr-2">版</th>
                    <th className="py-1 pr-2">記録日時・記録者</th>
                    <th className="py-1 pr-2">表示名</th>
                    <th className="py-1 pr-2">コード</th>
                    <th className="py-1 pr-2">開始日</th>
                    <th className="py-1 pr-2">転帰</th>
                    <th className="py-1 pr-2">状態・理由</th>
                  </tr>
                </thead>
                <tbody>
                  {versions.map((v) => (
                    <tr key={v.id} className="border-t border-slate-100 align-top">
                      <td className="py-1 pr-2">第{v.version}版{v.isLatest && <span className="ml-1 text-xs text-teal-700">（最新）</span>}</td>
                      <td className="py-1 pr-2 text-xs">
                        {formatDateTimeJst(new Date(v.createdAt))}
                        <br />
                        {v.recordedByName ?? '不明な職員'}
                      </td>
                      <td className="py-1 pr-2">
                        {v.displayName}
                        <div className="flex flex-wrap gap-1">
                          <DiagnosisBadges d={v} />
                        </div>
                      </td>
                      <td className="py-1 pr-2 font-mono text-xs">
                        {v.diseaseCode ?? '未コード化'}
                        {v.icd10 && <div>ICD10 {v.icd10}</div>}
                        {v.medisKeyNumber && <div>管理番号 {v.medisKeyNumber}</div>}
                      </td>
                      <td className="py-1 pr-2">{slash(v.startDate)}</td>
                      <td className="py-1 pr-2">{v.outcome ? `${v.outcomeLabel} ${slash(v.endDate)}` : '−'}</td>
                      <td className="py-1 pr-2 text-xs">
                        {RECORD_STATUS_LABELS[v.status]}
                        {v.changeReason && <div className="text-slate-600">理由: {v.changeReason}</div>}
                        {v.note && <div className="text-slate-500">メモ: {v.note}</div>}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </Card>
        ))}
      </div>
    </div>
  );
}
