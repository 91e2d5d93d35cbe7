import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { useState } from 'react';

const invoke = vi.fn();
vi.mock('@tauri-apps/api/core', () => ({ invoke: (...a: unknown[]) => invoke(...a) }));

import WorkerList, { type ListState } from '../features/workers/WorkerList';
import type { WorkerSummary } from '../api';
import { renderWithProviders } from './render';

const w = (id: string, name: string): WorkerSummary => ({
  id,
  name,
  id_number: '11010519491231002X',
  phone: '13800000000',
  gender: 'female',
  status: 'enrolled',
  certificate_code: null,
  updated_at: '2026-11-27 10:31:00',
});

function Harness({ onOpen }: { onOpen: (id: string) => void }) {
  const [s, setS] = useState<ListState>({ query: '', status: '' });
  return <WorkerList state={s} onState={setS} onOpen={onOpen} />;
}

afterEach(cleanup);

describe('WorkerList', () => {
  it('lists, counts, ignores stale answers, sends ui_ready once, opens with Enter', async () => {
    const resolvers: Record<string, (v: unknown) => void> = {};
    invoke.mockImplementation((cmd: string, args: { query: string }) => {
      if (cmd === 'ui_ready') return Promise.resolve(null);
      if (args.query === '') return Promise.resolve({ items: [w('a', '王芳'), w('b', '李娜')], total: 2 });
      return new Promise((r) => (resolvers[args.query] = r));
    });
    const onOpen = vi.fn();
    renderWithProviders(<Harness onOpen={onOpen} />);
    await waitFor(() => expect(screen.getAllByTestId('worker-row')).toHaveLength(2));
    expect(screen.getByTestId('worker-total').textContent).toBe('共 2 人');
    expect(screen.getAllByText('已登记').length).toBeGreaterThan(1);
    await waitFor(() => expect(invoke.mock.calls.filter(([c]) => c === 'ui_ready')).toHaveLength(1));

    const input = screen.getByTestId('search-input');
    fireEvent.change(input, { target: { value: '李' } });
    await waitFor(() => expect(resolvers['李']).toBeDefined());
    fireEvent.change(input, { target: { value: '李娜' } });
    await waitFor(() => expect(resolvers['李娜']).toBeDefined());
    await act(async () => resolvers['李娜']({ items: [w('b', '李娜')], total: 1 }));
    await act(async () => resolvers['李']({ items: [w('x', '李一'), w('y', '李二'), w('z', '李三')], total: 3 }));
    expect(screen.getByTestId('worker-total').textContent).toBe('共 1 人');
    expect(screen.getAllByTestId('worker-row').map((r) => r.getAttribute('data-worker-id'))).toEqual(['b']);

    fireEvent.keyDown(input, { key: 'Enter' });
    expect(onOpen).toHaveBeenCalledWith('b');
    expect(invoke.mock.calls.filter(([c]) => c === 'ui_ready')).toHaveLength(1);
    expect(invoke).toHaveBeenCalledWith('worker_search', { query: '李娜', status: null, limit: 50 });
  });
});
