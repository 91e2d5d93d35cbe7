import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';

const invoke = vi.fn();
vi.mock('@tauri-apps/api/core', () => ({ invoke: (...a: unknown[]) => invoke(...a) }));

import CardPanel from '../features/cards/CardPanel';
import type { ApiError, CardState } from '../api';
import { renderWithProviders } from './render';

const STATE: CardState = {
  status: 'printed',
  certificate: null,
  prints: [],
  handovers: [],
  losses: [],
  cancellation: null,
  awaiting_replacement: false,
  print_refusal: null,
  can_issue: true,
  can_report_loss: false,
  can_cancel: false,
  activation: null,
};

const FUTURE: ApiError = {
  code: 'issued_on',
  message_zh: '发放日期不能晚于今天',
  message_en: 'The hand-over date cannot be in the future',
  fields: [{ field: 'issued_on', code: 'issued_on', message_zh: '发放日期不能晚于今天', message_en: 'The hand-over date cannot be in the future' }],
};

const NOT_PRINTED: ApiError = { code: 'not_printed', message_zh: '第 1 版卡片尚未打印，不能发放', message_en: 'Card version 1 has not been printed yet', fields: [] };

function backend(issueRefusal: ApiError) {
  invoke.mockImplementation(async (cmd: string) => {
    if (cmd === 'card_state') return STATE;
    if (cmd === 'card_issue') throw issueRefusal;
    throw `unexpected command ${cmd}`;
  });
}

beforeEach(() => {
  invoke.mockReset();
});
afterEach(cleanup);

describe('CardPanel', () => {
  it('puts a refused field’s sentence beside that field, not in the box below the form', async () => {
    backend(FUTURE);
    renderWithProviders(<CardPanel id="w1" name="张三" onChanged={() => undefined} />);
    fireEvent.click(await screen.findByTestId('card-issue-btn'));
    fireEvent.click(await screen.findByTestId('issue-ok'));
    expect((await screen.findByTestId('error-issued_on')).textContent).toBe('发放日期不能晚于今天');
    expect(screen.queryByTestId('card-error')).toBeNull();
  });

  it('shows a refusal that names no field of the dialog in the box below the form', async () => {
    backend(NOT_PRINTED);
    renderWithProviders(<CardPanel id="w1" name="张三" onChanged={() => undefined} />);
    fireEvent.click(await screen.findByTestId('card-issue-btn'));
    fireEvent.click(await screen.findByTestId('issue-ok'));
    await waitFor(() => expect(screen.getByTestId('card-error').textContent).toContain('尚未打印'));
    expect(screen.queryByTestId('error-issued_on')).toBeNull();
  });

  it('shows the electronic card code after hand-over and makes a new one on request', async () => {
    const issued: CardState = {
      ...STATE,
      status: 'issued',
      can_issue: false,
      activation: { certificate_code: 'SH042026000501K', card_version: 1, code: 'K7Q2-M9XD', url: 'https://p.example/e?code=K7Q2M9XD', created_at: '2026-12-04T02:00:00Z' },
    };
    const renewed: CardState = { ...issued, activation: { ...issued.activation!, code: 'R8S9-T2U3', url: 'https://p.example/e?code=R8S9T2U3' } };
    invoke.mockImplementation(async (cmd: string) => {
      if (cmd === 'card_state') return issued;
      if (cmd === 'card_activation_renew') return renewed;
      throw `unexpected command ${cmd}`;
    });
    renderWithProviders(<CardPanel id="w1" name="张三" onChanged={() => undefined} />);
    expect((await screen.findByTestId('card-activation-code')).textContent).toBe('K7Q2-M9XD');
    expect(screen.getByTestId('card-activation').textContent).toContain('https://p.example/e?code=K7Q2M9XD');
    fireEvent.click(screen.getByTestId('card-activation-renew'));
    await waitFor(() => expect(screen.getByTestId('card-activation-code').textContent).toBe('R8S9-T2U3'));
    expect(invoke).toHaveBeenCalledWith('card_activation_renew', { workerId: 'w1' });
  });
});
