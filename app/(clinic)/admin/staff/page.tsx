import type { Metadata } from 'next';
import { requirePageActor } from '@/lib/auth/guards';
import { getStaffLoginDomain, listStaff } from '@/lib/staff/staff.service';
import { StaffAdmin } from '@/components/admin/staff-admin';
import { PageTitle } from '@/components/ui/ui';

export const metadata: Metadata = { title: '職員管理' };

export default async function StaffPage() {
  const actor = await requirePageActor('staff.manage');
  const [staff, loginDomain] = await Promise.all([listStaff(actor), getStaffLoginDomain(actor)]);
  return (
    <div className="mx-auto max-w-6xl">
      <PageTitle>職員管理</PageTitle>
      <StaffAdmin staff={staff} currentUserId={actor.userId} loginDomain={loginDomain} />
    </div>
  );
}
