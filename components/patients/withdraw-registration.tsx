'use client';

import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { withdrawPatientRegistrationAction } from '@/lib/records/patients/patient.actions';
import { Button, Card, ErrorBanner, Field, inputClass } from '@/components/ui/ui';

/** 登録の取消 for a registration made in error (e.g. a duplicate). The service refuses once the patient has records. */
export function WithdrawRegistration({ patientId, version }: { patientId: string; version: number }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [fieldError, setFieldError] = useState<string | undefined>();
  const [pending, startTransition] = useTransition();

  if (!open) {
    return (
      <div className="mt-6 text-right">
        <Button variant="ghost" className="text-xs text-red-700" onClick={() => setOpen(true)}>
          登録の取消（登録誤り）…
        </Button>
      </div>
    );
  }
  return (
    <Card title="登録の取消（登録誤り）" className="mt-6 border-red-200">
      <form
        aria-label="登録の取消"
        className="flex flex-col gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          startTransition(async () => {
            const result = await withdrawPatientRegistrationAction({ patientId, expectedVersion: version, reason });
            if (!result.ok) {
              setError(result.error);
              setFieldError(result.fieldErrors?.reason);
              return;
            }
            router.push('/patients?withdrawn=1');
          });
        }}
      >
        <p className="text-sm text-slate-700">
          二重登録など、誤って登録した患者を取り消します。患者一覧と検索に表示されなくなります（記録は削除されず、変更履歴と監査ログに残ります）。
          診療記録や受付の記録がある患者は取り消せません。
        </p>
        {error && <ErrorBanner>{error}</ErrorBanner>}
        <Field label="取消理由" htmlFor="withdraw-reason" required error={fieldError}>
          <input id="withdraw-reason" className={inputClass} value={reason} maxLength={200} onChange={(e) => setReason(e.target.value)} placeholder="例: 二重登録（患者番号 12 と同一人物）" />
        </Field>
        <div className="flex gap-2">
          <Button type="submit" variant="danger" disabled={pending}>
            {pending ? '処理中…' : '登録を取り消す'}
          </Button>
          <Button variant="secondary" onClick={() => setOpen(false)}>
            やめる
          </Button>
        </div>
      </form>
    </Card>
  );
}
