import { describe, expect, it } from 'vitest';
import { charactersOutsideJisX0208 } from '@/lib/core/jis-x0208';
import { checkDigitOf, isValidInsurerNumber, isValidPayerNumber, isValidRecipientNumber } from './identity-numbers';
import { normalizePhone, registerPatientSchema } from './patient.schema';
import { patientInput } from '@/tests/helpers/factories';

describe('check digits of card numbers', () => {
  it('accepts real numbers and refuses the ones from issue 9 with a wrong 検証番号', () => {
    // 全国健康保険協会 東京支部 / 大阪支部, a 国保 number written with 00
    expect(isValidInsurerNumber('01130012')).toBe(true);
    expect(isValidInsurerNumber('01270016')).toBe(true);
    expect(isValidInsurerNumber('00138016')).toBe(true);
    expect(isValidInsurerNumber('01130013')).toBe(false);
    expect(isValidPayerNumber('54136015')).toBe(true);
    expect(isValidPayerNumber('54136016')).toBe(false);
    expect(isValidRecipientNumber('1234566')).toBe(true);
    expect(isValidRecipientNumber('1234567')).toBe(false);
  });

  it('adds the digits of products of two (the 2-1 weighting from the right)', () => {
    // 5413601: 1×2, 0×1, 6×2=12→1+2, 3×1, 1×2, 4×1, 5×2=10→1+0 = 15 → 10-5
    expect(checkDigitOf('5413601')).toBe(5);
    expect(checkDigitOf('0000000')).toBe(0);
  });
});

describe('characters a レセプト can carry', () => {
  it('finds emoji and characters outside JIS X 0208, not kana, kanji or ASCII', () => {
    expect(charactersOutsideJisX0208('遠藤 恵子😀')).toEqual(['😀']);
    expect(charactersOutsideJisX0208('髙橋')).toEqual(['髙']);
    expect(charactersOutsideJisX0208('渡邊　ｴﾝﾄﾞｳ Smith')).toEqual([]);
  });
});

describe('registration input', () => {
  const parse = (overrides: Parameters<typeof patientInput>[0]) => registerPatientSchema.safeParse(patientInput(overrides));
  const messages = (r: ReturnType<typeof parse>) => (r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));

  it('refuses wrong check digits on 保険者番号, 公費負担者番号 and 受給者番号', () => {
    const r = parse({
      insurance: { insurerNumber: '01130013', number: '1', relationship: 'self' },
      publicExpense: { payerNumber: '54136016', recipientNumber: '1234567' },
    });
    expect(messages(r)).toEqual([
      'insurance.insurerNumber: 保険者番号の検証番号（最後の1桁）が合いません。保険証の番号を確認してください。',
      'publicExpense.payerNumber: 公費負担者番号の検証番号（最後の1桁）が合いません。受給者証の番号を確認してください。',
      'publicExpense.recipientNumber: 公費受給者番号の検証番号（最後の1桁）が合いません。受給者証の番号を確認してください。',
    ]);
    expect(parse({ insurance: { insurerNumber: '０１１３００１２', number: '1', relationship: 'self' }, publicExpense: { payerNumber: '54136015', recipientNumber: '1234566' } }).success).toBe(true);
  });

  it('refuses a 資格取得日 after the 有効期限', () => {
    const r = parse({ insurance: { insurerNumber: '01130012', number: '1', relationship: 'self', validFrom: '2026-04-01', validUntil: '2026-03-31' } });
    expect(messages(r)).toEqual(['insurance.validUntil: 有効期限が資格取得日より前になっています。日付を確認してください。']);
    expect(parse({ insurance: { insurerNumber: '01130012', number: '1', relationship: 'self', validFrom: '2026-04-01', validUntil: '2026-04-01' } }).success).toBe(true);
  });

  it('refuses emoji in 氏名 with a message naming the character', () => {
    const r = parse({ givenName: '恵子😀' });
    expect(messages(r)).toEqual(['givenName: 名（漢字）にレセプトで使えない文字があります（「😀」）。絵文字は使えません。JIS第1・第2水準の字体で入力してください（例: 髙→高、﨑→崎）。']);
  });

  it('normalises a phone number typed with the IME instead of refusing it', () => {
    expect(normalizePhone('０９０ー１２３４ー５６７８')).toBe('090-1234-5678');
    const r = parse({ phone: '０９０ー１２３４ー５６７８' });
    expect(r.success && r.data.phone).toBe('090-1234-5678');
  });
});
