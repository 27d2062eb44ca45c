import type { Actor } from '@/lib/auth/actor';
import { Card } from '@/components/ui/ui';

// Placeholder until the 診療録 slice lands (replaced by its owner).
export async function NotesTimeline({ patientId }: { patientId: string; actor: Actor }) {
  return <Card title="診療録"><p className="text-sm text-slate-500" data-patient={patientId}>準備中</p></Card>;
}
