import type { QueueOrcaDto } from '@/lib/reception/visit.service';
import { ORCA_ACCEPTANCE_LABELS, ORCA_BILLING_LABELS } from '@/lib/orca/orca.constants';
import { Badge } from '@/components/ui/ui';

const yen = (n: number) => `${n.toLocaleString('ja-JP')}円`;

/** The レセコン side of a visit on the reception board: 受付 not yet in ORCA, then 会計待ち → 請求額 → 会計済. */
export function OrcaBadge({ orca }: { orca: QueueOrcaDto }) {
  if (orca.acceptance !== 'sent') {
    const tone = orca.acceptance === 'failed' ? 'red' : orca.acceptance === 'cancelled' ? 'slate' : 'amber';
    return (
      <span title={orca.message ?? undefined} data-testid="orca-state">
        <Badge tone={tone}>{ORCA_ACCEPTANCE_LABELS[orca.acceptance]}</Badge>
      </span>
    );
  }
  if (orca.billing === 'none') {
    return (
      <span title={orca.message ?? undefined} data-testid="orca-state">
        <Badge tone="slate">{ORCA_ACCEPTANCE_LABELS.sent}</Badge>
      </span>
    );
  }
  const amount = orca.billedYen !== null ? ` ${yen(orca.billedYen)}` : '';
  const points = orca.totalPoints !== null ? `（${orca.totalPoints.toLocaleString('ja-JP')}点）` : '';
  const unpaid = orca.billing === 'billed' && orca.billedYen !== null ? ` 未収${yen(orca.billedYen - (orca.paidYen ?? 0))}` : '';
  return (
    <span title={orca.message ?? undefined} data-testid="orca-state">
      <Badge tone={orca.billing === 'paid' ? 'green' : orca.billing === 'billed' ? 'amber' : 'slate'}>
        {ORCA_BILLING_LABELS[orca.billing]}
        {orca.billing !== 'waiting' && `${amount}${points}${unpaid}`}
      </Badge>
    </span>
  );
}
