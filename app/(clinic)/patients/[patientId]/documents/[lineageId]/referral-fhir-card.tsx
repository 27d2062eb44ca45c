import type { Actor } from '@/lib/auth/actor';
import { getDocumentFhir } from '@/lib/records/documents/document-fhir.service';
import { Badge, Card } from '@/components/ui/ui';
import { can } from '@/lib/permissions/permissions';
import type { DocumentSendingDto } from '@/lib/records/documents/document.dto';
import { SendDocumentButton } from '@/components/documents/send-document-button';
import { formatInTimeZone } from '@/lib/core/tz';
import type { DocumentKind } from '@/lib/records/documents/document.constants';

/**
 * The document as the JP-CLINS document it becomes (JP_Bundle_eReferral or JP_Bundle_eDischargeSummary): validated against the profiles, issues in
 * Japanese naming what to fix, and the JSON (audited read): exactly what 送信 sends to the 電子カルテ情報共有サービス,
 * with the delivery's state once sent (送信待ち / 送信済 / 再送待ち / エラー, ADR 0058).
 */
export async function ReferralFhirCard({ patientId, lineageId, documentId, sending, actor, kind = 'referral' }: { patientId: string; lineageId: string; documentId: string; sending: DocumentSendingDto | null; actor: Actor; kind?: DocumentKind }) {
  const fhir = await getDocumentFhir({ patientId, lineageId }, actor);
  const errors = fhir.issues.filter((i) => i.severity === 'error');
  const warnings = fhir.issues.filter((i) => i.severity !== 'error');
  return (
    <Card
      title={
        <span className="flex items-center gap-2">
          FHIR文書（{kind === 'discharge_summary' ? 'JP_Bundle_eDischargeSummary' : kind === 'checkup_report' ? 'JP_Bundle_eCheckupGeneral' : 'JP_Bundle_eReferral'}）
          {fhir.sendable ? <Badge tone="green">検証OK</Badge> : <Badge tone="red">要修正 {errors.length}件</Badge>}
        </span>
      }
    >
      <div data-testid="referral-fhir" className="space-y-2 text-sm">
        <p className="text-xs text-slate-600">
          文書ID <span className="font-mono">{fhir.identifier}</span>（第{fhir.version}版）。{kind !== 'referral' ? '送信すると電子カルテ情報共有サービスに登録されます。' : '送信すると電子カルテ情報共有サービスを通じて紹介先に届きます。'}
        </p>
        <div className="flex items-center gap-2" data-testid="document-sending">
          {sending ? (
            <>
              <Badge tone={sending.tone}>{sending.label}</Badge>
              {sending.sentAt ? <span className="text-xs text-slate-600">最終送信 {formatInTimeZone(new Date(sending.sentAt), 'yyyy/MM/dd HH:mm')}</span> : null}
              {sending.reason ? <span className="text-xs text-red-800">{sending.reason}</span> : null}
            </>
          ) : (
            <span className="text-xs text-slate-600">未送信</span>
          )}
          {fhir.sendable && can(actor.role, 'document.confirm') ? <SendDocumentButton documentId={documentId} again={Boolean(sending)} /> : null}
        </div>
        {fhir.issues.length ? (
          <ul className="space-y-0.5">
            {[...errors, ...warnings].map((i, n) => (
              <li key={n} className={i.severity === 'error' ? 'text-red-800' : 'text-amber-800'}>
                {i.severity === 'error' ? 'エラー' : '注意'}：{i.field ? `${i.field} — ` : ''}
                {i.message}
              </li>
            ))}
          </ul>
        ) : (
          <p className="text-green-800">JP-CLINS 1.5.2 のプロファイルに適合しています。</p>
        )}
        <details>
          <summary className="cursor-pointer text-xs text-teal-800">JSONを表示</summary>
          <pre className="mt-1 max-h-96 overflow-auto rounded bg-slate-50 p-2 text-[11px] leading-tight">{fhir.json}</pre>
        </details>
      </div>
    </Card>
  );
}
