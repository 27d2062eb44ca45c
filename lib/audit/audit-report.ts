/** 監査ログ report for clinic_admin: filter, sort (allow-listed keys), page, CSV. Viewing it is audited too. */
import { z } from '@/lib/core/zod';
import { db, Prisma } from '@/lib/core/db';
import { isValidIsoDate, todayJst } from '@/lib/core/dates';
import { formatInTimeZone } from '@/lib/core/tz';
import { requirePermission, type Principal } from '@/lib/auth/principal';
import { staffNames } from '@/lib/staff/staff-names';
import { ROLE_LABELS } from '@/lib/permissions/permissions';
import { escapeLike, toKanaSearchKey, toNameSearchKey } from '@/lib/core/kana';
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
    /** 患者番号 (digits) or part of the name (kanji or kana): "who opened 患者 X's chart" */
    patient: z.string().trim().max(40, '患者は40文字以内で入力してください。').optional().transform((v) => v || undefined),
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
  resend: '再送',
};

/** 対象 in words (the audit rows keep the code; a code not listed shows as it is). */
export const AUDIT_RESOURCE_LABELS: Record<string, string> = {
  patient: '患者情報', patient_history: '患者情報の変更履歴', visit: '受付', visit_slip: '受付票', visit_history: '来院履歴',
  reception_queue: '受付一覧', eligibility: 'オンライン資格確認', clinical_note: '診療録', diagnosis: '傷病名', allergy: 'アレルギー',
  lab_result: '検査結果', lab_order: '検査オーダー', lab_order_list: '検査オーダー一覧', admission: '入院', admission_list: '入院歴', lab_result_import: '検査結果の取込', lab_import_preview: '検査取込の確認', prescription: '処方',
  prescription_history: '処方の版歴', diagnosis_history: '傷病名の版歴', allergy_history: 'アレルギーの版歴', lab_result_history: '検査結果の版歴',
  clinical_document: '診療情報提供書', user: '職員', session: 'ログイン', clinic: '医療機関の設定', audit_report: '監査ログ', master: 'マスター',
  drug_limit: '薬品の上限', appointment: '予約', appointment_list: '予約表', appointment_slot: '予約枠', input: '入力', sharing_unit: '情報共有（送信）', sharing_status: '情報共有の状況', sharing_preview: '送信内容の確認',
  sharing_consent: '閲覧同意', shared_records: '他院の情報', sharing_attention: '情報共有の要対応', fhir_bundle: 'FHIR文書',
  orca_acceptance: 'ORCA受付', orca_patient: 'ORCA患者', orca_medical: 'ORCA診療行為', orca_income: 'ORCA会計', orca_diseases: 'ORCA病名',
  orca_simulation: 'ORCA算定', orca_link: 'レセコン連携', orca_settings: 'レセコン連携の設定', api_client: '外部連携アプリ', api_token: '外部連携のトークン', api_subscription: '外部連携の通知',
  api_subscription_delivery: '外部連携の通知配信', bulk_export: '一括出力', api_client_calls: '外部連携アプリの利用履歴',
  // a permission denial names the permission's area
  chart: 'カルテ', reception: '受付', note: '診療録', audit: '監査ログ', staff: '職員管理',
};
export const AUDIT_OUTCOME_LABELS: Record<string, string> = { success: '成功', failure: '失敗', denied: '拒否' };
export const auditResourceLabel = (t: string) => AUDIT_RESOURCE_LABELS[t] ?? t;
export const auditRoleLabel = (r: string | null) => (r && r in ROLE_LABELS ? ROLE_LABELS[r as keyof typeof ROLE_LABELS] : r === 'api_client' ? '外部連携アプリ' : (r ?? ''));

const PAGE_SIZE = 50;

/** The patients a 患者 filter names: the 患者番号 exactly, else name or kana starting with (or containing) the text. */
async function patientIdsFor(clinicId: string, text: string): Promise<string[]> {
  const t = text.normalize('NFKC').trim();
  if (/^\d+$/.test(t)) {
    const n = t.length <= 9 ? Number(t) : -1;
    return (await db().patient.findMany({ where: { clinicId, patientNumber: n }, select: { id: true } })).map((p) => p.id);
  }
  const kana = toKanaSearchKey(t.replace(/\s/g, ''));
  const name = toNameSearchKey(t.replace(/\s/g, ''));
  const rows = await db().patient.findMany({
    where: { clinicId, OR: [...(kana ? [{ kanaSearch: { contains: escapeLike(kana) } }] : []), ...(name ? [{ nameSearch: { contains: escapeLike(name) } }] : [])] },
    select: { id: true },
    take: 200,
  });
  return rows.map((p) => p.id);
}

async function whereOf(actor: Principal, q: AuditReportQuery) {
  const named = q.patient ? await patientIdsFor(actor.clinicId, q.patient) : null;
  return {
    ...(named ? { AND: [{ patientId: { in: named } }] } : {}),
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
  /** 患者番号 and 氏名 of the patient (null when none, or when the patient is gone) */
  patientNumber: number | null;
  patientName: string | null;
  action: string;
  resourceType: string;
  resourceId: string | null;
  outcome: string;
  ip: string | null;
  requestId: string | null;
  /**
   * The screen shows what one request read of one patient as one event (a chart open reads a dozen records, each audited
   * on its own row): the record kinds in the order they were read, and how many rows the event stands for. The CSV keeps
   * one line per row.
   */
  resourceTypes: string[];
  rowCount: number;
};

/** 患者番号 and 氏名 of the patients some rows name (one query). */
async function patientsOf(clinicId: string, patientIds: (string | null)[]) {
  const ids = [...new Set(patientIds.filter((x): x is string => !!x))];
  const rows = ids.length ? await db().patient.findMany({ where: { clinicId, id: { in: ids } }, select: { id: true, patientNumber: true, familyName: true, givenName: true } }) : [];
  return new Map(rows.map((p) => [p.id, { patientNumber: p.patientNumber, patientName: `${p.familyName} ${p.givenName}` }]));
}

/** The report's filters as SQL (the same as whereOf's, for the grouped query). */
async function sqlWhereOf(actor: Principal, q: AuditReportQuery): Promise<Prisma.Sql> {
  const named = q.patient ? await patientIdsFor(actor.clinicId, q.patient) : null;
  const conds: Prisma.Sql[] = [Prisma.sql`"clinicId" = ${actor.clinicId}`];
  if (named) conds.push(named.length ? Prisma.sql`"patientId" IN (${Prisma.join(named)})` : Prisma.sql`FALSE`);
  if (q.from) conds.push(Prisma.sql`"occurredAt" >= ${new Date(`${q.from}T00:00:00+09:00`)}`);
  if (q.to) conds.push(Prisma.sql`"occurredAt" < ${new Date(new Date(`${q.to}T00:00:00+09:00`).getTime() + 86_400_000)}`);
  if (q.userId) conds.push(Prisma.sql`"userId" = ${q.userId}`);
  if (q.patientId) conds.push(Prisma.sql`"patientId" = ${q.patientId}`);
  if (q.action) conds.push(Prisma.sql`action = ${q.action}`);
  return Prisma.join(conds, ' AND ');
}

// the reads of one request on one patient by one user are one event; every other row is an event of its own
const EVENT_GROUP = Prisma.sql`GROUP BY "userId", "patientId", action, outcome, "requestId",
  CASE WHEN action = 'read' AND "requestId" IS NOT NULL AND "patientId" IS NOT NULL THEN NULL ELSE id END`;
const SORT_SQL: Record<(typeof AUDIT_SORT_KEYS)[number], Prisma.Sql> = {
  occurredAt: Prisma.sql`min("occurredAt")`, action: Prisma.sql`action`, userId: Prisma.sql`"userId"`,
  patientId: Prisma.sql`"patientId"`, resourceType: Prisma.sql`min("resourceType")`, outcome: Prisma.sql`outcome`,
};

type EventRow = {
  id: bigint; seq: bigint | null; occurredAt: Date; userId: string | null; userRole: string | null; patientId: string | null;
  action: string; resourceTypes: string[]; resourceId: string | null; outcome: string; ip: string | null; requestId: string | null; rowCount: number;
};

async function fetchEvents(actor: Principal, q: AuditReportQuery, take: number, skip: number): Promise<{ rows: AuditRowDto[]; total: number }> {
  const where = await sqlWhereOf(actor, q);
  const dir = q.dir === 'asc' ? Prisma.sql`ASC` : Prisma.sql`DESC`;
  const [events, [count]] = await Promise.all([
    db().$queryRaw<EventRow[]>`
      SELECT min(id) AS id, min(seq) AS seq, min("occurredAt") AS "occurredAt", "userId", min("userRole") AS "userRole", "patientId", action,
             array_agg("resourceType" ORDER BY id) AS "resourceTypes", CASE WHEN count(*) = 1 THEN min("resourceId") END AS "resourceId",
             outcome, min(ip) AS ip, "requestId", count(*)::int AS "rowCount"
      FROM "AuditEvent" WHERE ${where}
      ${EVENT_GROUP}
      ORDER BY ${SORT_SQL[q.sort]} ${dir}, min(id) ${dir}
      LIMIT ${take} OFFSET ${skip}`,
    db().$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM (SELECT 1 FROM "AuditEvent" WHERE ${where} ${EVENT_GROUP}) AS events`,
  ]);
  const [names, patients] = await Promise.all([staffNames(actor.clinicId, events.map((r) => r.userId)), patientsOf(actor.clinicId, events.map((r) => r.patientId))]);
  const rows = events.map<AuditRowDto>((r) => {
    const types = [...new Set(r.resourceTypes)];
    const patient = r.patientId ? patients.get(r.patientId) : undefined;
    return {
      id: String(r.id),
      seq: r.seq === null ? null : String(r.seq),
      occurredAt: r.occurredAt.toISOString(),
      userId: r.userId,
      userName: r.userId ? (names.get(r.userId) ?? null) : null,
      userRole: r.userRole,
      patientId: r.patientId,
      patientNumber: patient?.patientNumber ?? null,
      patientName: patient?.patientName ?? null,
      action: r.action,
      resourceType: types[0]!,
      resourceId: r.resourceId,
      outcome: r.outcome,
      ip: r.ip,
      requestId: r.requestId,
      resourceTypes: types,
      rowCount: r.rowCount,
    };
  });
  return { rows, total: count?.n ?? 0 };
}

/** 対象 of an event in words: a chart open (the notes among what one request read) is 「カルテ」 with what it showed. */
export function auditEventTargetLabel(types: readonly string[]): string {
  if (types.length <= 1) return auditResourceLabel(types[0] ?? '');
  const labels = types.map(auditResourceLabel);
  return types.includes('clinical_note') ? `カルテ（${labels.join('・')}）` : labels.join('・');
}

async function fetchRows(actor: Principal, q: AuditReportQuery, take: number, skip: number) {
  const rows = await db().auditEvent.findMany({
    where: await whereOf(actor, q),
    orderBy: [{ [q.sort]: q.dir }, { id: q.dir }],
    take,
    skip,
  });
  const [names, patientOf] = await Promise.all([staffNames(actor.clinicId, rows.map((r) => r.userId)), patientsOf(actor.clinicId, rows.map((r) => r.patientId))]);
  return rows.map<AuditRowDto>((r) => ({
    id: String(r.id),
    seq: r.seq === null ? null : String(r.seq),
    occurredAt: r.occurredAt.toISOString(),
    userId: r.userId,
    userName: r.userId ? (names.get(r.userId) ?? null) : null,
    userRole: r.userRole,
    patientId: r.patientId,
    patientNumber: r.patientId ? (patientOf.get(r.patientId)?.patientNumber ?? null) : null,
    patientName: r.patientId ? (patientOf.get(r.patientId)?.patientName ?? null) : null,
    action: r.action,
    resourceType: r.resourceType,
    resourceId: r.resourceId,
    outcome: r.outcome,
    ip: r.ip,
    requestId: r.requestId,
    resourceTypes: [r.resourceType],
    rowCount: 1,
  }));
}

export async function getAuditReport(q: AuditReportQuery, actor: Principal) {
  await requirePermission(actor, 'audit.read');
  const { rows, total } = await fetchEvents(actor, q, PAGE_SIZE, (q.page - 1) * PAGE_SIZE);
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

export async function exportAuditCsv(q: AuditReportQuery, actor: Principal): Promise<string> {
  await requirePermission(actor, 'audit.read');
  const rows = await fetchRows(actor, q, 100_000, 0);
  await recordAuditEventNow({ clinicId: actor.clinicId, actor, action: 'export', resourceType: 'audit_report', detail: { ...q, rows: rows.length }, ctx: actor.ctx });
  const header = ['連番', '日時(JST)', '職員ID', '職員名', '職種', '患者番号', '氏名', '患者ID', '操作', '対象', '対象ID', '結果', 'IPアドレス', 'リクエストID'];
  const lines = rows.map((r) =>
    [
      r.seq,
      formatInTimeZone(new Date(r.occurredAt), 'yyyy-MM-dd HH:mm:ss'),
      r.userId,
      r.userName,
      auditRoleLabel(r.userRole),
      r.patientNumber === null ? null : String(r.patientNumber),
      r.patientName,
      r.patientId,
      AUDIT_ACTION_LABELS[r.action] ?? r.action,
      auditResourceLabel(r.resourceType),
      r.resourceId,
      AUDIT_OUTCOME_LABELS[r.outcome] ?? r.outcome,
      r.ip,
      r.requestId,
    ]
      .map(csvCell)
      .join(','),
  );
  return `\uFEFF${[header.join(','), ...lines].join('\r\n')}\r\n`;
}
