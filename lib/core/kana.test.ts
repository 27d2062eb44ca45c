import { describe, expect, it } from 'vitest';
import { isKana, toKanaSearchKey } from './kana';
import { parseWareki, toWareki, dateOnly, ageOn } from './dates';

describe('kana search keys', () => {
  it('treats hiragana, katakana and half-width kana the same and ignores spaces', () => {
    expect(toKanaSearchKey('やまだ たろう')).toBe('ヤマダタロウ');
    expect(toKanaSearchKey('ﾔﾏﾀﾞ　ﾀﾛｳ')).toBe('ヤマダタロウ');
    expect(toKanaSearchKey('ヤマダタロウ')).toBe('ヤマダタロウ');
  });
  it('recognises kana input', () => {
    expect(isKana('ヤマダ')).toBe(true);
    expect(isKana('やまだ ー')).toBe(true);
    expect(isKana('ﾔﾏﾀﾞ')).toBe(true);
    expect(isKana('山田')).toBe(false);
    expect(isKana('yamada')).toBe(false);
  });
});

describe('和暦', () => {
  it('formats and parses era dates', () => {
    expect(toWareki(dateOnly('1975-04-01'))).toBe('昭和50年4月1日');
    expect(toWareki(dateOnly('2019-05-01'))).toBe('令和元年5月1日');
    expect(toWareki(dateOnly('1989-01-07'))).toBe('昭和64年1月7日');
    expect(parseWareki('S50.4.1')).toBe('1975-04-01');
    expect(parseWareki('平成元年1月8日')).toBe('1989-01-08');
    expect(parseWareki('R2/2/30')).toBeNull();
  });
  it('computes age on a date', () => {
    expect(ageOn(dateOnly('2000-11-28'), '2026-11-27')).toBe(25);
    expect(ageOn(dateOnly('2000-11-27'), '2026-11-27')).toBe(26);
  });
});
