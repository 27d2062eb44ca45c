'use client';

import { useEffect, useId, useState } from 'react';
import { useDocumentEditor } from './use-document-editor';
import { Button, ErrorBanner, Field, NoticeBanner, inputClass } from '@/components/ui/ui';
import { saveInstitutionAction, saveReferralAction, searchInstitutionsAction, uploadDocumentAttachmentAction } from '@/lib/records/documents/document.actions';
import { attachmentTypeOf } from '@/lib/records/documents/document-attachment.schema';
import type { AttachmentDto, InstitutionDto, ReferralChoiceDto, ReferralPrefillDto } from '@/lib/records/documents/document.dto';
import type { ReferralEditorSeed, Sections } from './referral-seed';

const SECTION_FIELDS: { key: keyof Sections; label: string; rows: number; required?: boolean }[] = [
  { key: 'purpose', label: '紹介目的', rows: 2, required: true },
  { key: 'chiefComplaint', label: '主訴', rows: 2 },
  { key: 'presentIllness', label: '現病歴', rows: 4 },
  { key: 'pastHistory', label: '既往歴', rows: 3 },
  { key: 'familyHistory', label: '家族歴', rows: 2 },
];

export function Choices({ legend, name, choices, chosen, onChange, empty }: { legend: string; name: string; choices: ReferralChoiceDto[]; chosen: string[]; onChange: (ids: string[]) => void; empty: string }) {
  return (
    <fieldset className="rounded border border-slate-200 p-2">
      <legend className="px-1 text-sm font-medium">{legend}</legend>
      {choices.length === 0 ? <p className="text-xs text-slate-500">{empty}</p> : null}
      <ul className="max-h-56 space-y-0.5 overflow-auto">
        {choices.map((c) => (
          <li key={c.id}>
            <label className="flex items-baseline gap-2 text-sm">
              <input
                type="checkbox"
                name={name}
                checked={chosen.includes(c.id)}
                onChange={(e) => onChange(e.target.checked ? [...chosen, c.id] : chosen.filter((x) => x !== c.id))}
              />
              <span>{c.label}</span>
              {c.detail ? <span className="text-xs text-slate-500">{c.detail}</span> : null}
            </label>
          </li>
        ))}
      </ul>
    </fieldset>
  );
}

/** 紹介先: search the clinic's directory as you type (recent first), pick, or register a new institution. */
function DestinationPicker({ value, onChange, error }: { value: ReferralEditorSeed['destination']; onChange: (v: ReferralEditorSeed['destination']) => void; error?: string }) {
  const [query, setQuery] = useState('');
  const [hits, setHits] = useState<InstitutionDto[]>([]);
  const [picked, setPicked] = useState<InstitutionDto | null>(null);
  const [adding, setAdding] = useState(false);
  const [draft, setDraft] = useState({ code: '', name: '', address: '', phone: '', departments: '' });
  const [addError, setAddError] = useState<string | null>(null);
  const id = useId();

  useEffect(() => {
    let stale = false;
    const t = setTimeout(async () => {
      const r = await searchInstitutionsAction({ query });
      if (!stale && r.ok) setHits(r.data);
    }, 150);
    return () => {
      stale = true;
      clearTimeout(t);
    };
  }, [query]);

  const pick = (i: InstitutionDto) => {
    setPicked(i);
    onChange({ institutionId: i.id, code: i.code, name: i.name, department: i.departments.includes(value.department) ? value.department : (i.departments[0] ?? ''), doctor: value.doctor });
  };

  const register = async () => {
    setAddError(null);
    const r = await saveInstitutionAction({
      code: draft.code,
      name: draft.name,
      address: draft.address || undefined,
      phone: draft.phone || undefined,
      departments: draft.departments.split(/[、,\s]+/).filter(Boolean),
    });
    if (!r.ok) {
      setAddError(r.fieldErrors ? Object.values(r.fieldErrors)[0] ?? r.error : r.error);
      return;
    }
    setAdding(false);
    setHits((h) => [r.data, ...h]);
    pick(r.data);
  };

  return (
    <fieldset className="space-y-2 rounded border border-slate-200 p-2">
      <legend className="px-1 text-sm font-medium">紹介先</legend>
      <div className="grid gap-2 md:grid-cols-[2fr_1fr_1fr]">
        <Field label="紹介先医療機関" htmlFor={`${id}-search`} error={error} required hint={value.code ? `医療機関コード ${value.code}` : '名称・よみ・医療機関コードで検索'}>
          <input
            id={`${id}-search`}
            className={inputClass}
            role="combobox"
            aria-expanded={hits.length > 0}
            aria-controls={`${id}-list`}
            autoComplete="off"
            value={value.institutionId ? value.name : query || value.name}
            onChange={(e) => {
              setQuery(e.target.value);
              setPicked(null);
              onChange({ ...value, institutionId: null, code: null, name: e.target.value });
            }}
          />
        </Field>
        <Field label="診療科" htmlFor={`${id}-dept`}>
          <input id={`${id}-dept`} className={inputClass} list={`${id}-depts`} value={value.department} onChange={(e) => onChange({ ...value, department: e.target.value })} />
          <datalist id={`${id}-depts`}>{(picked?.departments ?? []).map((d) => <option key={d} value={d} />)}</datalist>
        </Field>
        <Field label="医師名" htmlFor={`${id}-doctor`}>
          <input id={`${id}-doctor`} className={inputClass} list={`${id}-doctors`} value={value.doctor} onChange={(e) => onChange({ ...value, doctor: e.target.value })} />
          <datalist id={`${id}-doctors`}>{(picked?.doctors ?? []).map((d) => <option key={d} value={d} />)}</datalist>
        </Field>
      </div>
      {!value.institutionId && hits.length > 0 ? (
        <ul id={`${id}-list`} role="listbox" aria-label="紹介先の候補" className="max-h-40 overflow-auto rounded border border-slate-200 text-sm">
          {hits.map((h) => (
            <li key={h.id} role="option" aria-selected={false} className="cursor-pointer px-2 py-1 hover:bg-teal-50" onClick={() => pick(h)}>
              {h.name} <span className="text-xs text-slate-500">{h.code}{h.address ? ` ${h.address}` : ''}</span>
            </li>
          ))}
        </ul>
      ) : null}
      {value.institutionId ? (
        <Button variant="ghost" className="text-xs" onClick={() => { setPicked(null); setQuery(''); onChange({ ...value, institutionId: null, code: null, name: '' }); }}>
          紹介先を選び直す
        </Button>
      ) : (
        <Button variant="ghost" className="text-xs" onClick={() => setAdding((a) => !a)}>
          ＋ 紹介先医療機関を登録
        </Button>
      )}
      {adding ? (
        <div className="grid gap-2 rounded bg-slate-50 p-2 md:grid-cols-2">
          {addError ? <div className="md:col-span-2"><ErrorBanner>{addError}</ErrorBanner></div> : null}
          <Field label="医療機関コード（10桁）" htmlFor={`${id}-new-code`} required>
            <input id={`${id}-new-code`} className={inputClass} inputMode="numeric" value={draft.code} onChange={(e) => setDraft({ ...draft, code: e.target.value })} />
          </Field>
          <Field label="医療機関名" htmlFor={`${id}-new-name`} required>
            <input id={`${id}-new-name`} className={inputClass} value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.target.value })} />
          </Field>
          <Field label="住所" htmlFor={`${id}-new-address`}>
            <input id={`${id}-new-address`} className={inputClass} value={draft.address} onChange={(e) => setDraft({ ...draft, address: e.target.value })} />
          </Field>
          <Field label="電話番号" htmlFor={`${id}-new-phone`}>
            <input id={`${id}-new-phone`} className={inputClass} value={draft.phone} onChange={(e) => setDraft({ ...draft, phone: e.target.value })} />
          </Field>
          <Field label="診療科（読点区切り）" htmlFor={`${id}-new-depts`} className="md:col-span-2">
            <input id={`${id}-new-depts`} className={inputClass} value={draft.departments} onChange={(e) => setDraft({ ...draft, departments: e.target.value })} />
          </Field>
          <div className="md:col-span-2">
            <Button onClick={register}>登録して選択</Button>
          </div>
        </div>
      ) : null}
    </fieldset>
  );
}

/** 添付資料: upload a PDF / image (checked again by the server) and list the uploaded files, each removable. */
function AttachmentPicker({ patientId, files, onChange }: { patientId: string; files: AttachmentDto[]; onChange: (f: AttachmentDto[]) => void }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const id = useId();
  const upload = async (file: File) => {
    setError(null);
    const contentType = attachmentTypeOf(file.name);
    if (!contentType) return setError('添付できるのはPDF・PNG・JPEGのファイルです。');
    setBusy(true);
    try {
      const bytes = new Uint8Array(await file.arrayBuffer());
      let binary = '';
      for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      const r = await uploadDocumentAttachmentAction({ patientId, fileName: file.name, contentType, dataBase64: btoa(binary) });
      if (!r.ok) return setError(r.fieldErrors ? (Object.values(r.fieldErrors)[0] ?? r.error) : r.error);
      onChange([...files, r.data]);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="space-y-1">
      <label htmlFor={`${id}-file`} className="text-sm">
        ファイルを添付（PDF・PNG・JPEG、1件3MBまで）
      </label>
      <input id={`${id}-file`} type="file" accept=".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg" disabled={busy} className="block text-sm" onChange={(e) => { const f = e.target.files?.[0]; e.target.value = ''; if (f) void upload(f); }} />
      {error ? <ErrorBanner>{error}</ErrorBanner> : null}
      <ul className="text-sm" data-testid="attachment-list">
        {files.map((f) => (
          <li key={f.id} className="flex items-baseline gap-2">
            <span>{f.fileName}</span>
            <span className="text-xs text-slate-500">{f.typeLabel} {f.sizeLabel}</span>
            <Button variant="ghost" className="text-xs" onClick={() => onChange(files.filter((x) => x.id !== f.id))}>
              外す
            </Button>
          </li>
        ))}
      </ul>
    </div>
  );
}

/**
 * 診療情報提供書 editor: 紹介先 from the directory, the text sections pre-filled from the chart, and the records to list
 * (傷病名 — 未告知 never offered —, アレルギー, 検査結果) picked by checkbox; 下書き保存 and 確定 (Alt+S / Alt+K).
 */
export function ReferralEditor({ patientId, prefill, seed }: { patientId: string; prefill: ReferralPrefillDto; seed: ReferralEditorSeed }) {
  const [destination, setDestination] = useState(seed.destination);
  const [sections, setSections] = useState<Sections>(seed.sections);
  const [diagnosisIds, setDiagnosisIds] = useState(seed.diagnosisIds);
  const [allergyIds, setAllergyIds] = useState(seed.allergyIds);
  const [labResultIds, setLabResultIds] = useState(seed.labResultIds);
  const [prescriptionIds, setPrescriptionIds] = useState(seed.prescriptionIds);
  const [attachments, setAttachments] = useState(seed.attachments);
  const [attachedDocumentIds, setAttachedDocumentIds] = useState(seed.attachedDocumentIds);
  const id = useId();
  const { status, changeReason, setChangeReason, error, fieldErrors, notice, busy, touch, onSave, onConfirm } = useDocumentEditor(patientId, seed, (base) =>
    saveReferralAction({
      ...base,
      destination: { institutionId: destination.institutionId, name: destination.name, department: destination.department, doctor: destination.doctor },
      ...sections,
      diagnosisIds,
      allergyIds,
      labResultIds,
      prescriptionIds,
      attachmentIds: attachments.map((a) => a.id),
      attachedDocumentIds,
    }),
  );

  const text = (key: keyof Sections, label: string, rows: number, required?: boolean) => (
    <Field key={key} label={label} htmlFor={`${id}-${key}`} error={fieldErrors[key]} required={required}>
      <textarea id={`${id}-${key}`} rows={rows} className={inputClass} value={sections[key]} onChange={(e) => touch(setSections)({ ...sections, [key]: e.target.value })} />
    </Field>
  );

  return (
    <form className="space-y-3" onSubmit={(e) => { e.preventDefault(); void onSave(); }} aria-label="診療情報提供書">
      {error ? <ErrorBanner>{error}</ErrorBanner> : null}
      {notice && !error ? <NoticeBanner>{notice}</NoticeBanner> : null}
      {status === 'final' ? (
        <Field label="修正理由（確定済みの文書を修正すると新しい版になります）" htmlFor={`${id}-reason`} error={fieldErrors.changeReason} required>
          <input id={`${id}-reason`} className={inputClass} value={changeReason} onChange={(e) => setChangeReason(e.target.value)} />
        </Field>
      ) : null}
      <DestinationPicker value={destination} onChange={touch(setDestination)} error={fieldErrors['destination.name']} />
      {SECTION_FIELDS.map((f) => text(f.key, f.label, f.rows, f.required))}
      <div className="grid gap-3 md:grid-cols-2">
        <div className="space-y-1">
          <Choices legend="傷病名（主病名が先頭）" name="diagnosisIds" choices={prefill.diagnoses} chosen={diagnosisIds} onChange={touch(setDiagnosisIds)} empty="登録された傷病名はありません。" />
          {prefill.uninformedOmitted > 0 ? (
            <p className="text-xs text-amber-800" data-testid="uninformed-omitted">
              未告知の傷病名 {prefill.uninformedOmitted} 件は記載していません。
            </p>
          ) : null}
          {text('diagnosesNote', '傷病名の補足', 2)}
        </div>
        <div className="space-y-1">
          <Choices legend="アレルギー・副作用歴" name="allergyIds" choices={prefill.allergies} chosen={allergyIds} onChange={touch(setAllergyIds)} empty="登録されたアレルギーはありません。" />
          {text('allergiesNote', 'アレルギーの補足', 2)}
        </div>
      </div>
      <div className="space-y-1">
        <Choices legend="現在の処方（記載する処方）" name="prescriptionIds" choices={prefill.prescriptions} chosen={prescriptionIds} onChange={touch(setPrescriptionIds)} empty="確定した処方はありません。" />
        {text('medications', '現在の処方', 4)}
      </div>
      <div className="space-y-1">
        <Choices legend="検査結果（記載するものを選択）" name="labResultIds" choices={prefill.labs} chosen={labResultIds} onChange={touch(setLabResultIds)} empty="検査結果はありません。" />
        {text('labsNote', '検査結果の補足', 2)}
      </div>
      {text('clinicalCourse', '治療経過', 6)}
      {text('remarks', '備考', 2)}
      <fieldset className="space-y-2 rounded border border-slate-200 p-2">
        <legend className="px-1 text-sm font-medium">添付資料</legend>
        {fieldErrors.attachmentIds || fieldErrors.attachedDocumentIds ? <ErrorBanner>{fieldErrors.attachmentIds ?? fieldErrors.attachedDocumentIds}</ErrorBanner> : null}
        <AttachmentPicker patientId={patientId} files={attachments} onChange={touch(setAttachments)} />
        <Choices legend="添付する文書（確定した退院時サマリー・健康診断結果報告書）" name="attachedDocumentIds" choices={prefill.documents} chosen={attachedDocumentIds} onChange={touch(setAttachedDocumentIds)} empty="添付できる文書はありません。" />
      </fieldset>
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
