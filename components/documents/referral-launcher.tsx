'use client';

import { useRouter } from 'next/navigation';
import { LinkButton } from '@/components/ui/ui';
import { useChartCommand } from '@/components/chart/chart-commands';

/** 「紹介状」 on the chart: opens the 診療情報提供書 editor pre-filled from the chart (also Alt+I and the palette). */
export function ReferralLauncher({ patientId }: { patientId: string }) {
  const router = useRouter();
  const href = `/patients/${patientId}/documents/new`;
  useChartCommand(['new-referral'], () => router.push(href));
  return (
    <LinkButton href={href} className="no-print whitespace-nowrap px-2 py-1 text-xs" title="Alt+I">
      紹介状 <kbd className="text-[10px] text-slate-500">Alt+I</kbd>
    </LinkButton>
  );
}
