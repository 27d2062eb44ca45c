'use client';

import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { Button, ErrorBanner, Field, inputClass, cx } from '@/components/ui/ui';
import type { DoctorOptionDto, DrugSearchHit, PrescriptionDto, UsageDto } from '@/lib/records/prescriptions/prescription.dto';
import { isSafetyBlocked } from '@/lib/records/prescriptions/prescription.dto';
import { savePrescriptionAction, searchDrugsAction } from '@/lib/records/prescriptions/prescription.actions';
import { DOSE_BASIS_LABELS, MEDICATION_KIND_LABELS, type DoseBasis, type MedicationKindValue } from '@/lib/records/prescriptions/prescription.constants';
import type { PrescriptionItemInput } from '@/lib/records/prescriptions/prescription.schema';
import type { SafetyReport } from '@/lib/records/prescriptions/safety-check';
import { SafetyDialog, type SafetyAck } from './safety-dialog';
import { useUnsavedChangesGuard } from '@/components/ui/use-unsaved-changes';

/** inputClass is w-full: a fixed width (w-16 …) only applies once that is removed. */
const fixedWidthInput = inputClass.replace('w-full ', '');

export type EditorItem = PrescriptionItemInput & { key: string; genericAvailable: boolean | null };

export type EditorSeed = {
  /** set when amending an existing prescription (draft in place, final / pending → new version) */
  prescriptionId?: string;
  sourceStatus?: PrescriptionDto['status'];
  /** a label shown above the form, e.g. 前回Do (2026-11-20) */
  origin?: string;
  outOfHouse: boolean;
  note: string | null;
  items: PrescriptionItemInput[];
  allergyOverrideReason?: string | null;
};

let keySeq = 0;
const nextKey = () => `rx-${++keySeq}`;

export function toEditorItems(items: PrescriptionItemInput[]): EditorItem[] {
  return items.map((i) => ({ ...i, key: nextKey(), genericAvailable: i.prescribeByGeneric ? true : null }));
}

function kindOfDrug(d: DrugSearchHit): MedicationKindValue {
  return d.dosageForm === '6' ? 'external' : 'internal';
}

function newItem(d: DrugSearchHit, rpNumber: number): EditorItem {
  const kind = kindOfDrug(d);
  return {
    key: nextKey(),
    rpNumber,
    kind,
    receiptCode: d.code,
    prescribeByGeneric: false,
    genericAvailable: !!d.genericCode,
    drugName: d.name,
    dose: kind === 'external' ? 1 : 3,
    doseUnit: d.unit ?? '',
    doseBasis: kind === 'external' ? 'total' : 'per_day',
    usageCode: undefined,
    usageText: '',
    days: kind === 'internal' ? 7 : undefined,
    times: undefined,
    genericSubstitutionAllowed: true,
    comment: undefined,
  };
}

/** Drug search as you type: brand or generic name, kana. Arrow keys + Enter pick a drug. */
function DrugSearch({ inputRef, onPick }: { inputRef: React.RefObject<HTMLInputElement | null>; onPick: (d: DrugSearchHit) => void }) {
  const [q, setQ] = useState('');
  const [debounced, setDebounced] = useState('');
  const [active, setActive] = useState(0);
  useEffect(() => {
    const t = setTimeout(() => setDebounced(q.trim()), 200);
    return () => clearTimeout(t);
  }, [q]);
  const { data, isFetching } = useQuery({
    queryKey: ['rx-drug-search', debounced],
    enabled: debounced.length > 0,
    staleTime: 60_000,
    queryFn: async () => {
      const r = await searchDrugsAction({ q: debounced, limit: 20 });
      if (!r.ok) throw new Error(r.error);
      return r.data;
    },
  });
  const hits = debounced ? (data ?? []) : [];
  const pick = (d: DrugSearchHit | undefined) => {
    if (!d) return;
    onPick(d);
    setQ('');
    setDebounced('');
    setActive(0);
  };
  return (
    <div className="relative">
      <input
        ref={inputRef}
        id="rx-drug-search"
        className={inputClass}
        placeholder="薬品名（商品名・一般名・カナ）で検索して Enter で追加"
        role="combobox"
        aria-expanded={hits.length > 0}
        aria-controls="rx-drug-results"
        aria-autocomplete="list"
        value={q}
        onChange={(e) => {
          setQ(e.target.value);
          setActive(0);
        }}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown') {
            e.preventDefault();
            setActive((a) => Math.min(a + 1, hits.length - 1));
          } else if (e.key === 'ArrowUp') {
            e.preventDefault();
            setActive((a) => Math.max(a - 1, 0));
          } else if (e.key === 'Enter') {
            e.preventDefault();
            pick(hits[active]);
          } else if (e.key === 'Escape') {
            setQ('');
          }
        }}
      />
      {debounced && (
        <ul id="rx-drug-results" role="listbox" className="absolute z-20 mt-1 max-h-72 w-full overflow-auto rounded border border-slate-300 bg-white text-sm shadow-lg">
          {hits.length === 0 && <li className="px-2 py-1 text-slate-500">{isFetching ? '検索中…' : '該当する薬品がありません'}</li>}
          {hits.map((d, i) => (
            <li
              key={d.code}
              role="option"
              aria-selected={i === active}
              className={cx('cursor-pointer px-2 py-1', i === active ? 'bg-teal-100' : 'hover:bg-slate-100')}
              onMouseDown={(e) => {
                e.preventDefault();
                pick(d);
              }}
            >
              <span className="font-medium">{d.name}</span>
              {d.genericName && <span className="ml-2 text-xs text-slate-500">{d.genericName}</span>}
              <span className="ml-2 text-xs text-slate-500">
                {d.unit ?? ''} {d.price != null ? `${d.price}円` : ''} {d.isGeneric ? '後発' : ''}
              </span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function num(v: string): number | undefined {
  if (v.trim() === '') return undefined;
  const n = Number(v.normalize('NFKC'));
  return Number.isFinite(n) ? n : undefined;
}

export function PrescriptionEditor({
  patientId,
  seed,
  usages,
  doctors,
  isProxy,
  canConfirm,
  userId,
  focusSignal,
  onDone,
  onCancel,
}: {
  patientId: string;
  seed: EditorSeed;
  usages: UsageDto[];
  doctors: DoctorOptionDto[];
  isProxy: boolean;
  canConfirm: boolean;
  userId: string;
  focusSignal: number;
  onDone: (p: PrescriptionDto) => void;
  onCancel: () => void;
}) {
  const [initialItems] = useState<EditorItem[]>(() => toEditorItems(seed.items));
  const [items, setItems] = useState<EditorItem[]>(initialItems);
  const [outOfHouse, setOutOfHouse] = useState(seed.outOfHouse);
  const [note, setNote] = useState(seed.note ?? '');
  const [doctorId, setDoctorId] = useState(doctors.find((d) => d.id === userId)?.id ?? doctors[0]?.id ?? '');
  const [changeReason, setChangeReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [blocked, setBlocked] = useState<{ report: SafetyReport; intent: 'draft' | 'confirm' } | null>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const amendingFinal = seed.sourceStatus === 'final';
  const dirty = items !== initialItems || outOfHouse !== seed.outOfHouse || note !== (seed.note ?? '');
  useUnsavedChangesGuard(dirty && !busy, '保存していない処方があります。このページを離れると入力内容は失われます。移動しますか？');

  useEffect(() => {
    searchRef.current?.focus();
  }, [focusSignal]);

  const update = (key: string, patch: Partial<EditorItem>) => setItems((xs) => xs.map((x) => (x.key === key ? { ...x, ...patch } : x)));
  const nextRp = () => (items.length ? Math.max(...items.map((i) => i.rpNumber)) + 1 : 1);

  async function submit(intent: 'draft' | 'confirm', ack: SafetyAck = { duplicateAcknowledged: false }) {
    setBusy(true);
    setError(null);
    setFieldErrors({});
    const result = await savePrescriptionAction({
      patientId,
      prescriptionId: seed.prescriptionId,
      intent: isProxy ? 'draft' : intent,
      responsibleDoctorId: isProxy ? doctorId || undefined : undefined,
      outOfHouse,
      note,
      changeReason: changeReason || undefined,
      items: items.map(({ key: _k, genericAvailable: _g, ...i }) => i),
      allergyOverrideReason: ack.allergyOverrideReason,
      duplicateAcknowledged: ack.duplicateAcknowledged,
    });
    setBusy(false);
    if (result.ok) {
      setBlocked(null);
      onDone(result.data);
      return;
    }
    if (isSafetyBlocked(result)) {
      setBlocked({ report: result.safety, intent });
      return;
    }
    setBlocked(null);
    setError(result.error);
    setFieldErrors(result.fieldErrors ?? {});
  }

  const itemError = (i: number, field: string) => fieldErrors[`items.${i}.${field}`];

  return (
    <div className="flex flex-col gap-3 rounded border border-teal-200 bg-teal-50/30 p-3" data-testid="prescription-editor">
      <div className="flex items-center justify-between">
        <h3 className="text-sm font-semibold text-slate-800">
          {seed.prescriptionId ? (amendingFinal ? '処方の修正（新しい版）' : '処方の編集') : '新しい処方'}
          {seed.origin && <span className="ml-2 text-xs font-normal text-slate-500">{seed.origin}</span>}
        </h3>
        <label className="flex items-center gap-1 text-xs">
          <input type="checkbox" checked={outOfHouse} onChange={(e) => setOutOfHouse(e.target.checked)} />
          院外処方
        </label>
      </div>
      {error && <ErrorBanner>{error}</ErrorBanner>}
      <Field label="薬品を追加" htmlFor="rx-drug-search" error={fieldErrors.items}>
        <DrugSearch inputRef={searchRef} onPick={(d) => setItems((xs) => [...xs, newItem(d, nextRp())])} />
      </Field>
      <button
        type="button"
        className="self-start text-xs text-teal-800 hover:underline"
        onClick={() =>
          setItems((xs) => [
            ...xs,
            { key: nextKey(), rpNumber: nextRp(), kind: 'internal', prescribeByGeneric: false, genericAvailable: false, drugName: '', dose: 1, doseUnit: '', doseBasis: 'per_day', usageText: '', days: 7, genericSubstitutionAllowed: true },
          ])
        }
      >
        ＋ マスターにない薬品を自由入力で追加
      </button>

      {items.length === 0 && <p className="text-xs text-slate-500">薬品が入力されていません。</p>}
      <ol className="flex flex-col gap-2">
        {items.map((it, i) => {
          const kindUsages = usages.filter((u) => u.kind === it.kind);
          const id = (f: string) => `rx-${it.key}-${f}`;
          return (
            <li key={it.key} className="rounded border border-slate-200 bg-white p-2" data-testid="rx-item">
              <div className="mb-2 flex flex-wrap items-center gap-2">
                <label className="flex items-center gap-1 text-xs font-semibold">
                  Rp
                  <input aria-label="Rp番号" className={cx(fixedWidthInput, 'w-12 py-0.5')} inputMode="numeric" value={it.rpNumber} onChange={(e) => update(it.key, { rpNumber: num(e.target.value) ?? 1 })} />
                </label>
                {it.receiptCode ? (
                  <span className="text-sm font-medium">{it.drugName}</span>
                ) : (
                  <input aria-label="薬品名（自由入力）" className={cx(fixedWidthInput, 'w-64')} placeholder="薬品名（標準コードなし）" value={it.drugName} onChange={(e) => update(it.key, { drugName: e.target.value })} />
                )}
                <select aria-label="区分" className={cx(fixedWidthInput, 'w-20 py-0.5')} value={it.kind} onChange={(e) => {
                  const kind = e.target.value as MedicationKindValue;
                  update(it.key, {
                    kind,
                    usageCode: undefined,
                    doseBasis: kind === 'external' ? 'total' : kind === 'as_needed' ? 'per_time' : 'per_day',
                    days: kind === 'internal' ? it.days ?? 7 : undefined,
                    times: kind === 'as_needed' ? it.times ?? 5 : undefined,
                  });
                }}>
                  {Object.entries(MEDICATION_KIND_LABELS).map(([k, l]) => <option key={k} value={k}>{l}</option>)}
                </select>
                {it.receiptCode && it.genericAvailable !== false && (
                  <label className="flex items-center gap-1 text-xs">
                    <input type="checkbox" checked={it.prescribeByGeneric} onChange={(e) => update(it.key, { prescribeByGeneric: e.target.checked })} />
                    一般名で処方
                  </label>
                )}
                <label className="flex items-center gap-1 text-xs">
                  <input type="checkbox" checked={!it.genericSubstitutionAllowed} onChange={(e) => update(it.key, { genericSubstitutionAllowed: !e.target.checked })} />
                  変更不可
                </label>
                <button type="button" className="ml-auto text-xs text-red-700 hover:underline" onClick={() => setItems((xs) => xs.filter((x) => x.key !== it.key))}>
                  削除
                </button>
              </div>
              {(itemError(i, 'receiptCode') || itemError(i, 'drugName') || itemError(i, 'prescribeByGeneric')) && (
                <p className="mb-1 text-xs text-red-600">{itemError(i, 'receiptCode') ?? itemError(i, 'drugName') ?? itemError(i, 'prescribeByGeneric')}</p>
              )}
              <div className="grid grid-cols-2 gap-2 md:grid-cols-6">
                <Field label="用量" htmlFor={id('dose')} error={itemError(i, 'dose')}>
                  <input id={id('dose')} className={inputClass} inputMode="decimal" value={it.dose} onChange={(e) => update(it.key, { dose: num(e.target.value) ?? 0 })} />
                </Field>
                <Field label="単位" htmlFor={id('unit')} error={itemError(i, 'doseUnit')}>
                  <input id={id('unit')} className={inputClass} value={it.doseUnit} onChange={(e) => update(it.key, { doseUnit: e.target.value })} />
                </Field>
                <Field label="量の種類" htmlFor={id('basis')} error={itemError(i, 'doseBasis')}>
                  <select id={id('basis')} className={inputClass} value={it.doseBasis} onChange={(e) => update(it.key, { doseBasis: e.target.value as DoseBasis })}>
                    {Object.entries(DOSE_BASIS_LABELS).map(([k, l]) => <option key={k} value={k}>{l}</option>)}
                  </select>
                </Field>
                <Field label="用法" htmlFor={id('usage')} error={itemError(i, 'usageCode') ?? itemError(i, 'usageText')} className="col-span-2">
                  <select
                    id={id('usage')}
                    className={inputClass}
                    value={it.usageCode ?? ''}
                    onChange={(e) => {
                      const u = kindUsages.find((x) => x.code === e.target.value);
                      update(it.key, { usageCode: u?.code, usageText: u ? u.text : '' });
                    }}
                  >
                    <option value="">（自由入力）</option>
                    {kindUsages.map((u) => <option key={u.code} value={u.code}>{u.text}</option>)}
                  </select>
                  {!it.usageCode && <input aria-label="用法（自由入力）" className={cx(inputClass, 'mt-1')} placeholder="例: 1日3回 毎食後" value={it.usageText} onChange={(e) => update(it.key, { usageText: e.target.value })} />}
                </Field>
                {it.kind === 'as_needed' ? (
                  <Field label="回数" htmlFor={id('times')} error={itemError(i, 'times')}>
                    <input id={id('times')} className={inputClass} inputMode="numeric" value={it.times ?? ''} onChange={(e) => update(it.key, { times: num(e.target.value) })} />
                  </Field>
                ) : (
                  <Field label={it.kind === 'external' ? '日数（任意）' : '日数'} htmlFor={id('days')} error={itemError(i, 'days')}>
                    <input id={id('days')} className={inputClass} inputMode="numeric" value={it.days ?? ''} onChange={(e) => update(it.key, { days: num(e.target.value) })} />
                  </Field>
                )}
              </div>
              <input aria-label="コメント" className={cx(inputClass, 'mt-2')} placeholder="コメント（任意）" value={it.comment ?? ''} onChange={(e) => update(it.key, { comment: e.target.value || undefined })} />
            </li>
          );
        })}
      </ol>

      <Field label="備考" htmlFor="rx-note" error={fieldErrors.note}>
        <input id="rx-note" className={inputClass} value={note} onChange={(e) => setNote(e.target.value)} />
      </Field>
      {isProxy && (
        <Field label="承認する医師（代行入力）" htmlFor="rx-doctor" required error={fieldErrors.responsibleDoctorId}>
          <select id="rx-doctor" className={inputClass} value={doctorId} onChange={(e) => setDoctorId(e.target.value)}>
            <option value="">選択してください</option>
            {doctors.map((d) => <option key={d.id} value={d.id}>{d.displayName}</option>)}
          </select>
        </Field>
      )}
      {seed.prescriptionId && seed.sourceStatus !== 'draft' && (
        <Field label="修正理由" htmlFor="rx-change-reason" required={amendingFinal} error={fieldErrors.changeReason}>
          <input id="rx-change-reason" className={inputClass} value={changeReason} onChange={(e) => setChangeReason(e.target.value)} />
        </Field>
      )}
      <div className="flex flex-wrap justify-end gap-2">
        <Button variant="ghost" onClick={onCancel} disabled={busy}>
          閉じる
        </Button>
        {isProxy ? (
          <Button onClick={() => submit('draft')} disabled={busy || items.length === 0}>
            代行入力として保存（承認待ち）
          </Button>
        ) : (
          <>
            {!amendingFinal && (
              <Button variant="secondary" onClick={() => submit('draft')} disabled={busy || items.length === 0}>
                保存
              </Button>
            )}
            {canConfirm && (
              <Button onClick={() => submit('confirm')} disabled={busy || items.length === 0}>
                確定
              </Button>
            )}
          </>
        )}
      </div>
      {blocked && (
        <SafetyDialog
          report={blocked.report}
          initialReason={seed.allergyOverrideReason}
          busy={busy}
          onCancel={() => setBlocked(null)}
          onAcknowledge={(ack) => submit(blocked.intent, ack)}
        />
      )}
    </div>
  );
}
