'use client';

import { useEffect, useRef } from 'react';
import { Button } from '@/components/ui/ui';

/** 印刷 (focused: Enter prints). `printOnOpen`: the page was opened to print, so the dialog opens once by itself. */
export function PrintButton({ printOnOpen = false }: { printOnOpen?: boolean }) {
  const printed = useRef(false);
  useEffect(() => {
    if (!printOnOpen || printed.current) return;
    printed.current = true;
    window.print();
  }, [printOnOpen]);
  return (
    <Button className="no-print" onClick={() => window.print()} autoFocus>
      印刷
    </Button>
  );
}
