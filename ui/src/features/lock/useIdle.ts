import { useEffect } from 'react';

/** What counts as the clerk being at the desk. */
const ACTIVITY = ['keydown', 'mousedown', 'mousemove', 'wheel', 'touchstart'] as const;

/** Calls `onIdle` once nobody has pressed a key or moved the mouse for `minutes` (checked every
 * few seconds); nothing while `active` is false. */
export function useIdle(minutes: number, active: boolean, onIdle: () => void, checkEveryMs = 5000) {
  useEffect(() => {
    if (!active || minutes <= 0) return;
    let last = Date.now();
    const touch = () => {
      last = Date.now();
    };
    ACTIVITY.forEach((e) => window.addEventListener(e, touch, { passive: true }));
    const timer = window.setInterval(() => {
      if (Date.now() - last >= minutes * 60_000) onIdle();
    }, checkEveryMs);
    return () => {
      ACTIVITY.forEach((e) => window.removeEventListener(e, touch));
      window.clearInterval(timer);
    };
  }, [minutes, active, onIdle, checkEveryMs]);
}
