/** The web layer's guards: pages redirect to sign-in, a forced password change, or a 403 page. Services use principal.ts. */
import { forbidden, redirect } from 'next/navigation';
import { can, type Permission } from '@/lib/permissions/permissions';
import { getRenderActor, type Actor } from './actor';
import { auditDenied } from './principal';

export { auditDenied, requirePermission } from './principal';

/** Pages: sign-in redirect, forced password change, then a 403 page for a missing permission. */
export async function requirePageActor(permission?: Permission): Promise<Actor> {
  const actor = await getRenderActor();
  if (!actor) redirect('/login');
  if (actor.mustChangePassword) redirect('/account/password');
  if (permission && !can(actor.role, permission)) {
    await auditDenied(actor, permission, { page: true });
    forbidden();
  }
  return actor;
}
