'use client';

import { Button } from '@/components/ui/ui';

export function PrintButton() {
  return (
    <Button className="no-print" onClick={() => window.print()} autoFocus>
      印刷
    </Button>
  );
}
