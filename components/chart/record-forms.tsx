'use client';

/** What the chart's versioned records (傷病名, アレルギー) edit alike: add, 修正 with a reason, 取消 with a reason. */
import { useRouter } from 'next/navigation';
import { useState, useTransition, type ReactNode } from 'react';
import { Button, ErrorBanner, Field, inputClass } from '@/components/ui/ui';

type Result = { ok: true } | { ok: false; error: string; fieldErrors?: Record<string, string> };

/** Runs a server action: a failure keeps its message and field errors; success closes the form and refreshes the chart. */
export function useRecordAction(onDone: () => void) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const run = (action: () => Promise<Result>) => {
    setError(null);
    startTransition(async () => {
      const result = await action();
      if (!result.ok) {
        setFieldErrors(result.fieldErrors ?? {});
        setError(result.error);
        return;
      }
      setFieldErrors({});
      onDone();
      router.refresh();
    });
  };
  return { pending, error, fieldErrors, run };
}

/** The add / 修正 form around a record's fields; editing asks for the 修正理由, which the save receives. */
export function RecordForm({
  label,
  idPrefix,
  editing,
  reasonPlaceholder,
  action,
  onSave,
  onCancel,
  children,
}: {
  label: string;
  idPrefix: string;
  editing: boolean;
  reasonPlaceholder: string;
  action: Pick<ReturnType<typeof useRecordAction>, 'pending' | 'error' | 'fieldErrors'>;
  onSave: (changeReason: string) => void;
  onCancel: () => void;
  children: ReactNode;
}) {
  const [changeReason, setChangeReason] = useState('');
  return (
    <form
      className="flex flex-col gap-3 rounded border border-teal-200 bg-teal-50/40 p-3"
      aria-label={label}
      onSubmit={(e) => {
        e.preventDefault();
        onSave(changeReason);
      }}
      onKeyDown={(e) => e.key === 'Escape' && onCancel()}
    >
      {action.error && <ErrorBanner>{action.error}</ErrorBanner>}
      {children}
      {editing && (
        <Field label="修正理由" htmlFor={`${idPrefix}-reason`} required error={action.fieldErrors.changeReason}>
          <input id={`${idPrefix}-reason`} className={inputClass} value={changeReason} maxLength={200} onChange={(e) => setChangeReason(e.target.value)} placeholder={reasonPlaceholder} />
        </Field>
      )}
      <div className="flex gap-2">
        <Button type="submit" disabled={action.pending}>
          {action.pending ? '保存中…' : editing ? '修正を保存' : '追加'}
        </Button>
        <Button variant="secondary" onClick={onCancel}>
          キャンセル
        </Button>
      </div>
    </form>
  );
}

/** A one-line form under a record's row (取消, 転帰): its fields, the submit, キャンセル, and the error. */
export function InlineRecordForm({
  label,
  submitLabel,
  danger = false,
  onSubmit,
  onDone,
  children,
}: {
  label: string;
  submitLabel: string;
  danger?: boolean;
  onSubmit: () => Promise<Result>;
  onDone: () => void;
  children: ReactNode;
}) {
  const { pending, error, run } = useRecordAction(onDone);
  return (
    <form
      className={danger ? 'mt-1 flex flex-wrap items-end gap-2 rounded border border-red-200 bg-red-50 p-2' : 'mt-1 flex flex-wrap items-end gap-2 rounded border border-slate-200 bg-slate-50 p-2'}
      aria-label={label}
      onSubmit={(e) => {
        e.preventDefault();
        run(onSubmit);
      }}
      onKeyDown={(e) => e.key === 'Escape' && onDone()}
    >
      {children}
      <Button type="submit" variant={danger ? 'danger' : 'primary'} disabled={pending}>
        {submitLabel}
      </Button>
      <Button variant="secondary" onClick={onDone}>
        キャンセル
      </Button>
      {error && <div className="w-full"><ErrorBanner>{error}</ErrorBanner></div>}
    </form>
  );
}

/** 取消 (entered in error) of one record, with the reason. */
export function RetractForm({ label, hint, onRetract, onDone }: { label: string; hint: string; onRetract: (reason: string) => Promise<Result>; onDone: () => void }) {
  const [reason, setReason] = useState('');
  return (
    <InlineRecordForm label={label} submitLabel="取消" danger onSubmit={() => onRetract(reason)} onDone={onDone}>
      <label className="flex min-w-64 flex-1 flex-col text-xs">
        {hint}
        <input autoFocus required className={inputClass} value={reason} maxLength={200} onChange={(e) => setReason(e.target.value)} />
      </label>
    </InlineRecordForm>
  );
}

/** 修正 and 取消 at the end of a record's row; `children` (e.g. 転帰) stand between them. */
export function RecordRowActions({ onEdit, onRetract, children }: { onEdit: () => void; onRetract: () => void; children?: ReactNode }) {
  return (
    <span className="ml-auto flex gap-1">
      <Button variant="ghost" className="px-1.5 py-0.5 text-xs" onClick={onEdit}>
        修正
      </Button>
      {children}
      <Button variant="ghost" className="px-1.5 py-0.5 text-xs text-red-700" onClick={onRetract}>
        取消
      </Button>
    </span>
  );
}

/** 「＋ …を追加」 above a record list, with its keyboard shortcut. */
export function AddRecordButton({ label, shortcut, onClick }: { label: string; shortcut: string; onClick: () => void }) {
  return (
    <div>
      <Button variant="secondary" className="text-xs" onClick={onClick} title={shortcut}>
        ＋ {label} <kbd className="text-[10px] text-slate-500">{shortcut}</kbd>
      </Button>
    </div>
  );
}
