import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, screen } from '@testing-library/react';

const invoke = vi.fn();
vi.mock('@tauri-apps/api/core', () => ({ invoke: (...a: unknown[]) => invoke(...a) }));

import HomePage from '../features/home/HomePage';
import type { DeskStats } from '../api';
import { CLERK, MANAGER, renderWithProviders } from './render';

afterEach(cleanup);

const stats = (database_key_in_file: boolean, days_since_backup: number | null = 1): DeskStats => ({
  stages: { enrolled: 1, in_training: 0, eligible: 0, applied: 0, certified: 0, rejected: 0, cancelled: 0, total: 1 },
  months: [],
  database_key_in_file,
  days_since_backup,
});

describe('HomePage', () => {
  it('warns the manager, and only the manager, when the database key is kept in a file', async () => {
    invoke.mockImplementation(async (cmd: string) => {
      if (cmd === 'stats') return stats(true);
      return [];
    });
    renderWithProviders(<HomePage />, 'zh-CN', MANAGER);
    expect((await screen.findByTestId('key-in-file')).textContent).toContain('database-key');
    cleanup();
    renderWithProviders(<HomePage />, 'zh-CN', CLERK);
    await screen.findByTestId('home-page');
    expect(screen.queryByTestId('key-in-file')).toBeNull();
  });

  it('says nothing when the key is in the keyring', async () => {
    invoke.mockImplementation(async (cmd: string) => (cmd === 'stats' ? stats(false) : []));
    renderWithProviders(<HomePage />, 'zh-CN', MANAGER);
    await screen.findByTestId('home-page');
    expect(screen.queryByTestId('key-in-file')).toBeNull();
  });

  it('tells the manager how long ago the last backup was, past a week or never', async () => {
    for (const [days, text] of [
      [null, '本机还没有备份'],
      [9, '已经 9 天没有备份了'],
    ] as const) {
      invoke.mockImplementation(async (cmd: string) => (cmd === 'stats' ? stats(false, days) : []));
      renderWithProviders(<HomePage />, 'zh-CN', MANAGER);
      expect((await screen.findByTestId('backup-stale')).textContent).toContain(text);
      cleanup();
    }
    invoke.mockImplementation(async (cmd: string) => (cmd === 'stats' ? stats(false, 3) : []));
    renderWithProviders(<HomePage />, 'zh-CN', MANAGER);
    await screen.findByTestId('home-page');
    expect(screen.queryByTestId('backup-stale')).toBeNull();
    expect(screen.getByTestId('backup-age').textContent).toBe('上次备份：3 天前');
    cleanup();
    // Within the week the age shows without a warning, to the clerk too; today in words.
    invoke.mockImplementation(async (cmd: string) => (cmd === 'stats' ? stats(false, 0) : []));
    renderWithProviders(<HomePage />, 'zh-CN', CLERK);
    expect((await screen.findByTestId('backup-age')).textContent).toBe('上次备份：今天');
    expect(screen.queryByTestId('backup-stale')).toBeNull();
  });
});
