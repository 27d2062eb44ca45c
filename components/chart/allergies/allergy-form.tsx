'use client';

import { useEffect, useRef, useState } from 'react';
import { recordAllergyAction, reviseAllergyAction, searchAllergenMasterAction, searchDrugClassAction, searchDrugMasterAction } from '@/lib/records/allergies/allergy.actions';
import type { AllergenOptionDto, AllergyDto, DrugOptionDto } from '@/lib/records/allergies/allergy.dto';
import {
  ALLERGY_CATEGORIES,
  ALLERGY_CLINICAL_STATUSES,
  ALLERGY_SEVERITIES,
  ALLERGY_VERIFICATIONS,
  CATEGORY_LABELS,
  CLINICAL_STATUS_LABELS,
  SEVERITY_LABELS,
  VERIFICATION_LABELS,
  type AllergyCategory,
} from '@/lib/records/allergies/allergy.constants';
import { Button, Field, inputClass } from '@/components/ui/ui';
import { MasterCombobox } from '@/components/chart/diagnoses/master-combobox';
import { RecordForm, useRecordAction } from '@/components/chart/record-forms';
import { ingredientLabel } from '@/lib/records/allergies/ingredient-label';

/** The code the user picked in this form session (the server looks it up again). */
type Picked = { kind: 'drug'; code: string; label: string } | { kind: 'class'; code: string; label: string } | { kind: 'allergen'; code: string; label: string } | { kind: 'kept'; label: string } | null;

const JFAGY_KIND: Record<AllergyCategory, 'food' | 'nonfood' | 'medication'> = { food: 'food', environment: 'nonfood', other: 'nonfood', medication: 'medication' };

/** Add or edit an allergy: 薬剤 via the drug master, その他 via J-FAGY, or free text. Editing saves a new version. */
export function AllergyForm({ patientId, initial, onDone }: { patientId: string; initial?: AllergyDto; onDone: () => void }) {
  const action = useRecordAction(onDone);
  const errors = action.fieldErrors;
  const [category, setCategory] = useState<AllergyCategory>(initial?.category ?? 'medication');
  const [picked, setPicked] = useState<Picked>(initial?.isCoded ? { kind: 'kept', label: `${initial.codeSystem} ${initial.code}` } : null);
  const [substanceName, setSubstanceName] = useState(initial?.substanceName ?? '');
  const [reaction, setReaction] = useState(initial?.reaction ?? '');
  const [severity, setSeverity] = useState<string>(initial?.severity ?? '');
  const [onsetDate, setOnsetDate] = useState(initial?.onsetDate ?? '');
  const [endDate, setEndDate] = useState(initial?.endDate ?? '');
  const [clinicalStatus, setClinicalStatus] = useState<string>(initial?.clinicalStatus ?? 'active');
  const [verification, setVerification] = useState<string>(initial?.verification ?? 'confirmed');
  const [note, setNote] = useState(initial?.note ?? '');
  const searchRef = useRef<HTMLInputElement>(null);
  const nameRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (!initial) searchRef.current?.focus();
  }, [initial]);

  const pick = (p: Picked, name: string) => {
    setPicked(p);
    setSubstanceName(name);
    setTimeout(() => nameRef.current?.focus());
  };

  function save(changeReason: string) {
    const content = {
      category,
      drugCode: picked?.kind === 'drug' ? picked.code : undefined,
      allergenCode: picked?.kind === 'allergen' ? picked.code : undefined,
      drugClassCode: picked?.kind === 'class' ? picked.code : undefined,
      substanceName,
      reaction,
      severity: (severity || undefined) as AllergyDto['severity'] & string,
      onsetDate: onsetDate || undefined,
      endDate: endDate || undefined,
      clinicalStatus: clinicalStatus as AllergyDto['clinicalStatus'],
      verification: verification as AllergyDto['verification'],
      note,
    };
    action.run(() =>
      initial
        ? reviseAllergyAction({ ...content, allergyId: initial.id, keepCoding: picked?.kind === 'kept', changeReason })
        : recordAllergyAction({ ...content, patientId }),
    );
  }

  return (
    <RecordForm
      label={initial ? 'アレルギーの修正' : 'アレルギーの追加'}
      idPrefix="allergy"
      editing={!!initial}
      reasonPlaceholder="例: 症状の追記、解消を確認"
      action={action}
      onSave={save}
      onCancel={onDone}
    >
      <Field label="分類" htmlFor="allergy-category" required error={errors.category}>
        <select
          id="allergy-category"
          className={inputClass}
          value={category}
          onChange={(e) => {
            const next = e.target.value as AllergyCategory;
            if ((next === 'medication') !== (category === 'medication')) setPicked(null);
            setCategory(next);
          }}
        >
          {ALLERGY_CATEGORIES.map((c) => (
            <option key={c} value={c}>
              {c === 'medication' ? '薬剤アレルギー等' : `その他アレルギー等（${CATEGORY_LABELS[c]}）`}
            </option>
          ))}
        </select>
      </Field>

      <Field label={category === 'medication' ? '医薬品を検索' : 'アレルゲンを検索（J-FAGY）'} htmlFor="allergy-search" error={errors.drugCode ?? errors.allergenCode}>
        {category === 'medication' ? (
          <MasterCombobox<DrugOptionDto>
            key="drug"
            id="allergy-search"
            queryKey="drug"
            inputRef={searchRef}
            placeholder="薬品名・一般名で検索（例: ロキソプロフェン）↑↓ Enter"
            search={(q) => searchDrugMasterAction({ q, limit: 20 })}
            itemKey={(d) => d.code}
            renderItem={(d) => (
              <span className="flex items-baseline justify-between gap-2">
                <span>{d.name}</span>
                <span className="font-mono text-xs text-slate-500">{d.yjCode ?? d.code}</span>
              </span>
            )}
            onPick={(d) => pick({ kind: 'drug', code: d.code, label: `${d.name}（${d.yjCode ? `YJ ${d.yjCode}` : `レセプト ${d.code}`}）` }, ingredientLabel(d))}
            onEnterText={(text) => pick(null, text)}
            emptyHint="該当なし。Enterで自由入力にできます。"
          />
        ) : (
          <MasterCombobox<AllergenOptionDto>
            key={`allergen-${JFAGY_KIND[category]}`}
            id="allergy-search"
            queryKey={`allergen-${JFAGY_KIND[category]}`}
            inputRef={searchRef}
            placeholder="例: さば、卵、スギ花粉 ↑↓ Enter"
            search={(q) => searchAllergenMasterAction({ q, limit: 20, kind: JFAGY_KIND[category] })}
            itemKey={(a) => a.code}
            renderItem={(a) => (
              <span className="flex items-baseline justify-between gap-2">
                <span>{a.name}</span>
                <span className="font-mono text-xs text-slate-500">{a.code}</span>
              </span>
            )}
            onPick={(a) => pick({ kind: 'allergen', code: a.code, label: `J-FAGY ${a.code}` }, a.name)}
            onEnterText={(text) => pick(null, text)}
            emptyHint="該当なし。Enterで自由入力にできます。"
          />
        )}
      </Field>
      {category === 'medication' && (
        <Field label="薬効分類で検索（系統のアレルギー）" htmlFor="allergy-class-search" error={errors.drugClassCode}>
          <MasterCombobox<{ code: string; name: string }>
            key="class"
            id="allergy-class-search"
            queryKey="drug-class"
            placeholder="例: ペニシリン、セフェム、ピラゾロン"
            search={(q) => searchDrugClassAction({ q, limit: 20 })}
            itemKey={(c) => c.code}
            renderItem={(c) => (
              <span className="flex items-baseline justify-between gap-2">
                <span>{c.name}</span>
                <span className="font-mono text-xs text-slate-500">薬効分類 {c.code}</span>
              </span>
            )}
            onPick={(c) => pick({ kind: 'class', code: c.code, label: `薬効分類 ${c.code}（この分類の薬すべてで警告）` }, c.name)}
          />
        </Field>
      )}

      <div className="grid grid-cols-1 gap-3 sm:grid-cols-2">
        <Field label="原因物質名" htmlFor="allergy-substance" required error={errors.substanceName} hint={picked ? `コード: ${picked.label}` : 'コードなし（自由入力）'}>
          <div className="flex gap-1">
            <input id="allergy-substance" ref={nameRef} className={inputClass} value={substanceName} maxLength={100} onChange={(e) => setSubstanceName(e.target.value)} />
            {picked && (
              <Button variant="ghost" className="shrink-0 text-xs" onClick={() => setPicked(null)} title="コードを外して自由入力にする">
                コード解除
              </Button>
            )}
          </div>
        </Field>
        <Field label="症状" htmlFor="allergy-reaction" error={errors.reaction}>
          <input id="allergy-reaction" className={inputClass} value={reaction} maxLength={200} onChange={(e) => setReaction(e.target.value)} placeholder="例: 蕁麻疹、アナフィラキシー" />
        </Field>
      </div>
      <div className="grid grid-cols-2 gap-3 sm:grid-cols-4">
        <Field label="重症度" htmlFor="allergy-severity" error={errors.severity}>
          <select id="allergy-severity" className={inputClass} value={severity} onChange={(e) => setSeverity(e.target.value)}>
            <option value="">（不明）</option>
            {ALLERGY_SEVERITIES.map((s) => (
              <option key={s} value={s}>
                {SEVERITY_LABELS[s]}
              </option>
            ))}
          </select>
        </Field>
        <Field label="発症日" htmlFor="allergy-onset" error={errors.onsetDate}>
          <input id="allergy-onset" type="date" className={inputClass} value={onsetDate} onChange={(e) => setOnsetDate(e.target.value)} />
        </Field>
        <Field label="終了日" htmlFor="allergy-end" error={errors.endDate}>
          <input id="allergy-end" type="date" className={inputClass} value={endDate} onChange={(e) => setEndDate(e.target.value)} />
        </Field>
        <Field label="状態" htmlFor="allergy-status" error={errors.clinicalStatus}>
          <select id="allergy-status" className={inputClass} value={clinicalStatus} onChange={(e) => setClinicalStatus(e.target.value)}>
            {ALLERGY_CLINICAL_STATUSES.map((s) => (
              <option key={s} value={s}>
                {CLINICAL_STATUS_LABELS[s]}
              </option>
            ))}
          </select>
        </Field>
        <Field label="確からしさ" htmlFor="allergy-verification" error={errors.verification}>
          <select id="allergy-verification" className={inputClass} value={verification} onChange={(e) => setVerification(e.target.value)}>
            {ALLERGY_VERIFICATIONS.map((v) => (
              <option key={v} value={v}>
                {VERIFICATION_LABELS[v]}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <Field label="メモ" htmlFor="allergy-note" error={errors.note}>
        <input id="allergy-note" className={inputClass} value={note} maxLength={500} onChange={(e) => setNote(e.target.value)} />
      </Field>
    </RecordForm>
  );
}
