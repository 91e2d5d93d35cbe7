import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';

const invoke = vi.fn();
vi.mock('@tauri-apps/api/core', () => ({ invoke: (...a: unknown[]) => invoke(...a) }));
vi.mock('@tauri-apps/api/event', () => import('./tauriEvents'));

import App from '../App';
import { LANG_STORAGE_KEY } from '../i18n';
import { APP_STATE, CLERK } from './render';
import { listeners } from './tauriEvents';

const EMPTY = { items: [], total: 0 };

beforeEach(() => {
  invoke.mockReset();
  localStorage.clear();
});
afterEach(cleanup);

describe('App', () => {
  it('shows first-run setup with the stable ids when there is no agency', async () => {
    invoke.mockImplementation(async (cmd: string) => {
      if (cmd === 'app_state') return { ...APP_STATE, agency: null, has_users: false };
      throw `unexpected ${cmd}`;
    });
    render(<App />);
    await waitFor(() => expect(screen.getByTestId('setup-form')).toBeTruthy(), { timeout: 8000 });
    for (const id of [
      'setup_agency_name',
      'setup_credit_code',
      'setup_district',
      'setup_address',
      'setup_phone',
      'setup_username',
      'setup_display_name',
      'setup_password',
      'setup_password2',
    ]) {
      expect(document.getElementById(id), id).not.toBeNull();
    }
    fireEvent.click(screen.getByTestId('setup-submit'));
    await waitFor(() => expect(screen.getByTestId('error-agency_name').textContent).toBe('必填'));
    expect(invoke.mock.calls.some(([c]) => c === 'setup')).toBe(false);
  });

  it('logs in with Enter, then shows the clerk menu (no manager pages)', async () => {
    invoke.mockImplementation(async (cmd: string, args: Record<string, unknown>) => {
      if (cmd === 'app_state') return APP_STATE;
      if (cmd === 'login') {
        if (args.password === 'right-password') return CLERK;
        throw { code: 'bad_credentials', message_zh: '用户名或密码不正确', message_en: 'Wrong username or password', fields: [] };
      }
      if (cmd === 'worker_search') return EMPTY;
      if (cmd === 'ui_ready') return null;
      throw `unexpected ${cmd}`;
    });
    render(<App />);
    await waitFor(() => expect(screen.getByTestId('login-form')).toBeTruthy());
    fireEvent.change(document.getElementById('login_username')!, { target: { value: 'zhang' } });
    fireEvent.change(document.getElementById('login_password')!, { target: { value: 'nope' } });
    fireEvent.keyDown(document.getElementById('login_password')!, { key: 'Enter' });
    await waitFor(() => expect(screen.getByText('用户名或密码不正确')).toBeTruthy());
    fireEvent.change(document.getElementById('login_password')!, { target: { value: 'right-password' } });
    fireEvent.keyDown(document.getElementById('login_password')!, { key: 'Enter' });
    await waitFor(() => expect(screen.getByTestId('worker-total').textContent).toBe('共 0 人'));
    expect(screen.getByTestId('nav-workers')).toBeTruthy();
    expect(screen.getByTestId('nav-enrol')).toBeTruthy();
    expect(screen.queryByTestId('nav-agency')).toBeNull();
    expect(screen.queryByTestId('nav-users')).toBeNull();
    expect(screen.queryByTestId('nav-settings')).toBeNull();
    expect(screen.getByText('张三（前台）')).toBeTruthy();

    fireEvent.click(screen.getByTestId('lang-switch'));
    await waitFor(() => expect(screen.getByTestId('worker-total').textContent).toBe('0 in total'));
    expect(localStorage.getItem(LANG_STORAGE_KEY)).toBe('en');

    // Ctrl+N opens the enrolment form
    fireEvent.keyDown(window, { key: 'n', ctrlKey: true });
    await waitFor(() => expect(screen.getByTestId('enrol-form')).toBeTruthy(), { timeout: 8000 });
  });

  it('joins an agency that already uses certdesk from a new PC, waits for its accounts, then asks to sign in', async () => {
    let joined = 0;
    const joins: Record<string, unknown>[] = [];
    let release = () => undefined as void;
    const restored = new Promise<void>((r) => (release = r));
    invoke.mockImplementation(async (cmd: string, args: Record<string, unknown>) => {
      if (cmd === 'app_state') return joined >= 2 ? APP_STATE : { ...APP_STATE, agency: null, has_users: false };
      if (cmd === 'desk_join') {
        joined += 1;
        joins.push(args);
        if (joined === 2) {
          // The restore tells the window where it stands after each page.
          listeners.sync_progress({ payload: { pushed: 0, push_total: 0, pulled: 500, pull_total: 2000, files: 118 } });
          await restored;
        }
        const sync = { pulled: { workers: joined === 2 ? 120 : 0 }, files_fetched: joined === 2 ? 118 : 0 };
        const corrected = joined === 2 ? [{ field: 'credit_code', typed: '91310104MA1FL8L970', registered: '91310104MA1FL8L97X' }] : [];
        return { enrolment: null, sync, accounts: joined === 2 ? 3 : 0, corrected };
      }
      throw `unexpected ${cmd}`;
    });
    render(<App />);
    await waitFor(() => expect(screen.getByTestId('setup-form')).toBeTruthy(), { timeout: 8000 });
    fireEvent.click(screen.getByText('本机构已在使用：新电脑或更换电脑'));
    await waitFor(() => expect(document.getElementById('setup_code')).not.toBeNull());
    expect(document.getElementById('setup_username'), 'no manager of its own').toBeNull();
    fireEvent.click(screen.getByTestId('join-submit'));
    await waitFor(() => expect(screen.getByTestId('error-code').textContent).toBe('必填'));
    const type = (id: string, value: string) => fireEvent.change(document.getElementById(id)!, { target: { value } });
    type('setup_agency_name', '上海好帮手家政服务有限公司');
    type('setup_credit_code', '91310104ma1fl8l970');
    type('setup_address', '上海市徐汇区漕溪北路1号');
    type('setup_phone', '021-64870000');
    fireEvent.mouseDown(document.querySelector('#setup_district')!);
    fireEvent.click(await screen.findByTitle('徐汇区'));
    type('setup_platform_url', 'https://platform.example ');
    type('setup_code', 'ABCD-EFGH');
    fireEvent.click(screen.getByTestId('join-submit'));
    await waitFor(() => expect(screen.getByTestId('join-waiting').textContent).toContain('还没有收到本机构的账号'));
    expect(joins[0]).toMatchObject({ platformUrl: 'https://platform.example', code: 'ABCD-EFGH', caPem: null });
    expect((joins[0].agency as { credit_code: string }).credit_code).toBe('91310104MA1FL8L970');
    fireEvent.click(screen.getByTestId('join-submit'));
    await waitFor(() => expect(screen.getByTestId('join-progress').textContent).toContain('500/2000'));
    expect(screen.getByTestId('join-progress').textContent).toContain('25%');
    expect(screen.getByTestId('join-progress').textContent).toContain('照片和体检报告 118 个');
    release();
    await waitFor(() => expect(screen.getByTestId('login-form')).toBeTruthy());
    expect(listeners.sync_progress, 'the window stops listening once joined').toBeUndefined();
    expect(await screen.findByText('已按平台登记更正统一社会信用代码：91310104MA1FL8L970 → 91310104MA1FL8L97X')).toBeTruthy();
  });
});
