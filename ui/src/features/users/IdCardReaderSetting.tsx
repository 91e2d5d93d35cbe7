import { useEffect, useState, type KeyboardEvent } from 'react';
import App from 'antd/es/app';
import Button from 'antd/es/button';
import Card from 'antd/es/card';
import Form from 'antd/es/form';
import Input from 'antd/es/input';
import * as api from '../../api';
import type { ApiError } from '../../api';
import { useI18n } from '../../i18n';

/** 身份证读卡器: the manager chooses the serial port of the ID-card reader (Enter saves). */
export default function IdCardReaderSetting() {
  const { t, msg } = useI18n();
  const { message } = App.useApp();
  const [value, setValue] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    let live = true;
    api
      .idcardPortGet()
      .then((p) => live && p && setValue(p))
      .catch((e) => live && setError(api.toApiError(e)));
    return () => {
      live = false;
    };
  }, []);
  const save = async () => {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      const saved = await api.idcardPortSet(value);
      setValue(saved ?? '');
      message.success(t('users.idcardPortSaved', { port: saved ?? '' }));
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
    <Card size="small" title={t('users.idcardPort')} className="mt" data-testid="idcard-port">
      <Form layout="inline" onKeyDown={onKeyDown}>
        <Form.Item
          htmlFor="idcard_port"
          help={error ? msg(error.fields[0] ?? error) : t('users.idcardPortHelp')}
          validateStatus={error ? 'error' : undefined}
        >
          <Input
            id="idcard_port"
            className="mono"
            value={value}
            placeholder="/dev/ttyUSB0"
            maxLength={200}
            spellCheck={false}
            style={{ width: 220 }}
            onChange={(e) => setValue(e.target.value)}
          />
        </Form.Item>
        <Button type="primary" loading={busy} onClick={() => void save()} data-testid="idcard-port-save">
          {t('common.save')}
        </Button>
      </Form>
    </Card>
  );
}
