'use client';

import { useRouter } from 'next/navigation';
import { useEffect, useMemo, useRef, useState } from 'react';
import { applyOrderSetAction, createOrderSetFromVisitAction } from '@/lib/sets/order-set.actions';
import type { OrderSetOptionDto } from '@/lib/sets/order-set.dto';
import { ORDER_SET_PALETTE_PREFIX } from '@/lib/sets/order-set.constants';
import { isSafetyBlocked } from '@/lib/records/prescriptions/prescription.dto';
import type { SafetyReport } from '@/lib/records/prescriptions/safety-check';
import { SafetyDialog, type SafetyAck } from './prescriptions/safety-dialog';
import { CHART_COMMANDS, dispatchChartCommand, insertNoteText, requestNoteSnapshot, type ChartCommandId } from './chart-commands';

type Entry = { key: string; label: string; keys: string; run: () => void };

const ALT_KEYS: Record<string, ChartCommandId> = {
  KeyN: 'new-note', KeyC: 'do-note', KeyV: 'vitals', KeyD: 'add-diagnosis', KeyA: 'add-allergy', KeyL: 'add-lab', KeyT: 'order-lab',
  KeyP: 'add-prescription', KeyR: 'do-prescription', KeyS: 'save', KeyK: 'confirm', KeyO: 'print-prescription', KeyI: 'new-referral', KeyY: 'book-appointment',
};

/** Ctrl/Cmd+K palette and Alt shortcuts for the chart; every command also has a button on the page. */
export function CommandPalette({
  available,
  patientId,
  sets = [],
  links = [],
}: {
  available: ChartCommandId[];
  patientId?: string;
  sets?: OrderSetOptionDto[];
  /** navigation the palette offers too (issue 13: it covers every chart action, navigation and approvals included) */
  links?: { key: string; label: string; href: string }[];
}) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [q, setQ] = useState('');
  const [index, setIndex] = useState(0);
  // 「この受診からセットを作成」 asks only for the name, in the palette's own input
  const [naming, setNaming] = useState(false);
  const [status, setStatus] = useState<{ tone: 'ok' | 'error'; text: string } | null>(null);
  const [blocked, setBlocked] = useState<{ set: OrderSetOptionDto; report: SafetyReport } | null>(null);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  // set by the first commit's effects, after every panel's command listener (useChartCommand) and the key handler
  // below were registered: the button then says the shortcuts are live (a key pressed before hydration does nothing)
  const [live, setLive] = useState(false);
  useEffect(() => setLive(true), []);

  async function applySet(set: OrderSetOptionDto, ack?: SafetyAck) {
    if (!patientId) return;
    setBusy(true);
    setStatus(null);
    const r = await applyOrderSetAction({ id: set.id, patientId, ...ack });
    setBusy(false);
    if (isSafetyBlocked(r)) return setBlocked({ set, report: r.safety });
    setBlocked(null);
    if (!r.ok) return setStatus({ tone: 'error', text: r.error });
    insertNoteText(r.data.note, r.data.name);
    const parts = [
      r.data.itemCount ? `処方${r.data.itemCount}品目を下書きで保存` : '',
      r.data.labOrderCount ? `検査オーダー${r.data.labOrderCount}件を依頼` : '',
      r.data.diagnosesAdded.length ? `傷病名${r.data.diagnosesAdded.length}件を登録` : '',
      r.data.diagnosesSkipped.length ? `登録済みの傷病名${r.data.diagnosesSkipped.length}件は追加せず` : '',
    ].filter(Boolean);
    setStatus({ tone: 'ok', text: `セット「${r.data.name}」を適用しました${parts.length ? `（${parts.join('・')}）` : ''}。確定はまだです。` });
    router.refresh();
  }

  async function makeSet(name: string) {
    if (!patientId) return;
    setBusy(true);
    const r = await createOrderSetFromVisitAction({ patientId, name, note: requestNoteSnapshot() ?? undefined });
    setBusy(false);
    if (!r.ok) return setStatus({ tone: 'error', text: r.fieldErrors?.name ?? r.error });
    setOpen(false);
    setNaming(false);
    setStatus({ tone: 'ok', text: `セット「${r.data.name}」を作成しました（${[r.data.content.diagnoses.length ? `傷病名${r.data.content.diagnoses.length}` : '', r.data.content.items.length ? `処方${r.data.content.items.length}品目` : '', r.data.content.labOrders.length ? `検査${r.data.content.labOrders.length}件` : ''].filter(Boolean).join('・') || '文のみ'}）。` });
    router.refresh();
  }

  const entries: Entry[] = useMemo(() => {
    const commands: Entry[] = CHART_COMMANDS.filter((c) => available.includes(c.id)).map((c) => ({
      key: c.id,
      label: c.label,
      keys: c.keys,
      run: () => {
        if (c.id === 'make-set') {
          setNaming(true);
          setQ('');
          setStatus(null);
          return;
        }
        setOpen(false);
        dispatchChartCommand(c.id);
      },
    }));
    const setEntries: Entry[] = sets.map((s) => ({
      key: `set-${s.id}`,
      label: `${ORDER_SET_PALETTE_PREFIX}${s.name}`,
      keys: `${s.personal ? '個人' : '共通'} ${s.summary}`,
      run: () => {
        setOpen(false);
        void applySet(s);
      },
    }));
    const linkEntries: Entry[] = links.map((l) => ({
      key: `link-${l.key}`,
      label: l.label,
      keys: '移動',
      run: () => {
        setOpen(false);
        router.push(l.href);
      },
    }));
    return [...commands, ...linkEntries, ...setEntries];
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [available, sets, patientId, links]);
  const commands = useMemo(() => entries.filter((e) => e.label.includes(q.trim())), [entries, q]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        setOpen((o) => !o);
        setQ('');
        setIndex(0);
        setNaming(false);
        return;
      }
      if (e.altKey && !e.ctrlKey && !e.metaKey && ALT_KEYS[e.code] && available.includes(ALT_KEYS[e.code]!)) {
        e.preventDefault();
        dispatchChartCommand(ALT_KEYS[e.code]!);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [available]);

  useEffect(() => {
    if (open) input.current?.focus();
  }, [open]);

  const feedback = (
    <>
      {status && (
        <p role="status" data-testid="palette-status" className={`no-print text-xs ${status.tone === 'ok' ? 'text-teal-800' : 'text-red-700'}`}>
          {status.text}
        </p>
      )}
      {blocked && <SafetyDialog report={blocked.report} busy={busy} onAcknowledge={(ack) => void applySet(blocked.set, ack)} onCancel={() => setBlocked(null)} />}
    </>
  );
  if (!open) {
    return (
      <span className="flex items-center gap-2">
        {feedback}
        <button type="button" onClick={() => setOpen(true)} data-shortcuts={live ? 'live' : undefined} className="no-print rounded border border-slate-300 bg-white px-2 py-1 text-xs text-slate-600 hover:bg-slate-50">
          コマンド <kbd className="ml-1 rounded bg-slate-100 px-1">Ctrl+K</kbd>
        </button>
      </span>
    );
  }
  if (naming) {
    return (
      <div className="fixed inset-0 z-50 flex items-start justify-center bg-black/30 pt-24" onClick={() => setOpen(false)} role="presentation">
        <div role="dialog" aria-label="この受診からセットを作成" className="w-full max-w-md rounded-lg bg-white shadow-xl" onClick={(e) => e.stopPropagation()}>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void makeSet(q);
            }}
          >
            <label htmlFor="make-set-name" className="block px-4 pt-3 text-xs text-slate-600">
              この受診の傷病名（本日追加分）・処方・検査オーダー・診療録の文をセットにします。セット名を入力してEnter
            </label>
            <input
              id="make-set-name"
              autoFocus
              value={q}
              disabled={busy}
              onChange={(e) => setQ(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Escape') setOpen(false);
              }}
              placeholder="セット名（例: かぜ 成人）"
              className="w-full border-b border-slate-200 px-4 py-3 text-sm focus:outline-none"
            />
          </form>
          {status?.tone === 'error' && <p role="alert" className="px-4 py-2 text-xs text-red-700">{status.text}</p>}
        </div>
      </div>
    );
  }
  return (
    <div className="fixed inset-0 z-50 flex items-start justify-center bg-black/30 pt-24" onClick={() => setOpen(false)} role="presentation">
      <div role="dialog" aria-label="コマンドパレット" className="w-full max-w-md rounded-lg bg-white shadow-xl" onClick={(e) => e.stopPropagation()}>
        {/* WAI-ARIA combobox: focus stays in the input, arrows move the active option */}
        <input
          ref={input}
          value={q}
          role="combobox"
          aria-label="コマンドを検索"
          aria-expanded={commands.length > 0}
          aria-controls="command-palette-list"
          aria-activedescendant={commands[index] ? `command-${commands[index]!.key}` : undefined}
          aria-autocomplete="list"
          placeholder="コマンドを入力…"
          className="w-full rounded-t-lg border-b border-slate-200 px-4 py-3 text-sm focus:outline-none"
          onChange={(e) => { setQ(e.target.value); setIndex(0); }}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown') setIndex((i) => Math.min(i + 1, commands.length - 1));
            else if (e.key === 'ArrowUp') setIndex((i) => Math.max(i - 1, 0));
            else if (e.key === 'Enter' && commands[index]) {
              // the command may move focus into a form field: without this the Enter's keypress would reach that
              // field and submit its form (a 前回カルテDo from the palette saved the note as a draft)
              e.preventDefault();
              commands[index]!.run();
            }
            else if (e.key === 'Escape') setOpen(false);
          }}
        />
        <ul id="command-palette-list" role="listbox" aria-label="コマンド" className="max-h-80 overflow-auto py-1">
          {commands.map((c, i) => (
            <li
              key={c.key}
              id={`command-${c.key}`}
              role="option"
              aria-selected={i === index}
              onClick={() => c.run()}
              onMouseEnter={() => setIndex(i)}
              className={`flex cursor-pointer justify-between px-4 py-2 text-sm ${i === index ? 'bg-teal-50' : ''}`}
            >
              <span>{c.label}</span>
              <kbd className="text-xs text-slate-500">{c.keys}</kbd>
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}
