import type { Metadata } from 'next';
import { requirePageActor } from '@/lib/auth/guards';
import { formatDateTimeJst } from '@/lib/core/dates';
import { RECORD_STATUS_LABELS } from '@/lib/records/record-version.constants';
import { loadPatientForPage } from '@/lib/records/patients/load-patient-page';
import { listAllergyHistory } from '@/lib/records/allergies/allergy.service';
import { Badge, Card, LinkButton, PageTitle } from '@/components/ui/ui';

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
    <div className="mx-auto max-w-5xl">
      <PageTitle actions={<LinkButton href={`/patients/${patient.id}`}>カルテへ戻る</LinkButton>}>
        アレルギーの履歴 <span className="text-base font-normal text-slate-500">{patient.fullName}</span>
      </PageTitle>
      {history.length === 0 && <p className="text-sm text-slate-500">アレルギーの記録はありません。</p>}
      <div className="flex flex-col gap-3">
        {history.map(({ lineageId, latest, versions }) => (
          <Card
            key={lineageId}
            title={
              <span className="flex flex-wrap items-center gap-2">
                <Badge tone={latest.category === 'medication' ? 'red' : 'slate'}>{latest.categoryLabel}</Badge>
                <span className={latest.status === 'entered_in_error' ? 'text-slate-400 line-through' : ''}>{latest.substanceName}</span>
                {latest.status === 'entered_in_error' ? <Badge tone="red">取消</Badge> : <Badge>{latest.clinicalStatusLabel}</Badge>}
              </span>
            }
          >
            <div className="overflow-x-auto">
              <table className="w-full text-sm">
                <thead className="text-left text-xs text-slate-500">
                  <tr>
                    <th className="py-1 pr-2">版</th>
                    <th className="py-1 pr-2">記録日時・記録者</th>
                    <th className="py-1 pr-2">原因物質</th>
                    <th className="py-1 pr-2">コード</th>
                    <th className="py-1 pr-2">症状・重症度</th>
                    <th className="py-1 pr-2">状態</th>
                    <th className="py-1 pr-2">理由・メモ</th>
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
                        {v.categoryLabel}・{v.substanceName}
                        {v.onsetDate && <div className="text-xs text-slate-500">発症 {v.onsetDate.replaceAll('-', '/')}</div>}
                      </td>
                      <td className="py-1 pr-2 font-mono text-xs">{v.code ? `${CODE_SYSTEM_LABELS[v.codeSystem ?? ''] ?? v.codeSystem} ${v.code}` : 'コードなし'}</td>
                      <td className="py-1 pr-2">{[v.reaction, v.severityLabel].filter(Boolean).join('・') || '−'}</td>
                      <td className="py-1 pr-2 text-xs">
                        {RECORD_STATUS_LABELS[v.status]}
                        <div>
                          {v.clinicalStatusLabel}・{v.verificationLabel}
                        </div>
                      </td>
                      <td className="py-1 pr-2 text-xs">
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
