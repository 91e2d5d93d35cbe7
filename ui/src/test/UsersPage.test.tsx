import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';

const invoke = vi.fn();
vi.mock('@tauri-apps/api/core', () => ({ invoke: (...a: unknown[]) => invoke(...a) }));

import UsersPage from '../features/users/UsersPage';
import type { UserInfo } from '../api';
import { MANAGER, renderWithProviders } from './render';

afterEach(cleanup);

const ME: UserInfo = { id: 'u0', username: 'wang', display_name: '王经理', role: 'manager', created_at: '2026-12-01T02:00:00Z', disabled: false };
const CLERK: UserInfo = { id: 'u1', username: 'li.na', display_name: '李娜', role: 'clerk', created_at: '2026-12-02T02:00:00Z', disabled: false };

describe('UsersPage (issue 10 item 3: the agency\'s accounts)', () => {
  it('disables a clerk, never offers it for the signed-in manager, and resets a password with Enter', async () => {
    const calls: [string, unknown][] = [];
    let clerk = CLERK;
    invoke.mockImplementation(async (cmd: string, args: unknown) => {
      calls.push([cmd, args]);
      if (cmd === 'user_list') return [ME, clerk];
      if (cmd === 'user_set_disabled') return (clerk = { ...clerk, disabled: (args as { disabled: boolean }).disabled });
      if (cmd === 'user_reset_password') return clerk;
      if (cmd === 'backup_plan_get') return { settings: { folder: null, keep: 7, last_at: null, last_file: null }, passphrase_kept: false, days_since: null };
      if (cmd === 'idcard_port_get') return null;
      throw `unexpected ${cmd}`;
    });
    renderWithProviders(<UsersPage />, 'zh-CN', MANAGER);
    const toggle = await screen.findByTestId('user-toggle-li.na');
    expect(screen.queryByTestId('user-toggle-wang')).toBeNull();
    expect(screen.getByText(/账号属于整个机构/)).toBeTruthy();
    fireEvent.click(toggle);
    await waitFor(() => expect(calls.find(([c]) => c === 'user_set_disabled')?.[1]).toEqual({ username: 'li.na', disabled: true }));
    await waitFor(() => expect(screen.getByText('已停用')).toBeTruthy());
    // antd spaces a two-character label (启 用).
    expect(screen.getByTestId('user-toggle-li.na').textContent?.replace(/\s/g, '')).toBe('启用');

    fireEvent.click(screen.getByTestId('user-reset-li.na'));
    const input = await waitFor(() => {
      const el = document.getElementById('reset_password');
      if (!el) throw new Error('the dialog is not open yet');
      return el;
    });
    fireEvent.change(input, { target: { value: 'short' } });
    fireEvent.keyDown(input, { key: 'Enter' });
    // The input takes the next Enter only once this one is released, as a real key is.
    fireEvent.keyUp(input, { key: 'Enter' });
    expect(await screen.findByText('密码至少 8 位')).toBeTruthy();
    expect(calls.some(([c]) => c === 'user_reset_password')).toBe(false);
    fireEvent.change(input, { target: { value: 'password-new' } });
    fireEvent.keyDown(input, { key: 'Enter' });
    await waitFor(() => expect(calls.find(([c]) => c === 'user_reset_password')?.[1]).toEqual({ username: 'li.na', password: 'password-new' }));
  });

  it('shows the ID-card reader port kept, refuses an empty one beside the field and saves a port with Enter', async () => {
    let port: string | null = '/dev/ttyS0';
    const INVALID = {
      code: 'validation',
      message_zh: '请填写读卡器的端口（如 /dev/ttyUSB0 或 COM3）',
      message_en: "Give the reader's port (for example /dev/ttyUSB0 or COM3)",
      fields: [],
      existing_worker_id: null,
    };
    invoke.mockImplementation(async (cmd: string, args: unknown) => {
      if (cmd === 'user_list') return [ME];
      if (cmd === 'backup_plan_get') return { settings: { folder: null, keep: 7, last_at: null, last_file: null }, passphrase_kept: false, days_since: null };
      if (cmd === 'idcard_port_get') return port;
      if (cmd === 'idcard_port_set') {
        const p = (args as { port: string }).port.trim();
        if (!p) throw INVALID;
        return (port = p);
      }
      throw `unexpected ${cmd}`;
    });
    renderWithProviders(<UsersPage />, 'zh-CN', MANAGER);
    const input = await waitFor(() => {
      const el = document.getElementById('idcard_port') as HTMLInputElement | null;
      if (!el || el.value !== '/dev/ttyS0') throw new Error('the kept port is not shown yet');
      return el;
    });
    fireEvent.change(input, { target: { value: '  ' } });
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(await screen.findByText(/请填写读卡器的端口/)).toBeTruthy();
    expect(port).toBe('/dev/ttyS0');
    fireEvent.change(input, { target: { value: '/dev/ttyUSB0' } });
    fireEvent.click(screen.getByTestId('idcard-port-save'));
    await waitFor(() => expect(port).toBe('/dev/ttyUSB0'));
    expect(await screen.findByText('读卡器端口已设为 /dev/ttyUSB0')).toBeTruthy();
  });
});
