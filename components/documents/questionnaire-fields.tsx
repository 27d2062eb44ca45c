'use client';

import { Field, inputClass } from '@/components/ui/ui';
import { QUESTIONNAIRE_ITEMS, type QuestionnaireAnswers, type QuestionnaireKey } from '@/lib/records/documents/document.constants';

/** A labelled select of coded choices (code → label), with an empty first choice. */
export function CodeSelectField({ id, label, error, value, empty, choices, onChange }: { id: string; label: string; error?: string; value: string; empty: string; choices: Record<string, string>; onChange: (code: string) => void }) {
  return (
    <Field label={label} htmlFor={id} error={error}>
      <select id={id} className={inputClass} value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">{empty}</option>
        {Object.entries(choices).map(([code, text]) => (
          <option key={code} value={code}>
            {text}
          </option>
        ))}
      </select>
    </Field>
  );
}

/** The 22 問診 of the 標準的な質問票 as selects (the nurse's 健診入力 and the 健康診断結果報告書, ADR 0086). */
export function QuestionnaireFields({ id, answers, fieldErrors, onChange }: { id: string; answers: QuestionnaireAnswers | undefined; fieldErrors: Record<string, string | undefined>; onChange: (key: QuestionnaireKey, code: string) => void }) {
  return (
    <fieldset className="grid gap-2 rounded border border-slate-200 p-2 md:grid-cols-2">
      <legend className="px-1 text-sm font-medium">問診（標準的な質問票）</legend>
      {QUESTIONNAIRE_ITEMS.map((q) => (
        <CodeSelectField key={q.key} id={`${id}-q-${q.key}`} label={`${q.no}. ${q.label}`} error={fieldErrors[`questionnaire.${q.key}`]} value={answers?.[q.key] ?? ''} empty="未回答" choices={q.choices} onChange={(code) => onChange(q.key, code)} />
      ))}
    </fieldset>
  );
}
