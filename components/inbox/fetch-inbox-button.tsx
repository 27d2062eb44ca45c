'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { Button, ErrorBanner } from '@/components/ui/ui';
import { fetchInboxAction } from '@/lib/sharing/received-documents/received-document.actions';

/** 受信確認: asks the sharing service for new letters now (the worker also does it on its interval). */
export function FetchInboxButton() {
  const router = useRouter();
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <div className="flex items-center gap-2">
      {error ? <ErrorBanner>{error}</ErrorBanner> : null}
      {message ? <span className="text-xs text-slate-600" role="status">{message}</span> : null}
      <Button
        variant="secondary"
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          setError(null);
          const r = await fetchInboxAction({});
          setBusy(false);
          if (!r.ok) return setError(r.error);
          setMessage(r.data.received ? `${r.data.received}件受信しました` : '新しい紹介状はありません');
          router.refresh();
        }}
      >
        受信確認
      </Button>
    </div>
  );
}
