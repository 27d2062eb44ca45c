'use client';

import { useEffect } from 'react';

/** After the clinic's idle timeout, leaves the page so no patient data stays on an unattended screen. */
export function IdleGuard({ minutes }: { minutes: number }) {
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout>;
    const reset = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        document.body.innerHTML = '';
        window.location.replace('/login?reason=idle');
      }, minutes * 60_000);
    };
    const events = ['mousemove', 'keydown', 'pointerdown', 'scroll'] as const;
    events.forEach((e) => window.addEventListener(e, reset, { passive: true }));
    reset();
    return () => {
      clearTimeout(timer);
      events.forEach((e) => window.removeEventListener(e, reset));
    };
  }, [minutes]);
  return null;
}
