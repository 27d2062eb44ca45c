import { describe, expect, it } from 'vitest';
import { computeBmi, diffLines, formatVitalsLine } from './note-format';

describe('computeBmi', () => {
  it('is weight / (height m)² to one decimal, or null without both', () => {
    expect(computeBmi(170, 65)).toBe(22.5);
    expect(computeBmi(158.5, 52.3)).toBe(20.8);
    expect(computeBmi(null, 65)).toBeNull();
    expect(computeBmi(170, null)).toBeNull();
  });
});

describe('formatVitalsLine', () => {
  it('shows the vitals that were taken, with BMI', () => {
    expect(formatVitalsLine({ heightCm: 170, weightKg: 65, systolicBp: 128, diastolicBp: 76, pulse: 72, bodyTempC: 36.5, spo2: 98 })).toBe(
      'BP 128/76 mmHg　P 72/分　BT 36.5℃　SpO2 98%　身長 170.0cm　体重 65.0kg　BMI 22.5',
    );
    expect(formatVitalsLine({ heightCm: null, weightKg: null, systolicBp: null, diastolicBp: null, pulse: null, bodyTempC: 37, spo2: null })).toBe('BT 37.0℃');
  });
});

describe('diffLines', () => {
  it('marks removed and added lines around the common ones', () => {
    expect(diffLines('a\nb\nc', 'a\nx\nc')).toEqual([
      { kind: 'same', text: 'a' },
      { kind: 'removed', text: 'b' },
      { kind: 'added', text: 'x' },
      { kind: 'same', text: 'c' },
    ]);
    expect(diffLines('', 'new')).toEqual([{ kind: 'added', text: 'new' }]);
  });
});
