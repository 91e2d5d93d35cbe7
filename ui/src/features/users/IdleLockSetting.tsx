import { useState, type KeyboardEvent } from 'react';
import App from 'antd/es/app';
import Button from 'antd/es/button';
import Card from 'antd/es/card';
import Form from 'antd/es/form';
import Input from 'antd/es/input';
import * as api from '../../api';
import type { ApiError } from '../../api';
import { useI18n } from '../../i18n';
import { useSession } from '../../session';

/** 闲置锁定: the manager sets how many idle minutes lock the window (Enter saves). */
export default function IdleLockSetting() {
  const { t, msg } = useI18n();
  const { message } = App.useApp();
  const { app, setIdleLock } = useSession();
  const [value, setValue] = useState(String(app.idle_lock_minutes));
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const save = async () => {
    if (busy) return;
    const minutes = Number(value.trim());
    setBusy(true);
    setError(null);
    try {
      const saved = await api.idleLockSet(Number.isInteger(minutes) && minutes >= 0 ? minutes : 0);
      setIdleLock(saved);
      message.success(t('users.idleLockSaved', { minutes: saved }));
    } catch (e) {
      setError(api.toApiError(e));
    } finally {
      setBusy(false);
    }
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      void save();
    }
  };
  return (
    <Card size="small" title={t('users.idleLock')} className="mt" data-testid="idle-lock">
      <Form layout="inline" onKeyDown={onKeyDown}>
        <Form.Item
          htmlFor="idle_lock_minutes"
          help={error ? msg(error.fields[0] ?? error) : t('users.idleLockHelp')}
          validateStatus={error ? 'error' : undefined}
        >
          <Input id="idle_lock_minutes" value={value} inputMode="numeric" style={{ width: 100 }} onChange={(e) => setValue(e.target.value)} />
        </Form.Item>
        <Button type="primary" loading={busy} onClick={() => void save()} data-testid="idle-lock-save">
          {t('common.save')}
        </Button>
      </Form>
    </Card>
  );
}
