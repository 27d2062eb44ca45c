'use client';

import { useEffect, useMemo, useRef, useState } from 'react';
import { CHART_COMMANDS, dispatchChartCommand, type ChartCommandId } from './chart-commands';

const ALT_KEYS: Record<string, ChartCommandId> = {
  KeyN: 'new-note', KeyC: 'do-note', KeyV: 'vitals', KeyD: 'add-diagnosis', KeyA: 'add-allergy', KeyL: 'add-lab',
  KeyP: 'add-prescription', KeyR: 'do-prescription', KeyS: 'save', KeyK: 'confirm', KeyO: 'print-prescription', KeyI: 'new-referral', KeyY: 'book-appointment',
};

/** Ctrl/Cmd+K palette and Alt shortcuts for the chart; every command also has a button on the page. */
export function CommandPalette({ available }: { available: ChartCommandId[] }) {
  const [open, setOpen] = useState(false);
  const [q, setQ] = useState('');
  const [index, setIndex] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const commands = useMemo(() => CHART_COMMANDS.filter((c) => available.includes(c.id) && c.label.includes(q)), [available, q]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        setOpen((o) => !o);
        setQ('');
        setIndex(0);
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

  if (!open) {
    return (
      <button type="button" onClick={() => setOpen(true)} className="no-print rounded border border-slate-300 bg-white px-2 py-1 text-xs text-slate-600 hover:bg-slate-50">
        コマンド <kbd className="ml-1 rounded bg-slate-100 px-1">Ctrl+K</kbd>
      </button>
    );
  }
  const run = (id: ChartCommandId) => {
    setOpen(false);
    dispatchChartCommand(id);
  };
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
          aria-activedescendant={commands[index] ? `command-${commands[index]!.id}` : undefined}
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
              run(commands[index]!.id);
            }
            else if (e.key === 'Escape') setOpen(false);
          }}
        />
        <ul id="command-palette-list" role="listbox" aria-label="コマンド" className="max-h-80 overflow-auto py-1">
          {commands.map((c, i) => (
            <li
              key={c.id}
              id={`command-${c.id}`}
              role="option"
              aria-selected={i === index}
              onClick={() => run(c.id)}
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
