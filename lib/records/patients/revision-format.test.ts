import { describe, expect, it } from 'vitest';
import { formatRevisionValue } from './revision-format';

describe('変更履歴 in words', () => {
  it('shows 性別, dates and insurance as the UI does, never codes or ISO dates', () => {
    expect(formatRevisionValue('sex', 'male')).toBe('男');
    expect(formatRevisionValue('birthDate', '1985-06-15')).toBe('1985/06/15（昭和60年6月15日）');
    const insurance = formatRevisionValue('insurance', { insurerNumber: '01130012', symbol: '5678', number: '1234', validFrom: '2020-04-01', relationship: 'self' });
    expect(insurance).toBe('保険者番号 01130012・記号 5678・番号 1234・本人・資格取得日 2020/04/01（令和2年4月1日）');
    expect(formatRevisionValue('insurance', { insurerNumber: '06131239', number: '1', branch: '01', relationship: 'family' })).toBe('保険者番号 06131239・番号 1・枝番 01・家族');
    expect(formatRevisionValue('publicExpense', { payerNumber: '54136015', recipientNumber: '1234566', validUntil: '2027-03-31' })).toBe(
      '公費負担者番号 54136015・受給者番号 1234566・有効期限 2027/03/31（令和9年3月31日）',
    );
    for (const text of [insurance, formatRevisionValue('sex', 'female')]) expect(text).not.toMatch(/self|family|male|\d{4}-\d{2}-\d{2}/);
    expect(formatRevisionValue('address', '')).toBe('−');
    expect(formatRevisionValue('insurance', null)).toBe('−');
  });
});
