import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';

const invoke = vi.fn();
vi.mock('@tauri-apps/api/core', () => ({ invoke: (...a: unknown[]) => invoke(...a) }));

import HealthPanel from '../features/health/HealthPanel';
import DeadlineList from '../features/health/DeadlineList';
import { renderWithProviders } from './render';

beforeEach(() => {
  invoke.mockReset();
});
afterEach(cleanup);

const field = (id: string) => document.getElementById(id) as HTMLInputElement;

describe('HealthPanel', () => {
  it('lists the checks, marks an expired one, saves with Enter and shows a refusal beside its field', async () => {
    const checks = [
      {
        id: 'h1', worker_id: 'w1', checked_on: '2024-01-02', institution: '徐汇区中心医院', category: 'home', result: 'pass',
        valid_until: '2025-01-01', report_sha256: null, report_mime: null, recorded_at: '', recorded_by: '王经理',
      },
    ];
    const sent: unknown[] = [];
    invoke.mockImplementation(async (cmd: string, args: Record<string, unknown>) => {
      if (cmd === 'health_check_list') return checks;
      if (cmd === 'insurance_list') return [];
      if (cmd === 'health_check_add') {
        sent.push(args);
        const input = args.input as { valid_until: string | null };
        if (input.valid_until === '2020-01-01') {
          throw {
            code: 'validation', message_zh: '请检查标红的字段', message_en: 'Check the fields marked in red',
            fields: [{ field: 'valid_until', code: 'health_valid_before_taken', message_zh: '有效期至 2020-01-01 早于体检日期', message_en: 'before the check' }],
          };
        }
        return { ...checks[0], id: 'h2' };
      }
      throw `unexpected ${cmd}`;
    });
    renderWithProviders(<HealthPanel workerId="w1" />);
    await waitFor(() => expect(screen.getAllByTestId('health-row')).toHaveLength(1));
    expect(screen.getByTestId('health-row').textContent).toContain('居家');
    expect(screen.getByTestId('lapsed').textContent).toBe('已过期');
    expect(screen.getByTestId('insurance-list').textContent).toContain('尚无保险记录');

    // Required fields are said at once, nothing sent.
    fireEvent.keyDown(field('hc_checked_on'), { key: 'Enter' });
    await waitFor(() => expect(screen.getByTestId('error-hc-checked_on').textContent).toBe('必填'));
    expect(sent).toEqual([]);

    fireEvent.change(field('hc_checked_on'), { target: { value: '2026-03-01' } });
    fireEvent.change(field('hc_institution'), { target: { value: '徐汇区中心医院' } });
    fireEvent.change(field('hc_valid_until'), { target: { value: '2020-01-01' } });
    fireEvent.keyDown(field('hc_valid_until'), { key: 'Enter' });
    await waitFor(() => expect(screen.getByTestId('error-hc-valid_until').textContent).toContain('早于体检日期'));

    fireEvent.change(field('hc_valid_until'), { target: { value: '' } });
    fireEvent.keyDown(field('hc_institution'), { key: 'Enter' });
    await waitFor(() => expect(sent).toHaveLength(2));
    expect(sent[1]).toEqual({
      workerId: 'w1',
      input: { checked_on: '2026-03-01', institution: '徐汇区中心医院', category: 'general', result: 'pass', valid_until: null },
      reportB64: null,
    });
    await waitFor(() => expect(field('hc_checked_on').value).toBe(''), { timeout: 3000 });
  }, 20000);
});

describe('DeadlineList', () => {
  it('says what is due, how late, and opens the worker', async () => {
    invoke.mockImplementation(async (cmd: string) => {
      if (cmd === 'deadlines') {
        return [
          { worker_id: 'w1', worker_name: '张三', kind: 'insurance', due: '2026-11-30', days_left: -3, urgency: 'overdue' },
          { worker_id: 'w2', worker_name: '李四', kind: 'card_replacement', due: '2026-12-10', days_left: 1, urgency: 'warn' },
        ];
      }
      throw `unexpected ${cmd}`;
    });
    const opened: string[] = [];
    renderWithProviders(<DeadlineList onOpenWorker={(id) => opened.push(id)} />);
    await waitFor(() => expect(screen.getAllByTestId('deadline-row')).toHaveLength(2));
    const [first, second] = screen.getAllByTestId('deadline-row');
    expect(first.textContent).toContain('已逾期');
    expect(first.textContent).toContain('过期 3 天');
    expect(second.textContent).toContain('紧急');
    expect(second.textContent).toContain('还剩 1 个工作日');
    fireEvent.click(screen.getAllByTestId('deadline-worker')[1]);
    expect(opened).toEqual(['w2']);
  }, 20000);
});
