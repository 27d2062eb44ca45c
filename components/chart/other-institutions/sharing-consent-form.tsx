'use client';

/** The patient's consent to read other institutions' 6情報: record (scope, when, where) and withdraw (with a reason). */
import { useState } from 'react';
import { InlineRecordForm, useRecordAction } from '@/components/chart/record-forms';
import { Button, ErrorBanner, inputClass } from '@/components/ui/ui';
import { recordSharingConsentAction, withdrawSharingConsentAction } from '@/lib/sharing/consent/consent.actions';
import { CONSENT_SOURCE_LABELS, SHARED_INFO_KINDS, SHARED_INFO_LABELS, type ConsentSource, type SharedInfoKind } from '@/lib/sharing/consent/consent.constants';
import type { SharingConsentDto } from '@/lib/sharing/consent/consent.dto';

const jst = (iso: string) => new Date(iso).toLocaleString('ja-JP', { timeZone: 'Asia/Tokyo', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });

/** One line about a consent: scope, given, expiry, who recorded it; withdrawn ones say so. */
export function ConsentSummary({ consent }: { consent: SharingConsentDto }) {
  return (
    <p className="text-xs text-slate-600" data-testid="sharing-consent-summary">
      閲覧同意（{consent.scope.map((k) => SHARED_INFO_LABELS[k]).join('・')}）: {jst(consent.givenAt)} {CONSENT_SOURCE_LABELS[consent.source]}で確認・{consent.recordedByName}が記録
      {consent.revokedAt ? `／${jst(consent.revokedAt)} 撤回（${consent.revokedByName}）` : consent.inForce ? `／有効期限 ${jst(consent.expiresAt)}` : '／期限切れ'}
    </p>
  );
}

export function RecordConsentForm({ patientId, defaultSource, onDone }: { patientId: string; defaultSource: ConsentSource; onDone?: () => void }) {
  const [scope, setScope] = useState<SharedInfoKind[]>([...SHARED_INFO_KINDS]);
  const [source, setSource] = useState<ConsentSource>(defaultSource);
  const [givenAt, setGivenAt] = useState('');
  const { pending, error, fieldErrors, run } = useRecordAction(() => onDone?.());
  return (
    <form
      aria-label="閲覧同意の記録"
      className="flex flex-col gap-2 rounded border border-slate-200 bg-slate-50 p-3 text-sm"
      onSubmit={(e) => {
        e.preventDefault();
        run(() => recordSharingConsentAction({ patientId, scope, source, givenAt }));
      }}
    >
      <fieldset className="flex flex-wrap items-center gap-3">
        <legend className="mb-1 text-xs font-medium text-slate-700">患者が閲覧に同意した情報</legend>
        {SHARED_INFO_KINDS.map((k) => (
          <label key={k} className="flex items-center gap-1">
            <input type="checkbox" checked={scope.includes(k)} onChange={(e) => setScope(e.target.checked ? [...scope, k] : scope.filter((s) => s !== k))} />
            {SHARED_INFO_LABELS[k]}
          </label>
        ))}
      </fieldset>
      {fieldErrors.scope && <p className="text-xs text-red-600">{fieldErrors.scope}</p>}
      <div className="flex flex-wrap items-end gap-3">
        <label className="flex flex-col text-xs">
          確認した場所
          <select className={inputClass} value={source} onChange={(e) => setSource(e.target.value as ConsentSource)}>
            {(['reception', 'chart'] as const).map((s) => (
              <option key={s} value={s}>
                {CONSENT_SOURCE_LABELS[s]}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col text-xs">
          同意日時（空欄は現在）
          <input type="datetime-local" className={inputClass} value={givenAt} onChange={(e) => setGivenAt(e.target.value)} aria-invalid={Boolean(fieldErrors.givenAt)} />
        </label>
        <Button type="submit" disabled={pending}>
          {pending ? '記録中…' : '同意を記録'}
        </Button>
      </div>
      {fieldErrors.givenAt && <p className="text-xs text-red-600">{fieldErrors.givenAt}</p>}
      <p className="text-xs text-slate-500">本来はマイナ保険証の顔認証付きカードリーダーで患者が同意します。同意は24時間有効です。</p>
      {error && <ErrorBanner>{error}</ErrorBanner>}
    </form>
  );
}

export function WithdrawConsentButton({ consentId }: { consentId: string }) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  if (!open) {
    return (
      <Button variant="ghost" className="px-1.5 py-0.5 text-xs" onClick={() => setOpen(true)}>
        同意を撤回
      </Button>
    );
  }
  return (
    <InlineRecordForm label="閲覧同意の撤回" submitLabel="撤回" danger onSubmit={() => withdrawSharingConsentAction({ consentId, reason })} onDone={() => setOpen(false)}>
      <label className="flex min-w-64 flex-1 flex-col text-xs">
        撤回の理由（患者の申し出・記録誤りなど）
        <input autoFocus required className={inputClass} value={reason} maxLength={200} onChange={(e) => setReason(e.target.value)} />
      </label>
    </InlineRecordForm>
  );
}
