import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, screen } from '@testing-library/react';

const invoke = vi.fn();
vi.mock('@tauri-apps/api/core', () => ({ invoke: (...a: unknown[]) => invoke(...a) }));

import FeedbackPanel from '../features/cards/FeedbackPanel';
import type { FeedbackSummary } from '../api';
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
});
