import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, renderHook, screen, waitFor } from '@testing-library/react';

const invoke = vi.fn();
vi.mock('@tauri-apps/api/core', () => ({ invoke: (...a: unknown[]) => invoke(...a) }));

import LockScreen from '../features/lock/LockScreen';
import { useIdle } from '../features/lock/useIdle';
import { CLERK, renderWithProviders } from './render';

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

describe('idle lock', () => {
  it('fires after the idle minutes, and a key or a mouse move starts them again', () => {
    vi.useFakeTimers();
    const onIdle = vi.fn();
    renderHook(() => useIdle(1, true, onIdle, 1000));
    vi.advanceTimersByTime(50_000);
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'a' }));
    vi.advanceTimersByTime(50_000);
    expect(onIdle).not.toHaveBeenCalled();
    window.dispatchEvent(new MouseEvent('mousemove'));
    vi.advanceTimersByTime(59_000);
    expect(onIdle).not.toHaveBeenCalled();
    vi.advanceTimersByTime(2_000);
    expect(onIdle).toHaveBeenCalled();
  });

  it('does nothing while inactive (signed out or already locked)', () => {
    vi.useFakeTimers();
    const onIdle = vi.fn();
    renderHook(() => useIdle(1, false, onIdle, 1000));
    vi.advanceTimersByTime(10 * 60_000);
    expect(onIdle).not.toHaveBeenCalled();
  });

  it('unlocks with the same user password on Enter, and says why a wrong one is refused', async () => {
    const unlocked = vi.fn();
    const calls: unknown[] = [];
    invoke.mockImplementation(async (cmd: string, args: Record<string, unknown>) => {
      if (cmd !== 'login') throw `unexpected ${cmd}`;
      calls.push(args);
      if (args.password === 'right-password') return CLERK;
      throw { code: 'bad_credentials', message_zh: '用户名或密码错误', message_en: 'Wrong username or password', fields: [] };
    });
    renderWithProviders(<LockScreen user={CLERK} minutes={15} onUnlock={unlocked} onSwitchUser={() => undefined} />);
    expect(screen.getByTestId('lock-screen').textContent).toContain('闲置 15 分钟');
    const input = document.getElementById('lock_password')!;
    fireEvent.change(input, { target: { value: 'nope' } });
    fireEvent.keyDown(input, { key: 'Enter' });
    expect((await screen.findByTestId('lock-error')).textContent).toContain('用户名或密码错误');
    expect(unlocked).not.toHaveBeenCalled();
    fireEvent.change(input, { target: { value: 'right-password' } });
    fireEvent.keyDown(input, { key: 'Enter' });
    await waitFor(() => expect(unlocked).toHaveBeenCalledWith(CLERK));
    expect(calls).toEqual([
      { username: 'zhang', password: 'nope' },
      { username: 'zhang', password: 'right-password' },
    ]);
  });
});
