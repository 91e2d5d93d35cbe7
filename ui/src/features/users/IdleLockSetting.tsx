import { useState } from 'react';
import App from 'antd/es/app';
import * as api from '../../api';
import SettingCard from '../../components/SettingCard';
import { useI18n } from '../../i18n';
import { useSession } from '../../session';

/** 闲置锁定: the manager sets how many idle minutes lock the window (Enter saves). */
export default function IdleLockSetting() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { app, setIdleLock } = useSession();
  const [value, setValue] = useState(String(app.idle_lock_minutes));
  const save = async () => {
    const minutes = Number(value.trim());
    const saved = await api.idleLockSet(Number.isInteger(minutes) && minutes >= 0 ? minutes : 0);
    setIdleLock(saved);
    message.success(t('users.idleLockSaved', { minutes: saved }));
  };
  return (
    <SettingCard
      title={t('users.idleLock')}
      testid="idle-lock"
      inputId="idle_lock_minutes"
      value={value}
      onChange={setValue}
      help={t('users.idleLockHelp')}
      save={save}
      input={{ inputMode: 'numeric', style: { width: 100 } }}
    />
  );
}
