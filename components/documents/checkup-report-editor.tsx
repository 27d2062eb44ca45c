'use client';

import { useId, useState } from 'react';
import { useDocumentEditor } from './use-document-editor';
import { Button, ErrorBanner, Field, NoticeBanner, inputClass } from '@/components/ui/ui';
import { saveCheckupReportAction } from '@/lib/records/documents/document.actions';
import { CHECKUP_ITEMS, METABOLIC_JUDGMENTS, URINE_ITEMS, URINE_RESULTS } from '@/lib/records/documents/document.constants';
import type { CheckupReportContent } from '@/lib/records/documents/checkup-report.schema';
import type { CheckupReportPrefillDto } from '@/lib/records/documents/checkup-report.service';
import type { CheckupReportSeed } from './checkup-report-seed';
import { CodeSelectField, QuestionnaireFields } from './questionnaire-fields';

/**
 * 健康診断結果報告書 (特定健診) form: 健診実施日, the measured items (pre-filled from the 健診 visit's entry, then the
 * clinic's latest lab results, their source shown), 尿糖・尿蛋白, the 問診 answers, メタボリックシンドローム判定, 総合判定
 * and 医師の判断; 下書き保存 and 確定
 * (Alt+S / Alt+K).
 */
export function CheckupReportEditor({ patientId, prefill, seed }: { patientId: string; prefill: CheckupReportPrefillDto; seed: CheckupReportSeed }) {
  const [c, setC] = useState<CheckupReportContent>(seed.content);
  const id = useId();
  const { status, changeReason, setChangeReason, error, fieldErrors, notice, busy, setDirty, onSave, onConfirm } = useDocumentEditor(patientId, seed, (base) =>
    saveCheckupReportAction({ ...base, ...c }),
  );

  const update = (next: Partial<CheckupReportContent>) => {
    setDirty(true);
    setC({ ...c, ...next });
  };

  return (
    <form className="space-y-3" onSubmit={(e) => { e.preventDefault(); void onSave(); }} aria-label="健康診断結果報告書">
      {error ? <ErrorBanner>{error}</ErrorBanner> : null}
      {notice && !error ? <NoticeBanner>{notice}</NoticeBanner> : null}
      {status === 'final' ? (
        <Field label="修正理由（確定済みの文書を修正すると新しい版になります）" htmlFor={`${id}-reason`} error={fieldErrors.changeReason} required>
          <input id={`${id}-reason`} className={inputClass} value={changeReason} onChange={(e) => setChangeReason(e.target.value)} />
        </Field>
      ) : null}
      <Field label="健診実施日" htmlFor={`${id}-date`} error={fieldErrors.examDate} required>
        <input id={`${id}-date`} type="date" className={inputClass} value={c.examDate} onChange={(e) => update({ examDate: e.target.value })} />
      </Field>
      <fieldset className="grid gap-2 rounded border border-slate-200 p-2 md:grid-cols-3">
        <legend className="px-1 text-sm font-medium">測定・検査結果</legend>
        {CHECKUP_ITEMS.map((i) => (
          <Field key={i.key} label={`${i.label}（${i.unit}）`} htmlFor={`${id}-${i.key}`} error={fieldErrors[`values.${i.key}`]} hint={prefill.sources[i.key] ? `元データ: ${prefill.sources[i.key]}` : undefined}>
            <input id={`${id}-${i.key}`} inputMode="decimal" className={inputClass} value={c.values[i.key]} onChange={(e) => update({ values: { ...c.values, [i.key]: e.target.value } })} />
          </Field>
        ))}
        {URINE_ITEMS.map((u) => (
          <CodeSelectField key={u.key} id={`${id}-${u.key}`} label={u.label} error={fieldErrors[u.key]} value={c[u.key]} empty="未実施" choices={URINE_RESULTS} onChange={(code) => update({ [u.key]: code as CheckupReportContent['urineGlucose'] })} />
        ))}
      </fieldset>
      <QuestionnaireFields id={id} answers={c.questionnaire} fieldErrors={fieldErrors} onChange={(key, code) => update({ questionnaire: { ...c.questionnaire, [key]: code } })} />
      <div className="grid gap-2 md:grid-cols-2">
        <CodeSelectField id={`${id}-metabolic`} label="メタボリックシンドローム判定" error={fieldErrors.metabolic} value={c.metabolic} empty="未判定" choices={METABOLIC_JUDGMENTS} onChange={(code) => update({ metabolic: code as CheckupReportContent['metabolic'] })} />
        <Field label="総合判定" htmlFor={`${id}-overall`} error={fieldErrors.overallJudgment}>
          <input id={`${id}-overall`} className={inputClass} value={c.overallJudgment} onChange={(e) => update({ overallJudgment: e.target.value })} />
        </Field>
      </div>
      <Field label="医師の判断" htmlFor={`${id}-comment`} error={fieldErrors.doctorComment} required>
        <textarea id={`${id}-comment`} rows={3} className={inputClass} value={c.doctorComment} onChange={(e) => update({ doctorComment: e.target.value })} />
      </Field>
      <div className="flex gap-2">
        <Button type="submit" variant="secondary" disabled={busy} title="Alt+S">
          下書き保存
        </Button>
        <Button onClick={() => void onConfirm()} disabled={busy} title="Alt+K">
          確定
        </Button>
      </div>
    </form>
  );
}
