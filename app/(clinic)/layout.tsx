import { redirect } from 'next/navigation';
import { getRenderActor } from '@/lib/auth/actor';
import { AppShell } from '@/components/layout/app-shell';
import { countMyPendingApprovals } from '@/lib/records/approvals.service';

// Chrome only: every page checks its own permission (lib/auth/guards.ts requirePageActor).
export default async function ClinicLayout({ children }: { children: React.ReactNode }) {
  const actor = await getRenderActor();
  if (!actor) redirect('/login');
  // the 承認待ち menu shows how many wait (issue 13); a count, naming no patient
  const pendingApprovals = actor.mustChangePassword ? 0 : await countMyPendingApprovals(actor);
  return (
    <AppShell user={actor} pendingApprovals={pendingApprovals}>
      {children}
    </AppShell>
  );
}
