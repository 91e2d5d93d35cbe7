import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';

const invoke = vi.fn();
vi.mock('@tauri-apps/api/core', () => ({ invoke: (...a: unknown[]) => invoke(...a) }));

import EnrolForm, { mapEnrolField, shouldShowIdError } from '../features/enrol/EnrolForm';
import type { Worker } from '../api';
import { renderWithProviders } from './render';

const PREVIEW_OK = {
  ok: true,
  id_number: '11010519491231002X',
  legacy: null,
  birth_date: '1949-12-31',
  gender: 'female',
  age: 76,
  kind: 'resident',
  error: null,
};
const CHECK_ERR = { field: 'id_number', code: 'bad_check', message_zh: '校验位不正确', message_en: 'Wrong check character' };

function mockBackend(handlers: Record<string, (args: Record<string, unknown>) => unknown>) {
  invoke.mockImplementation(async (cmd: string, args: Record<string, unknown>) => {
    const h = handlers[cmd];
    if (!h) throw `unexpected command ${cmd}`;
    return h(args);
  });
}

function setup(props: Partial<Parameters<typeof EnrolForm>[0]> = {}) {
  const onSaved = vi.fn();
  const onCancel = vi.fn();
  const onOpenWorker = vi.fn();
  renderWithProviders(<EnrolForm onSaved={onSaved} onCancel={onCancel} onOpenWorker={onOpenWorker} {...props} />);
  return { onSaved, onCancel, onOpenWorker };
}

const type = (id: string, value: string) => fireEvent.change(document.getElementById(id)!, { target: { value } });

beforeEach(() => {
  invoke.mockReset();
});
afterEach(cleanup);

describe('EnrolForm', () => {
  it('has the stable ids and test hooks', () => {
    mockBackend({});
    setup();
    for (const id of [
      'enrol_name',
      'enrol_id_number',
      'enrol_phone',
      'enrol_address',
      'enrol_service_types',
      'enrol_emergency_contact_name',
      'enrol_emergency_contact_phone',
      'enrol_photo',
      'enrol_consent_date',
      'enrol_agency_check',
    ]) {
      expect(document.getElementById(id), id).not.toBeNull();
    }
    expect((document.getElementById('enrol_consent_date') as HTMLInputElement).value).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(screen.getByTestId('enrol-form')).toBeTruthy();
    expect(screen.getByTestId('id-preview')).toBeTruthy();
    const boxes = document.querySelectorAll<HTMLInputElement>('#enrol_service_types input[type=checkbox]');
    expect(Array.from(boxes).map((b) => b.value)).toEqual(['cleaning', 'infant_care', 'elder_care']);
    expect(screen.getByText(/见证人：张三/)).toBeTruthy();
    // What enrolment in the window requires is marked so (an import may leave the last three to
    // be completed later, the window may not).
    for (const id of ['enrol_name', 'enrol_id_number', 'enrol_phone', 'enrol_address', 'enrol_emergency_contact_name', 'enrol_emergency_contact_phone']) {
      expect(document.querySelector(`label[for='${id}']`)?.className, id).toContain('ant-form-item-required');
    }
  });

  it('shows the live ID preview, and its error only when it is worth shouting', async () => {
    mockBackend({
      id_preview: ({ idNumber }) =>
        idNumber === '11010519491231002X' ? PREVIEW_OK : { ...PREVIEW_OK, ok: false, gender: null, error: CHECK_ERR },
    });
    setup();
    type('enrol_id_number', '11010519491231002X');
    await waitFor(() => expect(screen.getByTestId('id-preview').textContent).toContain('1949-12-31'));
    expect(screen.getByTestId('id-preview').textContent).toContain('女');
    type('enrol_id_number', '1101051949');
    await waitFor(() => expect(screen.getByTestId('id-preview').textContent).not.toContain('1949-12-31'));
    expect(screen.queryByTestId('error-id_number')).toBeNull();
    type('enrol_id_number', '110105194912310021');
    await waitFor(() => expect(screen.getByTestId('error-id_number').textContent).toBe('校验位不正确'));
    expect(invoke).toHaveBeenCalledWith('id_preview', { idNumber: '110105194912310021' });
  });

  it('puts each server field error beside its field and focuses the first one', async () => {
    mockBackend({
      id_preview: () => PREVIEW_OK,
      worker_enrol: () => {
        throw {
          code: 'validation',
          message_zh: '请检查',
          message_en: 'Check',
          fields: [
            { field: 'agency_check_done', code: 'required', message_zh: '须当面核验', message_en: 'Check in person' },
            { field: 'phone', code: 'invalid_phone', message_zh: '手机号不正确', message_en: 'Invalid mobile number' },
          ],
        };
      },
    });
    setup();
    type('enrol_name', '王芳');
    type('enrol_phone', '12345');
    fireEvent.click(screen.getByTestId('enrol-submit'));
    await waitFor(() => expect(screen.getByTestId('error-phone').textContent).toBe('手机号不正确'));
    expect(screen.getByTestId('error-agency_check').textContent).toBe('须当面核验');
    await waitFor(() => expect(document.activeElement?.id).toBe('enrol_phone'));
    const [, args] = invoke.mock.calls.find(([c]) => c === 'worker_enrol')!;
    expect(args.input).toMatchObject({ name: '王芳', phone: '12345', agency_check_done: false, photo_sha256: null });
    // typing in the field clears its error
    type('enrol_phone', '13800000000');
    expect(screen.queryByTestId('error-phone')).toBeNull();
  });

  it('saves on Enter and offers the existing worker on duplicate_id_number', async () => {
    mockBackend({
      id_preview: () => PREVIEW_OK,
      worker_enrol: () => {
        throw {
          code: 'duplicate_id_number',
          message_zh: '该身份证号已登记',
          message_en: 'Already enrolled',
          fields: [],
          existing_worker_id: 'w-42',
        };
      },
    });
    const { onOpenWorker } = setup();
    type('enrol_id_number', '11010519491231002x');
    fireEvent.keyDown(document.getElementById('enrol_id_number')!, { key: 'Enter' });
    await waitFor(() => expect(screen.getByTestId('error-id_number').textContent).toContain('该身份证号已登记'));
    const [, args] = invoke.mock.calls.find(([c]) => c === 'worker_enrol')!;
    expect(args.input.id_number).toBe('11010519491231002X');
    fireEvent.click(screen.getByTestId('duplicate-open'));
    expect(onOpenWorker).toHaveBeenCalledWith('w-42');
  });

  it('asks for a reason when the ID number of an existing worker changes', async () => {
    const worker: Worker = {
      id: 'w1',
      name: '李四',
      id_number: '11010519491231002X',
      id_number_legacy: null,
      gender: 'female',
      birth_date: '1949-12-31',
      phone: '13800000000',
      address: '',
      service_types: ['cleaning'],
      emergency_contact_name: '',
      emergency_contact_phone: '',
      photo_sha256: null,
      consent_date: '2026-11-01',
      consent_witness: '赵六',
      agency_check_done: true,
      agency_check_by: '赵六',
      agency_check_at: '2026-11-01T09:00:00+08:00',
      status: 'enrolled',
      certificate_code: null,
      created_at: '2026-11-01T09:00:00+08:00',
      updated_at: '2026-11-01T09:00:00+08:00',
      version: 1,
      field_times: {},
      field_authors: {},
      consent_witness_id: 'u1',
      agency_check_by_id: 'u1',
      created_by_id: 'u1',
      updated_by_id: 'u1',
      status_at: '2026-11-27T02:00:00.000Z',
    };
    const saved = { ...worker, id_number: '110105194912310029' };
    mockBackend({ id_preview: () => PREVIEW_OK, worker_update: () => saved });
    const { onSaved } = setup({ worker });
    expect(screen.queryByTestId('reason-input')).toBeNull();
    type('enrol_id_number', '110105194912310029');
    fireEvent.click(screen.getByTestId('enrol-submit'));
    await waitFor(() => expect(screen.getByTestId('error-reason')).toBeTruthy());
    expect(invoke.mock.calls.some(([c]) => c === 'worker_update')).toBe(false);
    fireEvent.change(screen.getByTestId('reason-input'), { target: { value: '录入错误' } });
    fireEvent.click(screen.getByTestId('enrol-submit'));
    await waitFor(() => expect(onSaved).toHaveBeenCalledWith(saved));
    const [, args] = invoke.mock.calls.find(([c]) => c === 'worker_update')!;
    expect(args).toMatchObject({ id: 'w1', reason: '录入错误', input: { id_number: '110105194912310029', agency_check_done: true } });
  });

  it('fills name, ID number and address from the ID card (button or F3), and nothing when the reader fails', async () => {
    const CARD = {
      name: '买买提·艾力',
      gender: 'female',
      ethnicity: '维吾尔',
      birth_date: '1949-12-31',
      address: '新疆乌鲁木齐市天山区解放南路100号',
      id_number: '11010519491231002X',
      authority: '乌鲁木齐市公安局天山分局',
      valid_from: '2015-06-01',
      valid_until: '2025-06-01',
    };
    const NO_CARD = {
      code: 'idcard_reader',
      message_zh: '读卡器上没有身份证：请把身份证放在读卡器上再读。未填入任何内容。',
      message_en: 'No ID card on the reader. Nothing was filled.',
      fields: [],
      existing_worker_id: null,
    };
    let answer: unknown = NO_CARD;
    mockBackend({
      id_preview: () => PREVIEW_OK,
      idcard_read: () => {
        if (answer === NO_CARD) throw NO_CARD;
        return answer;
      },
    });
    setup();
    type('enrol_name', '张三');
    fireEvent.click(screen.getByTestId('idcard-read'));
    await waitFor(() => expect(screen.getByTestId('idcard-error').textContent).toContain('读卡器上没有身份证'));
    expect((document.getElementById('enrol_name') as HTMLInputElement).value).toBe('张三');
    expect((document.getElementById('enrol_id_number') as HTMLInputElement).value).toBe('');

    answer = CARD;
    fireEvent.keyDown(document.getElementById('enrol_name')!, { key: 'F3' });
    await waitFor(() => expect((document.getElementById('enrol_name') as HTMLInputElement).value).toBe('买买提·艾力'));
    expect((document.getElementById('enrol_id_number') as HTMLInputElement).value).toBe('11010519491231002X');
    expect((document.getElementById('enrol_address') as HTMLInputElement).value).toBe(CARD.address);
    expect(screen.queryByTestId('idcard-error')).toBeNull();
    await waitFor(() => expect(document.body.textContent).toContain('维吾尔族'));
    expect(document.body.textContent).toContain('2025-06-01 过期');
    await waitFor(() => expect(document.activeElement?.id).toBe('enrol_phone'));
    expect(invoke.mock.calls.filter(([c]) => c === 'idcard_read')).toHaveLength(2);
  });

  it('offers no card reading when editing a worker', () => {
    mockBackend({ id_preview: () => PREVIEW_OK });
    const worker = { id: 'w1', name: '张三', id_number: '11010519491231002X' } as unknown as Worker;
    setup({ worker });
    expect(screen.queryByTestId('idcard-read')).toBeNull();
  });
});

describe('helpers', () => {
  it('maps server field names to form fields', () => {
    expect(mapEnrolField('phone')).toBe('phone');
    expect(mapEnrolField('input.emergency_contact_phone')).toBe('emergency_contact_phone');
    expect(mapEnrolField('agency_check_done')).toBe('agency_check');
    expect(mapEnrolField('service_types[1]')).toBe('service_types');
    expect(mapEnrolField('status')).toBeNull();
  });
  it('does not shout about short all-digit ID numbers', () => {
    expect(shouldShowIdError('11010519')).toBe(false);
    expect(shouldShowIdError('1101a')).toBe(true);
    expect(shouldShowIdError('110105194912310')).toBe(true);
  });
});
