'use client';

import { useId, useState, useTransition } from 'react';
import { useRouter } from 'next/navigation';
import { Button, ErrorBanner, Field, NoticeBanner, inputClass } from '@/components/ui/ui';
import { saveCheckupEntryAction } from '@/lib/records/notes/checkup-entry.actions';
import type { CheckupEntryInput } from '@/lib/records/notes/checkup-entry';
import { CodeSelectField, QuestionnaireFields } from '@/components/documents/questionnaire-fields';
import type { CheckupEntryDto } from '@/lib/records/notes/checkup-entry.service';
import { CHECKUP_ITEMS, URINE_ITEMS, URINE_RESULTS } from '@/lib/records/documents/document.constants';

/** The items a nurse enters (BMI is computed; ENTRY_ITEMS of checkup-entry.ts, which a component may not import). */
const ENTRY_ITEMS = CHECKUP_ITEMS.filter((i) => i.key !== 'bmi');

type UrineCode = '' | keyof typeof URINE_RESULTS;

/**
 * 健診入力 (ADR 0086): the nurse's form for a 健診 visit — the measured items, 尿糖・尿蛋白 and the 22 問診 as selects.
 * Saving records it 確定 at once; with an entry shown, saving is a correction (a new version, with a reason).
 */
export function CheckupEntryForm({ patientId, entry }: { patientId: string; entry: CheckupEntryDto | null }) {
  const id = useId();
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [c, setC] = useState<CheckupEntryInput>(entry ? { values: entry.values, urineGlucose: entry.urineGlucose, urineProtein: entry.urineProtein, questionnaire: entry.questionnaire } : { values: {}, urineGlucose: '', urineProtein: '', questionnaire: {} });
  const [changeReason, setChangeReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [notice, setNotice] = useState<string | null>(null);

  const save = () =>
    startTransition(async () => {
      setError(null);
      setNotice(null);
      const r = await saveCheckupEntryAction({
        patientId,
        ...(entry ? { noteId: entry.id, changeReason } : {}),
        values: c.values,
        urineGlucose: c.urineGlucose as UrineCode,
        urineProtein: c.urineProtein as UrineCode,
        questionnaire: c.questionnaire,
      });
      if (!r.ok) {
        setError(r.error);
        setFieldErrors(r.fieldErrors ?? {});
        return;
      }
      setFieldErrors({});
      setChangeReason('');
      setNotice(entry ? `健診の入力を修正しました（第${r.data.version}版）。` : '健診の入力を記録しました。');
      router.refresh();
    });

  return (
    <form className="space-y-3" aria-label="健診入力" onSubmit={(e) => { e.preventDefault(); save(); }}>
      {error ? <ErrorBanner>{error}</ErrorBanner> : null}
      {notice && !error ? <NoticeBanner>{notice}</NoticeBanner> : null}
      {entry ? (
        <Field label="修正理由（記録済みの入力を修正すると新しい版になります）" htmlFor={`${id}-reason`} error={fieldErrors.changeReason} required>
          <input id={`${id}-reason`} className={inputClass} maxLength={200} value={changeReason} onChange={(e) => setChangeReason(e.target.value)} />
        </Field>
      ) : null}
      <fieldset className="grid gap-2 rounded border border-slate-200 p-2 md:grid-cols-3">
        <legend className="px-1 text-sm font-medium">身体計測・血圧・検査{entry?.bmi ? `（BMI ${entry.bmi}）` : ''}</legend>
        {ENTRY_ITEMS.map((i) => (
          <Field key={i.key} label={`${i.label}（${i.unit}）`} htmlFor={`${id}-${i.key}`} error={fieldErrors[`values.${i.key}`]}>
            <input id={`${id}-${i.key}`} inputMode="decimal" className={inputClass} value={c.values[i.key] ?? ''} onChange={(e) => setC({ ...c, values: { ...c.values, [i.key]: e.target.value } })} />
          </Field>
        ))}
        {URINE_ITEMS.map((u) => (
          <CodeSelectField key={u.key} id={`${id}-${u.key}`} label={u.label} error={fieldErrors[u.key]} value={c[u.key]} empty="未実施" choices={URINE_RESULTS} onChange={(code) => setC({ ...c, [u.key]: code })} />
        ))}
      </fieldset>
      <QuestionnaireFields id={id} answers={c.questionnaire} fieldErrors={fieldErrors} onChange={(key, code) => setC({ ...c, questionnaire: { ...c.questionnaire, [key]: code } })} />
      {fieldErrors.values ? <p className="text-sm text-red-700">{fieldErrors.values}</p> : null}
      <Button type="submit" disabled={pending}>{entry ? '修正を記録' : '記録'}</Button>
    </form>
  );
}
