import { describe, expect, it } from 'vitest';
import { filterUsages } from './usage-filter';

const usages = [
  { code: '1013044400000000', text: '内服・経口・１日３回朝昼夕食後' },
  { code: '1013044500000000', text: '内服・経口・１日３回朝昼夕食前' },
  { code: '1011000400000000', text: '内服・経口・１日１回就寝前' },
  { code: '1012040400000000', text: '内服・経口・１日２回朝夕食後' },
];

describe('filterUsages', () => {
  it('matches every word, full width or not, in master order', () => {
    expect(filterUsages(usages, '3回 食後').map((u) => u.code)).toEqual(['1013044400000000']);
    expect(filterUsages(usages, '食後').map((u) => u.code)).toEqual(['1013044400000000', '1012040400000000']);
    expect(filterUsages(usages, '  ')).toHaveLength(4);
    expect(filterUsages(usages, '1011000400000000').map((u) => u.text)).toEqual(['内服・経口・１日１回就寝前']);
  });

  it('knows what clinicians type: 毎食後, 眠前', () => {
    expect(filterUsages(usages, '毎食後').map((u) => u.code)).toEqual(['1013044400000000']);
    expect(filterUsages(usages, '眠前').map((u) => u.code)).toEqual(['1011000400000000']);
    expect(filterUsages(usages, '昼食後 2回')).toEqual([]);
  });
});
