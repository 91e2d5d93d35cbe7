import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';

const invoke = vi.fn();
vi.mock('@tauri-apps/api/core', () => ({ invoke: (...a: unknown[]) => invoke(...a) }));

import VerifyPage from '../features/cards/VerifyPage';
import { ageParts, MAX_SCAN_INPUT, verdictTone } from '../features/cards/verdict';
import { renderWithProviders } from './render';

beforeEach(() => {
  invoke.mockReset();
});
afterEach(cleanup);

const REPORT = {
  verdict: 'replaced',
  verdict_zh: '已换发新卡',
  verdict_en: 'Replaced by a newer card',
  certificate_code: 'SH042026000501K',
  card_version: 1,
  current_card_version: 2,
  valid_from: '2026-11-27',
  valid_until: '2029-11-26',
  key_id: 1,
  lists_checked_at: '2026-11-27T02:00:00Z',
  lists_age_seconds: 7300,
  trust_keys: 1,
  local_worker: { id: 'w1', name: '张三', status: 'issued', card_version: 2 },
  colour: 'red',
  cover_notes: [],
  electronic_age_seconds: null,
};

describe('verdicts', () => {
  it('only a valid card is green; a genuine card no longer in force is orange; the rest red', () => {
    expect(verdictTone('valid')).toBe('success');
    expect(verdictTone('replaced')).toBe('warning');
    expect(verdictTone('expired')).toBe('warning');
    for (const v of ['revoked', 'stale', 'bad_signature', 'unknown_key', 'not_a_certificate'] as const) {
      expect(verdictTone(v), v).toBe('error');
    }
  });

  it('says how old the lists are in minutes, hours or days', () => {
    expect(ageParts(null)).toBeNull();
    expect(ageParts(12)).toEqual({ unit: 'now', n: 0 });
    expect(ageParts(125)).toEqual({ unit: 'minutes', n: 2 });
    expect(ageParts(7300)).toEqual({ unit: 'hours', n: 2 });
    expect(ageParts(86400 * 5)).toEqual({ unit: 'days', n: 5 });
  });
});

describe('VerifyPage', () => {
  it('checks a scan ending with Enter and shows the verdict, the versions, our worker and the lists age', async () => {
    const scans: string[] = [];
    invoke.mockImplementation(async (cmd: string, args: { scanned: string }) => {
      if (cmd === 'verify_scan') {
        scans.push(args.scanned);
        return REPORT;
      }
      throw `unexpected ${cmd} ${JSON.stringify(args)}`;
    });
    const open = vi.fn();
    renderWithProviders(<VerifyPage onOpenWorker={open} />);
    const input = screen.getByTestId('verify-input') as HTMLInputElement;
    expect(document.activeElement).toBe(input);
    expect(input.maxLength).toBe(MAX_SCAN_INPUT);
    fireEvent.change(input, { target: { value: '  https://zj.example.cn/c/AQAB  ' } });
    fireEvent.keyDown(input, { key: 'Enter', code: 'Enter', keyCode: 13 });
    await waitFor(() => expect(screen.getByTestId('verify-verdict').textContent).toBe('已换发新卡'));
    expect(scans).toEqual(['https://zj.example.cn/c/AQAB']);
    expect(screen.getByTestId('verify-result').dataset.verdict).toBe('replaced');
    expect(screen.getByTestId('verify-code').textContent).toBe('SH042026000501K');
    expect(screen.getByTestId('verify-local').textContent).toContain('张三');
    expect(screen.getByTestId('verify-age').textContent).toContain('2 小时前');
    expect(screen.getByTestId('verify-colour').textContent).toContain('红 RED');
    fireEvent.click(screen.getByText('打开人员'));
    expect(open).toHaveBeenCalledWith('w1');
  });

  it('says a valid card is yellow in words, and why, when the health check is not in date', async () => {
    invoke.mockImplementation(async () => ({
      ...REPORT,
      verdict: 'valid',
      verdict_zh: '有效',
      verdict_en: 'Valid',
      colour: 'yellow',
      cover_notes: [{ zh: '体检已过期（自 2026-11-01 起）', en: 'Health check expired (since 2026-11-01)' }],
    }));
    renderWithProviders(<VerifyPage onOpenWorker={() => undefined} />);
    const input = screen.getByTestId('verify-input') as HTMLInputElement;
    fireEvent.change(input, { target: { value: 'https://zj.example.cn/c/AQAB' } });
    fireEvent.keyDown(input, { key: 'Enter', code: 'Enter', keyCode: 13 });
    await waitFor(() => expect(screen.getByTestId('verify-colour').dataset.colour).toBe('yellow'));
    expect(screen.getByTestId('verify-colour').textContent).toContain('黄 YELLOW');
    expect(screen.getByTestId('verify-cover-note').textContent).toBe('体检已过期（自 2026-11-01 起）');
  });

  it('says how fresh an electronic card\'s code is, and explains a stale one', async () => {
    invoke.mockImplementation(async () => ({ ...REPORT, verdict: 'valid', verdict_zh: '有效', colour: 'green', electronic_age_seconds: 42 }));
    renderWithProviders(<VerifyPage onOpenWorker={() => undefined} />);
    const input = screen.getByTestId('verify-input') as HTMLInputElement;
    fireEvent.change(input, { target: { value: 'https://zj.example.cn/c/AgAB' } });
    fireEvent.keyDown(input, { key: 'Enter', code: 'Enter', keyCode: 13 });
    await waitFor(() => expect(screen.getByTestId('verify-electronic').textContent).toBe('电子证：二维码 42 秒前生成'));
    cleanup();
    invoke.mockImplementation(async () => ({ ...REPORT, verdict: 'stale', verdict_zh: '电子证二维码已失效', electronic_age_seconds: 600 }));
    renderWithProviders(<VerifyPage onOpenWorker={() => undefined} />);
    const again = screen.getByTestId('verify-input') as HTMLInputElement;
    fireEvent.change(again, { target: { value: 'https://zj.example.cn/c/AgAB' } });
    fireEvent.keyDown(again, { key: 'Enter', code: 'Enter', keyCode: 13 });
    await waitFor(() => expect(screen.getByTestId('verify-result').dataset.verdict).toBe('stale'));
    expect(screen.getByText(/可能是截图/)).toBeTruthy();
  });

  it('shows the refusal of an over-long scan and no verdict', async () => {
    invoke.mockImplementation(async () => {
      throw { code: 'scan_too_long', message_zh: '扫描内容过长（5000 个字符），不是上门服务证的二维码', message_en: 'too long', fields: [] };
    });
    renderWithProviders(<VerifyPage onOpenWorker={() => undefined} />);
    const input = screen.getByTestId('verify-input');
    fireEvent.change(input, { target: { value: 'A'.repeat(1500) } });
    fireEvent.keyDown(input, { key: 'Enter', code: 'Enter', keyCode: 13 });
    await waitFor(() => expect(screen.getByTestId('verify-error').textContent).toContain('扫描内容过长'));
    expect(screen.queryByTestId('verify-result')).toBeNull();
  });
});
