'use client';

import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { Button, ErrorBanner, Field, inputClass, cx } from '@/components/ui/ui';
import type { DoctorOptionDto, DrugSearchHit, PrescriptionDto, UsageDto } from '@/lib/records/prescriptions/prescription.dto';
import { isSafetyBlocked } from '@/lib/records/prescriptions/prescription.dto';
import { checkDrugOnAddAction, savePrescriptionAction, searchDrugsAction } from '@/lib/records/prescriptions/prescription.actions';
import { DOSE_BASIS_LABELS, MEDICATION_KIND_LABELS, REFILL_TIMES, SUBSTITUTION_REASON_LABELS, type DoseBasis, type MedicationKindValue, type RefillTimes, type SubstitutionReason } from '@/lib/records/prescriptions/prescription.constants';
import type { PrescriptionItemInput } from '@/lib/records/prescriptions/prescription.schema';
import type { AllergyConflict, SafetyReport } from '@/lib/records/prescriptions/safety-check';
import { checkItemLimits, type DrugLimitInfo } from '@/lib/records/prescriptions/duration-limits';
import { SafetyDialog, type SafetyAck } from './safety-dialog';
import { UsageCombobox } from './usage-combobox';
import { SEVERITY_LABELS, type AllergySeverity } from '@/lib/records/allergies/allergy.constants';
import { useUnsavedChangesGuard } from '@/components/ui/use-unsaved-changes';
import { useChartCommand } from '@/components/chart/chart-commands';

/** inputClass is w-full: a fixed width (w-16 …) only applies once that is removed. */
const fixedWidthInput = inputClass.replace('w-full ', '');

export type EditorItem = PrescriptionItemInput & {
  key: string;
  genericAvailable: boolean | null;
  /** allergy matches found the moment the drug was added (never sent: save and 確定 check again) */
  allergyConflicts?: AllergyConflict[];
  /** the drug's legal 投与日数 limit and the clinic's maximum, from the add-time check; the item is compared as it changes */
  limits?: DrugLimitInfo;
  /** where the dose came from: the clinic's last use of the drug, or nothing (1 per 回, no 用法) */
  doseOrigin?: 'pending' | 'last_use' | 'none' | 'edited';
};

export type EditorSeed = {
  /** set when amending an existing prescription (draft in place, final / pending → new version) */
  prescriptionId?: string;
  sourceStatus?: PrescriptionDto['status'];
  /** a label shown above the form, e.g. 前回Do (2026-11-20) */
  origin?: string;
  outOfHouse: boolean;
  /** リフィル可: 総使用回数 (2 or 3); absent = an ordinary 処方箋 */
  refillTimes?: RefillTimes | null;
  note: string | null;
  items: PrescriptionItemInput[];
  /** 前回Do / copy: the prescriptions the new one continues (replaces); not their 重複投薬 */
  continues?: string[];
  allergyOverrideReason?: string | null;
  limitOverrideReason?: string | null;
};

let keySeq = 0;
const nextKey = () => `rx-${++keySeq}`;

export function toEditorItems(items: PrescriptionItemInput[]): EditorItem[] {
  return items.map((i) => ({ ...i, key: nextKey(), genericAvailable: i.prescribeByGeneric ? true : null }));
}

function kindOfDrug(d: DrugSearchHit): MedicationKindValue {
  return d.dosageForm === '6' ? 'external' : 'internal';
}

/**
 * A drug just picked: no invented dose (issue 9 item 4). 1 unit per 回 (全量 for 外用) and no 用法 or 日数 until the
 * clinic's last use of the drug arrives (checkDrugOnAddAction) or the doctor types them.
 */
function newItem(d: DrugSearchHit, rpNumber: number, byGeneric: boolean): EditorItem {
  const kind = kindOfDrug(d);
  return {
    key: nextKey(),
    rpNumber,
    kind,
    receiptCode: d.code,
    // the clinic setting 一般名で処方（既定）: only a drug that has a 一般名処方コード
    prescribeByGeneric: byGeneric && !!d.genericCode,
    genericAvailable: !!d.genericCode,
    drugName: d.name,
    dose: 1,
    doseUnit: d.unit ?? '',
    doseBasis: kind === 'external' ? 'total' : 'per_time',
    usageCode: undefined,
    usageText: '',
    days: undefined,
    times: undefined,
    genericSubstitutionAllowed: true,
    comment: undefined,
    doseOrigin: 'pending',
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
  visitDoctorId = null,
  isProxy,
  canConfirm,
  userId,
  focusSignal,
  prescribeByGenericDefault = false,
  onDone,
  onCancel,
}: {
  patientId: string;
  seed: EditorSeed;
  usages: UsageDto[];
  doctors: DoctorOptionDto[];
  /** the doctor of today's visit: the 代行入力's default approver, as in the note editor (issue 13) */
  visitDoctorId?: string | null;
  isProxy: boolean;
  canConfirm: boolean;
  userId: string;
  focusSignal: number;
  /** clinic setting: a drug added starts as 一般名で処方 when it can */
  prescribeByGenericDefault?: boolean;
  onDone: (p: PrescriptionDto) => void;
  onCancel: () => void;
}) {
  const [initialItems] = useState<EditorItem[]>(() => toEditorItems(seed.items));
  const [items, setItems] = useState<EditorItem[]>(initialItems);
  const [outOfHouse, setOutOfHouse] = useState(seed.outOfHouse);
  const [refillTimes, setRefillTimes] = useState<RefillTimes | null>(seed.refillTimes ?? null);
  const [note, setNote] = useState(seed.note ?? '');
  // the visit's doctor, else the only doctor, else the nurse chooses (never simply the first doctor of the list)
  const [doctorId, setDoctorId] = useState(
    doctors.find((d) => d.id === userId)?.id ?? (visitDoctorId && doctors.some((d) => d.id === visitDoctorId) ? visitDoctorId : doctors.length === 1 ? doctors[0]!.id : ''),
  );
  const [changeReason, setChangeReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [blocked, setBlocked] = useState<{ report: SafetyReport; intent: 'draft' | 'confirm' } | null>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const amendingFinal = seed.sourceStatus === 'final';
  const dirty = items !== initialItems || outOfHouse !== seed.outOfHouse || refillTimes !== (seed.refillTimes ?? null) || note !== (seed.note ?? '');
  useUnsavedChangesGuard(dirty && !busy, '保存していない処方があります。このページを離れると入力内容は失われます。移動しますか？');

  useEffect(() => {
    searchRef.current?.focus();
  }, [focusSignal]);

  const update = (key: string, patch: Partial<EditorItem>) =>
    setItems((xs) => xs.map((x) => (x.key === key ? { ...x, ...patch, doseOrigin: x.doseOrigin === 'pending' ? 'edited' : x.doseOrigin } : x)));
  const nextRp = () => (items.length ? Math.max(...items.map((i) => i.rpNumber)) + 1 : 1);

  // Alt+K 確定s what is being written: this prescription too (the note editor 確定s the note on the same key)
  useChartCommand(['confirm', 'confirm-prescription'], () => {
    if (!isProxy && canConfirm && !busy && !blocked && items.length > 0) void submit('confirm');
  });

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
      refillTimes: outOfHouse && refillTimes ? refillTimes : undefined,
      note,
      changeReason: changeReason || undefined,
      ...(seed.continues?.length ? { continues: seed.continues } : {}),
      items: items.map(({ key: _k, genericAvailable: _g, allergyConflicts: _a, doseOrigin: _o, limits: _l, ...i }) => i),
      allergyOverrideReason: ack.allergyOverrideReason,
      duplicateAcknowledged: ack.duplicateAcknowledged,
      limitOverrideReason: ack.limitOverrideReason,
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

  /** Adds the drug at once, then warns about allergies and takes the clinic's last use of it as the dose. */
  function addDrug(d: DrugSearchHit) {
    const item = newItem(d, nextRp(), prescribeByGenericDefault);
    setItems((xs) => [...xs, item]);
    void checkDrugOnAddAction({ patientId, receiptCode: d.code, drugName: d.name }).then((r) => {
      if (!r.ok) return;
      const { allergyConflicts, lastUse, limits } = r.data;
      // the last use fills the item only if nobody typed a dose in the meantime
      setItems((xs) => xs.map((x) => {
        if (x.key !== item.key) return x;
        if (x.doseOrigin !== 'pending') return { ...x, allergyConflicts, limits };
        return lastUse ? { ...x, ...lastUse, allergyConflicts, limits, doseOrigin: 'last_use' as const } : { ...x, allergyConflicts, limits, doseOrigin: 'none' as const };
      }));
    });
  }

  return (
    <div className="flex flex-col gap-3 rounded border border-teal-200 bg-teal-50/30 p-3" data-testid="prescription-editor">
      <div className="flex items-center justify-between">
        <h3 className="text-sm font-semibold text-slate-800">
          {seed.prescriptionId ? (amendingFinal ? '処方の修正（新しい版）' : '処方の編集') : '新しい処方'}
          {seed.origin && <span className="ml-2 text-xs font-normal text-slate-500">{seed.origin}</span>}
        </h3>
        <div className="flex items-center gap-3 text-xs">
          {/* radios, not a <select>: the drug search's results are the editor's only options before a drug is added */}
          <fieldset
            className={cx('flex items-center gap-1.5', !outOfHouse && 'opacity-50')}
            disabled={!outOfHouse}
            title={outOfHouse ? 'リフィル処方箋（総使用回数）。麻薬・向精神薬・新医薬品・湿布薬はできません。' : 'リフィル処方箋は院外処方に限ります。'}
          >
            <legend className="float-left mr-1">リフィル</legend>
            {([null, ...REFILL_TIMES] as const).map((n) => (
              <label key={n ?? 0} className="flex items-center gap-0.5">
                <input type="radio" name="rx-refill" checked={(outOfHouse ? refillTimes : null) === n} onChange={() => setRefillTimes(n)} />
                {n ? `${n}回まで` : 'なし'}
              </label>
            ))}
          </fieldset>
          <label className="flex items-center gap-1">
            <input type="checkbox" checked={outOfHouse} onChange={(e) => setOutOfHouse(e.target.checked)} />
            院外処方
          </label>
        </div>
      </div>
      {error && <ErrorBanner>{error}</ErrorBanner>}
      {fieldErrors.refillTimes && (
        <p className="text-xs text-red-600" data-testid="rx-refill-error">
          {fieldErrors.refillTimes}
        </p>
      )}
      <Field label="薬品を追加" htmlFor="rx-drug-search" error={fieldErrors.items}>
        <DrugSearch inputRef={searchRef} onPick={addDrug} />
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
                <select
                  aria-label="後発品への変更"
                  className={cx(fixedWidthInput, 'w-44 py-0.5 text-xs')}
                  value={it.genericSubstitutionAllowed ? '' : (it.substitutionReason ?? 'medical')}
                  onChange={(e) => {
                    const reason = (e.target.value || undefined) as SubstitutionReason | undefined;
                    update(it.key, { genericSubstitutionAllowed: !reason, substitutionReason: reason });
                  }}
                >
                  <option value="">後発品への変更可</option>
                  {Object.entries(SUBSTITUTION_REASON_LABELS).map(([k, l]) => <option key={k} value={k}>{l}</option>)}
                </select>
                <button type="button" className="ml-auto text-xs text-red-700 hover:underline" onClick={() => setItems((xs) => xs.filter((x) => x.key !== it.key))}>
                  削除
                </button>
              </div>
              {!!it.allergyConflicts?.length && (
                <div role="alert" data-testid="rx-item-allergy" className="mb-2 rounded border-2 border-red-500 bg-red-50 px-2 py-1 text-sm text-red-900">
                  <span className="font-bold">薬剤アレルギー:</span>{' '}
                  {it.allergyConflicts.map((c) => `${c.substanceName}${c.severity || c.reaction ? `（${[c.severity ? SEVERITY_LABELS[c.severity as AllergySeverity] ?? c.severity : null, c.reaction].filter(Boolean).join('・')}）` : ''}`).join('、')}
                  に該当します。処方する場合は確定時に理由が必要です。
                </div>
              )}
              {it.limits && <LimitNotes findings={checkItemLimits(i, it.drugName, { ...it, timesPerDay: usages.find((u) => u.code === it.usageCode)?.timesPerDay ?? null }, it.limits)} />}
              {it.doseOrigin === 'last_use' && <p className="mb-1 text-xs text-slate-500">用量・用法は当院での前回の処方から入れました。確認してください。</p>}
              {it.doseOrigin === 'none' && <p className="mb-1 text-xs text-slate-500">当院での処方歴がないため、用量は1回1単位です。用法・日数を入力してください。</p>}
              {(itemError(i, 'receiptCode') || itemError(i, 'drugName') || itemError(i, 'prescribeByGeneric') || itemError(i, 'refill')) && (
                <p className="mb-1 text-xs text-red-600" data-testid="rx-item-error">{itemError(i, 'receiptCode') ?? itemError(i, 'drugName') ?? itemError(i, 'prescribeByGeneric') ?? itemError(i, 'refill')}</p>
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
                  <UsageCombobox
                    id={id('usage')}
                    usages={kindUsages}
                    value={it.usageCode}
                    invalid={!!(itemError(i, 'usageCode') ?? itemError(i, 'usageText'))}
                    onPick={(u) => update(it.key, { usageCode: u?.code, usageText: u ? u.text : '' })}
                  />
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
          initialLimitReason={seed.limitOverrideReason}
          busy={busy}
          onCancel={() => setBlocked(null)}
          onAcknowledge={(ack) => submit(blocked.intent, ack)}
        />
      )}
    </div>
  );
}

/** The item's 投与日数・投与量 against the legal limit and the clinic's maximum, as it is typed (docs/decisions/0044, 0045). */
function LimitNotes({ findings }: { findings: ReturnType<typeof checkItemLimits> }) {
  if (!findings.length) return null;
  const exceeds = findings.some((f) => f.kind === 'exceeds');
  return (
    <div role={exceeds ? 'alert' : undefined} data-testid="rx-item-limit" className={cx('mb-2 rounded border px-2 py-1 text-sm', exceeds ? 'border-2 border-amber-500 bg-amber-50 text-amber-900' : 'border-slate-300 bg-slate-50 text-slate-700')}>
      {findings.map((f, i) => (
        <p key={i}>{f.message}</p>
      ))}
      {exceeds && <p className="text-xs">上限を超えて処方する場合は確定時に理由が必要です。</p>}
    </div>
  );
}
