'use client';

import { useEffect, useRef, useState } from 'react';
import { recordDiagnosisAction, reviseDiagnosisAction, searchDiseaseMasterAction, searchModifierMasterAction } from '@/lib/records/diagnoses/diagnosis.actions';
import { composeDisplayName, type DiagnosisDto, type DiagnosisModifierDto, type DiseaseOptionDto, type ModifierOptionDto } from '@/lib/records/diagnoses/diagnosis.dto';
import { DIAGNOSIS_OUTCOMES, OUTCOME_LABELS, SUSPECTED_MODIFIER_CODE, SUSPECTED_MODIFIER_NAME } from '@/lib/records/diagnoses/diagnosis.constants';
import { todayJst } from '@/lib/core/dates';
import { Badge, Button, Field, inputClass } from '@/components/ui/ui';
import { RecordForm, useRecordAction } from '@/components/chart/record-forms';
import { MasterCombobox } from './master-combobox';

type Modifier = Pick<DiagnosisModifierDto, 'code' | 'name' | 'position'>;
type Disease = { code: string; name: string; icd10: string | null };

const SUSPECTED: Modifier = { code: SUSPECTED_MODIFIER_CODE, name: SUSPECTED_MODIFIER_NAME, position: 'suffix' };

/** Add or edit a 傷病名: master search (kanji/kana), 修飾語, 主病名, 疑い, dates, 転帰. Editing saves a new version. */
export function DiagnosisForm({ patientId, initial, onDone }: { patientId: string; initial?: DiagnosisDto; onDone: () => void }) {
  const action = useRecordAction(onDone);
  const errors = action.fieldErrors;
  const [disease, setDisease] = useState<Disease | null>(
    initial?.diseaseCode ? { code: initial.diseaseCode, name: initial.baseName, icd10: initial.icd10 } : null,
  );
  const [freeText, setFreeText] = useState(initial && !initial.diseaseCode ? initial.baseName : '');
  const [freeMode, setFreeMode] = useState(!!initial && !initial.diseaseCode);
  const [modifiers, setModifiers] = useState<Modifier[]>(initial?.modifiers.map(({ code, name, position }) => ({ code, name, position })) ?? []);
  const [isPrimary, setIsPrimary] = useState(initial?.isPrimary ?? false);
  const [startDate, setStartDate] = useState(initial?.startDate ?? todayJst());
  const [outcome, setOutcome] = useState<string>(initial?.outcome ?? '');
  const [endDate, setEndDate] = useState(initial?.endDate ?? '');
  const [note, setNote] = useState(initial?.note ?? '');
  const diseaseRef = useRef<HTMLInputElement>(null);
  const freeRef = useRef<HTMLInputElement>(null);

  const isSuspected = modifiers.some((m) => m.code === SUSPECTED_MODIFIER_CODE);
  const baseName = disease?.name ?? (freeMode ? freeText.trim() : '');
  const preview = baseName ? composeDisplayName(baseName, modifiers) : '';

  useEffect(() => {
    if (!initial) diseaseRef.current?.focus();
  }, [initial]);

  const setSuspected = (on: boolean) =>
    setModifiers((ms) => (on ? (ms.some((m) => m.code === SUSPECTED_MODIFIER_CODE) ? ms : [...ms, SUSPECTED]) : ms.filter((m) => m.code !== SUSPECTED_MODIFIER_CODE)));

  function save(changeReason: string) {
    const content = {
      diseaseCode: freeMode ? undefined : disease?.code,
      freeText: freeMode ? freeText : undefined,
      modifierCodes: modifiers.map((m) => m.code),
      isPrimary,
      isSuspected,
      startDate,
      outcome: (outcome || undefined) as DiagnosisDto['outcome'] & string,
      endDate: endDate || undefined,
      note,
    };
    action.run(() =>
      initial ? reviseDiagnosisAction({ ...content, diagnosisId: initial.id, changeReason }) : recordDiagnosisAction({ ...content, patientId }),
    );
  }

  return (
    <RecordForm
      label={initial ? '傷病名の修正' : '傷病名の追加'}
      idPrefix="diagnosis"
      editing={!!initial}
      reasonPlaceholder="例: 病名の訂正"
      action={action}
      onSave={save}
      onCancel={onDone}
    >
      <Field label="傷病名" htmlFor="diagnosis-disease" required error={errors.diseaseCode ?? errors.freeText}>
        {disease && !freeMode ? (
          <div className="flex items-center gap-2 text-sm">
            <span className="font-medium">{disease.name}</span>
            <span className="font-mono text-xs text-slate-500">
              {disease.code}
              {disease.icd10 && ` / ICD10 ${disease.icd10}`}
            </span>
            <Button variant="ghost" className="px-1 py-0 text-xs" onClick={() => { setDisease(null); setTimeout(() => diseaseRef.current?.focus()); }}>
              変更
            </Button>
          </div>
        ) : freeMode ? (
          <div className="flex items-center gap-2">
            <input id="diagnosis-disease" ref={freeRef} className={inputClass} value={freeText} maxLength={100} onChange={(e) => setFreeText(e.target.value)} placeholder="病名を自由入力（コードなし）" />
            <Button variant="ghost" className="shrink-0 text-xs" onClick={() => { setFreeMode(false); setTimeout(() => diseaseRef.current?.focus()); }}>
              マスターから検索
            </Button>
          </div>
        ) : (
          <div className="flex flex-col gap-1">
            <MasterCombobox<DiseaseOptionDto>
              id="diagnosis-disease"
              queryKey="disease"
              inputRef={diseaseRef}
              invalid={!!errors.diseaseCode}
              placeholder="漢字・かなで検索（例: こうけつあつ、気管支炎）↑↓で選択 Enterで決定"
              search={(q) => searchDiseaseMasterAction({ q, limit: 20 })}
              itemKey={(d) => d.code}
              renderItem={(d) => (
                <span className="flex items-baseline justify-between gap-2">
                  <span>{d.name}</span>
                  <span className="font-mono text-xs text-slate-500">
                    {d.code}
                    {d.icd10 && ` ${d.icd10}`}
                  </span>
                </span>
              )}
              onPick={(d) => setDisease({ code: d.code, name: d.name, icd10: d.icd10 })}
              emptyHint="マスターに該当する病名がありません。下の「マスターにない病名を自由入力する」でコードなしの病名にできます。"
            />
            <button type="button" className="self-start text-xs text-teal-700 hover:underline" onClick={() => { setFreeMode(true); setTimeout(() => freeRef.current?.focus()); }}>
              マスターにない病名を自由入力する
            </button>
          </div>
        )}
      </Field>

      <Field label="修飾語（接頭語・接尾語）" htmlFor="diagnosis-modifier" error={errors.modifierCodes}>
        {modifiers.length > 0 && (
          <ul className="mb-1 flex flex-wrap gap-1" aria-label="選択した修飾語">
            {modifiers.map((m) => (
              <li key={m.code} className="inline-flex items-center gap-1 rounded bg-white px-1.5 py-0.5 text-xs ring-1 ring-slate-300">
                <span className="text-slate-500">{m.position === 'prefix' ? '前' : '後'}</span>
                {m.name}
                <button type="button" aria-label={`${m.name}を外す`} className="text-slate-500 hover:text-red-700" onClick={() => setModifiers((ms) => ms.filter((x) => x.code !== m.code))}>
                  ×
                </button>
              </li>
            ))}
          </ul>
        )}
        <MasterCombobox<ModifierOptionDto>
          id="diagnosis-modifier"
          queryKey="modifier"
          placeholder="例: 急性、左、疑い"
          search={(q) => searchModifierMasterAction({ q, limit: 20 })}
          itemKey={(m) => m.code}
          renderItem={(m) => (
            <span className="flex items-baseline justify-between gap-2">
              <span>{m.name}</span>
              <span className="text-xs text-slate-500">{m.position === 'prefix' ? '接頭語' : '接尾語'}</span>
            </span>
          )}
          onPick={(m) => setModifiers((ms) => (ms.some((x) => x.code === m.code) ? ms : [...ms, { code: m.code, name: m.name, position: m.position }]))}
        />
      </Field>

      {preview && (
        <p className="text-sm">
          表示名: <span className="font-semibold">{preview}</span> {!disease && freeMode && <Badge tone="amber">コードなし</Badge>}
        </p>
      )}

      <div className="flex flex-wrap gap-4 text-sm">
        <label className="inline-flex items-center gap-1">
          <input type="checkbox" checked={isPrimary} onChange={(e) => setIsPrimary(e.target.checked)} /> 主病名
        </label>
        <label className="inline-flex items-center gap-1">
          <input type="checkbox" checked={isSuspected} onChange={(e) => setSuspected(e.target.checked)} /> 疑い
        </label>
      </div>

      <div className="grid grid-cols-2 gap-3 sm:grid-cols-3">
        <Field label="開始日" htmlFor="diagnosis-start" required error={errors.startDate}>
          <input id="diagnosis-start" type="date" className={inputClass} value={startDate} onChange={(e) => setStartDate(e.target.value)} />
        </Field>
        <Field label="転帰" htmlFor="diagnosis-outcome" error={errors.outcome}>
          <select id="diagnosis-outcome" className={inputClass} value={outcome} onChange={(e) => { setOutcome(e.target.value); if (e.target.value && !endDate) setEndDate(todayJst()); }}>
            <option value="">（継続中）</option>
            {DIAGNOSIS_OUTCOMES.map((o) => (
              <option key={o} value={o}>
                {OUTCOME_LABELS[o]}
              </option>
            ))}
          </select>
        </Field>
        <Field label="転帰日" htmlFor="diagnosis-end" error={errors.endDate} required={!!outcome}>
          <input id="diagnosis-end" type="date" className={inputClass} value={endDate} min={startDate} onChange={(e) => setEndDate(e.target.value)} />
        </Field>
      </div>
      <Field label="メモ" htmlFor="diagnosis-note" error={errors.note}>
        <input id="diagnosis-note" className={inputClass} value={note} maxLength={500} onChange={(e) => setNote(e.target.value)} />
      </Field>
    </RecordForm>
  );
}
