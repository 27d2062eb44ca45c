'use client';

import { useDeferredValue, useEffect, useId, useState, type ReactNode, type RefObject } from 'react';
import { useQuery } from '@tanstack/react-query';
import { cx, inputClass } from '@/components/ui/ui';

type SearchResult<T> = { ok: true; data: T[] } | { ok: false; error: string };

/**
 * Master search as you type (傷病名・修飾語・医薬品・J-FAGY): ↑↓ to move, Enter to pick, Esc to clear.
 * The first hit of the text now in the box is highlighted and Enter takes the highlighted entry; an Enter pressed
 * before those hits arrived waits for them. Enter never turns the text into a free-text entry by itself: that is a
 * deliberate choice (the form's own button, or onEnterText only when the master has nothing for the text).
 */
export function MasterCombobox<T>({
  id,
  queryKey,
  search,
  itemKey,
  renderItem,
  onPick,
  onEnterText,
  placeholder,
  inputRef,
  invalid,
  clearOnPick = true,
  emptyHint,
}: {
  id: string;
  queryKey: string;
  search: (q: string) => Promise<SearchResult<T>>;
  itemKey: (item: T) => string;
  renderItem: (item: T) => ReactNode;
  onPick: (item: T) => void;
  onEnterText?: (text: string) => void;
  placeholder?: string;
  inputRef?: RefObject<HTMLInputElement | null>;
  invalid?: boolean;
  clearOnPick?: boolean;
  emptyHint?: string;
}) {
  const [q, setQ] = useState('');
  const [active, setActive] = useState(-1);
  const [open, setOpen] = useState(false);
  const deferred = useDeferredValue(q.trim());
  const listId = useId();
  const query = useQuery({
    queryKey: ['master-search', queryKey, deferred],
    queryFn: async () => {
      const r = await search(deferred);
      if (!r.ok) throw new Error(r.error);
      return r.data;
    },
    enabled: deferred.length > 0,
    placeholderData: (prev) => prev,
    staleTime: 60_000,
  });
  // only hits of the text now in the box: the previous text's hits stay visible while loading, but are not pickable
  const current = deferred === q.trim() && !query.isPlaceholderData && query.isSuccess;
  const items = deferred ? (query.data ?? []) : [];
  const highlighted = active >= 0 ? active : current && items.length ? 0 : -1;
  const showList = open && q.trim().length > 0;
  const [enterFor, setEnterFor] = useState<string | null>(null);

  const pick = (item: T) => {
    onPick(item);
    if (clearOnPick) setQ('');
    setActive(-1);
    setOpen(false);
  };

  const enter = () => {
    if (!current) return setEnterFor(q.trim());
    setEnterFor(null);
    const item = items[highlighted];
    if (item) pick(item);
    else if (onEnterText && q.trim() && items.length === 0) {
      onEnterText(q.trim());
      setQ('');
      setOpen(false);
    }
  };

  // an Enter that came before the hits of its text: take the highlighted hit once they are here
  useEffect(() => {
    if (enterFor !== null && enterFor === q.trim() && current) enter();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [enterFor, current]);

  return (
    <div className="relative">
      <input
        id={id}
        ref={inputRef}
        type="text"
        role="combobox"
        aria-expanded={showList}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-invalid={invalid || undefined}
        aria-activedescendant={highlighted >= 0 ? `${listId}-${highlighted}` : undefined}
        autoComplete="off"
        placeholder={placeholder}
        className={inputClass}
        value={q}
        onChange={(e) => {
          setQ(e.target.value);
          setActive(-1);
          setEnterFor(null);
          setOpen(true);
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
        onKeyDown={(e) => {
          if (e.nativeEvent.isComposing || e.keyCode === 229) return; // IME conversion: Enter confirms the kanji, not the pick
          if (e.key === 'ArrowDown') {
            e.preventDefault();
            setOpen(true);
            setActive(Math.min(items.length - 1, highlighted + 1));
          } else if (e.key === 'ArrowUp') {
            e.preventDefault();
            setActive(Math.max(0, highlighted - 1));
          } else if (e.key === 'Enter') {
            e.preventDefault();
            enter();
          } else if (e.key === 'Escape' && q) {
            e.preventDefault();
            e.stopPropagation();
            setQ('');
            setOpen(false);
          }
        }}
      />
      {showList && (
        <ul id={listId} role="listbox" className="absolute z-30 mt-1 max-h-64 w-full overflow-auto rounded border border-slate-300 bg-white text-sm shadow-lg">
          {items.map((item, i) => (
            <li
              key={itemKey(item)}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === highlighted}
              className={cx('cursor-pointer px-2 py-1', i === highlighted ? 'bg-teal-100' : 'hover:bg-teal-50')}
              onMouseDown={(e) => {
                e.preventDefault();
                pick(item);
              }}
              onMouseEnter={() => setActive(i)}
            >
              {renderItem(item)}
            </li>
          ))}
          {query.isError && <li className="px-2 py-1 text-red-700">{(query.error as Error).message}</li>}
          {!query.isFetching && deferred && items.length === 0 && !query.isError && (
            <li className="px-2 py-1 text-slate-500">{emptyHint ?? '該当するものがありません。'}</li>
          )}
        </ul>
      )}
    </div>
  );
}
