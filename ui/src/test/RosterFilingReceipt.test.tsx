import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, screen } from '@testing-library/react';

const invoke = vi.fn();
vi.mock('@tauri-apps/api/core', () => ({ invoke: (...a: unknown[]) => invoke(...a) }));

import RosterFiling from '../features/roster/RosterFiling';
import type { KeptFiling } from '../api';
import { MANAGER, renderWithProviders } from './render';

afterEach(cleanup);

const answered: KeptFiling = {
  filing_id: 'f-1',
  period_from: '2026-11-01',
  period_to: '2026-11-30',
  replaces: null,
  row_count: 2,
  created_at: '2026-12-01T02:00:00.000Z',
  receipt: {
    signature: 's',
    number: 'BA2026-000007',
    filing_id: 'f-1',
    agency_id: 'a',
    agency_name: '上海好帮手家政服务有限公司',
    period_from: '2026-11-01',
    period_to: '2026-11-30',
    rows: 2,
    roster_sha256: 'ab'.repeat(32),
    replaces: null,
    filed_at: '2026-12-01T02:00:01.000Z',
    key_id: 1,
  },
  problem: null,
  problem_sentence: null,
};

describe('a kept filing’s receipt (名册备案回执)', () => {
  it('is printed as a PDF into the export folder from its row, and the path is shown', async () => {
    invoke.mockImplementation(async (cmd: string, args?: Record<string, unknown>) => {
      if (cmd === 'roster_filings') return [answered, { ...answered, filing_id: 'f-0', receipt: null }];
      if (cmd === 'export_folder') return '/home/clerk/certdesk-exports';
      if (cmd === 'roster_receipt_pdf') return `${args?.dir as string}/名册备案回执-${args?.number as string}.pdf`;
      return null;
    });
    renderWithProviders(<RosterFiling />, 'zh-CN', MANAGER);
    const buttons = await screen.findAllByTestId('receipt-pdf');
    expect(buttons).toHaveLength(1);
    fireEvent.click(buttons[0]);
    const done = await screen.findByTestId('receipt-printed');
    expect(done.textContent).toContain('/home/clerk/certdesk-exports/名册备案回执-BA2026-000007.pdf');
    expect(invoke).toHaveBeenCalledWith('roster_receipt_pdf', { number: 'BA2026-000007', dir: '/home/clerk/certdesk-exports' });
  });

  it('says why when it cannot be printed', async () => {
    invoke.mockImplementation(async (cmd: string) => {
      if (cmd === 'roster_filings') return [answered];
      if (cmd === 'export_folder') return '/tmp';
      if (cmd === 'roster_receipt_pdf') throw { code: 'receipt_invalid', message_zh: '回执 BA2026-000007 不对应本机准备的任何备案', message_en: 'x', fields: [] };
      return null;
    });
    renderWithProviders(<RosterFiling />, 'zh-CN', MANAGER);
    fireEvent.click(await screen.findByTestId('receipt-pdf'));
    expect((await screen.findByTestId('receipt-print-error')).textContent).toContain('不对应本机准备的任何备案');
  });
});
