'use client';

/**
 * Chart commands: the command palette and keyboard shortcuts dispatch these; each panel listens for its own.
 * Shortcuts (Alt+key so they never clash with typing Japanese): N new note, D 傷病名, A アレルギー, L 検査,
 * P 処方, R 前回Do, S save, K 確定, and Ctrl+K / Cmd+K opens the palette.
 */
import { useEffect } from 'react';

export const CHART_COMMANDS = [
  { id: 'new-note', label: '新しい診療録（SOAP）', keys: 'Alt+N' },
  { id: 'add-diagnosis', label: '傷病名を追加', keys: 'Alt+D' },
  { id: 'add-allergy', label: 'アレルギーを追加', keys: 'Alt+A' },
  { id: 'add-lab', label: '検査結果を入力', keys: 'Alt+L' },
  { id: 'add-prescription', label: '処方を追加', keys: 'Alt+P' },
  { id: 'do-prescription', label: '前回Do（前回処方をコピー）', keys: 'Alt+R' },
  { id: 'save', label: '保存', keys: 'Alt+S' },
  { id: 'confirm', label: '確定', keys: 'Alt+K' },
] as const;

export type ChartCommandId = (typeof CHART_COMMANDS)[number]['id'];

const EVENT = 'karte:chart-command';

export function dispatchChartCommand(id: ChartCommandId) {
  window.dispatchEvent(new CustomEvent<ChartCommandId>(EVENT, { detail: id }));
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
