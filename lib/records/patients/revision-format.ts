/**
 * 変更履歴 in the words the rest of the UI uses (issue 13): 性別 as 男/女, dates as 'YYYY/MM/DD（和暦）', insurance and
 * 公費 as labelled parts (本人/家族), never the stored codes or ISO dates. Pure: the history page and tests use it.
 */
import { dayLabel, isValidIsoDate } from '@/lib/core/dates';
import { RELATIONSHIP_LABELS, SEX_LABELS, type Sex } from './patient.schema';

export const REVISION_FIELD_LABELS: Record<string, string> = {
  familyName: '氏', givenName: '名', familyNameKana: '氏カナ', givenNameKana: '名カナ', sex: '性別', birthDate: '生年月日',
  postalCode: '郵便番号', address: '住所', phone: '電話番号', insurance: '保険', publicExpense: '公費',
};

const date = (v: unknown) => (typeof v === 'string' && isValidIsoDate(v) ? dayLabel(v) : String(v));

const parts = (v: Record<string, unknown>, labels: [string, string, (x: unknown) => string][]) =>
  labels
    .filter(([k]) => v[k] !== undefined && v[k] !== null && v[k] !== '')
    .map(([k, label, f]) => `${label} ${f(v[k])}`)
    .join('・');

const text = (x: unknown) => String(x);

/** One field of a patient snapshot, as a person reads it; '−' for nothing. */
export function formatRevisionValue(field: string, value: unknown): string {
  if (value === null || value === undefined || value === '') return '−';
  if (field === 'sex') return SEX_LABELS[value as Sex] ?? String(value);
  if (field === 'birthDate') return date(value);
  if (field === 'insurance' && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    const relationship = RELATIONSHIP_LABELS[v.relationship as keyof typeof RELATIONSHIP_LABELS];
    return [
      parts(v, [['insurerNumber', '保険者番号', text], ['symbol', '記号', text], ['number', '番号', text], ['branch', '枝番', text]]),
      relationship,
      parts(v, [['validFrom', '資格取得日', date], ['validUntil', '有効期限', date]]),
    ]
      .filter(Boolean)
      .join('・');
  }
  if (field === 'publicExpense' && typeof value === 'object') {
    return parts(value as Record<string, unknown>, [['payerNumber', '公費負担者番号', text], ['recipientNumber', '受給者番号', text], ['validFrom', '開始日', date], ['validUntil', '有効期限', date]]);
  }
  if (typeof value === 'object') return '（表示できない値）';
  return String(value);
}
