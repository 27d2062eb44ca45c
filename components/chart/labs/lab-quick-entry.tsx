'use client';

/**
 * 検査結果の手入力 (nurse's quick entry): pick items from the 43+5 (search by Japanese name, key or alias), type the
 * values, one 採取日時 for the batch. Alt+L (command 'add-lab') opens the form and focuses the item search.
 */
import { useMemo, useRef, useState, useTransition } from 'react';
import { useRouter } from 'next/navigation';
import { recordLabResultsAction } from '@/lib/records/lab-results/lab-result.actions';
import type { LabItemOption } from '@/lib/records/lab-results/lab-result.dto';
import { LabItemCombobox } from './lab-item-combobox';
import { openAndFocus, useChartCommand } from '@/components/chart/chart-commands';
import { Button, ErrorBanner, Field, NoticeBanner, cx, inputClass } from '@/components/ui/ui';

/** inputClass is w-full: a fixed width (w-16 …) only applies once that is removed. */
const fixedWidthInput = inputClass.replace('w-full ', '');

const SPECIMENS = ['血清', '血漿', '全血', '尿', '蓄尿', '毛細管血', '動脈血'];
const COMMON = ['AST', 'ALT', 'GGT', 'CRE', 'UA', 'GLU', 'HbA1c', 'LDLC', 'HDLC', 'TG', 'Hb', 'CRP'];

type Row = { key: string; value: string; specimen: string };

/** 'YYYY-MM-DDTHH:mm' of now in JST, for a datetime-local input. */
function nowJstLocal(): string {
  return new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 16);
}

export function LabQuickEntry({ patientId, items, ordered = [] }: { patientId: string; items: LabItemOption[]; /** item keys of the open 検査オーダー, offered in one click (0070) */ ordered?: string[] }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [rows, setRows] = useState<Row[]>([]);
  const [collectedAt, setCollectedAt] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [notice, setNotice] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const searchRef = useRef<HTMLInputElement>(null);
  const valueRefs = useRef(new Map<string, HTMLInputElement | HTMLSelectElement>());
  const byKey = useMemo(() => new Map(items.map((i) => [i.key, i])), [items]);

  const candidates = useMemo(() => {
    const chosen = new Set(rows.map((r) => r.key));
    return items.filter((i) => !chosen.has(i.key));
  }, [items, rows]);

  const openForm = () =>
    openAndFocus(
      () => {
        setOpen(true);
        setNotice(null);
        if (!collectedAt) setCollectedAt(nowJstLocal());
      },
      () => searchRef.current,
    );
  useChartCommand(['add-lab'], openForm);

  const addItem = (key: string) => {
    const item = byKey.get(key);
    if (!item || rows.some((r) => r.key === key)) return;
    setRows((rs) => [...rs, { key, value: '', specimen: item.specimen }]);
    setTimeout(() => valueRefs.current.get(key)?.focus(), 0);
  };
  const update = (key: string, patch: Partial<Row>) => setRows((rs) => rs.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  const remove = (key: string) => setRows((rs) => rs.filter((r) => r.key !== key));

  const reset = () => {
    setRows([]);
    setError(null);
    setFieldErrors({});
    setCollectedAt('');
  };

  const submit = () => {
    setError(null);
    setFieldErrors({});
    if (rows.length === 0) {
      setError('検査項目を1件以上選んでください。');
      searchRef.current?.focus();
      return;
    }
    startTransition(async () => {
      const result = await recordLabResultsAction({
        patientId,
        collectedAt,
        specimen: rows[0]!.specimen,
        items: rows.map((r) => ({ itemKey: r.key, value: r.value, specimen: r.specimen })),
      });
      if (!result.ok) {
        setError(result.error);
        setFieldErrors(result.fieldErrors ?? {});
        return;
      }
      setNotice(`${result.data.count}項目の検査結果を保存しました。`);
      reset();
      setOpen(false);
      router.refresh();
    });
  };

  if (!open) {
    return (
      <div className="mt-3 flex items-center gap-2">
        <Button variant="secondary" onClick={openForm} className="px-2 py-1 text-xs" aria-keyshortcuts="Alt+L">
          ＋ 検査結果を入力 <kbd className="text-[10px] text-slate-500">Alt+L</kbd>
        </Button>
        {notice && <NoticeBanner>{notice}</NoticeBanner>}
      </div>
    );
  }

  const rowError = (i: number, field: string) => fieldErrors[`items.${i}.${field}`];
  return (
    <form
      className="mt-3 flex flex-col gap-3 rounded border border-teal-200 bg-teal-50/40 p-3"
      aria-label="検査結果の入力"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') setOpen(false);
      }}
    >
      {error && <ErrorBanner>{error}</ErrorBanner>}
      <div className="grid grid-cols-[minmax(0,1fr)_auto] gap-2">
        <Field label="検査項目を追加（名前・略号で検索）" htmlFor="lab-item-search" error={fieldErrors.items}>
          <LabItemCombobox id="lab-item-search" inputRef={searchRef} items={candidates} placeholder="例: AST, クレアチニン, HbA1c, 尿蛋白" showUnit onPick={addItem} />
        </Field>
        <Field label="採取日時" htmlFor="lab-collected-at" error={fieldErrors.collectedAt} required>
          <input id="lab-collected-at" type="datetime-local" className={inputClass} value={collectedAt} onChange={(e) => setCollectedAt(e.target.value)} aria-invalid={!!fieldErrors.collectedAt} />
        </Field>
      </div>
      {ordered.some((k) => byKey.has(k) && !rows.some((r) => r.key === k)) && (
        <div className="flex flex-wrap items-center gap-2 text-xs">
          <Button
            variant="secondary"
            className="px-2 py-0.5 text-xs"
            onClick={() => {
              const missing = ordered.filter((k) => byKey.has(k) && !rows.some((r) => r.key === k));
              setRows((rs) => [...rs, ...missing.map((k) => ({ key: k, value: '', specimen: byKey.get(k)!.specimen }))]);
              setTimeout(() => valueRefs.current.get(missing[0]!)?.focus(), 0);
            }}
          >
            依頼中の項目を追加（{ordered.filter((k) => byKey.has(k)).map((k) => byKey.get(k)!.nameJa).join('・')}）
          </Button>
        </div>
      )}
      <div className="flex flex-wrap gap-1" aria-label="よく使う項目">
        {COMMON.filter((k) => !rows.some((r) => r.key === k)).map((k) => (
          <button key={k} type="button" className="rounded border border-slate-300 bg-white px-1.5 py-0.5 text-xs hover:bg-teal-50" onClick={() => addItem(k)}>
            {byKey.get(k)?.display ?? k}
          </button>
        ))}
      </div>
      {rows.length > 0 && (
        <table className="w-full text-sm">
          <thead>
            <tr className="text-left text-xs text-slate-500">
              <th className="font-normal">項目</th>
              <th className="font-normal">結果値</th>
              <th className="font-normal">材料</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => {
              const item = byKey.get(r.key)!;
              const err = rowError(i, 'value') ?? rowError(i, 'itemKey') ?? rowError(i, 'specimen');
              return (
                <tr key={r.key} className="align-top">
                  <td className="py-1 pr-2">
                    <label htmlFor={`lab-value-${r.key}`}>{item.nameJa}</label>
                    {err && <p className="text-xs text-red-600">{err}</p>}
                  </td>
                  <td className="py-1 pr-2">
                    <div className="flex items-center gap-1">
                      {item.ordinalValues ? (
                        <select
                          id={`lab-value-${r.key}`}
                          ref={(el) => {
                            if (el) valueRefs.current.set(r.key, el);
                          }}
                          className={cx(fixedWidthInput, 'w-28')}
                          value={r.value}
                          aria-invalid={!!rowError(i, 'value')}
                          onChange={(e) => update(r.key, { value: e.target.value })}
                        >
                          <option value="">選択</option>
                          {item.ordinalValues.map((v) => (
                            <option key={v} value={v}>
                              {v}
                            </option>
                          ))}
                        </select>
                      ) : (
                        <input
                          id={`lab-value-${r.key}`}
                          ref={(el) => {
                            if (el) valueRefs.current.set(r.key, el);
                          }}
                          inputMode="decimal"
                          autoComplete="off"
                          className={cx(fixedWidthInput, 'w-24 text-right tabular-nums')}
                          value={r.value}
                          aria-invalid={!!rowError(i, 'value')}
                          onChange={(e) => update(r.key, { value: e.target.value })}
                        />
                      )}
                      <span className="w-16 text-xs text-slate-500">{item.unitDisplay ?? ''}</span>
                    </div>
                  </td>
                  <td className="py-1 pr-2">
                    <select aria-label={`${item.nameJa}の材料`} className={cx(fixedWidthInput, 'w-24')} value={r.specimen} onChange={(e) => update(r.key, { specimen: e.target.value })}>
                      {[...new Set([item.specimen, ...SPECIMENS])].map((s) => (
                        <option key={s} value={s}>
                          {s}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td className="py-1 text-right">
                    <Button variant="ghost" className="px-1 py-0.5 text-xs" onClick={() => remove(r.key)} aria-label={`${item.nameJa}を外す`}>
                      外す
                    </Button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <div className="flex justify-end gap-2">
        <Button
          variant="secondary"
          onClick={() => {
            reset();
            setOpen(false);
          }}
        >
          キャンセル
        </Button>
        <Button type="submit" disabled={pending || rows.length === 0}>
          {pending ? '保存中…' : `保存（${rows.length}項目）`}
        </Button>
      </div>
    </form>
  );
}
