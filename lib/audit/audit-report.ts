/** 監査ログ report for clinic_admin: filter, sort (allow-listed keys), page, CSV. Viewing it is audited too. */
import { z } from '@/lib/core/zod';
import { db } from '@/lib/core/db';
import { isValidIsoDate, todayJst } from '@/lib/core/dates';
import { formatInTimeZone } from '@/lib/core/tz';
import type { Actor } from '@/lib/auth/actor';
import { requirePermission } from '@/lib/auth/guards';
import { staffNames } from '@/lib/staff/staff-names';
import { recordAuditEventNow } from './audit';

export const AUDIT_SORT_KEYS = ['occurredAt', 'action', 'userId', 'patientId', 'resourceType', 'outcome'] as const;

const optionalDate = z
  .string()
  .optional()
  .transform((v) => v || undefined)
  .refine((v) => v === undefined || isValidIsoDate(v), '日付の形式が正しくありません。');

export const auditReportQuerySchema = z
  .object({
    from: optionalDate,
    to: optionalDate,
    userId: z.string().uuid().optional().or(z.literal('').transform(() => undefined)),
    patientId: z.string().uuid().optional().or(z.literal('').transform(() => undefined)),
    action: z.string().regex(/^[a-z_]{1,40}$/).optional().or(z.literal('').transform(() => undefined)),
    sort: z.enum(AUDIT_SORT_KEYS).default('occurredAt'),
    dir: z.enum(['asc', 'desc']).default('desc'),
    page: z.coerce.number().int().min(1).max(10_000).default(1),
  })
  .strict();
export type AuditReportQuery = z.infer<typeof auditReportQuerySchema>;

export const AUDIT_ACTION_LABELS: Record<string, string> = {
  read: '閲覧', search: '検索', create: '作成', update: '更新', delete: '削除', confirm: '確定', approve: '承認',
  print: '印刷', export: '出力', login: 'ログイン', login_failed: 'ログイン失敗', logout: 'ログアウト',
  mfa_enrolled: '二段階認証の登録', password_changed: 'パスワード変更', password_change_failed: 'パスワード変更の失敗', permission_denied: '権限なし',
  validation_failed: '入力エラー', staff_created: '職員登録', staff_updated: '職員変更', settings_changed: '設定変更', import: 'マスター取込',
};

const PAGE_SIZE = 50;

function whereOf(actor: Actor, q: AuditReportQuery) {
  return {
    clinicId: actor.clinicId,
    ...(q.from || q.to
      ? {
          occurredAt: {
            ...(q.from ? { gte: new Date(`${q.from}T00:00:00+09:00`) } : {}),
            ...(q.to ? { lt: new Date(new Date(`${q.to}T00:00:00+09:00`).getTime() + 86_400_000) } : {}),
          },
        }
      : {}),
    ...(q.userId ? { userId: q.userId } : {}),
    ...(q.patientId ? { patientId: q.patientId } : {}),
    ...(q.action ? { action: q.action } : {}),
  };
}

export type AuditRowDto = {
  /** append order, unique in the clinic (the row's key) */
  id: string;
  /** position in the hash chain; null until the sealer has sealed the row (a few seconds) */
  seq: string | null;
  occurredAt: string;
  userId: string | null;
  userName: string | null;
  userRole: string | null;
  patientId: string | null;
  action: string;
  resourceType: string;
  resourceId: string | null;
  outcome: string;
  ip: string | null;
  requestId: string | null;
};

async function fetchRows(actor: Actor, q: AuditReportQuery, take: number, skip: number) {
  const rows = await db().auditEvent.findMany({
    where: whereOf(actor, q),
    orderBy: [{ [q.sort]: q.dir }, { id: q.dir }],
    take,
    skip,
  });
  const names = await staffNames(actor.clinicId, rows.map((r) => r.userId));
  return rows.map<AuditRowDto>((r) => ({
    id: String(r.id),
    seq: r.seq === null ? null : String(r.seq),
    occurredAt: r.occurredAt.toISOString(),
    userId: r.userId,
    userName: r.userId ? (names.get(r.userId) ?? null) : null,
    userRole: r.userRole,
    patientId: r.patientId,
    action: r.action,
    resourceType: r.resourceType,
    resourceId: r.resourceId,
    outcome: r.outcome,
    ip: r.ip,
    requestId: r.requestId,
  }));
}

export async function getAuditReport(q: AuditReportQuery, actor: Actor) {
  await requirePermission(actor, 'audit.read');
  const [rows, total] = await Promise.all([
    fetchRows(actor, q, PAGE_SIZE, (q.page - 1) * PAGE_SIZE),
    db().auditEvent.count({ where: whereOf(actor, q) }),
  ]);
  await recordAuditEventNow({ clinicId: actor.clinicId, actor, action: 'read', resourceType: 'audit_report', detail: { ...q }, ctx: actor.ctx });
  return { rows, total, pageSize: PAGE_SIZE };
}

const csvCell = (v: string | null) => {
  const s = v ?? '';
  // leading = + - @ would run as a formula in a spreadsheet
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

/** The CSV's file name carries the clinic's (JST) date of the export. */
export function auditCsvFileName(now = new Date()): string {
  return `audit-${todayJst(now)}.csv`;
}

export async function exportAuditCsv(q: AuditReportQuery, actor: Actor): Promise<string> {
  await requirePermission(actor, 'audit.read');
  const rows = await fetchRows(actor, q, 100_000, 0);
  await recordAuditEventNow({ clinicId: actor.clinicId, actor, action: 'export', resourceType: 'audit_report', detail: { ...q, rows: rows.length }, ctx: actor.ctx });
  const header = ['連番', '日時(JST)', '職員ID', '職員名', '職種', '患者ID', '操作', '対象', '対象ID', '結果', 'IPアドレス', 'リクエストID'];
  const lines = rows.map((r) =>
    [r.seq, formatInTimeZone(new Date(r.occurredAt), 'yyyy-MM-dd HH:mm:ss'), r.userId, r.userName, r.userRole, r.patientId, AUDIT_ACTION_LABELS[r.action] ?? r.action, r.resourceType, r.resourceId, r.outcome, r.ip, r.requestId]
      .map(csvCell)
      .join(','),
  );
  return `\uFEFF${[header.join(','), ...lines].join('\r\n')}\r\n`;
}
