import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';

const invoke = vi.fn();
vi.mock('@tauri-apps/api/core', () => ({ invoke: (...a: unknown[]) => invoke(...a) }));

import RosterFiling from '../features/roster/RosterFiling';
import type { KeptFiling } from '../api';
import { MANAGER, renderWithProviders } from './render';

beforeEach(() => {
  invoke.mockReset();
});
afterEach(cleanup);

/** A kept filing of `number` for January, answered with a receipt (correcting `replaces`). */
function filing(number: string, replaces: string | null, filedAt: string): KeptFiling {
  return {
    filing_id: `id-${number}`,
    period_from: '2026-01-01',
    period_to: '2026-01-31',
    replaces,
    row_count: 3,
    created_at: filedAt,
    receipt: {
      number,
      filing_id: `id-${number}`,
      agency_id: 'a',
      agency_name: '上海好帮手家政服务有限公司',
      period_from: '2026-01-01',
      period_to: '2026-01-31',
      rows: 3,
      roster_sha256: 'ab'.repeat(32),
      replaces,
      filed_at: filedAt,
      key_id: 1,
      signature: 'sig',
    },
    problem: null,
    problem_sentence: null,
  };
}

describe('the funding pack on the roster page', () => {
  it("is offered on each period's newest filing only, writes both files into the export folder and says what it found", async () => {
    const calls: Array<[string, unknown]> = [];
    invoke.mockImplementation(async (cmd: string, args: unknown) => {
      calls.push([cmd, args]);
      if (cmd === 'roster_filings') return [filing('BA2026-000002', 'BA2026-000001', '2026-02-02T02:00:00Z'), filing('BA2026-000001', null, '2026-02-01T02:00:00Z')];
      if (cmd === 'export_folder') return '/home/wang/Documents';
      if (cmd === 'roster_pack')
        return {
          number: 'BA2026-000002',
          pdf: '/home/wang/Documents/BA2026-000002.pack.pdf',
          xlsx: '/home/wang/Documents/BA2026-000002.pack.xlsx',
          totals: { workers: 3, workers_clear: 1, workers_with_problems: 2, problems: 2 },
        };
      throw `unexpected ${cmd}`;
    });
    renderWithProviders(<RosterFiling />, 'zh-CN', MANAGER);
    await waitFor(() => expect(screen.getAllByTestId('filing-row')).toHaveLength(2));
    const buttons = screen.getAllByTestId('pack-write');
    expect(buttons, 'the correction is the period newest filing; the corrected one offers no pack').toHaveLength(1);
    fireEvent.click(buttons[0]);
    const done = await screen.findByTestId('pack-done');
    expect(done.textContent).toContain('BA2026-000002');
    expect(done.textContent).toContain('共 2 项问题');
    expect(screen.getByTestId('pack-files').textContent).toContain('BA2026-000002.pack.xlsx');
    expect(calls.find(([c]) => c === 'roster_pack')?.[1]).toEqual({ from: '2026-01-01', to: '2026-01-31', dir: '/home/wang/Documents' });
  });

  it("shows the desk's sentence when the pack is refused", async () => {
    invoke.mockImplementation(async (cmd: string) => {
      if (cmd === 'roster_filings') return [filing('BA2026-000001', null, '2026-02-01T02:00:00Z')];
      if (cmd === 'export_folder') return '/tmp';
      if (cmd === 'roster_pack')
        throw { code: 'receipt_invalid', message_zh: '回执签名无效：回执已被改动或伪造', message_en: 'The receipt does not verify', fields: [] };
      throw `unexpected ${cmd}`;
    });
    renderWithProviders(<RosterFiling />, 'zh-CN', MANAGER);
    fireEvent.click(await screen.findByTestId('pack-write'));
    expect((await screen.findByTestId('pack-error')).textContent).toContain('回执签名无效');
    expect(screen.queryByTestId('pack-done')).toBeNull();
  });
});
