import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';

const invoke = vi.fn();
vi.mock('@tauri-apps/api/core', () => ({ invoke: (...a: unknown[]) => invoke(...a) }));

import TrainingSettingsPage from '../features/training/TrainingSettingsPage';
import { renderWithProviders } from './render';

beforeEach(() => {
  invoke.mockReset();
});
afterEach(cleanup);

const minutes = () => document.getElementById('settings_class_hour_minutes') as HTMLInputElement;
const mark = () => document.getElementById('settings_pass_mark') as HTMLInputElement;

describe('TrainingSettingsPage', () => {
  it('shows the settings in force, says beside the field what the desk refuses, and saves with Enter', async () => {
    const sent: unknown[] = [];
    invoke.mockImplementation(async (cmd: string, args: Record<string, { class_hour_minutes: number; pass_mark: number }>) => {
      if (cmd === 'training_settings_get') return { class_hour_minutes: 45, pass_mark: 60 };
      if (cmd === 'training_settings_set') {
        sent.push(args.settings);
        if (args.settings.class_hour_minutes < 20) {
          throw {
            code: 'validation',
            message_zh: '请检查标红的字段',
            message_en: 'Check the fields marked in red',
            fields: [
              {
                field: 'class_hour_minutes',
                code: 'class_hour_minutes_invalid',
                message_zh: '每课时分钟数应在 20 到 120 之间，您输入了 10',
                message_en: 'A class hour must be 20 to 120 minutes; 10 was given',
              },
            ],
          };
        }
        return args.settings;
      }
      throw `unexpected ${cmd}`;
    });
    renderWithProviders(<TrainingSettingsPage />);
    await waitFor(() => expect(minutes().value).toBe('45'));
    expect(mark().value).toBe('60');

    // Not a number: said at once, nothing sent.
    fireEvent.change(minutes(), { target: { value: '四十五' } });
    fireEvent.keyDown(minutes(), { key: 'Enter' });
    await waitFor(() => expect(screen.getByTestId('error-class_hour_minutes').textContent).toContain('整数'));
    expect(sent).toEqual([]);

    // Out of range: the desk's own sentence beside the field.
    fireEvent.change(minutes(), { target: { value: '10' } });
    fireEvent.keyDown(minutes(), { key: 'Enter' });
    await waitFor(() => expect(screen.getByTestId('error-class_hour_minutes').textContent).toContain('20 到 120'));

    // Full-width digits, as an IME types them, are read.
    fireEvent.change(minutes(), { target: { value: '４０' } });
    fireEvent.change(mark(), { target: { value: '65' } });
    fireEvent.keyDown(mark(), { key: 'Enter' });
    await waitFor(() => expect(screen.getByTestId('settings-current').textContent).toContain('40'));
    expect(screen.getByTestId('settings-current').textContent).toContain('65');
    expect(sent[sent.length - 1]).toEqual({ class_hour_minutes: 40, pass_mark: 65 });
    expect(screen.queryByTestId('error-class_hour_minutes')).toBeNull();
  }, 20000);
});
