'use client';

import { useEffect, useState } from 'react';
import { idleLogoutAction } from '@/lib/auth/login.actions';
import { leaveForLogin, markLeaving } from '@/lib/web/session-exit';

const ACTIVITY_EVENTS = ['mousemove', 'keydown', 'pointerdown', 'wheel', 'scroll', 'touchstart'] as const;
const CHECK_EVERY_MS = 10_000;
const HEARTBEAT_EVERY_MS = 30_000;
const SHARE_EVERY_MS = 5_000;
/** Lock a little before the server would, so a user's first action never meets an ended session. */
const LOCK_MARGIN_MS = 90_000;
const CHANNEL = 'karte-activity';

/**
 * The clinic's idle timeout on this screen (安全管理ガイドライン: クリアスクリーン).
 * Activity in any tab of the app counts; while somebody works, a heartbeat keeps the server session
 * alive (a long note typed without saving is not lost). After the timeout the page content is
 * unmounted at once, this terminal's session is ended on the server, and the login page follows.
 */
export function IdleGuard({ minutes, children }: { minutes: number; children: React.ReactNode }) {
  const [locked, setLocked] = useState(false);

  useEffect(() => {
    const limit = Math.max(minutes * 60_000 - LOCK_MARGIN_MS, 60_000);
    let lastActivity = Date.now();
    let lastHeartbeat = Date.now(); // loading the page was activity the server saw
    let lastShared = 0;
    let done = false;
    let locking = false;
    const channel = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(CHANNEL);

    const leave = (reason: 'idle' | 'ended') => {
      if (done) return;
      done = true;
      setLocked(true);
      // after React has unmounted the page (and with it any unsaved-changes prompt)
      setTimeout(() => leaveForLogin(reason), 0);
    };
    const lock = () => {
      if (done || locking) return;
      locking = true;
      setLocked(true);
      // from here a poll's 401 is this lock's doing: the login page must say 'idle', not 'ended'
      markLeaving();
      idleLogoutAction()
        .catch(() => undefined)
        .finally(() => {
          done = true;
          setTimeout(() => window.location.replace('/login?reason=idle'), 0);
        });
    };
    const heartbeat = () => {
      lastHeartbeat = Date.now();
      fetch('/api/internal/session/heartbeat', { method: 'POST', cache: 'no-store' })
        .then((res) => {
          if (res.status === 401) leave('ended');
        })
        .catch(() => undefined); // offline for a moment: the next activity tries again
    };
    const onActivity = () => {
      const now = Date.now();
      lastActivity = now;
      if (now - lastShared > SHARE_EVERY_MS) {
        lastShared = now;
        channel?.postMessage(now);
      }
      if (now - lastHeartbeat > HEARTBEAT_EVERY_MS) heartbeat();
    };
    const check = () => {
      if (Date.now() - lastActivity >= limit) lock();
    };
    const onShared = (e: MessageEvent<number>) => {
      if (typeof e.data === 'number' && e.data > lastActivity) lastActivity = e.data;
    };

    ACTIVITY_EVENTS.forEach((e) => window.addEventListener(e, onActivity, { passive: true }));
    document.addEventListener('visibilitychange', check);
    channel?.addEventListener('message', onShared);
    const timer = setInterval(check, CHECK_EVERY_MS);
    return () => {
      clearInterval(timer);
      ACTIVITY_EVENTS.forEach((e) => window.removeEventListener(e, onActivity));
      document.removeEventListener('visibilitychange', check);
      channel?.close();
    };
  }, [minutes]);

  if (locked) {
    return (
      <div role="status" className="p-8 text-center text-sm text-slate-600">
        一定時間操作がなかったため、画面をロックしました。ログイン画面へ移動します…
      </div>
    );
  }
  return <>{children}</>;
}
