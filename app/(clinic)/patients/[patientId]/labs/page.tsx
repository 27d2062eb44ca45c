import type { Metadata } from 'next';
import { requirePageActor } from '@/lib/auth/guards';
import { can } from '@/lib/permissions/permissions';
import { loadPatientForPage } from '@/lib/web/load-patient-page';
import { getLabTable, getLabTrend, listLatestLabs } from '@/lib/records/lab-results/lab-result.service';
import { Card, LinkButton, PageTitle } from '@/components/ui/ui';
import { LabTable } from '@/components/chart/labs/lab-table';
import { LabTrendView } from '@/components/chart/labs/lab-trend-view';
import { LabResultCorrections } from '@/components/chart/labs/lab-result-corrections';

export const metadata: Metadata = { title: '検査結果' };

const DATE_OPTIONS = [5, 10, 20];

/** 検査結果: the time-series table (dates × items), the trend chart per item, and corrections of the latest results. */
export default async function PatientLabsPage({ params, searchParams }: { params: Promise<{ patientId: string }>; searchParams: Promise<{ dates?: string; item?: string }> }) {
  const actor = await requirePageActor('chart.read');
  const { patientId } = await params;
  const sp = await searchParams;
  const patient = await loadPatientForPage(patientId, actor, 'chart');
  const limitDates = DATE_OPTIONS.includes(Number(sp.dates)) ? Number(sp.dates) : 10;
  const table = await getLabTable(patient.id, undefined, actor, { limitDates });
  const latest = await listLatestLabs(patient.id, actor);
  const trends = latest.length ? await getLabTrend(patient.id, latest.map((l) => l.itemKey), actor) : [];
  const canWrite = can(actor.role, 'lab.write');
  return (
    <div className="mx-auto flex max-w-[1400px] flex-col gap-4">
      <PageTitle
        actions={
          <>
            {canWrite && <LinkButton href="/labs/import">検査会社CSVの取込</LinkButton>}
            <LinkButton href={`/patients/${patient.id}`}>カルテへ戻る</LinkButton>
          </>
        }
      >
        検査結果{' '}
        <span className="text-base font-normal text-slate-500">
          {patient.fullName}（{patient.sexLabel}・{patient.age}歳・患者番号 {patient.patientNumber}）
        </span>
      </PageTitle>
      <Card
        title={`時系列表（直近${table.dates.length || limitDates}回）`}
        actions={
          <nav aria-label="表示する回数" className="flex gap-1 text-xs">
            {DATE_OPTIONS.map((n) => (
              <LinkButton key={n} href={`/patients/${patient.id}/labs?dates=${n}`} variant={n === limitDates ? 'primary' : 'secondary'} className="px-2 py-0.5 text-xs">
                {n}回
              </LinkButton>
            ))}
          </nav>
        }
      >
        <LabTable table={table} />
        <p className="mt-2 text-xs text-slate-500">
          <span className="text-red-700">↑</span> 高値 <span className="ml-2 text-blue-700">↓</span> 低値。基準範囲は共用基準範囲（性別で異なる項目は患者の性別）、または検査会社の基準値です。
        </p>
      </Card>
      <Card title="推移">
        <LabTrendView trends={trends} initialKey={sp.item} />
      </Card>
      <Card title="最新の結果（訂正・取消・履歴）">
        <LabResultCorrections results={latest} canWrite={canWrite} />
      </Card>
    </div>
  );
}
