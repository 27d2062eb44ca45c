'use client';

/**
 * 他院の情報: what other institutions registered with the 電子カルテ情報共有サービス, kept apart from the clinic's own
 * records — every item names its source institution and date. A doctor can copy a diagnosis or an allergy into the
 * chart after reviewing (and editing) it; nothing is copied automatically.
 */
import { useState, type ReactNode } from 'react';
import { RecordForm, useRecordAction } from '@/components/chart/record-forms';
import { Badge, Field, inputClass } from '@/components/ui/ui';
import { ALLERGY_CATEGORIES, ALLERGY_SEVERITIES, CATEGORY_LABELS, SEVERITY_LABELS, type AllergyCategory, type AllergySeverity } from '@/lib/records/allergies/allergy.constants';
import { copySharedAllergyAction, copySharedDiagnosisAction } from '@/lib/sharing/shared-records/shared-records.actions';
import type { SharedAllergyDto, SharedDiagnosisDto, SharedLabDto, SharedProblem, SharedRecordsDto, SharedSource } from '@/lib/sharing/shared-records/shared-records.dto';

const day = (iso: string | null) => (iso ? iso.slice(0, 10).replaceAll('-', '/') : '');
const jstDay = (iso: string) => new Date(iso).toLocaleDateString('ja-JP', { timeZone: 'Asia/Tokyo', year: 'numeric', month: '2-digit', day: '2-digit' });

export function SourceTag({ source }: { source: SharedSource }) {
  return (
    <span className="text-xs text-indigo-800" data-testid="shared-source">
      {source.institutionName}・{jstDay(source.registeredAt)}登録
    </span>
  );
}

const keyOf = (e: { identifier: string; index: number }) => `${e.identifier}#${e.index}`;

/** The review form of a copy: where it comes from, the record's fields, the doctor's remark, and 追加. */
function CopyReviewForm({
  label,
  id,
  source,
  explanation,
  action,
  onSave,
  onDone,
  children,
}: {
  label: string;
  id: string;
  source: SharedSource;
  explanation: string;
  action: ReturnType<typeof useRecordAction>;
  onSave: (note: string) => void;
  onDone: () => void;
  children: ReactNode;
}) {
  const [note, setNote] = useState('');
  return (
    <RecordForm label={label} idPrefix={id} editing={false} reasonPlaceholder="" action={action} onCancel={onDone} onSave={() => onSave(note)}>
      <p className="text-xs text-slate-600">
        転記元: <SourceTag source={source} />。{explanation}
      </p>
      {children}
      <Field label="メモ（任意）" htmlFor={`${id}-note`} error={action.fieldErrors.note}>
        <input id={`${id}-note`} className={inputClass} value={note} maxLength={300} onChange={(e) => setNote(e.target.value)} />
      </Field>
    </RecordForm>
  );
}

type DiagnosisReview = { diseaseCode: string; freeText: string; isSuspected: boolean; startDate: string; note: string };
type AllergyReview = { category: AllergyCategory; substanceName: string; keepSourceCode: boolean; reaction: string; severity: AllergySeverity | undefined; onsetDate: string; note: string };

/** The reviewed diagnosis, sent by `send` (a copy from 他院の情報, an import from a received letter). */
export function DiagnosisCopyForm({ entry, onDone, send }: { entry: SharedDiagnosisDto; onDone: () => void; send: (review: DiagnosisReview) => ReturnType<typeof copySharedDiagnosisAction> }) {
  const action = useRecordAction(onDone);
  const [name, setName] = useState(entry.name);
  const [keepCode, setKeepCode] = useState(Boolean(entry.diseaseCode));
  const [suspected, setSuspected] = useState(entry.suspected);
  const [startDate, setStartDate] = useState(entry.startDate ?? '');
  const id = `copy-dx-${entry.index}`;
  return (
    <CopyReviewForm
      label="他院の傷病名を確認して転記"
      id={id}
      source={entry.source}
      explanation="保存すると当院の傷病名として記録され、メモに転記元が残ります。"
      action={action}
      onDone={onDone}
      onSave={(note) =>
        action.run(() =>
          send({ diseaseCode: keepCode ? (entry.diseaseCode ?? '') : '', freeText: keepCode ? '' : name, isSuspected: suspected, startDate, note }),
        )
      }
    >
      {entry.diseaseCode && (
        <label className="flex items-center gap-1 text-sm">
          <input type="checkbox" checked={keepCode} onChange={(e) => setKeepCode(e.target.checked)} />
          {entry.medisCode ? `他院のMEDIS病名コード（${entry.medisCode}）に当たる傷病名コード（${entry.diseaseCode}）を使う` : `他院の傷病名コード（${entry.diseaseCode}）をそのまま使う`}
        </label>
      )}
      <Field label="傷病名" htmlFor={`${id}-name`} error={action.fieldErrors.freeText ?? action.fieldErrors.diseaseCode} hint={keepCode ? '傷病名マスターの名称で記録されます。' : undefined}>
        <input id={`${id}-name`} className={inputClass} value={name} disabled={keepCode} maxLength={100} onChange={(e) => setName(e.target.value)} />
      </Field>
      <div className="flex flex-wrap items-end gap-3">
        <label className="flex items-center gap-1 text-sm">
          <input type="checkbox" checked={suspected} onChange={(e) => setSuspected(e.target.checked)} />
          疑い
        </label>
        <Field label="開始日" htmlFor={`${id}-start`} error={action.fieldErrors.startDate}>
          <input id={`${id}-start`} type="date" className={inputClass} value={startDate} onChange={(e) => setStartDate(e.target.value)} />
        </Field>
      </div>
    </CopyReviewForm>
  );
}

/** The reviewed allergy, sent by `send` (a copy from 他院の情報, an import from a received letter). */
export function AllergyCopyForm({ entry, onDone, send }: { entry: SharedAllergyDto; onDone: () => void; send: (review: AllergyReview) => ReturnType<typeof copySharedAllergyAction> }) {
  const action = useRecordAction(onDone);
  const coded = Boolean(entry.code && !/^D9[MFN]/.test(entry.code));
  const [category, setCategory] = useState<AllergyCategory>((ALLERGY_CATEGORIES as readonly string[]).includes(entry.category) ? (entry.category as AllergyCategory) : 'other');
  const [substanceName, setSubstanceName] = useState(entry.substanceName);
  const [keepSourceCode, setKeepSourceCode] = useState(coded);
  const [reaction, setReaction] = useState(entry.reaction ?? '');
  const [severity, setSeverity] = useState<AllergySeverity | ''>((entry.severity as AllergySeverity | null) ?? '');
  const [onsetDate, setOnsetDate] = useState(entry.onsetDate ?? '');
  const id = `copy-allergy-${entry.index}`;
  return (
    <CopyReviewForm
      label="他院のアレルギーを確認して転記"
      id={id}
      source={entry.source}
      explanation="保存すると当院のアレルギー情報として記録され、処方時のチェックにも使われます。"
      action={action}
      onDone={onDone}
      onSave={(note) =>
        action.run(() =>
          send({ category, substanceName, keepSourceCode, reaction, severity: severity || undefined, onsetDate, note }),
        )
      }
    >
      <div className="flex flex-wrap items-end gap-3">
        <Field label="分類" htmlFor={`${id}-category`} error={action.fieldErrors.category}>
          <select id={`${id}-category`} className={inputClass} value={category} onChange={(e) => setCategory(e.target.value as AllergyCategory)}>
            {ALLERGY_CATEGORIES.map((c) => (
              <option key={c} value={c}>
                {CATEGORY_LABELS[c]}
              </option>
            ))}
          </select>
        </Field>
        <Field label="原因物質" htmlFor={`${id}-substance`} error={action.fieldErrors.substanceName} className="min-w-48 flex-1">
          <input id={`${id}-substance`} className={inputClass} value={substanceName} maxLength={100} onChange={(e) => setSubstanceName(e.target.value)} />
        </Field>
      </div>
      {coded && (
        <label className="flex items-center gap-1 text-sm">
          <input type="checkbox" checked={keepSourceCode} onChange={(e) => setKeepSourceCode(e.target.checked)} />
          他院のコード（{entry.code}）を引き継ぐ
        </label>
      )}
      <div className="flex flex-wrap items-end gap-3">
        <Field label="症状" htmlFor={`${id}-reaction`} error={action.fieldErrors.reaction} className="min-w-48 flex-1">
          <input id={`${id}-reaction`} className={inputClass} value={reaction} maxLength={200} onChange={(e) => setReaction(e.target.value)} />
        </Field>
        <Field label="重症度" htmlFor={`${id}-severity`}>
          <select id={`${id}-severity`} className={inputClass} value={severity} onChange={(e) => setSeverity(e.target.value as AllergySeverity | '')}>
            <option value="">未選択</option>
            {ALLERGY_SEVERITIES.map((s) => (
              <option key={s} value={s}>
                {SEVERITY_LABELS[s]}
              </option>
            ))}
          </select>
        </Field>
        <Field label="発症日" htmlFor={`${id}-onset`} error={action.fieldErrors.onsetDate}>
          <input id={`${id}-onset`} type="date" className={inputClass} value={onsetDate} onChange={(e) => setOnsetDate(e.target.value)} />
        </Field>
      </div>
    </CopyReviewForm>
  );
}

export function CopyButton({ onClick, label }: { onClick: () => void; label: string }) {
  return (
    <button type="button" className="ml-auto rounded px-1.5 py-0.5 text-xs text-teal-800 hover:bg-teal-50" onClick={onClick} aria-label={label}>
      確認して転記
    </button>
  );
}

function Problems({ problems }: { problems: SharedProblem[] }) {
  if (!problems.length) return null;
  return (
    <ul className="rounded border border-amber-200 bg-amber-50 px-3 py-2 text-xs text-amber-900" aria-label="表示できなかった他院の情報">
      {problems.map((p, i) => (
        <li key={i}>
          {p.institutionName ? `${p.institutionName}: ` : ''}
          {p.message}
        </li>
      ))}
    </ul>
  );
}

export function OtherInstitutionsRecords({ patientId, records, canCopy }: { patientId: string; records: SharedRecordsDto; canCopy: boolean }) {
  const [copying, setCopying] = useState<string | null>(null);
  const none = !records.diagnoses.length && !records.allergies.length && !records.labs.length;
  return (
    <div className="flex flex-col gap-3 text-sm">
      <Problems problems={records.problems} />
      {none && <p className="text-slate-500">他の医療機関が登録した情報はありません。</p>}
      {records.diagnoses.length > 0 && (
        <section aria-label="他院の傷病名">
          <h3 className="mb-1 text-xs font-semibold text-slate-600">傷病名</h3>
          <ul className="divide-y divide-indigo-50">
            {records.diagnoses.map((d: SharedDiagnosisDto) => (
              <li key={keyOf(d)} className="py-1.5" data-testid="shared-diagnosis">
                <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
                  <span className="font-medium">{d.name}</span>
                  {d.suspected && <Badge tone="amber">疑い</Badge>}
                  {d.outcomeText && <Badge>{d.outcomeText}</Badge>}
                  {d.startDate && <span className="text-xs text-slate-500">開始 {day(d.startDate)}</span>}
                  <SourceTag source={d.source} />
                  {canCopy && copying !== keyOf(d) && <CopyButton label={`${d.name}を確認して転記`} onClick={() => setCopying(keyOf(d))} />}
                </div>
                {copying === keyOf(d) && <DiagnosisCopyForm entry={d} onDone={() => setCopying(null)} send={(r) => copySharedDiagnosisAction({ patientId, identifier: d.identifier, index: d.index, ...r })} />}
              </li>
            ))}
          </ul>
        </section>
      )}
      {records.allergies.length > 0 && (
        <section aria-label="他院のアレルギー">
          <h3 className="mb-1 text-xs font-semibold text-slate-600">アレルギー</h3>
          <ul className="divide-y divide-indigo-50">
            {records.allergies.map((a: SharedAllergyDto) => (
              <li key={keyOf(a)} className="py-1.5" data-testid="shared-allergy">
                <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
                  <Badge tone={a.category === 'medication' ? 'red' : 'slate'}>{CATEGORY_LABELS[a.category as AllergyCategory] ?? 'その他'}</Badge>
                  <span className="font-medium">{a.substanceName}</span>
                  {a.severity && <Badge tone={a.severity === 'severe' ? 'red' : a.severity === 'moderate' ? 'amber' : 'slate'}>{SEVERITY_LABELS[a.severity as AllergySeverity]}</Badge>}
                  {a.reaction && <span className="text-slate-700">{a.reaction}</span>}
                  <SourceTag source={a.source} />
                  {canCopy && copying !== keyOf(a) && <CopyButton label={`${a.substanceName}を確認して転記`} onClick={() => setCopying(keyOf(a))} />}
                </div>
                {copying === keyOf(a) && <AllergyCopyForm entry={a} onDone={() => setCopying(null)} send={(r) => copySharedAllergyAction({ patientId, identifier: a.identifier, index: a.index, ...r })} />}
              </li>
            ))}
          </ul>
        </section>
      )}
      {records.labs.length > 0 && (
        <section aria-label="他院の検査">
          <h3 className="mb-1 text-xs font-semibold text-slate-600">検査</h3>
          <table className="w-full text-sm">
            <thead>
              <tr className="text-left text-xs text-slate-500">
                <th className="pb-1 font-normal">項目</th>
                <th className="pb-1 font-normal">結果</th>
                <th className="pb-1 font-normal">基準値</th>
                <th className="pb-1 font-normal">検査日・医療機関</th>
              </tr>
            </thead>
            <tbody>
              {records.labs.map((l: SharedLabDto) => (
                <tr key={keyOf(l)} className="border-t border-indigo-50" data-testid="shared-lab">
                  <td className="py-1">{l.itemName}</td>
                  <td className={l.flag === 'H' || l.flag === 'L' ? 'py-1 font-semibold text-red-700' : 'py-1'}>
                    {l.value} {l.unit}
                    {(l.flag === 'H' || l.flag === 'L') && <span className="ml-1 text-xs">{l.flag}</span>}
                  </td>
                  <td className="py-1 text-xs text-slate-500">{l.referenceRange}</td>
                  <td className="py-1 text-xs">
                    {l.effectiveAt ? jstDay(l.effectiveAt) : ''} <SourceTag source={l.source} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </div>
  );
}
