import { useEffect, useState } from 'react';
import App from 'antd/es/app';
import * as api from '../../api';
import type { ApiError } from '../../api';
import SettingCard from '../../components/SettingCard';
import { useI18n } from '../../i18n';

/** 身份证读卡器: the manager chooses the serial port of the ID-card reader (Enter saves). */
export default function IdCardReaderSetting() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [value, setValue] = useState('');
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  useEffect(() => {
    let live = true;
    api
      .idcardPortGet()
      .then((p) => live && p && setValue(p))
      .catch((e) => live && setLoadError(api.toApiError(e)));
    return () => {
      live = false;
    };
  }, []);
  const save = async () => {
    const saved = await api.idcardPortSet(value);
    setValue(saved ?? '');
    setLoadError(null);
    message.success(t('users.idcardPortSaved', { port: saved ?? '' }));
  };
  return (
    <SettingCard
      title={t('users.idcardPort')}
      testid="idcard-port"
      inputId="idcard_port"
      value={value}
      onChange={setValue}
      help={t('users.idcardPortHelp')}
      save={save}
      loadError={loadError}
      input={{ className: 'mono', placeholder: '/dev/ttyUSB0', maxLength: 200, spellCheck: false, style: { width: 220 } }}
    />
  );
}
