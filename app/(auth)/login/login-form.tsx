'use client';

import { useState, useTransition } from 'react';
import { completeLoginAction, startLoginAction } from '@/lib/auth/login.actions';
import type { LoginStep } from '@/lib/auth/login.service';
import { Button, ErrorBanner, Field, inputClass } from '@/components/ui/ui';

export function LoginForm() {
  const [step, setStep] = useState<LoginStep | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  function submitPassword(form: FormData) {
    setError(null);
    startTransition(async () => {
      const result = await startLoginAction({ loginId: String(form.get('loginId') ?? ''), password: String(form.get('password') ?? '') });
      if (!result.ok) return setError(result.error);
      if (result.data.next === 'done') {
        const done = await completeLoginAction({ token: result.data.token });
        if (done && !done.ok) setError(done.error);
        return;
      }
      setStep(result.data);
    });
  }

  function submitCode(form: FormData) {
    if (!step) return;
    setError(null);
    startTransition(async () => {
      const result = await completeLoginAction({ token: step.token, code: String(form.get('code') ?? '') });
      if (result && !result.ok) {
        setError(result.error);
        if (result.code === 'RATE_LIMITED' || result.error.includes('有効期限')) setStep(null);
      }
    });
  }

  // Each step is its own form (key): React must not reuse the password <input> as the code field, which showed the
  // password in plain text in the 認証コード field (issue 9 item 12).
  if (step && step.next !== 'done') {
    return (
      <form key="code-step" onSubmit={(e) => { e.preventDefault(); submitCode(new FormData(e.currentTarget)); }} className="flex flex-col gap-4">
        {step.next === 'enroll' ? (
          <div className="flex flex-col items-center gap-2 text-sm">
            <p className="font-medium">二段階認証の設定</p>
            <p className="text-xs text-slate-600">認証アプリ（Google Authenticator など）で QR コードを読み取り、表示された6桁のコードを入力してください。</p>
            <img src={step.enrollment.qrDataUrl} alt="二段階認証の QR コード" width={180} height={180} />
            <p className="text-xs text-slate-500">
              手入力用キー: <code data-testid="totp-secret" className="select-all break-all">{step.enrollment.secret}</code>
            </p>
          </div>
        ) : (
          <p className="text-sm text-slate-700">認証アプリに表示されている6桁の認証コードを入力してください。</p>
        )}
        <Field label="認証コード" htmlFor="code">
          <input id="code" name="code" type="text" defaultValue="" className={inputClass} inputMode="numeric" autoComplete="one-time-code" maxLength={6} pattern="\d{6}" required autoFocus />
        </Field>
        {error && <ErrorBanner>{error}</ErrorBanner>}
        <Button type="submit" disabled={pending}>
          {pending ? '確認中…' : '認証する'}
        </Button>
        <button type="button" className="text-xs text-slate-500 underline" onClick={() => { setStep(null); setError(null); }}>
          最初からやり直す
        </button>
      </form>
    );
  }

  return (
    <form key="password-step" onSubmit={(e) => { e.preventDefault(); submitPassword(new FormData(e.currentTarget)); }} className="flex flex-col gap-4">
      <Field label="ログインID" htmlFor="loginId">
        <input id="loginId" name="loginId" className={inputClass} autoComplete="username" required autoFocus />
      </Field>
      <Field label="パスワード" htmlFor="password">
        <input id="password" name="password" type="password" className={inputClass} autoComplete="current-password" required />
      </Field>
      {error && <ErrorBanner>{error}</ErrorBanner>}
      <Button type="submit" disabled={pending}>
        {pending ? 'ログイン中…' : 'ログイン'}
      </Button>
    </form>
  );
}
