import { redirect } from 'next/navigation';
import { getActor } from '@/lib/auth/actor';
import { AppShell } from '@/components/layout/app-shell';

// Chrome only: every page checks its own permission (lib/auth/guards.ts requirePageActor).
export default async function ClinicLayout({ children }: { children: React.ReactNode }) {
  const actor = await getActor();
  if (!actor) redirect('/login');
  return <AppShell user={actor}>{children}</AppShell>;
}
