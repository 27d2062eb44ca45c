import type { Metadata } from 'next';
import Link from 'next/link';
import { requirePageActor } from '@/lib/auth/guards';
import { formatDateTimeJst } from '@/lib/core/dates';
import { listPendingApprovalsForDoctor } from '@/lib/records/notes/note.service';
import { listPendingPrescriptionsForDoctor } from '@/lib/records/prescriptions/prescription.service';
import { Card, PageTitle } from '@/components/ui/ui';
import { DOSE_BASIS_LABELS } from '@/lib/records/prescriptions/prescription.constants';
import { ApproveNoteButton } from './approve-note-button';

export const metadata: Metadata = { title: '承認待ち' };

/** The signed-in doctor's 代行入力 waiting for approval: notes (approve here) and prescriptions (approve in the chart, where the safety checks run). */
export default async function ApprovalsPage() {
  const actor = await requirePageActor('note.approve');
  const [notes, prescriptions] = await Promise.all([listPendingApprovalsForDoctor(actor), listPendingPrescriptionsForDoctor(actor)]);
  return (
    <div className="mx-auto max-w-5xl">
      <PageTitle>承認待ち（代行入力）</PageTitle>
      <Card title={`診療録 ${notes.length}件`}>
        {notes.length === 0 ? (
          <p className="text-sm text-slate-500">承認待ちの診療録はありません。</p>
        ) : (
          <table className="w-full text-sm">
            <thead>
              <tr className="border-b border-slate-200 text-left text-xs text-slate-500">
                <th className="py-1 pr-2 font-medium">患者</th>
                <th className="py-1 pr-2 font-medium">代行入力者</th>
                <th className="py-1 pr-2 font-medium">入力日時</th>
                <th className="py-1 pr-2 font-medium">内容</th>
                <th className="py-1 font-medium">
                  <span className="sr-only">操作</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {notes.map((n) => (
                <tr key={n.noteId} className="border-b border-slate-100 align-top" data-testid="pending-note">
                  <td className="py-2 pr-2">
                    <Link href={`/patients/${n.patient.id}`} className="font-medium text-teal-800 hover:underline">
                      {n.patient.name}
                    </Link>
                    <div className="text-xs text-slate-500">
                      {n.patient.kana}・No.{n.patient.patientNumber}
                    </div>
                  </td>
                  <td className="py-2 pr-2">{n.enterer.name}</td>
                  <td className="whitespace-nowrap py-2 pr-2">
                    {formatDateTimeJst(new Date(n.createdAt))}
                    {n.version > 1 && <div className="text-xs text-slate-500">第{n.version}版</div>}
                  </td>
                  <td className="max-w-md py-2 pr-2 text-xs text-slate-700" data-testid="pending-note-content">
                    {n.vitals && <p className="font-mono">{n.vitals}</p>}
                    {n.sections.length === 0 && !n.vitals && '（内容なし）'}
                    <dl className="grid grid-cols-[1.25rem_minmax(0,1fr)] gap-x-2 gap-y-0.5">
                      {n.sections.map((sec) => (
                        <div key={sec.short} className="contents">
                          <dt className="font-semibold text-teal-800" title={sec.label}>{sec.short}</dt>
                          <dd className="whitespace-pre-wrap break-words">{sec.text}</dd>
                        </div>
                      ))}
                    </dl>
                    {n.changeReason && <p className="mt-1 text-slate-500">修正理由: {n.changeReason}</p>}
                  </td>
                  <td className="py-2">
                    <ApproveNoteButton noteId={n.noteId} patientName={n.patient.name} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <p className="mt-3 text-xs text-slate-500">内容を修正してから承認する場合は、患者名からカルテを開いて「編集」してください。</p>
      </Card>
      <Card title={`処方 ${prescriptions.length}件`} className="mt-4">
        {prescriptions.length === 0 ? (
          <p className="text-sm text-slate-500">承認待ちの処方はありません。</p>
        ) : (
          <ul className="flex flex-col gap-2 text-sm">
            {prescriptions.map((p) => (
              <li key={p.id} className="flex items-start justify-between gap-4 border-b border-slate-100 pb-2" data-testid="pending-prescription">
                <div>
                  <div className="font-medium">{p.patientName} <span className="text-xs text-slate-500">No.{p.patientNumber}</span></div>
                  <ul className="text-xs text-slate-700" data-testid="pending-prescription-items">
                    {p.items.map((i) => (
                      <li key={i.id}>
                        Rp{i.rpNumber} {i.drugName} {i.dose}{i.doseUnit}（{DOSE_BASIS_LABELS[i.doseBasis]}） {i.usageText}{' '}
                        {i.kind === 'as_needed' ? `${i.times ?? ''}回分` : i.days ? `${i.days}日分` : ''}
                        {!i.genericSubstitutionAllowed && `〔${i.substitutionReason === 'patient' ? '患者希望' : '変更不可'}〕`}
                      </li>
                    ))}
                  </ul>
                  {p.refillTimes && <div className="text-xs text-slate-600">リフィル {p.refillTimes}回</div>}
                  {p.note && <div className="text-xs text-slate-600">備考: {p.note}</div>}
                </div>
                <Link href={`/patients/${p.patientId}#prescriptions`} className="whitespace-nowrap text-teal-700 hover:underline">カルテで確認して承認</Link>
              </li>
            ))}
          </ul>
        )}
      </Card>
    </div>
  );
}
