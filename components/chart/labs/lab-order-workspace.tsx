'use client';

/**
 * 検査オーダー in the chart (issue 13, docs/decisions/0070). Keyboard first: Alt+T (or 「検査を依頼」 in the palette or
 * the note's P) opens the form with the item search focused; type a name or a short name, Enter adds it; Enter on the
 * empty search orders. 前回Do orders the last day's orders again in one action. Each order shows 依頼済 or 結果あり
 * (and how many of its items have a result); 取消 asks for a reason.
 */
import { useMemo, useRef, useState, useTransition } from 'react';
import { useRouter } from 'next/navigation';
import { cancelLabOrderAction, orderLabsAction } from '@/lib/records/lab-orders/lab-order.actions';
import type { LabOrderDto, LabOrderPanelDto } from '@/lib/records/lab-orders/lab-order.dto';
import type { LabItemOption } from '@/lib/records/lab-results/lab-result.dto';
import { LabItemCombobox } from './lab-item-combobox';
import { openAndFocus, useChartCommand } from '@/components/chart/chart-commands';
import { Badge, Button, ErrorBanner, Field, NoticeBanner, cx, inputClass } from '@/components/ui/ui';

const COMMON = ['AST', 'ALT', 'GGT', 'CRE', 'eGFR', 'UA', 'GLU', 'HbA1c', 'LDLC', 'HDLC', 'TG', 'WBC', 'Hb', 'PLT', 'CRP'];

export function LabOrderWorkspace({ patientId, panel, items, canOrder }: { patientId: string; panel: LabOrderPanelDto; items: LabItemOption[]; canOrder: boolean }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [chosen, setChosen] = useState<string[]>([]);
  const [urgent, setUrgent] = useState(false);
  const [comment, setComment] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const searchRef = useRef<HTMLInputElement>(null);
  const byKey = useMemo(() => new Map(items.map((i) => [i.key, i])), [items]);
  const candidates = useMemo(() => items.filter((i) => !chosen.includes(i.key)), [items, chosen]);

  const openForm = () =>
    openAndFocus(
      () => {
        setOpen(true);
        setNotice(null);
        setError(null);
      },
      () => searchRef.current,
    );

  const orderAgain = () => {
    if (!panel.previous.length) {
      setNotice('前回の検査オーダーはありません。');
      return;
    }
    startTransition(async () => {
      for (const p of panel.previous) {
        const r = await orderLabsAction({ patientId, itemKeys: p.itemKeys, urgent: p.urgent, comment: p.comment });
        if (!r.ok) {
          setError(r.error);
          return;
        }
      }
      setNotice(`前回の検査（${panel.previous.flatMap((p) => p.names).join('・')}）を依頼しました。`);
      router.refresh();
    });
  };
  useChartCommand(['order-lab', 'do-lab-order'], (id) => (id === 'order-lab' ? openForm() : orderAgain()));

  const add = (key: string) => {
    if (!chosen.includes(key)) setChosen((c) => [...c, key]);
    searchRef.current?.focus();
  };

  const submit = () => {
    setError(null);
    if (!chosen.length) {
      setError('検査項目を1つ以上選択してください。');
      searchRef.current?.focus();
      return;
    }
    startTransition(async () => {
      const r = await orderLabsAction({ patientId, itemKeys: chosen, urgent, comment });
      if (!r.ok) {
        setError(r.fieldErrors ? Object.values(r.fieldErrors)[0] ?? r.error : r.error);
        return;
      }
      setNotice(`${r.data.items.map((i) => i.name).join('・')} を依頼しました${r.data.urgent ? '（至急）' : ''}。`);
      setChosen([]);
      setUrgent(false);
      setComment('');
      setOpen(false);
      router.refresh();
    });
  };

  return (
    <div className="flex flex-col gap-3" data-testid="lab-order-panel">
      {panel.orders.length === 0 ? (
        <p className="text-sm text-slate-500">検査オーダーはありません。</p>
      ) : (
        <ul className="flex flex-col gap-1.5">
          {panel.orders.map((o) => (
            <OrderLine key={o.id} order={o} canCancel={canOrder} onChanged={() => router.refresh()} />
          ))}
        </ul>
      )}
      {notice && <NoticeBanner>{notice}</NoticeBanner>}
      {canOrder && !open && (
        <div className="flex flex-wrap items-center gap-2">
          <Button variant="secondary" onClick={openForm} className="px-2 py-1 text-xs" aria-keyshortcuts="Alt+T">
            ＋ 検査を依頼 <kbd className="text-[10px] text-slate-500">Alt+T</kbd>
          </Button>
          {panel.previous.length > 0 && (
            <Button variant="secondary" onClick={orderAgain} disabled={pending} className="px-2 py-1 text-xs">
              前回Do: {panel.previous.flatMap((p) => p.names).join('・')}
            </Button>
          )}
        </div>
      )}
      {canOrder && open && (
        <form
          aria-label="検査オーダー"
          className="flex flex-col gap-2 rounded border border-teal-200 bg-teal-50/40 p-3"
          onSubmit={(e) => {
            e.preventDefault();
            submit();
          }}
          onKeyDown={(e) => {
            if (e.key === 'Escape') setOpen(false);
          }}
        >
          {error && <ErrorBanner>{error}</ErrorBanner>}
          <Field label="検査項目（名前・略号で検索してEnter。空欄でEnterすると依頼）" htmlFor="lab-order-search">
            <LabItemCombobox
              id="lab-order-search"
              inputRef={searchRef}
              items={candidates}
              placeholder="例: AST, HbA1c, 血算, CRP"
              onPick={add}
              onEmptyEnter={submit}
              onEmptyBackspace={() => setChosen((c) => c.slice(0, -1))}
            />
          </Field>
          <div className="flex flex-wrap gap-1" aria-label="選択した検査項目" data-testid="lab-order-chosen">
            {chosen.map((k) => (
              <button key={k} type="button" className="rounded bg-teal-100 px-1.5 py-0.5 text-xs text-teal-900 hover:bg-red-100" onClick={() => setChosen((c) => c.filter((x) => x !== k))} aria-label={`${byKey.get(k)?.nameJa ?? k}を外す`}>
                {byKey.get(k)?.nameJa ?? k} ×
              </button>
            ))}
            {chosen.length === 0 && <span className="text-xs text-slate-500">項目はまだ選ばれていません。</span>}
          </div>
          <div className="flex flex-wrap gap-1" aria-label="よく使う項目">
            {COMMON.filter((k) => byKey.has(k) && !chosen.includes(k)).map((k) => (
              <button key={k} type="button" tabIndex={-1} className="rounded border border-slate-300 bg-white px-1.5 py-0.5 text-xs hover:bg-teal-50" onClick={() => add(k)}>
                {byKey.get(k)?.display ?? k}
              </button>
            ))}
          </div>
          <div className="flex flex-wrap items-end gap-3">
            <label className="flex items-center gap-1 text-sm">
              <input type="checkbox" checked={urgent} onChange={(e) => setUrgent(e.target.checked)} /> 至急
            </label>
            <Field label="コメント" htmlFor="lab-order-comment" className="min-w-48 flex-1">
              <input id="lab-order-comment" className={inputClass} value={comment} maxLength={200} onChange={(e) => setComment(e.target.value)} placeholder="例: 空腹時" />
            </Field>
          </div>
          <div className="flex gap-2">
            <Button type="submit" disabled={pending}>
              依頼する
            </Button>
            <Button type="button" variant="secondary" onClick={() => setOpen(false)}>
              閉じる
            </Button>
          </div>
        </form>
      )}
    </div>
  );
}

function OrderLine({ order, canCancel, onChanged }: { order: LabOrderDto; canCancel: boolean; onChanged: () => void }) {
  const [cancelling, setCancelling] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const done = order.status === 'resulted';
  return (
    <li className="rounded border border-slate-200 px-2 py-1 text-sm" data-testid="lab-order">
      <div className="flex flex-wrap items-center gap-2">
        <Badge tone={done ? 'green' : 'amber'}>{order.statusLabel}</Badge>
        {order.urgent && <Badge tone="red">至急</Badge>}
        <span className="flex flex-wrap gap-1">
          {order.items.map((i) => (
            <span key={i.itemKey} className={cx(i.resultId ? 'text-teal-800' : 'text-slate-800')} title={i.resultId ? '結果あり' : '結果待ち'}>
              {i.name}
              {i.resultId ? '✓' : ''}
            </span>
          ))}
        </span>
        {!done && order.resultCount > 0 && <span className="text-xs text-slate-500">結果 {order.resultCount}/{order.items.length}</span>}
        <span className="ml-auto text-xs text-slate-500">
          {order.orderedAtDisplay} {order.orderedByName ?? ''}
        </span>
        {canCancel && !done && !cancelling && (
          <button type="button" className="text-xs text-red-700 hover:underline" onClick={() => setCancelling(true)}>
            取消
          </button>
        )}
      </div>
      {order.comment && <p className="text-xs text-slate-600">コメント: {order.comment}</p>}
      {cancelling && (
        <form
          className="mt-1 flex flex-wrap items-center gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            startTransition(async () => {
              const r = await cancelLabOrderAction({ labOrderId: order.id, reason });
              if (!r.ok) return setError(r.fieldErrors?.reason ?? r.error);
              setCancelling(false);
              onChanged();
            });
          }}
        >
          <label htmlFor={`lab-order-cancel-${order.id}`} className="text-xs">
            取消の理由
          </label>
          <input id={`lab-order-cancel-${order.id}`} autoFocus className={cx(inputClass, 'w-48')} value={reason} onChange={(e) => setReason(e.target.value)} />
          <Button type="submit" variant="danger" disabled={pending} className="px-2 py-1 text-xs">
            取り消す
          </Button>
          <Button type="button" variant="secondary" onClick={() => setCancelling(false)} className="px-2 py-1 text-xs">
            やめる
          </Button>
          {error && <span className="text-xs text-red-700">{error}</span>}
        </form>
      )}
    </li>
  );
}
