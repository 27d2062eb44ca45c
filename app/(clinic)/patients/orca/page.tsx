import type { Metadata } from 'next';
import { requirePageActor } from '@/lib/auth/guards';
import { listOrcaRegisteredPatients } from '@/lib/orca/orca-patients.service';
import { OrcaRegisteredPatients } from '@/components/patients/orca-registered-patients';
import { OrcaPatientChanges } from '@/components/patients/orca-patient-changes';
import { listOrcaPatientChanges } from '@/lib/orca/orca-patient-changes.service';
import { ErrorBanner, LinkButton, PageTitle } from '@/components/ui/ui';

export const metadata: Metadata = { title: 'ORCAで登録された患者' };

/** Patients registered at the ORCA counter in the last 30 days that the EHR does not have yet (docs/orca.md). */
export default async function OrcaRegisteredPatientsPage() {
  const actor = await requirePageActor('patient.write');
  const [view, changes] = await Promise.all([listOrcaRegisteredPatients(actor), listOrcaPatientChanges(actor)]);
  return (
    <div className="mx-auto flex max-w-5xl flex-col gap-4">
      <PageTitle actions={<LinkButton href="/patients/orca">最新の状態に更新</LinkButton>}>ORCAで登録された患者</PageTitle>
      {view.state === 'off' && <p className="text-sm text-slate-700">この医療機関はORCAと連携していません（管理 → レセコン連携）。</p>}
      {view.state === 'unavailable' && <ErrorBanner>ORCAの患者一覧を読めませんでした: {view.message}</ErrorBanner>}
      {view.state === 'ok' && (
        <>
          <p className="text-sm text-slate-700">
            {view.from.replaceAll('-', '/')}〜{view.to.replaceAll('-', '/')} にORCAで登録・更新された患者のうち、電子カルテにまだない患者です。同じ人が電子カルテにいればその患者と連携し、いなければ「電子カルテに登録」で取り込みます（保険証は次回の受付で入力するか、オンライン資格確認から取り込みます）。
          </p>
          <OrcaRegisteredPatients rows={view.rows} />
        </>
      )}
      {changes.state !== 'off' && <h2 className="mt-4 text-base font-semibold">ORCAで変更された患者</h2>}
      {changes.state === 'unavailable' && <ErrorBanner>ORCAの変更を読めませんでした: {changes.message}</ErrorBanner>}
      {changes.state === 'ok' && (
        <>
          <p className="text-sm text-slate-700">
            {changes.from.replaceAll('-', '/')}〜{changes.to.replaceAll('-', '/')} にORCAで更新された、電子カルテと連携済みの患者のうち、氏名・カナ・生年月日・性別・住所・保険が電子カルテと違う患者です。内容を確かめて「ORCAの内容を反映」を押すと、患者情報の新しい版として保存されます（自動では書き換えません）。
          </p>
          <OrcaPatientChanges rows={changes.rows} />
        </>
      )}
    </div>
  );
}
