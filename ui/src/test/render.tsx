import type { ReactElement, ReactNode } from 'react';
import { render } from '@testing-library/react';
import AntApp from 'antd/es/app';
import ConfigProvider from 'antd/es/config-provider';
import type { AppState, SessionUser } from '../api';
import { I18nProvider, type Lang } from '../i18n';
import { SessionProvider } from '../session';

export const APP_STATE: AppState = {
  agency: {
    name: '上海好帮手家政服务有限公司',
    credit_code: '91310000MA1FL0000X',
    district: '浦东新区',
    address: '浦东新区世纪大道 1 号',
    phone: '021-50000000',
    updated_at: '2026-11-27T10:00:00+08:00',
  },
  has_users: true,
  user: null,
  data_dir: '/tmp/certdesk',
  districts: ['黄浦区', '徐汇区', '浦东新区'],
  service_types: [
    { code: 'cleaning', label_zh: '保洁', label_en: 'Cleaning' },
    { code: 'infant_care', label_zh: '育婴', label_en: 'Infant care' },
    { code: 'elder_care', label_zh: '养老护理', label_en: 'Elder care' },
  ],
  statuses: [
    { code: 'enrolled', label_zh: '已登记', label_en: 'Enrolled' },
    { code: 'issued', label_zh: '已发证', label_en: 'Issued' },
  ],
  idle_lock_minutes: 15,
};

export const CLERK: SessionUser = { id: 'u1', username: 'zhang', display_name: '张三', role: 'clerk' };

export const MANAGER: SessionUser = { id: 'u0', username: 'wang', display_name: '王经理', role: 'manager' };

export function Providers({ children, lang = 'zh-CN', user = CLERK }: { children: ReactNode; lang?: Lang; user?: SessionUser }) {
  return (
    <I18nProvider initial={lang}>
      <ConfigProvider theme={{ token: { motion: false } }}>
        <AntApp>
          <SessionProvider app={APP_STATE} user={user} setAgency={() => undefined}>
            {children}
          </SessionProvider>
        </AntApp>
      </ConfigProvider>
    </I18nProvider>
  );
}

export function renderWithProviders(ui: ReactElement, lang: Lang = 'zh-CN', user: SessionUser = CLERK) {
  return render(
    <Providers lang={lang} user={user}>
      {ui}
    </Providers>,
  );
}
