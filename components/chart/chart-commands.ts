'use client';

/**
 * Chart commands: the command palette and keyboard shortcuts dispatch these; each panel listens for its own.
 * Shortcuts (Alt+key so they never clash with typing Japanese): N new note, V vitals line, D 傷病名, A アレルギー, L 検査,
 * P 処方, T 検査オーダー, R 前回Do, C 前回カルテDo, S save, K 確定 (the note and the prescription being written), O 処方箋を印刷,
 * I 診療情報提供書, Y 次回予約, and Ctrl+K / Cmd+K opens the palette.
 */
import { useEffect } from 'react';
import { flushSync } from 'react-dom';

export const CHART_COMMANDS = [
  { id: 'new-note', label: '新しい診療録（SOAP）', keys: 'Alt+N' },
  { id: 'do-note', label: '前回カルテDo（前回の診療録をコピー）', keys: 'Alt+C' },
  { id: 'vitals', label: 'バイタルを入力（1行）', keys: 'Alt+V' },
  { id: 'add-diagnosis', label: '傷病名を追加', keys: 'Alt+D' },
  { id: 'add-allergy', label: 'アレルギーを追加', keys: 'Alt+A' },
  { id: 'add-lab', label: '検査結果を入力', keys: 'Alt+L' },
  { id: 'order-lab', label: '検査を依頼（検査オーダー）', keys: 'Alt+T' },
  { id: 'do-lab-order', label: '前回の検査オーダーをDo（同じ項目を依頼）', keys: '' },
  { id: 'add-prescription', label: '処方を追加', keys: 'Alt+P' },
  { id: 'do-prescription', label: '前回Do（前回処方をコピー）', keys: 'Alt+R' },
  { id: 'save', label: '保存', keys: 'Alt+S' },
  { id: 'confirm', label: '確定（診療録と入力中の処方）', keys: 'Alt+K' },
  { id: 'confirm-prescription', label: '処方を確定', keys: '' },
  { id: 'print-prescription', label: '処方箋を印刷（最新の確定処方）', keys: 'Alt+O' },
  { id: 'new-referral', label: '診療情報提供書（紹介状）を作成', keys: 'Alt+I' },
  { id: 'book-appointment', label: '次回予約を入れる', keys: 'Alt+Y' },
  { id: 'make-set', label: 'この受診からセットを作成', keys: '' },
  { id: 'take-intake', label: '予診をSへ（本日の看護師の予診を取り込む）', keys: '' },
] as const;

export type ChartCommandId = (typeof CHART_COMMANDS)[number]['id'];

const EVENT = 'karte:chart-command';

export function dispatchChartCommand(id: ChartCommandId) {
  window.dispatchEvent(new CustomEvent<ChartCommandId>(EVENT, { detail: id }));
}

/**
 * Opens what a command shows and focuses its field before the shortcut's keydown returns: the form is committed
 * synchronously (flushSync) instead of after the event, so the keystroke typed right after the shortcut (or the IME
 * composition it starts) lands in the field. Focusing in an effect or a setTimeout lost it (issue 13: Alt+A lost the
 * first keystroke every time, Alt+D sometimes).
 */
export function openAndFocus(open: () => void, field: () => HTMLElement | null | undefined) {
  flushSync(open);
  field()?.focus();
}

/** Runs handler when one of the given commands is dispatched. */
export function useChartCommand(ids: ChartCommandId[], handler: (id: ChartCommandId) => void) {
  useEffect(() => {
    const listener = (e: Event) => {
      const id = (e as CustomEvent<ChartCommandId>).detail;
      if (ids.includes(id)) handler(id);
    };
    window.addEventListener(EVENT, listener);
    return () => window.removeEventListener(EVENT, listener);
  });
}

/** The S/O/A/P text of a note, as セット carry it and the note editor holds it. */
export type NoteSections = { subjective: string; objective: string; assessment: string; plan: string };

const NOTE_INSERT = 'karte:note-insert';
const NOTE_SNAPSHOT = 'karte:note-snapshot';

/** セットの適用: the note editor appends these sections to the open note (nothing is saved). */
export function insertNoteText(note: NoteSections, source: string) {
  window.dispatchEvent(new CustomEvent(NOTE_INSERT, { detail: { note, source } }));
}

export function useNoteInsert(handler: (note: NoteSections, source: string) => void) {
  useEffect(() => {
    const listener = (e: Event) => {
      const { note, source } = (e as CustomEvent<{ note: NoteSections; source: string }>).detail;
      handler(note, source);
    };
    window.addEventListener(NOTE_INSERT, listener);
    return () => window.removeEventListener(NOTE_INSERT, listener);
  });
}

/** What the open note editor holds right now (unsaved text included), or null without an editor. */
export function requestNoteSnapshot(): NoteSections | null {
  let snapshot: NoteSections | null = null;
  window.dispatchEvent(new CustomEvent(NOTE_SNAPSHOT, { detail: (n: NoteSections) => { snapshot = n; } }));
  return snapshot;
}

export function useNoteSnapshot(get: () => NoteSections) {
  useEffect(() => {
    const listener = (e: Event) => (e as CustomEvent<(n: NoteSections) => void>).detail(get());
    window.addEventListener(NOTE_SNAPSHOT, listener);
    return () => window.removeEventListener(NOTE_SNAPSHOT, listener);
  });
}
