import { describe, expect, it } from 'vitest';
import { benchDrugs } from './bench-drugs';

describe('benchmark drugs', () => {
  it('come with the names and codes of the shipped drug master', () => {
    const drugs = benchDrugs();
    expect(drugs.map((d) => [d.receipt, d.yj, d.name])).toContainEqual(['612170710', '2171022F2025', 'ノルバスク錠５ｍｇ']);
    expect(drugs.every((d) => /^[0-9A-Z]{12}$/.test(d.yj))).toBe(true);
    expect(drugs.map((d) => d.yj)).not.toContain('2171022F2209'); // the invented code of issue 9 item 21
  });
});
