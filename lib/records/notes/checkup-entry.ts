/**
 * 健診入力 (docs/decisions/0086): what a 健診 visit's entry stores and how it becomes the 健康診断結果報告書. Pure.
 * 身長・体重・血圧 go to the note's vitals columns (the vitals trend shows them); 腹囲, the lab items, 尿糖・尿蛋白 and
 * the 問診 answers go to `ClinicalNote.checkup`; BMI is computed, never stored.
 */
import type { CheckupItemInput } from '@/lib/fhir/checkup-report';
import { CHECKUP_ITEMS, QUESTIONNAIRE_ITEMS, type CheckupItemKey, type QuestionnaireAnswers } from '@/lib/records/documents/document.constants';
import { computeBmi } from './note-format';

/** The items a nurse enters (BMI is computed). */
export const ENTRY_ITEMS = CHECKUP_ITEMS.filter((i) => i.key !== 'bmi');
export type EntryItemKey = Exclude<CheckupItemKey, 'bmi'>;
const VITAL_COLUMNS = { height: 'heightCm', weight: 'weightKg', systolic: 'systolicBp', diastolic: 'diastolicBp' } as const;
type VitalItem = keyof typeof VITAL_COLUMNS;
const isVitalItem = (k: string): k is VitalItem => k in VITAL_COLUMNS;

/** The JSON of `ClinicalNote.checkup`: the items other than the vitals columns, as typed strings, and the 問診. */
export type CheckupJson = {
  values: Partial<Record<Exclude<EntryItemKey, VitalItem>, string>>;
  urineGlucose: string;
  urineProtein: string;
  questionnaire: QuestionnaireAnswers;
};

/** What the form sends (after validation): every entered item as a string ('' = not done). */
export type CheckupEntryInput = { values: Partial<Record<EntryItemKey, string>>; urineGlucose: string; urineProtein: string; questionnaire: QuestionnaireAnswers };

/** The note columns of an entry. */
export function entryColumns(input: CheckupEntryInput) {
  const v = input.values;
  const num = (k: VitalItem) => (v[k] ? Number(v[k]) : null);
  const rest: CheckupJson['values'] = {};
  for (const i of ENTRY_ITEMS) if (!isVitalItem(i.key) && v[i.key]) rest[i.key as keyof CheckupJson['values']] = v[i.key]!;
  const questionnaire = Object.fromEntries(Object.entries(input.questionnaire).filter(([, a]) => a)) as QuestionnaireAnswers;
  const checkup: CheckupJson = { values: rest, urineGlucose: input.urineGlucose, urineProtein: input.urineProtein, questionnaire };
  return { heightCm: num('height'), weightKg: num('weight'), systolicBp: num('systolic'), diastolicBp: num('diastolic'), checkup };
}

type StoredEntry = {
  heightCm: { toString(): string } | null;
  weightKg: { toString(): string } | null;
  systolicBp: number | null;
  diastolicBp: number | null;
  checkup: unknown;
};

const str = (d: { toString(): string } | number | null) => (d === null ? '' : String(Number(d.toString())));

/** A stored entry read back as the form's values, with BMI computed from 身長・体重. */
export function entryOf(row: StoredEntry): CheckupEntryInput & { bmi: string } {
  const json = (row.checkup ?? {}) as Partial<CheckupJson>;
  const values: CheckupEntryInput['values'] = { ...(json.values ?? {}) };
  if (row.heightCm !== null) values.height = str(row.heightCm);
  if (row.weightKg !== null) values.weight = str(row.weightKg);
  if (row.systolicBp !== null) values.systolic = str(row.systolicBp);
  if (row.diastolicBp !== null) values.diastolic = str(row.diastolicBp);
  const bmi = computeBmi(row.heightCm === null ? null : Number(row.heightCm.toString()), row.weightKg === null ? null : Number(row.weightKg.toString()));
  return { values, bmi: bmi === null ? '' : bmi.toFixed(1), urineGlucose: json.urineGlucose ?? '', urineProtein: json.urineProtein ?? '', questionnaire: json.questionnaire ?? {} };
}

/** The report's starting values from an entry: every item of CHECKUP_ITEMS the entry has (BMI computed), urine, 問診. */
export function reportValuesFromEntry(row: StoredEntry): { values: Partial<Record<CheckupItemKey, string>>; urineGlucose: string; urineProtein: string; questionnaire: QuestionnaireAnswers } {
  const e = entryOf(row);
  const values: Partial<Record<CheckupItemKey, string>> = { ...e.values };
  if (e.bmi) values.bmi = e.bmi;
  return { values, urineGlucose: e.urineGlucose, urineProtein: e.urineProtein, questionnaire: e.questionnaire };
}

/** The 問診 answers as the report bundle's 01012 Observations (category social-history), in the questionnaire's order. */
export function questionnaireItemsOf(answers: QuestionnaireAnswers | undefined): CheckupItemInput[] {
  const out: CheckupItemInput[] = [];
  for (const q of QUESTIONNAIRE_ITEMS) {
    const code = answers?.[q.key];
    if (!code) continue;
    const display = (q.choices as Record<string, string>)[code];
    if (!display) continue;
    out.push({ kind: 'coded', code: q.code, display: q.display, system: q.system, valueCode: code, valueDisplay: display, category: 'social-history' });
  }
  return out;
}

/** How many items and answers an entry has (the audit fact; never the values). */
export const entryCounts = (input: CheckupEntryInput) => ({
  items: Object.values(input.values).filter(Boolean).length + (input.urineGlucose ? 1 : 0) + (input.urineProtein ? 1 : 0),
  answers: Object.values(input.questionnaire).filter(Boolean).length,
});
