import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';

const invoke = vi.fn();
vi.mock('@tauri-apps/api/core', () => ({ invoke: (...a: unknown[]) => invoke(...a) }));
vi.mock('@tauri-apps/api/event', () => import('./tauriEvents'));

import SyncPage from '../features/sync/SyncPage';
import { syncPercent } from '../components/SyncProgressBar';
import type { PullTally, SyncStatus } from '../api';
import { renderWithProviders } from './render';
import { listeners } from './tauriEvents';

afterEach(cleanup);

const STATUS: SyncStatus = {
  enrolled: true,
  platform_url: 'https://platform.example',
  agency_name: '上海好帮手家政服务有限公司',
  pending: 300,
  held: 0,
  last_success_at: null,
  last_error: null,
  trust_list_age_seconds: null,
  trust_keys: 1,
  rejections: 0,
  stale_warning: false,
  cursor: 0,
};

const TALLY: PullTally = {
  changes: 40, approvals: 0, rejections: 0, check_results: 0, revocations: 0, trust_keys: 0, deletions: 0, feedback: 0,
  skipped: 0, supervision_forms: 0, staff_accounts: 0, workers: 2, training_records: 3, health_records: 1, card_events: 4,
  complaint_answers: 1, workers_merged: 1, refused: 0,
};

describe('SyncPage', () => {
  it('shows how far a long sync has come, then what it kept from the other desks', async () => {
    let release = () => undefined as void;
    const synced = new Promise<void>((r) => (release = r));
    invoke.mockImplementation(async (cmd: string) => {
      if (cmd === 'sync_now') {
        listeners.sync_progress({ payload: { pushed: 200, push_total: 300, pulled: 40, pull_total: 100, files: 3 } });
        await synced;
        return { pushed: { applied: 300, duplicate: 0, rejected: 0, conflict: 0 }, batches: 2, photos_uploaded: 0, files_fetched: 3, files_refused: 0, pulled: TALLY, cursor: 40, pending: 0 };
      }
      return [];
    });
    renderWithProviders(<SyncPage status={STATUS} refresh={() => undefined} onOpenWorker={() => undefined} />);
    fireEvent.click(screen.getByTestId('sync-now'));
    const bar = await screen.findByTestId('sync-progress');
    expect(bar.textContent).toContain('已发送 200/300 条');
    expect(bar.textContent).toContain('已取回 40/100 项变更');
    expect(bar.textContent).toContain('60%');
    release();
    await waitFor(() => expect(screen.queryByTestId('sync-progress')).toBeNull());
    expect(await screen.findByText(/培训、体检保险、证卡和投诉处理记录 9 条已保存/)).toBeTruthy();
    expect(screen.getByText(/1 名人员在本机构两个工作台重复登记，已合并为一条记录/)).toBeTruthy();
    expect(listeners.sync_progress, 'the page stops listening once synced').toBeUndefined();
  });

  it('never runs the bar past the end while the pull total grows', () => {
    expect(syncPercent({ pushed: 0, push_total: 0, pulled: 0, pull_total: 0, files: 0 })).toBe(0);
    expect(syncPercent({ pushed: 0, push_total: 0, pulled: 600, pull_total: 500, files: 0 })).toBe(100);
    expect(syncPercent({ pushed: 10, push_total: 10, pulled: 0, pull_total: 30, files: 0 })).toBe(25);
  });
});
