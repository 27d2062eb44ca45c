import type { Metadata } from 'next';
import { requirePageActor } from '@/lib/auth/guards';
import { can } from '@/lib/permissions/permissions';
import { loadPatientForPage } from '@/lib/web/load-patient-page';
import { getCheckupEntryPage } from '@/lib/records/notes/checkup-entry.service';
import { Card, LinkButton, NoticeBanner, PageTitle } from '@/components/ui/ui';
import { CheckupEntryForm } from '@/components/chart/checkup-entry-form';

export const metadata: Metadata = { title: '健診入力' };

/** 健診入力 (ADR 0086): today's 健診 visit's items and 問診, entered by a nurse; the latest entry is corrected here. */
export default async function PatientCheckupPage({ params }: { params: Promise<{ patientId: string }> }) {
  const actor = await requirePageActor('chart.read');
  const { patientId } = await params;
  const patient = await loadPatientForPage(patientId, actor, 'chart');
  const { visit, entry } = await getCheckupEntryPage({ patientId: patient.id }, actor);
  // a new entry needs today's 健診 visit without one; an entry of an earlier day is only corrected
  const entryOfToday = entry && visit && entry.examDate === visit.visitDate ? entry : null;
  const canEnter = visit?.visitType === 'checkup' || !!entry;
  return (
    <div className="mx-auto flex max-w-[1200px] flex-col gap-4">
      <PageTitle actions={<LinkButton href={`/patients/${patient.id}`}>カルテへ戻る</LinkButton>}>
        健診入力{' '}
        <span className="text-base font-normal text-slate-500">
          {patient.fullName}（{patient.sexLabel}・{patient.age}歳・患者番号 {patient.patientNumber}）
        </span>
      </PageTitle>
      {entry ? (
        <NoticeBanner>
          記録済み: {entry.examDate.replaceAll('-', '/')}・{entry.enteredBy}・第{entry.version}版{entry.hashVerified ? '' : '（改ざんの疑い）'}
        </NoticeBanner>
      ) : null}
      <Card>
        {!can(actor.role, 'note.write') ? (
          <p className="text-sm text-slate-600">健診の入力は看護師・医師が行います。</p>
        ) : canEnter ? (
          <CheckupEntryForm patientId={patient.id} entry={visit?.visitType === 'checkup' && !entryOfToday ? null : entry} />
        ) : (
          <p className="text-sm text-slate-600">本日の健診の受付がありません。受付で種別「健診」を選んで受付してください。</p>
        )}
      </Card>
    </div>
  );
}
