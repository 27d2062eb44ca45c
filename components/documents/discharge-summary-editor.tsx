'use client';

import { useId, useState } from 'react';
import { useDocumentEditor } from './use-document-editor';
import { Button, ErrorBanner, Field, NoticeBanner, inputClass } from '@/components/ui/ui';
import { saveDischargeSummaryAction } from '@/lib/records/documents/document.actions';
import { DISCHARGE_OUTCOMES } from '@/lib/records/documents/document.constants';
import type { DischargeSummaryPrefillDto } from '@/lib/records/documents/discharge-summary.service';
import type { DischargeSummaryContent } from '@/lib/records/documents/discharge-summary.schema';
import { Choices } from './referral-editor';
import type { DischargeSummarySeed, Sections } from './discharge-summary-seed';


/**
 * 退院時サマリー editor: 入院日・退院日, 退院時転帰, 退院先, the text sections pre-filled from the chart (主訴, 既往歴,
 * 入院中の経過 from the latest notes, 退院時処方 from the current prescriptions), the 入院時 / 退院時診断 and the
 * allergies picked by checkbox (未告知 never offered); 下書き保存 and 確定 (Alt+S / Alt+K).
 */
export function DischargeSummaryEditor({ patientId, prefill, seed }: { patientId: string; prefill: DischargeSummaryPrefillDto; seed: DischargeSummarySeed }) {
  const [sections, setSections] = useState<Sections>(seed.sections);
  const [outcome, setOutcome] = useState(seed.outcome);
  const [admissionDiagnosisIds, setAdmissionDiagnosisIds] = useState(seed.admissionDiagnosisIds);
  const [dischargeDiagnosisIds, setDischargeDiagnosisIds] = useState(seed.dischargeDiagnosisIds);
  const [allergyIds, setAllergyIds] = useState(seed.allergyIds);
  const [prescriptionIds, setPrescriptionIds] = useState(seed.prescriptionIds);
  const id = useId();
  const { status, changeReason, setChangeReason, error, fieldErrors, notice, busy, touch, onSave, onConfirm } = useDocumentEditor(patientId, seed, (base) =>
    saveDischargeSummaryAction({ ...base, ...sections, outcome, admissionDiagnosisIds, dischargeDiagnosisIds, allergyIds, prescriptionIds, ...(seed.admissionId ? { admissionId: seed.admissionId } : {}) }),
  );

  const text = (key: keyof Sections, label: string, rows: number, required?: boolean) => (
    <Field key={key} label={label} htmlFor={`${id}-${key}`} error={fieldErrors[key]} required={required}>
      <textarea id={`${id}-${key}`} rows={rows} className={inputClass} value={sections[key]} onChange={(e) => touch(setSections)({ ...sections, [key]: e.target.value })} />
    </Field>
  );
  const line = (key: keyof Sections, label: string, type: 'text' | 'date' = 'text', required?: boolean) => (
    <Field key={key} label={label} htmlFor={`${id}-${key}`} error={fieldErrors[key]} required={required}>
      <input id={`${id}-${key}`} type={type} className={inputClass} value={sections[key]} onChange={(e) => touch(setSections)({ ...sections, [key]: e.target.value })} />
    </Field>
  );

  return (
    <form className="space-y-3" onSubmit={(e) => { e.preventDefault(); void onSave(); }} aria-label="退院時サマリー">
      {error ? <ErrorBanner>{error}</ErrorBanner> : null}
      {notice && !error ? <NoticeBanner>{notice}</NoticeBanner> : null}
      {prefill.admission && seed.admissionId === prefill.admission.id ? (
        <p className="rounded border border-teal-200 bg-teal-50 px-3 py-2 text-sm text-teal-900" data-testid="summary-from-admission">
          入院記録（{prefill.admission.admittedOn.replaceAll('-', '/')} 入院・{prefill.admission.statusLabel}・第{prefill.admission.version}版）から入院日・退院日・診断・転帰・退院先・担当医・入院理由を記載しました。サマリーで修正できます。
        </p>
      ) : null}
      {status === 'final' ? (
        <Field label="修正理由（確定済みの文書を修正すると新しい版になります）" htmlFor={`${id}-reason`} error={fieldErrors.changeReason} required>
          <input id={`${id}-reason`} className={inputClass} value={changeReason} onChange={(e) => setChangeReason(e.target.value)} />
        </Field>
      ) : null}
      <div className="grid gap-2 md:grid-cols-4">
        {line('admissionDate', '入院日', 'date', true)}
        {line('dischargeDate', '退院日', 'date', true)}
        <Field label="退院時転帰" htmlFor={`${id}-outcome`} error={fieldErrors.outcome} required>
          <select id={`${id}-outcome`} className={inputClass} value={outcome} onChange={(e) => touch(setOutcome)(e.target.value as DischargeSummaryContent['outcome'])}>
            <option value="">選択してください</option>
            {Object.entries(DISCHARGE_OUTCOMES).map(([code, label]) => (
              <option key={code} value={code}>
                {label}
              </option>
            ))}
          </select>
        </Field>
        {line('destination', '退院先')}
      </div>
      <div className="grid gap-3 md:grid-cols-2">
        <Choices legend="入院時診断" name="admissionDiagnosisIds" choices={prefill.diagnoses} chosen={admissionDiagnosisIds} onChange={touch(setAdmissionDiagnosisIds)} empty="登録された傷病名はありません。" />
        <Choices legend="退院時診断（1つ以上）" name="dischargeDiagnosisIds" choices={prefill.diagnoses} chosen={dischargeDiagnosisIds} onChange={touch(setDischargeDiagnosisIds)} empty="登録された傷病名はありません。" />
      </div>
      {prefill.uninformedOmitted > 0 ? (
        <p className="text-xs text-amber-800" data-testid="uninformed-omitted">
          未告知の傷病名 {prefill.uninformedOmitted} 件は記載していません。
        </p>
      ) : null}
      {text('diagnosesNote', '診断の補足', 2)}
      {text('chiefComplaint', '主訴', 2)}
      {text('reasonForAdmission', '入院理由', 2)}
      {text('presentIllness', '現病歴', 3)}
      {text('pastHistory', '既往歴', 2)}
      <div className="space-y-1">
        <Choices legend="アレルギー・副作用歴" name="allergyIds" choices={prefill.allergies} chosen={allergyIds} onChange={touch(setAllergyIds)} empty="登録されたアレルギーはありません。" />
        {text('allergiesNote', 'アレルギーの補足', 2)}
      </div>
      {text('hospitalCourse', '入院中の経過', 6, true)}
      <div className="space-y-1">
        <Choices legend="退院時処方（記載する処方）" name="prescriptionIds" choices={prefill.prescriptions} chosen={prescriptionIds} onChange={touch(setPrescriptionIds)} empty="確定した処方はありません。" />
        {text('medications', '退院時処方', 4)}
      </div>
      {text('dischargeCondition', '退院時の状態', 3)}
      {text('instructions', '退院時の指示・方針', 3)}
      {line('attendingDoctor', '担当医')}
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
