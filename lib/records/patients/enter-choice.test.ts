import { describe, expect, it } from 'vitest';
import { enterChoice } from './enter-choice';

const p = (patientNumber: number, fullName: string, fullNameKana: string, phone: string | null = null) => ({ patientNumber, fullName, fullNameKana, phone });

describe('enterChoice', () => {
  it('takes the exact 患者番号, not a patient whose phone starts with the digits', () => {
    const r = enterChoice('24', [p(24, '山田 太郎', 'ヤマダ タロウ'), p(4, '佐藤 一郎', 'サトウ イチロウ', '2400-1111')]);
    expect(r).toEqual({ kind: 'pick', patient: expect.objectContaining({ patientNumber: 24 }) });
  });

  it('takes the one whole-name match among prefix matches', () => {
    const r = enterChoice('やましたひろし', [p(7, '山下 千尋', 'ヤマシタ チヒロ'), p(9, '山下 浩', 'ヤマシタ ヒロシ'), p(12, '山下 浩二', 'ヤマシタ ヒロシジ')]);
    expect(r).toEqual({ kind: 'pick', patient: expect.objectContaining({ patientNumber: 9 }) });
  });

  it('never picks one of several equally good matches', () => {
    const fukuda = [p(1, '福田 恵子', 'フクダ ケイコ'), p(2, '福田 誠', 'フクダ マコト'), p(3, '福田 陽子', 'フクダ ヨウコ')];
    expect(enterChoice('ふくだ', fukuda)).toEqual({ kind: 'ambiguous', count: 3 });
    expect(enterChoice('福田', fukuda)).toEqual({ kind: 'ambiguous', count: 3 });
    expect(enterChoice('やまだたろう', [p(5, '山田 太郎', 'ヤマダ タロウ'), p(6, '山田 太郎', 'ヤマダ タロウ')])).toEqual({ kind: 'ambiguous', count: 2 });
  });

  it('takes the only hit, and nothing when there is none', () => {
    expect(enterChoice('ふくだけ', [p(1, '福田 恵子', 'フクダ ケイコ')])).toMatchObject({ kind: 'pick' });
    expect(enterChoice('ふくだけ', [])).toEqual({ kind: 'none' });
  });
});
