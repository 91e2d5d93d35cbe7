import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';

const invoke = vi.fn();
vi.mock('@tauri-apps/api/core', () => ({ invoke: (...a: unknown[]) => invoke(...a) }));

import BackupCard from '../features/users/BackupCard';
import type { BackupPlan } from '../api';
import { MANAGER, renderWithProviders } from './render';

afterEach(cleanup);

const PLAN: BackupPlan = { settings: { folder: null, keep: 7, last_at: null, last_file: null }, passphrase_kept: false, days_since: null };

describe('BackupCard', () => {
  it('refuses two different passphrases, then saves the plan with Enter and backs up now', async () => {
    const calls: [string, unknown][] = [];
    invoke.mockImplementation(async (cmd: string, args: unknown) => {
      calls.push([cmd, args]);
      if (cmd === 'backup_plan_get') return calls.some(([c]) => c === 'backup_now') ? { ...PLAN, settings: { ...PLAN.settings, folder: '/media/usb', last_at: '2026-12-04T02:00:00Z', last_file: '/media/usb/certdesk-20261204-020000-000.age' }, passphrase_kept: true, days_since: 0 } : PLAN;
      if (cmd === 'backup_plan_set') return { ...PLAN, settings: { ...PLAN.settings, folder: '/media/usb' }, passphrase_kept: true };
      if (cmd === 'backup_now') return { path: '/media/usb/certdesk-20261204-020000-000.age', bytes: 1234 };
      throw `unexpected ${cmd}`;
    });
    renderWithProviders(<BackupCard />, 'zh-CN', MANAGER);
    expect((await screen.findByTestId('backup-last')).textContent).toContain('本机还没有备份');
    fireEvent.change(document.getElementById('backup_folder')!, { target: { value: '/media/usb' } });
    fireEvent.change(document.getElementById('backup_pass')!, { target: { value: 'longenough1' } });
    fireEvent.change(document.getElementById('backup_pass2')!, { target: { value: 'longenough2' } });
    fireEvent.keyDown(document.getElementById('backup_pass2')!, { key: 'Enter' });
    expect(await screen.findByText('两次输入的密码不一致')).toBeTruthy();
    expect(calls.some(([c]) => c === 'backup_plan_set')).toBe(false);
    fireEvent.change(document.getElementById('backup_pass2')!, { target: { value: 'longenough1' } });
    fireEvent.keyDown(document.getElementById('backup_pass2')!, { key: 'Enter' });
    await waitFor(() => expect(calls.find(([c]) => c === 'backup_plan_set')?.[1]).toEqual({ folder: '/media/usb', keep: 7, passphrase: 'longenough1' }));
    fireEvent.click(screen.getByTestId('backup-now'));
    await waitFor(() => expect(screen.getByTestId('backup-last').textContent).toContain('certdesk-20261204-020000-000.age'));
  });
});
