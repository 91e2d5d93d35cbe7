import { useState, type KeyboardEvent } from 'react';
import Alert from 'antd/es/alert';
import Button from 'antd/es/button';
import Form from 'antd/es/form';
import Input from 'antd/es/input';
import * as api from '../../api';
import type { ApiError, SessionUser } from '../../api';
import { useI18n } from '../../i18n';
import { fieldStatus } from '../../components/FieldHelp';
import { LangSwitch } from '../../components/LangSwitch';
import { lastSegment, splitFieldErrors, type FieldErrors } from '../../formErrors';
import { enterSubmits, focusById } from '../../util';

export default function LoginPage({ agencyName, onLogin }: { agencyName: string; onLogin: (u: SessionUser) => void }) {
  const { t, msg } = useI18n();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [failure, setFailure] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    if (busy) return;
    const errs: FieldErrors = {};
    if (!username.trim()) errs.username = t('form.required');
    if (!password) errs.password = t('form.required');
    setErrors(errs);
    setFailure(null);
    if (errs.username || errs.password) {
      focusById(errs.username ? 'login_username' : 'login_password');
      return;
    }
    setBusy(true);
    try {
      onLogin(await api.login(username.trim(), password));
    } catch (e) {
      const err = api.toApiError(e);
      const { byField } = splitFieldErrors(err, msg, (f) => {
        const l = lastSegment(f);
        return l === 'username' || l === 'password' ? l : null;
      });
      setErrors(byField);
      if (!byField.username && !byField.password) setFailure(err);
      setPassword('');
      setTimeout(() => focusById(byField.username ? 'login_username' : 'login_password'), 0);
    } finally {
      setBusy(false);
    }
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (enterSubmits(e)) {
      e.preventDefault();
      void submit();
    }
  };

  return (
    <div className="center-page">
      <div className="login-card">
        <div className="card-title">
          <h1 className="login-title">{t('app.title')}</h1>
          <LangSwitch />
        </div>
        {agencyName && <div className="login-agency">{agencyName}</div>}
        <Form layout="vertical" data-testid="login-form" onKeyDown={onKeyDown}>
          <Form.Item label={t('user.username')} htmlFor="login_username" {...fieldStatus('username', errors.username)}>
            <Input
              id="login_username"
              autoFocus
              autoComplete="username"
              value={username}
              onChange={(e) => {
                setUsername(e.target.value);
                setFailure(null);
              }}
            />
          </Form.Item>
          <Form.Item label={t('user.password')} htmlFor="login_password" {...fieldStatus('password', errors.password)}>
            <Input.Password
              id="login_password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => {
                setPassword(e.target.value);
                setFailure(null);
              }}
            />
          </Form.Item>
          {failure && (
            <Alert type="error" showIcon className="form-alert" data-testid="login-error" message={msg(failure)} />
          )}
          <Button type="primary" block loading={busy} data-testid="login-submit" onClick={() => void submit()}>
            {t('login.submit')}
          </Button>
        </Form>
      </div>
    </div>
  );
}
