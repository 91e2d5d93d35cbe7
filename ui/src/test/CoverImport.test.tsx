import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';

const invoke = vi.fn();
vi.mock('@tauri-apps/api/core', () => ({ invoke: (...a: unknown[]) => invoke(...a) }));

import CoverImport from '../features/import/CoverImport';
import { renderWithProviders } from './render';

beforeEach(() => {
  invoke.mockReset();
});
afterEach(cleanup);

const report = (dry_run: boolean) => ({
  kind: 'health',
  file_kind: 'csv',
  encoding: 'utf-8',
  sheet: null,
  header_row: 1,
  mapping: [],
  ignored_headers: [],
  total_rows: 2,
  blank_rows: 0,
  valid_rows: 1,
  already_recorded: 0,
  invalid_rows: 1,
  imported: dry_run ? 0 : 1,
  dry_run,
  issues: [
    {
      row: 3,
      column: 'C',
      header: '体检日期',
      field: 'checked_on',
      code: 'date_future',
      message_zh: '体检日期不能晚于今天',
      message_en: 'The check date cannot be after today',
      severity: 'error',
    },
  ],
});

describe('CoverImport', () => {
  it('previews a health-check file of the chosen kind, shows each bad row, then imports the good ones', async () => {
    const calls: [string, unknown][] = [];
    invoke.mockImplementation(async (cmd: string, args: unknown) => {
      calls.push([cmd, args]);
      if (cmd === 'cover_import_preview') return report(true);
      if (cmd === 'cover_import_run') return report(false);
      throw new Error(`unexpected ${cmd}`);
    });
    const { container } = renderWithProviders(<CoverImport kind="health" folder="/tmp" />);
    const input = container.querySelector('#cover_file') as HTMLInputElement;
    const file = new File(['身份证号,体检日期\n'], '体检.csv', { type: 'text/csv' });
    fireEvent.change(input, { target: { files: [file] } });
    await screen.findByText('体检日期不能晚于今天');
    expect(calls[0][0]).toBe('cover_import_preview');
    expect((calls[0][1] as { kind: string }).kind).toBe('health');
    fireEvent.click(screen.getByTestId('import-run'));
    await waitFor(() => expect(screen.getByTestId('import-result').textContent).toContain('新增 1 条'));
    expect(calls.map((c) => c[0])).toEqual(['cover_import_preview', 'cover_import_run']);
  });
});
