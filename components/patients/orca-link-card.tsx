import type { OrcaPatientLinkDto } from '@/lib/orca/orca-link.service';
import { Badge, Card } from '@/components/ui/ui';

const TONE = { pending: 'slate', linked: 'green', needs_review: 'amber', failed: 'red' } as const;

/** The patient's link to the レセコン (ORCA): 患者番号 there, state, ORCA's warning, 保険組合せ. */
export function OrcaLinkCard({ link }: { link: OrcaPatientLinkDto }) {
  return (
    <Card title="レセコン（ORCA）連携" className="mt-4">
      <dl className="grid grid-cols-[10rem_1fr] gap-y-1 p-4 text-sm" data-testid="orca-link">
        <dt className="text-slate-500">状態</dt>
        <dd>
          <Badge tone={TONE[link.state]}>{link.label}</Badge>
        </dd>
        <dt className="text-slate-500">ORCA患者番号</dt>
        <dd className="font-mono">{link.orcaPatientId ?? '未登録（最初の受付で登録されます）'}</dd>
        <dt className="text-slate-500">患者番号の管理</dt>
        <dd>{link.numberingMaster === 'orca' ? 'ORCAが採番（電子カルテの番号と別）' : '電子カルテの患者番号をORCAでも使用'}</dd>
        {link.message && (
          <>
            <dt className="text-slate-500">ORCAからの連絡</dt>
            <dd className="text-amber-800">{link.message}</dd>
          </>
        )}
        {link.insuranceCombinations.length > 0 && (
          <>
            <dt className="text-slate-500">保険組合せ</dt>
            <dd>
              {link.insuranceCombinations.map((c) => (
                <div key={c.combinationNumber}>
                  <span className="font-mono">{c.combinationNumber}</span> {c.providerName}
                  {c.outpatientRate !== null && `（外来${Math.round(c.outpatientRate * 100)}%）`}
                </div>
              ))}
            </dd>
          </>
        )}
      </dl>
    </Card>
  );
}
