'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { Button, ErrorBanner, inputClass } from '@/components/ui/ui';
import { cancelDocumentAction } from '@/lib/records/documents/document.actions';

/** 取消 of a letter: asks for the reason, writes an entered-in-error version. */
export function CancelDocumentButton({ documentId }: { documentId: string }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  if (!open) {
    return (
      <Button variant="secondary" onClick={() => setOpen(true)}>
        取消
      </Button>
    );
  }
  return (
    <div className="flex items-center gap-2">
      {error ? <ErrorBanner>{error}</ErrorBanner> : null}
      <input aria-label="取消の理由" placeholder="取消の理由" className={inputClass} value={reason} onChange={(e) => setReason(e.target.value)} />
      <Button
        variant="danger"
        onClick={async () => {
          const r = await cancelDocumentAction({ documentId, reason });
          if (!r.ok) return setError(r.error);
          router.refresh();
        }}
      >
        取消する
      </Button>
    </div>
  );
}
