import Link from 'next/link';
import type { StaffRole } from '@/lib/permissions/permissions';
import { can, ROLE_LABELS, type Permission } from '@/lib/permissions/permissions';
import { logoutAction } from '@/lib/auth/login.actions';
import { IdleGuard } from './idle-guard';
import { NavLink } from './nav-link';

const NAV: { href: string; label: string; permission: Permission }[] = [
  { href: '/worklist', label: '診察待ち', permission: 'note.confirm' },
  { href: '/reception', label: '受付', permission: 'reception.read' },
  { href: '/reception/appointments', label: '予約表', permission: 'reception.read' },
  { href: '/patients', label: '患者', permission: 'patient.read' },
  { href: '/approvals', label: '承認待ち', permission: 'note.approve' },
  { href: '/inbox', label: '受信紹介状', permission: 'document.write' },
  { href: '/labs/import', label: '検査取込', permission: 'lab.write' },
  { href: '/phrases', label: '定型文', permission: 'note.write' },
  { href: '/sets', label: 'セット', permission: 'prescription.write' },
  { href: '/admin/staff', label: '職員管理', permission: 'staff.manage' },
  { href: '/admin/sharing', label: '情報共有', permission: 'sharing.manage' },
  { href: '/admin/audit', label: '監査ログ', permission: 'audit.read' },
  { href: '/admin/masters', label: 'マスター', permission: 'master.import' },
  { href: '/admin/drug-limits', label: '薬品の上限', permission: 'clinic.settings' },
  { href: '/admin/phrases', label: '定型文', permission: 'clinic.settings' },
  { href: '/sets#clinic', label: 'セット', permission: 'clinic.settings' },
  { href: '/admin/appointment-slots', label: '予約枠', permission: 'clinic.settings' },
  { href: '/admin/settings', label: '設定', permission: 'clinic.settings' },
  { href: '/admin/orca', label: 'レセコン連携', permission: 'clinic.settings' },
  { href: '/admin/api-clients', label: '外部連携', permission: 'clinic.settings' },
];

export function AppShell({
  user,
  pendingApprovals = 0,
  children,
}: {
  user: { displayName: string; role: StaffRole; clinicName: string; idleTimeoutMinutes: number };
  /** 代行入力 waiting for this doctor: shown on the 承認待ち menu */
  pendingApprovals?: number;
  children: React.ReactNode;
}) {
  return (
    <div className="flex min-h-screen flex-col">
      <header className="no-print sticky top-0 z-30 flex h-11 items-center gap-4 border-b border-teal-900 bg-teal-800 px-4 text-white">
        <Link href="/" className="font-bold tracking-wide">
          Karte
        </Link>
        <span className="hidden text-xs text-teal-100 md:inline">{user.clinicName}</span>
        <nav aria-label="メインメニュー" className="flex gap-1">
          {NAV.filter((n) => can(user.role, n.permission)).map((n) => (
            <NavLink key={n.href} href={n.href} others={NAV.map((o) => o.href)}>
              {n.label}
              {n.href === '/approvals' && pendingApprovals > 0 && (
                <span className="ml-1 rounded-full bg-amber-400 px-1.5 text-xs font-bold text-slate-900" data-testid="approvals-count" aria-label={`${pendingApprovals}件`}>
                  {pendingApprovals}
                </span>
              )}
            </NavLink>
          ))}
        </nav>
        <div className="ml-auto flex items-center gap-3 text-xs">
          <Link href="/account/password" className="hover:underline">
            {user.displayName}（{ROLE_LABELS[user.role]}）
          </Link>
          <form action={logoutAction}>
            <button type="submit" className="rounded border border-teal-600 px-2 py-1 hover:bg-teal-700">
              ログアウト
            </button>
          </form>
        </div>
      </header>
      <main className="flex-1 p-4">
        <IdleGuard minutes={user.idleTimeoutMinutes}>{children}</IdleGuard>
      </main>
    </div>
  );
}
