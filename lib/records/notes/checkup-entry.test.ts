import { describe, expect, it } from 'vitest';
import { QUESTIONNAIRE_ITEMS } from '@/lib/records/documents/document.constants';
import { entryColumns, entryOf, questionnaireItemsOf, reportValuesFromEntry } from './checkup-entry';

describe('健診入力 (pure)', () => {
  it('questionnaireItemsOf: answered questions only, in the questionnaire order, coded with their own system; unknown codes dropped', () => {
    const items = questionnaireItemsOf({ smoking: '2', medBp: '1', sleep: '', drinking: '9' });
    expect(items).toEqual([
      { kind: 'coded', code: '9N701000000000011', display: '服薬１（血圧）', system: 'urn:oid:1.2.392.200119.6.2003', valueCode: '1', valueDisplay: 'はい', category: 'social-history' },
      { kind: 'coded', code: '9N736000000000011', display: '喫煙', system: 'urn:oid:1.2.392.200119.6.24060', valueCode: '2', valueDisplay: '以前は吸っていたが、最近1ヶ月間は吸っていない', category: 'social-history' },
    ]);
    expect(questionnaireItemsOf(undefined)).toEqual([]);
  });

  it('the 22 questions of the 標準的な質問票, numbered 1..22, each with a 17-digit code', () => {
    expect(QUESTIONNAIRE_ITEMS.map((q) => q.no)).toEqual(Array.from({ length: 22 }, (_, i) => i + 1));
    expect(new Set(QUESTIONNAIRE_ITEMS.map((q) => q.code)).size).toBe(22);
    expect(QUESTIONNAIRE_ITEMS.every((q) => /^\d[A-Z0-9]{16}$/.test(q.code))).toBe(true);
  });

  it('vitals go to the note columns, the rest to JSON; read back with BMI; the report gets BMI too', () => {
    const cols = entryColumns({ values: { height: '170.0', weight: '65.0', systolic: '120', diastolic: '80', waist: '80.5' }, urineGlucose: '1', urineProtein: '', questionnaire: { medBp: '2', sleep: '' } });
    expect(cols).toEqual({ heightCm: 170, weightKg: 65, systolicBp: 120, diastolicBp: 80, checkup: { values: { waist: '80.5' }, urineGlucose: '1', urineProtein: '', questionnaire: { medBp: '2' } } });
    const back = entryOf(cols);
    expect(back).toMatchObject({ bmi: '22.5', values: { height: '170', weight: '65', systolic: '120', diastolic: '80', waist: '80.5' } });
    expect(reportValuesFromEntry(cols).values).toMatchObject({ bmi: '22.5', waist: '80.5' });
  });
});
