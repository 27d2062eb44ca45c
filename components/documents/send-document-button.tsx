'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { Button, ErrorBanner } from '@/components/ui/ui';
import { sendDocumentAction } from '@/lib/records/documents/document.actions';

/** 送信 of a 確定 letter to the 電子カルテ情報共有サービス, after the FHIR preview above it showed what goes. */
export function SendDocumentButton({ documentId, again }: { documentId: string; again: boolean }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <div className="flex items-center gap-2">
      {error ? <ErrorBanner>{error}</ErrorBanner> : null}
      <Button
        variant="primary"
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          setError(null);
          const r = await sendDocumentAction({ documentId });
          setBusy(false);
          if (!r.ok) return setError(r.error);
          router.refresh();
        }}
      >
        {again ? '再送信' : '送信'}
      </Button>
    </div>
  );
}
