import { describe, expect, it } from 'vitest';
import { labEntrySchema } from './lab-entry.schema';

const base = { patientId: 'pat-1', collectedAt: '2025-04-01T09:30', specimen: '血清' };
const messages = (input: unknown) => {
  const r = labEntrySchema.safeParse(input);
  expect(r.success).toBe(false);
  return r.error!.issues.map((i) => [i.path.join('.'), i.message]);
};

describe('labEntrySchema', () => {
  it('parses numeric and qualitative values, normalising them', () => {
    const r = labEntrySchema.parse({
      ...base,
      visitId: 'v-1',
      items: [
        { itemKey: 'AST', value: ' ２５ ' },
        { itemKey: 'CRE', value: '0.92', unit: 'mg/dL' },
        { itemKey: 'HBsAg', value: '(-)' },
        { itemKey: 'HCVAb', value: '(+)' },
        { itemKey: 'UPRO', value: '±' },
        { itemKey: 'UGLU', value: '陰性' },
        { itemKey: 'ABO', value: 'O型' },
      ],
    });
    expect(r.collectedAt.toISOString()).toBe('2025-04-01T00:30:00.000Z');
    expect(r.visitId).toBe('v-1');
    expect(r.items).toEqual([
      { itemKey: 'AST', value: '25', valueNumber: 25, valueText: null, unit: 'U/L' },
      { itemKey: 'CRE', value: '0.92', valueNumber: 0.92, valueText: null, unit: 'mg/dL' },
      { itemKey: 'HBsAg', value: '陰性', valueNumber: null, valueText: '陰性', unit: null },
      { itemKey: 'HCVAb', value: '陽性', valueNumber: null, valueText: '陽性', unit: null },
      { itemKey: 'UPRO', value: '(±)', valueNumber: null, valueText: '(±)', unit: null },
      { itemKey: 'UGLU', value: '(-)', valueNumber: null, valueText: '(-)', unit: null },
      { itemKey: 'ABO', value: 'O', valueNumber: null, valueText: 'O', unit: null },
    ]);
  });

  it('accepts a Date and a date-only string', () => {
    expect(labEntrySchema.parse({ ...base, collectedAt: new Date('2025-04-01T00:00:00Z'), items: [{ itemKey: 'K', value: '4.1' }] }).collectedAt.toISOString()).toBe('2025-04-01T00:00:00.000Z');
    expect(labEntrySchema.parse({ ...base, collectedAt: '2025-04-01', items: [{ itemKey: 'K', value: '4.1' }] }).collectedAt.toISOString()).toBe('2025-03-31T15:00:00.000Z');
  });

  it('gives Japanese messages for each bad field', () => {
    expect(
      messages({
        patientId: '',
        collectedAt: '2025-02-30',
        specimen: '',
        items: [
          { itemKey: 'AST', value: 'abc' },
          { itemKey: 'NOPE', value: '1' },
          { itemKey: 'HBsAg', value: 'たぶん' },
          { itemKey: 'ALB', value: '41', unit: 'g/L' },
          { itemKey: 'ALT', value: '' },
        ],
      }),
    ).toEqual([
      ['patientId', '患者を選択してください'],
      ['collectedAt', '採取日時の日付が存在しません'],
      ['specimen', '材料を入力してください'],
      ['items.0.value', 'AST(GOT)の結果値は数値で入力してください'],
      ['items.1.itemKey', '検査項目「NOPE」は登録されていません'],
      ['items.2.value', 'HBs抗原(定性)の結果値は 陰性、判定保留、陽性 のいずれかで入力してください'],
      ['items.3.unit', 'アルブミンの単位は「g/dL」です（換算はできません）'],
      ['items.4.value', '結果値を入力してください'],
    ]);
  });

  it('requires at least one item and rejects duplicates', () => {
    expect(messages({ ...base, items: [] })).toEqual([['items', '検査項目を1件以上入力してください']]);
    expect(messages({ ...base, items: [{ itemKey: 'AST', value: '20' }, { itemKey: 'AST', value: '21' }] })).toEqual([['items.1.itemKey', '同じ検査項目が重複しています']]);
  });

  it('rejects a malformed date and unknown keys (strict)', () => {
    expect(messages({ ...base, collectedAt: '4/1 9:30', items: [{ itemKey: 'AST', value: '20' }] })).toEqual([['collectedAt', '採取日時の形式が正しくありません（YYYY-MM-DD HH:mm）']]);
    expect(messages({ ...base, extra: 1, items: [{ itemKey: 'AST', value: '20' }] })).toEqual([['', '不明な入力項目があります: extra']]);
    expect(messages({ ...base, items: [{ itemKey: 'AST', value: '20', flag: 'H' }] })).toEqual([['items.0', '不明な入力項目があります: flag']]);
  });
});
