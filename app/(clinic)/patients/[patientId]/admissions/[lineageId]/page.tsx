import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { requirePageActor } from '@/lib/auth/guards';
import { loadPatientForPage } from '@/lib/web/load-patient-page';
import { getAdmissionHistory } from '@/lib/records/admissions/admission.service';
import { Badge, LinkButton, PageTitle } from '@/components/ui/ui';
import { formatInTimeZone } from '@/lib/core/tz';

export const metadata: Metadata = { title: '入院記録の版歴' };

const slash = (iso: string | null) => (iso ? iso.replaceAll('-', '/') : '−');
const TONES = { admitted: 'teal', discharged: 'green', entered_in_error: 'slate' } as const;

/** Every version of one 入院 record, newest first (真正性: nothing is overwritten; 取消 stays visible). Audited read. */
export default async function AdmissionHistoryPage({ params }: { params: Promise<{ patientId: string; lineageId: string }> }) {
  const actor = await requirePageActor('chart.read');
  const { patientId, lineageId } = await params;
  const patient = await loadPatientForPage(patientId, actor, 'chart');
  const versions = await getAdmissionHistory(lineageId, actor).catch(() => null);
  if (!versions || versions[0]!.patientId !== patientId) notFound();
  return (
    <div className="mx-auto max-w-6xl">
      <PageTitle actions={<LinkButton href={`/patients/${patientId}`}>カルテに戻る</LinkButton>}>
        入院記録の版歴 <span className="text-base font-normal text-slate-600">{patient.fullName}（{patient.fullNameKana}）</span>
      </PageTitle>
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
        <table className="w-full text-sm" data-testid="admission-history">
          <thead className="bg-slate-50 text-left text-xs text-slate-600">
            <tr>
              <th className="px-3 py-2">版</th>
              <th className="px-3 py-2">状態</th>
              <th className="px-3 py-2">入院日〜退院日</th>
              <th className="px-3 py-2">入院理由・病室</th>
              <th className="px-3 py-2">入院時診断 / 退院時診断</th>
              <th className="px-3 py-2">転帰・退院先</th>
              <th className="px-3 py-2">担当医</th>
              <th className="px-3 py-2">記録者・日時・理由</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100 align-top">
            {versions.map((v) => (
              <tr key={v.id}>
                <td className="px-3 py-2">第{v.version}版{v.isLatest ? '（最新）' : ''}</td>
                <td className="px-3 py-2">
                  <Badge tone={TONES[v.status]}>{v.statusLabel}</Badge>
                </td>
                <td className="px-3 py-2 whitespace-nowrap">
                  {slash(v.admittedOn)}〜{v.dischargedOn ? slash(v.dischargedOn) : ''}
                  <div className="text-xs text-slate-500">{v.days}日</div>
                </td>
                <td className="px-3 py-2 whitespace-pre-wrap">
                  {v.reason}
                  {v.ward && <div className="text-xs text-slate-500">{v.ward}</div>}
                </td>
                <td className="px-3 py-2 text-xs">
                  <div>{v.admissionDiagnoses.map((d) => d.name).join('、') || '−'}</div>
                  <div className="text-slate-600">{v.dischargeDiagnoses.map((d) => d.name).join('、') || '−'}</div>
                </td>
                <td className="px-3 py-2 text-xs">
                  {v.outcomeLabel ?? '−'}
                  {v.destination && <div>{v.destination}</div>}
                </td>
                <td className="px-3 py-2 text-xs">{v.attendingDoctorName ?? ''}</td>
                <td className="px-3 py-2 text-xs">
                  {v.recordedByName ?? ''} {formatInTimeZone(new Date(v.createdAt), 'yyyy/MM/dd HH:mm')}
                  {v.changeReason && <div className="text-slate-600">理由：{v.changeReason}</div>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
