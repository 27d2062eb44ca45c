/**
 * Who calls a use case, without the web framework: services take a Principal and check its permissions here, so a
 * worker process or an API route can load any service without Next or next-auth (docs/decisions/0021). Today every
 * principal is a staff member (the Actor of a signed-in request is one); an API client and a background job will be
 * further kinds. Guards that redirect or render 403 pages stay in lib/auth/guards.ts (the web layer).
 */
import { AppError } from '@/lib/core/app-error';
import type { RequestContext } from '@/lib/core/request-context';
import { recordAuditEventNow } from '@/lib/audit/audit';
import { can, type Permission, type StaffRole } from '@/lib/permissions/permissions';

/** A staff member acting in one clinic: the audit trail names them, the permission matrix decides by role. */
export type StaffPrincipal = {
  userId: string;
  clinicId: string;
  role: StaffRole;
  loginId: string;
  /** client IP and request id for the audit trail (a job makes its own) */
  ctx: RequestContext;
};

export type Principal = StaffPrincipal;

/**
 * A vendor's backend app calling the FHIR API with an access token (lib/vendor-api): bound to one clinic, limited by its
 * SMART scopes instead of a role. It shapes like an audit actor (userId = the client_id, role `api_client`, loginId
 * `app:<name>`) so the audit trail and the write path name the app (docs/decisions/0046).
 */
export type ApiClientPrincipal = {
  kind: 'api_client';
  clinicId: string;
  clientId: string;
  appName: string;
  /** the granted SMART v2 scopes of the token */
  scopes: readonly string[];
  userId: string;
  role: 'api_client';
  loginId: string;
  ctx: RequestContext;
  /**
   * The token's jti while the app's status and the token's revocation are still to be checked: a read checks them in
   * the statement that writes its audit row (lib/vendor-api/fhir-read.repository.ts, docs/decisions/0084).
   */
  pendingAccessCheck?: string;
};

/** Whoever may write a clinical record through lib/records/write-path.ts: a staff member or an API client. */
export type RecordWriter = Principal | ApiClientPrincipal;

/**
 * A staff member needs the role's permission; an API client's SMART scope for the interaction was checked by the
 * vendor API's route table before the service runs (lib/vendor-api/fhir-routes.ts), so it passes here.
 */
export async function requireWritePermission(writer: RecordWriter, permission: Permission): Promise<void> {
  if ('kind' in writer && writer.kind === 'api_client') return;
  await requirePermission(writer as Principal, permission);
}

/** Writes a denial to the audit trail (outside any transaction: the denied use case writes nothing else). */
export async function auditDenied(principal: Principal, permission: string, detail?: Record<string, unknown>) {
  await recordAuditEventNow({
    clinicId: principal.clinicId,
    actor: principal,
    action: 'permission_denied',
    resourceType: permission.split('.')[0] ?? 'unknown',
    outcome: 'denied',
    detail: { permission, ...detail },
    ctx: principal.ctx,
  });
}

/** Services call this first: FORBIDDEN (audited) unless the principal's role has the permission. */
export async function requirePermission(principal: Principal, permission: Permission): Promise<void> {
  if (!can(principal.role, permission)) {
    await auditDenied(principal, permission);
    throw new AppError('FORBIDDEN', 'この操作を行う権限がありません。');
  }
}
