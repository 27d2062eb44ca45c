'use client';

import { useId, useMemo, useState } from 'react';
import type { UsageDto } from '@/lib/records/prescriptions/prescription.dto';
import { filterUsages } from '@/lib/records/prescriptions/usage-filter';
import { cx, inputClass } from '@/components/ui/ui';


/**
 * 用法 as a searchable combobox (issue 13: the native list held 57 entries that all began 内服・経口・). Typing filters
 * by every word, ↑↓ and Enter pick, Escape leaves the choice as it was; the chosen text is shown whole below. Clearing
 * the box and leaving it means 自由入力.
 */
export function UsageCombobox({ id, usages, value, invalid, onPick }: { id: string; usages: UsageDto[]; value: string | undefined; invalid?: boolean; onPick: (u: UsageDto | null) => void }) {
  const listId = useId();
  const chosen = usages.find((u) => u.code === value) ?? null;
  const [query, setQuery] = useState<string | null>(null);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const matches = useMemo(() => filterUsages(usages, query ?? ''), [usages, query]);

  const pick = (u: UsageDto | null) => {
    onPick(u);
    setQuery(null);
    setOpen(false);
  };

  return (
    <div className="relative">
      <input
        id={id}
        role="combobox"
        autoComplete="off"
        aria-expanded={open && matches.length > 0}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={open && matches[active] ? `${listId}-${matches[active]!.code}` : undefined}
        aria-invalid={invalid}
        title={chosen?.text}
        placeholder="用法を検索（例: 毎食後、就寝前）↑↓ Enter"
        className={inputClass}
        value={query ?? chosen?.text ?? ''}
        onFocus={() => setOpen(true)}
        onClick={() => setOpen(true)}
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
          setOpen(true);
        }}
        onKeyDown={(e) => {
          if (e.nativeEvent.isComposing) return;
          if (e.key === 'ArrowDown') {
            e.preventDefault();
            setOpen(true);
            setActive((i) => Math.min(i + 1, matches.length - 1));
          } else if (e.key === 'ArrowUp') {
            e.preventDefault();
            setActive((i) => Math.max(i - 1, 0));
          } else if (e.key === 'Enter' && open && matches[active]) {
            e.preventDefault();
            pick(matches[active]!);
          } else if (e.key === 'Escape') {
            setQuery(null);
            setOpen(false);
          }
        }}
        onBlur={() => {
          // an emptied box means 自由入力; anything else typed but not picked leaves the choice as it was
          if (query !== null && query.trim() === '') pick(null);
          else {
            setQuery(null);
            setOpen(false);
          }
        }}
      />
      {open && matches.length > 0 && (
        <ul id={listId} role="listbox" aria-label="用法の候補" className="absolute z-20 mt-1 max-h-64 w-full min-w-72 overflow-auto rounded border border-slate-300 bg-white py-1 text-sm shadow">
          {matches.slice(0, 60).map((u, i) => (
            <li
              key={u.code}
              id={`${listId}-${u.code}`}
              role="option"
              aria-selected={i === active}
              className={cx('cursor-pointer px-2 py-1', i === active && 'bg-teal-50', u.code === value && 'font-semibold')}
              onMouseDown={(e) => e.preventDefault()}
              onMouseEnter={() => setActive(i)}
              onClick={() => pick(u)}
            >
              {u.text}
            </li>
          ))}
        </ul>
      )}
      {chosen && (
        <p className="mt-0.5 text-xs text-slate-700" data-testid="rx-usage-chosen">
          {chosen.text}
        </p>
      )}
    </div>
  );
}
