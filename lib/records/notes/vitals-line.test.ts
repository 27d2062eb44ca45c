import { describe, expect, it } from 'vitest';
import { parseVitalsLine } from './vitals-line';

const ok = (line: string) => {
  const r = parseVitalsLine(line);
  if (!r.ok) throw new Error(`expected ok for ${line}: ${r.error}`);
  return r.values;
};
const err = (line: string) => {
  const r = parseVitalsLine(line);
  if (r.ok) throw new Error(`expected an error for ${line}`);
  return r.error;
};

describe('parseVitalsLine', () => {
  it('reads the unlabelled line in the order BP, pulse, temperature, SpO2', () => {
    expect(ok('128/76 72 36.5 98')).toEqual({ systolicBp: 128, diastolicBp: 76, pulse: 72, bodyTempC: 36.5, spo2: 98 });
  });

  it('reads labels with or without a space, colon or unit, in any order', () => {
    const all = { systolicBp: 128, diastolicBp: 76, pulse: 72, bodyTempC: 36.5, spo2: 98 };
    expect(ok('BP128/76 P72 T36.5 SpO2 98')).toEqual(all);
    expect(ok('SpO2:98% bt 36.5℃ HR 72bpm BP 128/76mmHg')).toEqual(all);
    expect(ok('血圧 128/76 脈拍72 体温36.5 SpO2 98')).toEqual(all);
    expect(ok('BP128/76 P72 T36.5 SpO2 98 身長170 体重65.2')).toEqual({ ...all, heightCm: 170, weightKg: 65.2 });
  });

  it('accepts full-width input from an IME and Japanese separators', () => {
    expect(ok('１２８／７６　７２、３６．５、９８')).toEqual({ systolicBp: 128, diastolicBp: 76, pulse: 72, bodyTempC: 36.5, spo2: 98 });
    expect(ok('ＢＰ１２８/７６ ＳｐＯ₂ ９８％')).toEqual({ systolicBp: 128, diastolicBp: 76, spo2: 98 });
  });

  it('takes only what was measured: a decimal is never the pulse, labels fill their own field', () => {
    expect(ok('128/76 36.5 98')).toEqual({ systolicBp: 128, diastolicBp: 76, bodyTempC: 36.5, spo2: 98 });
    expect(ok('T37.8')).toEqual({ bodyTempC: 37.8 });
    expect(ok('P88 120/80 36.9')).toEqual({ pulse: 88, systolicBp: 120, diastolicBp: 80, bodyTempC: 36.9 });
    expect(ok('   ')).toEqual({});
  });

  it('explains in Japanese what is wrong', () => {
    expect(err('128/76 72 365 98')).toBe('体温は30.0〜45.0℃の範囲で入力してください。');
    expect(err('76/128 72')).toBe('収縮期血圧は拡張期血圧より高い値を入力してください。');
    expect(err('128/76 72 abc')).toContain('「abc」を読み取れません。例: 128/76');
    expect(err('128/76 72 36.5 98 99')).toContain('値が多すぎます（「99」）');
    expect(err('BP128 P72')).toBe('血圧は「128/76」のように収縮期/拡張期で入力してください。');
    expect(err('P72 P80')).toBe('脈拍が2回入力されています。');
    expect(err('128/76 SpO2')).toContain('「SpO2」の値がありません。');
    expect(err('P72.5')).toBe('脈拍は整数で入力してください。');
    expect(err('128/76 120/70')).toBe('血圧が2回入力されています。');
  });
});
