'use client';

/**
 * The 43+5 検査項目 search used by 検査オーダー and 検査結果の入力: type a Japanese name, a short name or an alias, ↑/↓ to
 * move, Enter (or a click) picks the item. Items already chosen are left out by the caller (`items`).
 * `onEmptyEnter` is Enter on an empty search (検査オーダー orders with it); `onEmptyBackspace` removes the last choice.
 */
import { useMemo, useState, type Ref } from 'react';
import { rankLabItems, type LabItemOption } from '@/lib/records/lab-results/lab-result.dto';
import { cx, inputClass } from '@/components/ui/ui';

export function LabItemCombobox({
  id,
  inputRef,
  items,
  placeholder,
  showUnit = false,
  onPick,
  onEmptyEnter,
  onEmptyBackspace,
}: {
  id: string;
  inputRef: Ref<HTMLInputElement>;
  items: LabItemOption[];
  placeholder: string;
  showUnit?: boolean;
  onPick: (key: string) => void;
  onEmptyEnter?: () => void;
  onEmptyBackspace?: () => void;
}) {
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const matches = useMemo(() => rankLabItems(query, items).slice(0, 8), [query, items]);
  const listId = `${id}-options`;
  const optionId = (key: string) => `${id}-opt-${key}`;
  const pick = (key: string) => {
    onPick(key);
    setQuery('');
    setActive(0);
  };

  return (
    <div className="relative">
      <input
        id={id}
        ref={inputRef}
        className={inputClass}
        value={query}
        placeholder={placeholder}
        autoComplete="off"
        role="combobox"
        aria-expanded={matches.length > 0}
        aria-controls={listId}
        aria-activedescendant={matches[active] ? optionId(matches[active].key) : undefined}
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
        }}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown') {
            e.preventDefault();
            setActive((a) => Math.min(a + 1, Math.max(matches.length - 1, 0)));
          } else if (e.key === 'ArrowUp') {
            e.preventDefault();
            setActive((a) => Math.max(a - 1, 0));
          } else if (e.key === 'Enter') {
            e.preventDefault();
            if (matches[active]) pick(matches[active].key);
            else if (!query.trim()) onEmptyEnter?.();
          } else if (e.key === 'Backspace' && !query) {
            onEmptyBackspace?.();
          }
        }}
      />
      {matches.length > 0 && (
        <ul id={listId} role="listbox" className="absolute z-10 mt-1 max-h-64 w-full overflow-auto rounded border border-slate-200 bg-white text-sm shadow">
          {matches.map((m, i) => (
            <li
              key={m.key}
              id={optionId(m.key)}
              role="option"
              aria-selected={i === active}
              className={cx('flex cursor-pointer justify-between px-2 py-1', i === active && 'bg-teal-100')}
              onMouseDown={(e) => {
                e.preventDefault();
                pick(m.key);
              }}
            >
              <span>{m.nameJa}</span>
              <span className="text-xs text-slate-500">
                {m.display}
                {showUnit && m.unitDisplay ? ` ${m.unitDisplay}` : ''}
              </span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
