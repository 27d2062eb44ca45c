import type { Actor } from '@/lib/auth/actor';
import { Card } from '@/components/ui/ui';

// Placeholder until the 検査 slice lands (replaced by its owner).
export async function LabSummaryPanel({ patientId }: { patientId: string; actor: Actor }) {
  return <Card title="検査"><p className="text-sm text-slate-500" data-patient={patientId}>準備中</p></Card>;
}
