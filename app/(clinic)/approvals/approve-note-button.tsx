'use client';

import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { approveNoteAction } from '@/lib/records/notes/note.actions';
import { Button } from '@/components/ui/ui';

/** 承認 = the doctor's review: approves and 確定s the 代行入力 note in one step. */
export function ApproveNoteButton({ noteId, patientName }: { noteId: string; patientName: string }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  return (
    <div className="flex flex-col items-end gap-1">
      <Button
        aria-label={`${patientName}さんの診療録を承認`}
        disabled={pending}
        onClick={() =>
          startTransition(async () => {
            const result = await approveNoteAction({ noteId });
            if (!result.ok) setError(result.error);
            else router.refresh();
          })
        }
      >
        {pending ? '承認中…' : '承認'}
      </Button>
      {error && (
        <p role="alert" className="max-w-48 text-xs text-red-700">
          {error}
        </p>
      )}
    </div>
  );
}
