import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';

const invoke = vi.fn();
vi.mock('@tauri-apps/api/core', () => ({ invoke: (...a: unknown[]) => invoke(...a) }));

import FeedbackPanel from '../features/cards/FeedbackPanel';
import type { Feedback, FeedbackSummary } from '../api';
import { renderWithProviders } from './render';

afterEach(cleanup);

describe('FeedbackPanel', () => {
  it('shows the visits households confirmed (确认入户) even before any rating', async () => {
    const summary: FeedbackSummary = {
      ratings: 0,
      average_stars: null,
      open_complaints: 0,
      items: [],
      visits: 2,
      recent_visits: ['2026-12-04T02:30:00+00:00', '2026-12-01T01:00:00+00:00'],
    };
    invoke.mockImplementation(async (cmd: string) => {
      if (cmd === 'worker_feedback') return summary;
      throw `unexpected command ${cmd}`;
    });
    renderWithProviders(<FeedbackPanel id="w1" />);
    const visits = await screen.findByTestId('feedback-visits');
    expect(visits.textContent).toContain('住户扫码确认入户 2 次');
  });

  it('shows nothing when there is neither feedback nor a visit', async () => {
    invoke.mockImplementation(async () => ({ ratings: 0, average_stars: null, open_complaints: 0, items: [], visits: 0, recent_visits: [] }));
    renderWithProviders(<FeedbackPanel id="w1" />);
    await new Promise((r) => setTimeout(r, 50));
    expect(screen.queryByTestId('feedback-panel')).toBeNull();
  });

  it('answers a complaint with Enter, and shows the refused field beside it', async () => {
    const complaint: Feedback = {
      id: 'c1',
      kind: 'complaint',
      worker_id: 'w1',
      worker_name: '钱七',
      certificate_code: 'SH0120260000012',
      stars: null,
      text: '迟到一小时',
      contact: '',
      created_at: '2026-12-01T02:00:00Z',
      handled_at: null,
      reference: 'TS23456789ABCD',
      office_note: '请提供回访记录',
      closed_at: null,
      answer: null,
    };
    const summary: FeedbackSummary = { ratings: 0, average_stars: null, open_complaints: 1, items: [complaint], visits: 0, recent_visits: [] };
    const calls: unknown[] = [];
    invoke.mockImplementation(async (cmd: string, args: Record<string, unknown>) => {
      if (cmd === 'worker_feedback') return summary;
      if (cmd === 'complaint_answer') {
        calls.push(args);
        if (calls.length === 1) {
          throw {
            code: 'validation',
            message_zh: '请填写处理情况',
            message_en: 'Say what was done',
            fields: [{ field: 'action', code: 'required', message_zh: '请填写处理情况', message_en: 'Say what was done' }],
          };
        }
        return [];
      }
      throw `unexpected command ${cmd}`;
    });
    renderWithProviders(<FeedbackPanel id="w1" />);
    expect((await screen.findByTestId('complaint-office-note')).textContent).toContain('项目办督办：请提供回访记录');
    expect(screen.getByText('TS23456789ABCD')).toBeTruthy();
    fireEvent.click(screen.getByTestId('complaint-answer'));
    const text = screen.getByTestId('complaint-action');
    fireEvent.keyDown(text, { key: 'Enter' });
    expect(await screen.findByText('请填写处理情况')).toBeTruthy();
    fireEvent.change(text, { target: { value: '已电话回访' } });
    fireEvent.keyDown(text, { key: 'Enter' });
    await waitFor(() => expect(screen.queryByTestId('complaint-answer-form')).toBeNull());
    expect(calls[1]).toEqual({ id: 'c1', action: '已电话回访', doneOn: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
  });
});
