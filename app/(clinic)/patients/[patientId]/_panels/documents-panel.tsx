import Link from 'next/link';
import type { Actor } from '@/lib/auth/actor';
import { can } from '@/lib/permissions/permissions';
import { listDocumentsForPatient } from '@/lib/records/documents/document.service';
import { DOCUMENT_KIND_LABELS } from '@/lib/records/documents/document.constants';
import { Badge, Card, LinkButton } from '@/components/ui/ui';
import { ReferralLauncher } from '@/components/documents/referral-launcher';
import { formatInTimeZone } from '@/lib/core/tz';
import { clinicHasBeds } from '@/lib/staff/staff.service';

const TONES = { draft: 'amber', pending_approval: 'amber', final: 'green', entered_in_error: 'slate' } as const;

/**
 * 文書 panel of the chart: the patient's documents (latest version each, read audited by the service); 紹介状, 健診結果
 * and — in a clinic with beds (有床診療所, 0087) — 退院時サマリー start one.
 */
export async function DocumentsPanel({ patientId, actor }: { patientId: string; actor: Actor }) {
  const [docs, hasBeds] = await Promise.all([listDocumentsForPatient(patientId, actor), clinicHasBeds(actor)]);
  return (
    <Card
      title={hasBeds ? '文書（診療情報提供書・退院時サマリー・健診結果）' : '文書（診療情報提供書・健診結果）'}
      actions={
        can(actor.role, 'document.write') ? (
          <span className="flex gap-1">
            <ReferralLauncher patientId={patientId} />
            {hasBeds ? (
              <LinkButton href={`/patients/${patientId}/documents/new?kind=discharge_summary`} className="no-print whitespace-nowrap px-2 py-1 text-xs">
                退院時サマリー
              </LinkButton>
            ) : null}
            <LinkButton href={`/patients/${patientId}/documents/new?kind=checkup_report`} className="no-print whitespace-nowrap px-2 py-1 text-xs">
              健診結果
            </LinkButton>
          </span>
        ) : null
      }
    >
      {docs.length === 0 ? <p className="text-sm text-slate-500">文書はありません。</p> : null}
      <ul className="divide-y divide-slate-100 text-sm" data-testid="documents-list">
        {docs.map((d) => (
          <li key={d.id} className="flex items-center gap-2 py-1">
            <Link href={`/patients/${patientId}/documents/${d.lineageId}`} className="text-teal-800 hover:underline">
              {DOCUMENT_KIND_LABELS[d.kind]}
              {d.kind === 'referral' && d.content.destination.name ? `（${d.content.destination.name}）` : ''}
              {d.kind === 'discharge_summary' && d.content.dischargeDate ? `（${d.content.dischargeDate.replaceAll('-', '/')} 退院）` : ''}
              {d.kind === 'checkup_report' && d.content.examDate ? `（${d.content.examDate.replaceAll('-', '/')} 実施）` : ''}
            </Link>
            <Badge tone={TONES[d.status]}>{d.statusLabel}</Badge>
            {d.sending ? <Badge tone={d.sending.tone}>{d.sending.label}</Badge> : null}
            <span className="ml-auto text-xs text-slate-500">
              第{d.version}版 {formatInTimeZone(new Date(d.confirmedAt ?? d.createdAt), 'yyyy/MM/dd')}
            </span>
          </li>
        ))}
      </ul>
    </Card>
  );
}
