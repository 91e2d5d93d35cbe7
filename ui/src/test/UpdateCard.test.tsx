import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, fireEvent, screen, waitFor } from '@testing-library/react';

const invoke = vi.fn();
vi.mock('@tauri-apps/api/core', () => ({ invoke: (...a: unknown[]) => invoke(...a) }));
vi.mock('@tauri-apps/api/event', () => import('./tauriEvents'));

import UpdateCard from '../features/users/UpdateCard';
import { listeners } from './tauriEvents';
import { MANAGER, renderWithProviders } from './render';

afterEach(cleanup);

const OFFER = { version: '0.1.1', notes: '新增：读身份证\n修复：进度条', date: '2026-12-05T01:00:00Z' };

describe('UpdateCard (软件更新)', () => {
  it('checks, shows what changed, follows the download and offers the restart', async () => {
    let finish: (v: unknown) => void = () => {};
    invoke.mockImplementation(async (cmd: string) => {
      if (cmd === 'update_status') return { current_version: '0.1.0', signed_updates: true };
      if (cmd === 'update_check') return OFFER;
      if (cmd === 'update_install') return new Promise((r) => (finish = r));
      throw `unexpected ${cmd}`;
    });
    renderWithProviders(<UpdateCard />, 'zh-CN', MANAGER);
    expect((await screen.findByTestId('update-current')).textContent).toBe('当前版本 0.1.0');
    fireEvent.click(screen.getByTestId('update-check'));
    expect((await screen.findByTestId('update-version')).textContent).toBe('可更新到 0.1.1');
    expect(screen.getByTestId('update-notes').textContent).toContain('修复：进度条');
    fireEvent.click(screen.getByTestId('update-install'));
    await waitFor(() => expect(listeners.update_progress).toBeTruthy());
    act(() => listeners.update_progress({ payload: { phase: 'downloading', downloaded: 1048576, total: 4194304 } }));
    expect((await screen.findByTestId('update-progress')).textContent).toContain('正在下载 1.0 MB / 4.0 MB');
    act(() => listeners.update_progress({ payload: { phase: 'verifying', downloaded: 4194304, total: null } }));
    expect(screen.getByTestId('update-progress').textContent).toContain('正在校验签名');
    await act(async () => finish({ version: '0.1.1' }));
    expect((await screen.findByTestId('update-installed')).textContent).toContain('已安装 0.1.1');
    expect(screen.getByTestId('update-restart')).toBeTruthy();
    expect(screen.queryByTestId('update-install')).toBeNull();
  });

  it('says why a release was refused and offers no install until the next check', async () => {
    invoke.mockImplementation(async (cmd: string) => {
      if (cmd === 'update_status') return { current_version: '0.1.1', signed_updates: true };
      if (cmd === 'update_check') return { ...OFFER, version: '0.1.2' };
      if (cmd === 'update_install')
        throw { code: 'update_signature', message_zh: '新版本 0.1.2 的安装包签名校验未通过，已拒绝安装；当前版本照常使用', message_en: 'refused', fields: [] };
      throw `unexpected ${cmd}`;
    });
    renderWithProviders(<UpdateCard />, 'zh-CN', MANAGER);
    fireEvent.click(await screen.findByTestId('update-check'));
    fireEvent.click(await screen.findByTestId('update-install'));
    expect((await screen.findByTestId('update-error')).textContent).toContain('签名校验未通过');
    expect(screen.queryByTestId('update-install')).toBeNull();
    expect(screen.queryByTestId('update-installed')).toBeNull();
  });

  it('a build without the release key says so and cannot check', async () => {
    invoke.mockImplementation(async (cmd: string) => {
      if (cmd === 'update_status') return { current_version: '0.1.0', signed_updates: false };
      throw `unexpected ${cmd}`;
    });
    renderWithProviders(<UpdateCard />, 'zh-CN', MANAGER);
    expect((await screen.findByTestId('update-unsigned')).textContent).toContain('未配置更新签名公钥');
    expect((screen.getByTestId('update-check') as HTMLButtonElement).disabled).toBe(true);
  });
});
