'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';

export function NavLink({ href, children }: { href: string; children: React.ReactNode }) {
  const active = usePathname().startsWith(href);
  return (
    <Link href={href} className={`rounded px-3 py-1 text-sm ${active ? 'bg-teal-950/40 font-semibold' : 'hover:bg-teal-700'}`} aria-current={active ? 'page' : undefined}>
      {children}
    </Link>
  );
}
