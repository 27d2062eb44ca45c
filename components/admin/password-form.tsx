'use client';

import { useState, useTransition } from 'react';
import { changeOwnPasswordAction } from '@/lib/staff/staff.actions';
import { Button, ErrorBanner, Field, inputClass } from '@/components/ui/ui';

export function PasswordForm() {
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});

  function submit(form: FormData) {
    startTransition(async () => {
      const r = await changeOwnPasswordAction({
        currentPassword: String(form.get('currentPassword') ?? ''),
        newPassword: String(form.get('newPassword') ?? ''),
        confirmPassword: String(form.get('confirmPassword') ?? ''),
      });
      if (!r.ok) {
        setError(r.error);
        setFieldErrors(r.fieldErrors ?? {});
        return;
      }
      window.location.href = '/login?reason=password_changed';
    });
  }

  return (
    <form onSubmit={(e) => { e.preventDefault(); submit(new FormData(e.currentTarget)); }} className="flex flex-col gap-3">
      {error && <ErrorBanner>{error}</ErrorBanner>}
      <Field label="現在のパスワード" htmlFor="currentPassword" error={fieldErrors.currentPassword}>
        <input id="currentPassword" name="currentPassword" type="password" autoComplete="current-password" className={inputClass} />
      </Field>
      <Field label="新しいパスワード" htmlFor="newPassword" error={fieldErrors.newPassword}>
        <input id="newPassword" name="newPassword" type="password" autoComplete="new-password" className={inputClass} />
      </Field>
      <Field label="新しいパスワード（確認）" htmlFor="confirmPassword" error={fieldErrors.confirmPassword}>
        <input id="confirmPassword" name="confirmPassword" type="password" autoComplete="new-password" className={inputClass} />
      </Field>
      <Button type="submit" disabled={pending}>
        変更する
      </Button>
    </form>
  );
}
