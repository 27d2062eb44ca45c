import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { z } from '@/lib/core/zod';
import { AppError } from '@/lib/core/app-error';
import { formatDateTimeJst } from '@/lib/core/dates';
import { requirePageActor } from '@/lib/auth/guards';
import { can } from '@/lib/permissions/permissions';
import { getReceivedDocument } from '@/lib/sharing/received-documents/received-document.service';
import { Badge, Card, LinkButton, PageTitle } from '@/components/ui/ui';
import { ReceivedEntries, LinkPatientForm } from '@/components/inbox/received-document-actions';

export const metadata: Metadata = { title: '受信した紹介状' };

/** One received 診療情報提供書 rendered in Japanese, its patient link and the import of its entries after review. */
export default async function ReceivedDocumentPage({ params }: { params: Promise<{ receivedId: string }> }) {
  const actor = await requirePageActor('chart.read');
  const { receivedId } = await params;
  if (!z.string().uuid().safeParse(receivedId).success) notFound();
  let doc: Awaited<ReturnType<typeof getReceivedDocument>>;
  try {
    doc = await getReceivedDocument({ receivedId }, actor);
  } catch (e) {
    if (e instanceof AppError && e.code === 'NOT_FOUND') notFound();
    throw e;
  }
  const v = doc.view;
  return (
    <div className="mx-auto max-w-5xl space-y-4">
      <PageTitle actions={<LinkButton href="/inbox">一覧に戻る</LinkButton>}>
        {v.title} <span className="text-base font-normal text-slate-600">{v.sender.name ?? v.sender.code} より</span>{' '}
        <Badge tone="blue">第{doc.version}版</Badge> {doc.withdrawn ? <Badge tone="slate">送信元で取消</Badge> : null}
        {doc.supersededBy ? <Badge tone="amber">第{doc.supersededBy}版に差替</Badge> : null}
      </PageTitle>
      {v.problems.length ? (
        <ul className="rounded border border-amber-200 bg-amber-50 px-3 py-2 text-xs text-amber-900">
          {v.problems.map((p, i) => (
            <li key={i}>{p}</li>
          ))}
        </ul>
      ) : null}
      <Card>
        <dl className="grid grid-cols-[8rem_1fr] gap-x-3 gap-y-1 text-sm" data-testid="received-header">
          <dt className="text-slate-500">紹介元</dt>
          <dd>
            {v.sender.name ?? '（名称なし）'}（医療機関コード {v.sender.code}）{v.sender.doctor ? ` ${v.sender.doctor} 医師` : ''}
          </dd>
          <dt className="text-slate-500">紹介先</dt>
          <dd>
            {v.destination.name ?? ''}
            {v.destination.doctor ? ` ${v.destination.doctor} 先生` : ''}
          </dd>
          <dt className="text-slate-500">患者</dt>
          <dd>
            {v.patient.name ?? '（記載なし）'}
            {v.patient.kana ? `（${v.patient.kana}）` : ''} {v.patient.birthDate ? `${v.patient.birthDate.replaceAll('-', '/')}生` : ''} {v.patient.sexLabel ?? ''}
          </dd>
          <dt className="text-slate-500">作成日</dt>
          <dd>{v.date ? formatDateTimeJst(new Date(v.date)) : ''}</dd>
          <dt className="text-slate-500">受信日時</dt>
          <dd>{formatDateTimeJst(new Date(doc.receivedAt))}</dd>
        </dl>
      </Card>
      <Card title="患者との紐付け">
        {doc.linkedPatient ? (
          <p className="text-sm" data-testid="received-linked">
            {doc.linkedPatient.name}（患者番号 {doc.linkedPatient.patientNumber}）に紐付け済み。{' '}
            <a href={`/patients/${doc.linkedPatient.id}`} className="text-teal-800 hover:underline">
              カルテを開く
            </a>
          </p>
        ) : can(actor.role, 'document.write') ? (
          <LinkPatientForm receivedId={doc.id} candidates={doc.candidates} />
        ) : (
          <p className="text-sm text-slate-500">未紐付けです（医師が紐付けます）。</p>
        )}
      </Card>
      <Card title="本文">
        <div className="space-y-3 text-sm" data-testid="received-sections">
          {v.sections.map((s, i) => (
            <section key={i} className={s.depth ? 'ml-3' : ''}>
              <h3 className="font-semibold text-slate-700">{s.title}</h3>
              {s.text ? <p className="whitespace-pre-wrap">{s.text}</p> : null}
            </section>
          ))}
          {v.medications.length ? (
            <section>
              <h3 className="font-semibold text-slate-700">処方</h3>
              <ul>
                {v.medications.map((m, i) => (
                  <li key={i}>
                    {m.name} {m.dosage ?? ''}
                  </li>
                ))}
              </ul>
            </section>
          ) : null}
        </div>
      </Card>
      {v.attachments.length || v.attachedDocuments.length ? (
        <Card title="添付資料">
          <ul className="space-y-1 text-sm" data-testid="received-attachments">
            {v.attachments.map((a) => (
              <li key={a.index}>
                <a href={`/inbox/${doc.id}/attachments/${a.index}`} target="_blank" rel="noopener" className="text-teal-800 hover:underline">
                  {a.title}
                </a>{' '}
                <span className="text-xs text-slate-500">
                  {a.section ? `${a.section}の資料 ` : ''}
                  {a.contentType}
                  {a.viewable ? '（表示）' : '（ダウンロード）'}
                </span>
              </li>
            ))}
          </ul>
          {v.attachedDocuments.map((d, i) => (
            <section key={i} className="mt-3 space-y-2 rounded border border-slate-200 p-2 text-sm" data-testid="received-attached-document">
              <h3 className="font-semibold">添付文書: {d.title}</h3>
              {d.sections.map((s, j) => (
                <section key={j} className={s.depth ? 'ml-3' : ''}>
                  <h4 className="font-medium text-slate-700">{s.title}</h4>
                  {s.text ? <p className="whitespace-pre-wrap">{s.text}</p> : null}
                </section>
              ))}
              {d.diagnoses.length ? <p>傷病名: {d.diagnoses.map((x) => x.name).join('、')}</p> : null}
              {d.medications.length ? <p>処方: {d.medications.map((m) => `${m.name} ${m.dosage ?? ''}`).join('、')}</p> : null}
            </section>
          ))}
        </Card>
      ) : null}
      <ReceivedEntries
        receivedId={doc.id}
        diagnoses={v.diagnoses}
        allergies={v.allergies}
        labs={v.labs}
        imported={doc.importedEntries}
        canImport={Boolean(doc.linkedPatient) && !doc.withdrawn && can(actor.role, 'shared.copy')}
      />
    </div>
  );
}
