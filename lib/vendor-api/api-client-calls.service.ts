/**
 * 利用履歴: what one vendor app did through the API, from the audit trail (every API call writes an event naming the
 * app as its actor, docs/decisions/0046). For the clinic's admin on 外部連携アプリ, with a date filter and a CSV;
 * looking at it is itself audited (a read, the CSV an export). docs/decisions/0068.
 */
import { z } from '@/lib/core/zod';
import { AppError } from '@/lib/core/app-error';
import { db } from '@/lib/core/db';
import { isValidIsoDate, todayJst } from '@/lib/core/dates';
import { formatInTimeZone } from '@/lib/core/tz';
import { recordAuditEventNow } from '@/lib/audit/audit';
import { AUDIT_ACTION_LABELS, AUDIT_OUTCOME_LABELS, auditResourceLabel } from '@/lib/audit/audit-report';
import { requirePermission, type Principal } from '@/lib/auth/principal';
import { apiClientRepository } from './api-client.repository';

const optionalDate = z
  .string()
  .optional()
  .transform((v) => v || undefined)
  .refine((v) => v === undefined || isValidIsoDate(v), '日付の形式が正しくありません。');

export const apiClientCallsQuerySchema = z
  .object({
    clientId: z.string().uuid('アプリを選び直してください。'),
    /** JST calendar days, both included */
    from: optionalDate,
    to: optionalDate,
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: '期間の開始は終了以前の日付にしてください。', path: ['from'] });
export type ApiClientCallsQuery = z.infer<typeof apiClientCallsQuerySchema>;

/** The screen shows the newest calls of the period; the CSV holds up to CSV_LIMIT. */
export const CALLS_PAGE_SIZE = 200;
const CSV_LIMIT = 50_000;

/** 操作 of an API call in words (the audit detail's `interaction`, else the audit action). */
const INTERACTION_LABELS: Record<string, string> = {
  read: '読み取り',
  vread: '版の読み取り',
  'history-instance': '版の履歴',
  'search-type': '検索',
  create: '作成',
  update: '更新',
  introspect: 'トークンの確認',
  $export: '一括出力の開始',
  'Patient/$export': '一括出力の開始（患者）',
  '$export-file': '一括出力ファイルの取得',
  '$export-cancel': '一括出力の中止',
};
const TOKEN_ACTION_LABELS: Record<string, string> = { login: 'トークン発行', login_failed: 'トークン発行の失敗', logout: 'トークンの失効' };

/** The FHIR type an audit resourceType stands for in the API (the audit keeps the record kind). */
const FHIR_TYPE_OF_AUDIT: Record<string, string> = {
  patient: 'Patient',
  diagnosis: 'Condition',
  allergy: 'AllergyIntolerance',
  lab_result: 'Observation',
  prescription: 'MedicationRequest',
  visit: 'Encounter',
  user: 'Practitioner',
  clinic: 'Organization',
  api_subscription: 'Subscription',
};

export type ApiClientCallDto = {
  id: string;
  occurredAt: string;
  /** the time in JST, to the second */
  occurredAtText: string;
  /** 操作 in words */
  interaction: string;
  /** what the call was about in words, with the FHIR type: 「患者（Patient）」 */
  resourceType: string;
  resourceId: string | null;
  patientNumber: number | null;
  patientName: string | null;
  /** a search that returned several patients' records: how many */
  patientCount: number;
  outcome: string;
  outcomeLabel: string;
};

type Detail = { interaction?: unknown; fhirType?: unknown; patientIds?: unknown; intent?: unknown } | null;

function interactionOf(action: string, detail: Detail): string {
  if (typeof detail?.interaction === 'string') return INTERACTION_LABELS[detail.interaction] ?? detail.interaction;
  return TOKEN_ACTION_LABELS[action] ?? AUDIT_ACTION_LABELS[action] ?? action;
}

/** The FHIR types in words, for the admin: 「患者（Patient）」. */
const FHIR_TYPE_LABELS: Record<string, string> = {
  Patient: '患者',
  Condition: '傷病名',
  AllergyIntolerance: 'アレルギー',
  Observation: '検査結果',
  MedicationRequest: '処方',
  Encounter: '受診',
  Practitioner: '医師',
  Organization: '医療機関',
  DocumentReference: '診療情報提供書',
  Subscription: '通知の購読',
};

function resourceTypeOf(resourceType: string, detail: Detail): string {
  // a refused call (permission_denied) names the FHIR type itself
  const fhirType = typeof detail?.fhirType === 'string' ? detail.fhirType : (FHIR_TYPE_OF_AUDIT[resourceType] ?? (resourceType in FHIR_TYPE_LABELS ? resourceType : undefined));
  if (!fhirType) return auditResourceLabel(resourceType);
  const label = FHIR_TYPE_LABELS[fhirType];
  return label ? `${label}（${fhirType}）` : fhirType;
}

async function load(q: ApiClientCallsQuery, actor: Principal, take: number) {
  const app = await apiClientRepository.find(db(), actor.clinicId, q.clientId);
  if (!app) throw new AppError('NOT_FOUND', 'このアプリは見つかりません。');
  const occurredAt =
    q.from || q.to
      ? {
          ...(q.from ? { gte: new Date(`${q.from}T00:00:00+09:00`) } : {}),
          ...(q.to ? { lt: new Date(new Date(`${q.to}T00:00:00+09:00`).getTime() + 86_400_000) } : {}),
        }
      : undefined;
  // the app is the actor of its calls: (clinicId, userId, occurredAt) is indexed
  const rows = await apiClientRepository.callsOf(db(), actor.clinicId, app.id, occurredAt, take + 1);
  const page = rows.slice(0, take);
  const patients = new Map(
    (await apiClientRepository.patientsByIds(db(), actor.clinicId, [...new Set(page.map((r) => r.patientId).filter((id): id is string => !!id))])).map((p) => [
      p.id,
      { patientNumber: p.patientNumber, patientName: `${p.familyName} ${p.givenName}` },
    ]),
  );
  const calls = page.map<ApiClientCallDto>((r) => {
    const detail = r.detail as Detail;
    const patient = r.patientId ? patients.get(r.patientId) : undefined;
    const listed = Array.isArray(detail?.patientIds) ? detail.patientIds.length : 0;
    return {
      id: String(r.id),
      occurredAt: r.occurredAt.toISOString(),
      occurredAtText: formatInTimeZone(r.occurredAt, 'yyyy-MM-dd HH:mm:ss'),
      interaction: interactionOf(r.action, detail),
      resourceType: resourceTypeOf(r.resourceType, detail),
      resourceId: r.resourceId,
      patientNumber: patient?.patientNumber ?? null,
      patientName: patient?.patientName ?? null,
      patientCount: r.patientId ? 1 : listed,
      outcome: r.outcome,
      outcomeLabel: AUDIT_OUTCOME_LABELS[r.outcome] ?? r.outcome,
    };
  });
  return { app, calls, more: rows.length > take };
}

/** The app's newest calls in the period (at most CALLS_PAGE_SIZE; `more` when there are older ones). Audited. */
export async function listApiClientCalls(raw: unknown, actor: Principal): Promise<{ appName: string; calls: ApiClientCallDto[]; more: boolean }> {
  await requirePermission(actor, 'clinic.settings');
  const q = apiClientCallsQuerySchema.parse(raw);
  const { app, calls, more } = await load(q, actor, CALLS_PAGE_SIZE);
  await recordAuditEventNow({ clinicId: actor.clinicId, actor, action: 'read', resourceType: 'api_client_calls', resourceId: app.id, detail: { from: q.from ?? null, to: q.to ?? null, rows: calls.length }, ctx: actor.ctx });
  return { appName: app.name, calls, more };
}

const csvCell = (v: string | null) => {
  const s = v ?? '';
  // leading = + - @ would run as a formula in a spreadsheet
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

export function apiClientCallsCsvFileName(now = new Date()): string {
  return `api-calls-${todayJst(now)}.csv`;
}

/** The same list as CSV (UTF-8 with BOM for Excel, Japanese header), up to CSV_LIMIT rows. Audited as an export. */
export async function exportApiClientCallsCsv(raw: unknown, actor: Principal): Promise<string> {
  await requirePermission(actor, 'clinic.settings');
  const q = apiClientCallsQuerySchema.parse(raw);
  const { app, calls } = await load(q, actor, CSV_LIMIT);
  await recordAuditEventNow({ clinicId: actor.clinicId, actor, action: 'export', resourceType: 'api_client_calls', resourceId: app.id, detail: { from: q.from ?? null, to: q.to ?? null, rows: calls.length }, ctx: actor.ctx });
  const header = ['日時(JST)', 'アプリ', '操作', 'リソース', 'リソースID', '患者番号', '氏名', '患者数', '結果'];
  const lines = calls.map((c) =>
    [
      c.occurredAtText,
      app.name,
      c.interaction,
      c.resourceType,
      c.resourceId,
      c.patientNumber === null ? null : String(c.patientNumber),
      c.patientName,
      c.patientCount ? String(c.patientCount) : null,
      c.outcomeLabel,
    ]
      .map(csvCell)
      .join(','),
  );
  return `\uFEFF${[header.join(','), ...lines].join('\r\n')}\r\n`;
}
