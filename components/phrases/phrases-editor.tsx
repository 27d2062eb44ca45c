'use client';

import { useState, useTransition } from 'react';
import { useRouter } from 'next/navigation';
import type { PhraseDto } from '@/lib/phrases/phrase.dto';
import { removePhraseAction, savePhraseAction } from '@/lib/phrases/phrase.actions';
import { Badge, Button, ErrorBanner, Field, NoticeBanner, cx, inputClass } from '@/components/ui/ui';

type Draft = { id?: string; abbreviation: string; text: string };
const EMPTY: Draft = { abbreviation: '', text: '' };

/**
 * 定型文: `scope` is what this screen edits: the user's own (/phrases) or the clinic-wide ones (/admin/phrases).
 * The others are listed for reference.
 */
export function PhrasesEditor({ phrases, scope }: { phrases: PhraseDto[]; scope: 'personal' | 'clinic' }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const save = () =>
    startTransition(async () => {
      const r = await savePhraseAction({ ...draft, scope });
      if (!r.ok) {
        setErrors(r.fieldErrors ?? {});
        setError(r.error);
        return;
      }
      setErrors({});
      setError(null);
      setNotice(`「.${r.data.abbreviation}」を${draft.id ? '変更' : '登録'}しました。`);
      setDraft(EMPTY);
      router.refresh();
    });

  const remove = (p: PhraseDto) =>
    startTransition(async () => {
      if (!window.confirm(`定型文「.${p.abbreviation}」を削除しますか？`)) return;
      const r = await removePhraseAction({ id: p.id });
      if (!r.ok) return setError(r.error);
      setNotice(`「.${p.abbreviation}」を削除しました。`);
      if (draft.id === p.id) setDraft(EMPTY);
      router.refresh();
    });

  return (
    <div className="flex flex-col gap-4">
      {error && <ErrorBanner>{error}</ErrorBanner>}
      {notice && !error && <NoticeBanner>{notice}</NoticeBanner>}
      <form
        aria-label="定型文の登録"
        noValidate
        className="flex flex-col gap-2 rounded border border-slate-200 p-3"
        onSubmit={(e) => {
          e.preventDefault();
          save();
        }}
      >
        <div className="grid gap-2 sm:grid-cols-[10rem_minmax(0,1fr)]">
          <Field label="略語" htmlFor="phrase-abbreviation" required error={errors.abbreviation} hint="半角英数字。診療録で「.略語」に続けてSpaceかTab">
            <input id="phrase-abbreviation" className={inputClass} value={draft.abbreviation} maxLength={21} autoComplete="off" onChange={(e) => setDraft((d) => ({ ...d, abbreviation: e.target.value }))} />
          </Field>
          <Field label="展開する文" htmlFor="phrase-text" required error={errors.text}>
            <textarea id="phrase-text" rows={3} className={cx(inputClass, 'font-[inherit]')} value={draft.text} onChange={(e) => setDraft((d) => ({ ...d, text: e.target.value }))} />
          </Field>
        </div>
        <div className="flex gap-2">
          <Button type="submit" disabled={pending}>
            {draft.id ? '変更を保存' : '登録'}
          </Button>
          {draft.id && (
            <Button variant="ghost" onClick={() => setDraft(EMPTY)} disabled={pending}>
              やめる
            </Button>
          )}
        </div>
      </form>
      {phrases.length === 0 ? (
        <p className="text-sm text-slate-500">定型文はまだありません。</p>
      ) : (
        <table className="w-full text-sm">
          <thead className="text-left text-xs text-slate-500">
            <tr>
              <th className="py-1">略語</th>
              <th>展開する文</th>
              <th>区分</th>
              <th className="text-right">操作</th>
            </tr>
          </thead>
          <tbody>
            {phrases.map((p) => (
              <tr key={p.id} className="border-t border-slate-100 align-top" data-testid="phrase-row">
                <td className="py-1.5 font-mono">.{p.abbreviation}</td>
                <td className="whitespace-pre-wrap">{p.text}</td>
                <td>{p.personal ? <Badge tone="teal">個人用</Badge> : <Badge>院内共通</Badge>}</td>
                <td className="space-x-1 text-right">
                  {p.editable && p.personal === (scope === 'personal') && (
                    <>
                      <Button variant="ghost" className="px-2 py-0.5 text-xs" onClick={() => setDraft({ id: p.id, abbreviation: p.abbreviation, text: p.text })} disabled={pending}>
                        編集
                      </Button>
                      <Button variant="ghost" className="px-2 py-0.5 text-xs text-red-700" onClick={() => remove(p)} disabled={pending}>
                        削除
                      </Button>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
