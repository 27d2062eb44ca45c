import type { Actor } from '@/lib/auth/actor';
import { Card } from '@/components/ui/ui';

// Placeholder until the アレルギー slice lands (replaced by its owner).
export async function AllergyPanel({ patientId }: { patientId: string; actor: Actor }) {
  return <Card title="アレルギー"><p className="text-sm text-slate-500" data-patient={patientId}>準備中</p></Card>;
}
