import { useCallback, useEffect, useState } from 'react';
import { listen } from '@tauri-apps/api/event';
import * as api from '../../api';
import type { SyncStatus } from '../../api';

/** The sync status, refreshed every 30 s and whenever the shell says a sync changed something. */
export function useSyncStatus(): [SyncStatus | null, () => void] {
  const [status, setStatus] = useState<SyncStatus | null>(null);
  const refresh = useCallback(() => {
    api.syncStatus().then(setStatus).catch(() => undefined);
  }, []);
  useEffect(() => {
    refresh();
    const timer = setInterval(refresh, 30_000);
    let unlisten: (() => void) | null = null;
    listen('sync_changed', refresh)
      .then((u) => {
        unlisten = u;
      })
      .catch(() => undefined);
    return () => {
      clearInterval(timer);
      unlisten?.();
    };
  }, [refresh]);
  return [status, refresh];
}

/** "3 分钟前" style age from an ISO time or a number of seconds. */
export function ageSeconds(iso: string | null, now: number = Date.now()): number | null {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : Math.max(0, Math.round((now - t) / 1000));
}
