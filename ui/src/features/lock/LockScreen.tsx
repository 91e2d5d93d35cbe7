import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import Alert from 'antd/es/alert';
import Button from 'antd/es/button';
import Input, { type InputRef } from 'antd/es/input';
import Typography from 'antd/es/typography';
import * as api from '../../api';
import type { ApiError, SessionUser } from '../../api';
import { useI18n } from '../../i18n';

/** 锁屏: the window locked after the manager's idle time. The desk's session has ended; what was
 * on the screen (a half-typed form too) stays underneath, covered, until the same user types
 * their password again (Enter), or someone else signs in instead (then it is dropped). Wrong
 * passwords are throttled like the sign-in screen's. */
export default function LockScreen({
  user,
  minutes,
  onUnlock,
  onSwitchUser,
}: {
  user: SessionUser;
  minutes: number;
  onUnlock: (u: SessionUser) => void;
  onSwitchUser: () => void;
}) {
  const { t, msg } = useI18n();
  const [password, setPassword] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const input = useRef<InputRef>(null);
  useEffect(() => input.current?.focus(), []);

  const unlock = async () => {
    if (busy || !password) return;
    setBusy(true);
    setError(null);
    try {
      onUnlock(await api.login(user.username, password));
    } catch (e) {
      setError(api.toApiError(e));
      setPassword('');
      input.current?.focus();
    } finally {
      setBusy(false);
    }
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      void unlock();
    }
  };
  return (
    <div className="lock-screen" role="dialog" aria-modal="true" data-testid="lock-screen">
      <div className="lock-box">
        <Typography.Title level={4}>{t('lock.title')}</Typography.Title>
        <p>{t('lock.why', { minutes, name: user.display_name })}</p>
        <label htmlFor="lock_password">{t('lock.password')}</label>
        <Input.Password
          id="lock_password"
          ref={input}
          value={password}
          autoComplete="current-password"
          onChange={(e) => setPassword(e.target.value)}
          onKeyDown={onKeyDown}
          data-testid="lock-password"
        />
        {error && <Alert className="mt" type="error" showIcon message={msg(error)} data-testid="lock-error" />}
        <div className="mt">
          <Button type="primary" loading={busy} onClick={() => void unlock()} data-testid="lock-unlock">
            {t('lock.unlock')}
          </Button>{' '}
          <Button onClick={onSwitchUser} data-testid="lock-switch">
            {t('lock.switchUser')}
          </Button>
        </div>
      </div>
    </div>
  );
}
