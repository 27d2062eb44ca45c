import type { Metadata } from 'next';
import { QueryProvider } from '@/components/providers/query-provider';
import { requirePageActor } from '@/lib/auth/guards';
import { can } from '@/lib/permissions/permissions';
import { listMyWorklist } from '@/lib/reception/visit.service';
import { Worklist } from '@/components/reception/worklist';

export const metadata: Metadata = { title: '診察待ち' };

/** The doctor's home: today's visits that are theirs or nobody's yet, waiting to be seen (issue 13). */
export default async function WorklistPage() {
  const actor = await requirePageActor('note.confirm');
  const list = await listMyWorklist(actor);
  return (
    <QueryProvider>
      <Worklist initialList={list} startsConsultation={can(actor.role, 'reception.write')} />
    </QueryProvider>
  );
}
