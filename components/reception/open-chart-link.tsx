'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState, useTransition, type ReactNode } from 'react';
import { startConsultationAction } from '@/lib/reception/visit.actions';

/**
 * The patient's chart from the queue or the 診察待ち list. When a doctor opens it (`starts`), a visit still waiting
 * becomes 診察中 first (the visit follows the work, issue 13); a plain link otherwise (and for a middle click).
 */
export function OpenChartLink(props: { visitId: string; patientId: string; starts: boolean; className?: string; children: ReactNode; testId?: string }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const href = `/patients/${props.patientId}`;
  return (
    <>
      <Link
        href={href}
        prefetch={false}
        className={props.className}
        data-testid={props.testId}
        aria-busy={pending || undefined}
        onClick={(e) => {
          if (!props.starts || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
          e.preventDefault();
          startTransition(async () => {
            setError(null);
            const r = await startConsultationAction({ visitId: props.visitId });
            if (!r.ok) return setError(r.error);
            router.push(href);
          });
        }}
      >
        {props.children}
      </Link>
      {error && <span role="status" className="ml-1 text-xs text-red-700">{error}</span>}
    </>
  );
}
