import type { Actor } from '@/lib/auth/actor';
import { getReferralFhir } from '@/lib/records/documents/document-fhir.service';
import { Badge, Card } from '@/components/ui/ui';

/**
 * The letter as the JP-CLINS document it becomes (JP_Bundle_eReferral): validated against the profiles, issues in
 * Japanese naming what to fix, and the JSON (audited read). Sending it is not offered yet.
 */
export async function ReferralFhirCard({ patientId, lineageId, actor }: { patientId: string; lineageId: string; actor: Actor }) {
  const fhir = await getReferralFhir({ patientId, lineageId }, actor);
  const errors = fhir.issues.filter((i) => i.severity === 'error');
  const warnings = fhir.issues.filter((i) => i.severity !== 'error');
  return (
    <Card
      title={
        <span className="flex items-center gap-2">
          FHIR文書（JP_Bundle_eReferral）
          {fhir.sendable ? <Badge tone="green">検証OK</Badge> : <Badge tone="red">要修正 {errors.length}件</Badge>}
        </span>
      }
    >
      <div data-testid="referral-fhir" className="space-y-2 text-sm">
        <p className="text-xs text-slate-600">
          文書ID <span className="font-mono">{fhir.identifier}</span>（第{fhir.version}版）。電子カルテ情報共有サービスへの送信は未対応です。
        </p>
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
