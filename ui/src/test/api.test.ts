import { beforeEach, describe, expect, it, vi } from 'vitest';

const invoke = vi.fn();
vi.mock('@tauri-apps/api/core', () => ({ invoke: (...a: unknown[]) => invoke(...a) }));

import * as api from '../api';
import { IPC_ERROR, isApiError, toApiError } from '../api';
import type { ApiCode } from '../api';

const validation = {
  code: 'validation',
  message_zh: '请检查填写的内容',
  message_en: 'Please check the form',
  fields: [{ field: 'phone', code: 'invalid_phone', message_zh: '手机号不正确', message_en: 'Invalid mobile number' }],
};

beforeEach(() => {
  invoke.mockReset();
});

describe('ApiCode', () => {
  it('is the generated set of codes, so a code typed by hand must be one of them', () => {
    const known: ApiCode[] = ['unauthorized', 'records_in_class', 'duplicate_id_number', 'reason_required', IPC_ERROR];
    // @ts-expect-error a code the desk does not have fails the build (`tsc`), not the clerk
    const unknown: ApiCode = 'no_such_code';
    const forwarded: ApiCode = 'platform_already_certified';
    expect([...known, unknown, forwarded]).toHaveLength(7);
  });
});

describe('isApiError', () => {
  it('accepts the contract shape and rejects others', () => {
    expect(isApiError(validation)).toBe(true);
    expect(isApiError({ code: 'x', message_zh: 'a', message_en: 'b' })).toBe(true);
    expect(isApiError('boom')).toBe(false);
    expect(isApiError(null)).toBe(false);
    expect(isApiError({ code: 'x', message: 'y' })).toBe(false);
    expect(isApiError({ code: 1, message_zh: 'a', message_en: 'b' })).toBe(false);
  });
});

describe('toApiError', () => {
  it('keeps an ApiError, its fields and existing_worker_id', () => {
    const e = toApiError({ ...validation, code: 'duplicate_id_number', existing_worker_id: 'w-1' });
    expect(e.code).toBe('duplicate_id_number');
    expect(e.fields).toEqual(validation.fields);
    expect(e.existing_worker_id).toBe('w-1');
  });

  it('fills in a missing fields array and a missing language', () => {
    const e = toApiError({ code: 'not_found', message_zh: '找不到该人员', message_en: '' });
    expect(e.fields).toEqual([]);
    expect(e.message_en).toBe('找不到该人员');
  });

  it('drops malformed field entries', () => {
    const e = toApiError({ ...validation, fields: [validation.fields[0], 'junk', { code: 'x' }] });
    expect(e.fields).toHaveLength(1);
  });

  it('wraps a Tauri-level string failure', () => {
    const e = toApiError('command worker_frob not found');
    expect(e).toEqual({
      code: IPC_ERROR,
      message_zh: '系统错误：command worker_frob not found',
      message_en: 'System error: command worker_frob not found',
      fields: [],
    });
  });

  it('parses an ApiError that arrived as a JSON string', () => {
    expect(toApiError(JSON.stringify(validation)).code).toBe('validation');
  });

  it('wraps Error objects and unknown values', () => {
    expect(toApiError(new TypeError('no bridge')).message_en).toBe('System error: no bridge');
    const u = toApiError(undefined);
    expect(u.code).toBe(IPC_ERROR);
    expect(isApiError(u)).toBe(true);
  });
});

describe('command wrappers', () => {
  it('pass camelCase argument keys exactly as docs/ipc.md says', async () => {
    invoke.mockResolvedValue(null);
    await api.idPreview('110105');
    await api.photoPrepare('QUJD');
    await api.workerSearch('张', null, 50);
    await api.workerUpdate('w1', {} as api.WorkerInput, '录入错误');
    await api.login('a', 'b');
    await api.appState();
    expect(invoke.mock.calls).toEqual([
      ['id_preview', { idNumber: '110105' }],
      ['photo_prepare', { bytesB64: 'QUJD' }],
      ['worker_search', { query: '张', status: null, limit: 50 }],
      ['worker_update', { id: 'w1', input: {}, reason: '录入错误' }],
      ['login', { username: 'a', password: 'b' }],
      ['app_state', undefined],
    ]);
  });

  it('reject with a normalised ApiError', async () => {
    invoke.mockRejectedValueOnce('invalid args `idNumber` for command `id_preview`');
    await expect(api.idPreview('x')).rejects.toMatchObject({ code: IPC_ERROR, fields: [] });
    invoke.mockRejectedValueOnce(validation);
    await expect(api.workerEnrol({} as api.WorkerInput)).rejects.toEqual(validation);
  });

  it('report "unauthorized" to the session handler (but not from login)', async () => {
    const handler = vi.fn();
    api.setUnauthorizedHandler(handler);
    const unauth = { code: 'unauthorized', message_zh: '请先登录', message_en: 'Please sign in', fields: [] };
    invoke.mockRejectedValueOnce(unauth);
    await expect(api.workerGet('w1')).rejects.toMatchObject({ code: 'unauthorized' });
    expect(handler).toHaveBeenCalledTimes(1);
    invoke.mockRejectedValueOnce(unauth);
    await expect(api.login('a', 'b')).rejects.toMatchObject({ code: 'unauthorized' });
    expect(handler).toHaveBeenCalledTimes(1);
    api.setUnauthorizedHandler(null);
  });
});
