import type { Metadata } from 'next';
import { requirePageActor } from '@/lib/auth/guards';
import { can } from '@/lib/permissions/permissions';
import { loadPatientForPage } from '@/lib/web/load-patient-page';
import { previewPatientSharing } from '@/lib/sharing/sharing-preview.service';
import { formatDateTimeJst } from '@/lib/core/dates';
import { LinkButton, PageTitle } from '@/components/ui/ui';
import { SharingPreviewUnit } from '@/components/chart/sharing/sharing-preview';

export const metadata: Metadata = { title: '送信内容の確認' };

/** 送信内容の確認: what would go to the 電子カルテ情報共有サービス now, per unit (doctors and clinic admins; audited). */
export default async function SharingPreviewPage({ params }: { params: Promise<{ patientId: string }> }) {
  const actor = await requirePageActor('sharing.preview');
  const { patientId } = await params;
  const patient = await loadPatientForPage(patientId, actor, 'view');
  const preview = await previewPatientSharing(patient.id, actor);
  return (
    <div className="mx-auto flex max-w-5xl flex-col gap-4">
      <PageTitle
        actions={
          <>
            {can(actor.role, 'sharing.manage') && <LinkButton href="/admin/sharing">要対応の一覧</LinkButton>}
            <LinkButton href={can(actor.role, 'chart.read') ? `/patients/${patient.id}` : `/patients/${patient.id}/profile`}>{can(actor.role, 'chart.read') ? 'カルテへ戻る' : '患者情報へ戻る'}</LinkButton>
          </>
        }
      >
        送信内容の確認{' '}
        <span className="text-base font-normal text-slate-500">
          {patient.fullName}（{patient.sexLabel}・{patient.age}歳・患者番号 {patient.patientNumber}）
        </span>
      </PageTitle>
      <p className="text-sm text-slate-600">
        電子カルテ情報共有サービスへ送る内容を、送信時と同じ手順で作成・検証して表示しています（{formatDateTimeJst(new Date(preview.generatedAt))}時点）。この画面を開いても何も送信されません。
      </p>
      {preview.units.length === 0 && <p className="text-sm text-slate-500">送信対象の記録（傷病名・アレルギー・検査結果）はありません。</p>}
      {preview.units.map((u) => (
        <SharingPreviewUnit key={`${u.kind}-${u.identifier ?? u.title}`} unit={u} />
      ))}
    </div>
  );
}
