/** H (red ↑) / L (blue ↓) marks for lab values; usable from server and client components. */
import { cx } from '@/components/ui/ui';

export type LabFlagMark = 'H' | 'L' | 'N' | null;

export const FLAG_LABELS: Record<'H' | 'L' | 'N', string> = { H: '高値', L: '低値', N: '基準範囲内' };

export function flagTextClass(flag: LabFlagMark): string {
  return flag === 'H' ? 'text-red-700 font-semibold' : flag === 'L' ? 'text-blue-700 font-semibold' : 'text-slate-900';
}

/** The value with its flag arrow; the arrow has a text label for screen readers. */
export function LabValue({ value, flag, className }: { value: string; flag: LabFlagMark; className?: string }) {
  return (
    <span className={cx('tabular-nums', flagTextClass(flag), className)} title={flag ? FLAG_LABELS[flag] : undefined}>
      {value}
      {flag === 'H' && <span aria-label="高値" className="ml-0.5">↑</span>}
      {flag === 'L' && <span aria-label="低値" className="ml-0.5">↓</span>}
    </span>
  );
}
