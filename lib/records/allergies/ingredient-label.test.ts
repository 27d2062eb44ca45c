import { describe, expect, it } from 'vitest';
import { ingredientLabel } from './ingredient-label';

describe('ingredientLabel', () => {
  it('keeps the ingredient of the 一般名 and drops form and strength', () => {
    expect(ingredientLabel({ name: 'ロキソプロフェン錠６０ｍｇ「ＥＭＥＣ」', genericName: '【般】ロキソプロフェンＮａ錠６０ｍｇ' })).toBe('ロキソプロフェンＮａ');
    expect(ingredientLabel({ name: 'ロキソニンパップ１００ｍｇ', genericName: '【般】ロキソプロフェンＮａパップ１００ｍｇ（１０×１４ｃｍ非温）' })).toBe('ロキソプロフェンＮａ');
  });
  it('falls back to the brand name without its form when there is no 一般名', () => {
    expect(ingredientLabel({ name: 'ロキソニン錠６０ｍｇ', genericName: null })).toBe('ロキソニン');
    expect(ingredientLabel({ name: '錠剤だけ', genericName: null })).toBe('錠剤だけ');
  });
});
