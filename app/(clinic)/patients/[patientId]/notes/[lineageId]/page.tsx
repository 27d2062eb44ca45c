import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { requirePageActor } from '@/lib/auth/guards';
import { AppError } from '@/lib/core/app-error';
import { loadPatientForPage } from '@/lib/web/load-patient-page';
import { getNoteHistory } from '@/lib/records/notes/note.service';
import { NoteHistory } from '@/components/chart/notes/note-history';
import { LinkButton, PageTitle } from '@/components/ui/ui';

export const metadata: Metadata = { title: '診療録の版歴' };

/** Every version of one 診療録 with who/when/why; nothing is ever overwritten. */
export default async function NoteHistoryPage({ params }: { params: Promise<{ patientId: string; lineageId: string }> }) {
  const actor = await requirePageActor('chart.read');
  const { patientId, lineageId } = await params;
  const patient = await loadPatientForPage(patientId, actor, 'chart');
  const versions = await getNoteHistory({ patientId, lineageId }, actor).catch((e: unknown) => {
    if (e instanceof AppError && e.code === 'NOT_FOUND') notFound();
    throw e;
  });
  const latest = versions[0]!;
  return (
    <div className="mx-auto max-w-4xl">
      <PageTitle actions={<LinkButton href={`/patients/${patient.id}`}>カルテへ戻る</LinkButton>}>
        診療録の版歴{' '}
        <span className="text-base font-normal text-slate-500">
          {patient.fullName}・{latest.encounterDate.replaceAll('-', '/')}・全{versions.length}版
        </span>
      </PageTitle>
      <p className="mb-3 text-xs text-slate-600">確定した診療録は上書きされません。修正・取消はそれぞれ新しい版として記録され、すべての版を閲覧できます。差分は一つ前の版との比較です。</p>
      <NoteHistory versions={versions} />
    </div>
  );
}
