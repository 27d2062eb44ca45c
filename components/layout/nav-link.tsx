'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';

/** A menu entry, current on its own pages but not on those of a more specific entry (受付 vs 予約表 under /reception). */
export function NavLink({ href, others = [], children }: { href: string; others?: string[]; children: React.ReactNode }) {
  const path = usePathname();
  const active = path.startsWith(href) && !others.some((o) => o.length > href.length && o.startsWith(href) && path.startsWith(o));
  return (
    <Link href={href} className={`rounded px-3 py-1 text-sm ${active ? 'bg-teal-950/40 font-semibold' : 'hover:bg-teal-700'}`} aria-current={active ? 'page' : undefined}>
      {children}
    </Link>
  );
}
