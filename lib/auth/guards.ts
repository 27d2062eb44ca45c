/** Permission checks that also write the denial to the audit trail. Used by pages, actions and routes. */
import { forbidden, redirect } from 'next/navigation';
import { AppError } from '@/lib/core/app-error';
import { recordAuditEventNow } from '@/lib/audit/audit';
import { can, type Permission } from '@/lib/permissions/permissions';
import { getActor, type Actor } from './actor';

export async function auditDenied(actor: Actor, permission: string, detail?: Record<string, unknown>) {
  await recordAuditEventNow({
    clinicId: actor.clinicId,
    actor,
    action: 'permission_denied',
    resourceType: permission.split('.')[0] ?? 'unknown',
    outcome: 'denied',
    detail: { permission, ...detail },
    ctx: actor.ctx,
  });
}

/** Services call this first: FORBIDDEN (audited) unless the actor's role has the permission. */
export async function requirePermission(actor: Actor, permission: Permission): Promise<void> {
  if (!can(actor.role, permission)) {
    await auditDenied(actor, permission);
    throw new AppError('FORBIDDEN', 'この操作を行う権限がありません。');
  }
}

/** Pages: sign-in redirect, forced password change, then a 403 page for a missing permission. */
export async function requirePageActor(permission?: Permission): Promise<Actor> {
  const actor = await getActor();
  if (!actor) redirect('/login');
  if (actor.mustChangePassword) redirect('/account/password');
  if (permission && !can(actor.role, permission)) {
    await auditDenied(actor, permission, { page: true });
    forbidden();
  }
  return actor;
}
