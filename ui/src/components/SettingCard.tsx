import { useState, type KeyboardEvent } from 'react';
import Button from 'antd/es/button';
import Card from 'antd/es/card';
import Form from 'antd/es/form';
import Input, { type InputProps } from 'antd/es/input';
import * as api from '../api';
import type { ApiError } from '../api';
import { useI18n } from '../i18n';

/**
 * One setting of the users page as a small card: a field, its help (or the refusal in its
 * place), and 保存 (or Enter). `save` throws what the desk refused; the card shows it and keeps
 * the value typed. The save button's test hook is `${testid}-save`.
 */
export default function SettingCard({
  title,
  testid,
  inputId,
  value,
  onChange,
  help,
  save,
  loadError = null,
  input,
}: {
  title: string;
  testid: string;
  inputId: string;
  value: string;
  onChange: (value: string) => void;
  help: string;
  save: () => Promise<void>;
  /** Why the current value could not be read, shown until a save answers. */
  loadError?: ApiError | null;
  input?: Omit<InputProps, 'id' | 'value' | 'onChange'>;
}) {
  const { t, msg } = useI18n();
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const shown = error ?? loadError;
  const submit = async () => {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      await save();
    } catch (e) {
      setError(api.toApiError(e));
    } finally {
      setBusy(false);
    }
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      void submit();
    }
  };
  return (
    <Card size="small" title={title} className="mt" data-testid={testid}>
      <Form layout="inline" onKeyDown={onKeyDown}>
        <Form.Item htmlFor={inputId} help={shown ? msg(shown.fields[0] ?? shown) : help} validateStatus={shown ? 'error' : undefined}>
          <Input {...input} id={inputId} value={value} onChange={(e) => onChange(e.target.value)} />
        </Form.Item>
        <Button type="primary" loading={busy} onClick={() => void submit()} data-testid={`${testid}-save`}>
          {t('common.save')}
        </Button>
      </Form>
    </Card>
  );
}
