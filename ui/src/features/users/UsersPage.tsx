import { useCallback, useEffect, useState, type KeyboardEvent } from 'react';
import Alert from 'antd/es/alert';
import App from 'antd/es/app';
import Button from 'antd/es/button';
import Card from 'antd/es/card';
import Col from 'antd/es/col';
import Form from 'antd/es/form';
import Input from 'antd/es/input';
import Modal from 'antd/es/modal';
import Radio from 'antd/es/radio';
import Row from 'antd/es/row';
import Space from 'antd/es/space';
import Table from 'antd/es/table';
import Tag from 'antd/es/tag';
import Typography from 'antd/es/typography';
import * as api from '../../api';
import type { ApiError, NewUser, Role, UserInfo } from '../../api';
import { useI18n } from '../../i18n';
import { useSession } from '../../session';
import { fieldStatus } from '../../components/FieldHelp';
import { firstErrorField, lastSegment, splitFieldErrors, type FieldErrors } from '../../formErrors';
import { enterSubmits, focusById, formatTime } from '../../util';
import IdleLockSetting from './IdleLockSetting';
import IdCardReaderSetting from './IdCardReaderSetting';
import UpdateCard from './UpdateCard';
import BackupCard from './BackupCard';

const USER_FIELDS = ['username', 'display_name', 'role', 'password'] as const;
const EMPTY: NewUser = { username: '', display_name: '', role: 'clerk', password: '' };

export default function UsersPage() {
  const { t, msg } = useI18n();
  const { message } = App.useApp();
  const { roleLabel, user: me } = useSession();
  const [users, setUsers] = useState<UserInfo[] | null>(null);
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  const [v, setV] = useState<NewUser>(EMPTY);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  // 重置密码: whose, the new password, its error.
  const [resetting, setResetting] = useState<UserInfo | null>(null);
  const [newPassword, setNewPassword] = useState('');
  const [resetError, setResetError] = useState<string | null>(null);

  const load = useCallback(() => {
    api
      .userList()
      .then((u) => {
        setUsers(u);
        setLoadError(null);
      })
      .catch((e: unknown) => setLoadError(api.toApiError(e)));
  }, []);
  useEffect(load, [load]);

  const change = <K extends keyof NewUser>(k: K, val: NewUser[K]) => {
    setV((o) => ({ ...o, [k]: val }));
    setErrors((e) => ({ ...e, [k]: undefined }));
  };

  const show = (errs: FieldErrors) => {
    setErrors(errs);
    const first = firstErrorField(USER_FIELDS, errs);
    if (first) setTimeout(() => focusById(`user_${first}`), 0);
  };

  const submit = async () => {
    if (busy) return;
    const errs: FieldErrors = {};
    if (!v.username.trim()) errs.username = t('form.required');
    if (!v.display_name.trim()) errs.display_name = t('form.required');
    if (v.password.length < 8) errs.password = t('user.passwordTooShort');
    if (Object.keys(errs).length) return show(errs);
    setBusy(true);
    try {
      const u = await api.userAdd({ ...v, username: v.username.trim(), display_name: v.display_name.trim() });
      message.success(t('users.added', { name: u.display_name }));
      setV(EMPTY);
      setErrors({});
      load();
      setTimeout(() => focusById('user_username'), 0);
    } catch (e) {
      const err = api.toApiError(e);
      const { byField, rest } = splitFieldErrors(err, msg, (f) => {
        const l = lastSegment(f);
        return (USER_FIELDS as readonly string[]).includes(l) ? l : null;
      });
      if (Object.keys(byField).length) show(byField);
      if (rest.length || !Object.keys(byField).length) message.error(rest.length ? rest.join('；') : msg(err));
    } finally {
      setBusy(false);
    }
  };

  const setDisabled = async (u: UserInfo, disabled: boolean) => {
    try {
      const done = await api.userSetDisabled(u.username, disabled);
      message.success(t(disabled ? 'users.disabledDone' : 'users.enabledDone', { name: done.display_name }));
      load();
    } catch (e) {
      message.error(msg(api.toApiError(e)));
    }
  };

  const resetPassword = async () => {
    if (!resetting) return;
    if (newPassword.length < 8) return setResetError(t('user.passwordTooShort'));
    try {
      const done = await api.userResetPassword(resetting.username, newPassword);
      message.success(t('users.passwordDone', { name: done.display_name }));
      setResetting(null);
      setNewPassword('');
      setResetError(null);
    } catch (e) {
      setResetError(msg(api.toApiError(e)));
    }
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (enterSubmits(e)) {
      e.preventDefault();
      void submit();
    }
  };

  return (
    <div className="page">
      <Typography.Title level={4} className="page-title">
        {t('users.title')}
      </Typography.Title>
      {loadError && <Alert type="error" showIcon className="form-alert" message={msg(loadError)} />}
      <Typography.Paragraph type="secondary">{t('users.agencyWide')}</Typography.Paragraph>
      <div data-testid="user-table">
        <Table<UserInfo>
          size="small"
          rowKey="id"
          pagination={false}
          loading={!users && !loadError}
          dataSource={users ?? []}
          columns={[
            { title: t('user.username'), dataIndex: 'username', key: 'username' },
            { title: t('user.displayName'), dataIndex: 'display_name', key: 'display_name' },
            {
              title: t('user.role'),
              dataIndex: 'role',
              key: 'role',
              render: (r: Role) => <Tag color={r === 'manager' ? 'geekblue' : undefined}>{roleLabel(r)}</Tag>,
            },
            { title: t('user.createdAt'), dataIndex: 'created_at', key: 'created_at', render: (s: string) => formatTime(s) },
            {
              title: t('user.state'),
              dataIndex: 'disabled',
              key: 'disabled',
              render: (d: boolean) => (d ? <Tag color="red">{t('user.disabled')}</Tag> : <Tag color="green">{t('user.enabled')}</Tag>),
            },
            {
              title: t('users.actions'),
              key: 'actions',
              render: (_: unknown, u: UserInfo) => (
                <Space size="small">
                  {u.id !== me.id && (
                    <Button size="small" danger={!u.disabled} data-testid={`user-toggle-${u.username}`} onClick={() => void setDisabled(u, !u.disabled)}>
                      {u.disabled ? t('users.enable') : t('users.disable')}
                    </Button>
                  )}
                  <Button
                    size="small"
                    data-testid={`user-reset-${u.username}`}
                    onClick={() => {
                      setResetting(u);
                      setNewPassword('');
                      setResetError(null);
                    }}
                  >
                    {t('users.resetPassword')}
                  </Button>
                </Space>
              ),
            },
          ]}
        />
      </div>
      <Card size="small" title={t('users.addTitle')} className="mt">
        <Form layout="vertical" className="compact-form" data-testid="user-form" onKeyDown={onKeyDown} autoComplete="off">
          <Row gutter={16}>
            <Col span={6}>
              <Form.Item label={t('user.username')} htmlFor="user_username" required {...fieldStatus('username', errors.username)}>
                <Input id="user_username" value={v.username} onChange={(e) => change('username', e.target.value)} />
              </Form.Item>
            </Col>
            <Col span={6}>
              <Form.Item
                label={t('user.displayName')}
                htmlFor="user_display_name"
                required
                {...fieldStatus('display_name', errors.display_name)}
              >
                <Input id="user_display_name" value={v.display_name} onChange={(e) => change('display_name', e.target.value)} />
              </Form.Item>
            </Col>
            <Col span={6}>
              <Form.Item label={t('user.role')} htmlFor="user_role" required {...fieldStatus('role', errors.role)}>
                <Radio.Group
                  id="user_role"
                  value={v.role}
                  onChange={(e) => change('role', e.target.value as Role)}
                  options={[
                    { value: 'clerk', label: t('role.clerk') },
                    { value: 'manager', label: t('role.manager') },
                  ]}
                />
              </Form.Item>
            </Col>
            <Col span={6}>
              <Form.Item label={t('user.password')} htmlFor="user_password" required {...fieldStatus('password', errors.password)}>
                <Input.Password
                  id="user_password"
                  autoComplete="new-password"
                  placeholder={t('user.passwordHint')}
                  value={v.password}
                  onChange={(e) => change('password', e.target.value)}
                />
              </Form.Item>
            </Col>
          </Row>
          <Button type="primary" loading={busy} data-testid="user-submit" onClick={() => void submit()}>
            {t('users.add')}
          </Button>
        </Form>
      </Card>
      <Modal
        open={resetting !== null}
        title={resetting ? t('users.resetTitle', { name: resetting.display_name }) : ''}
        okText={t('users.resetPassword')}
        onOk={() => void resetPassword()}
        onCancel={() => setResetting(null)}
        destroyOnHidden
      >
        <Form layout="vertical" autoComplete="off">
          <Form.Item label={t('user.password')} htmlFor="reset_password" validateStatus={resetError ? 'error' : undefined} help={resetError}>
            <Input.Password
              id="reset_password"
              autoFocus
              autoComplete="new-password"
              placeholder={t('user.passwordHint')}
              value={newPassword}
              onChange={(e) => {
                setNewPassword(e.target.value);
                setResetError(null);
              }}
              onPressEnter={() => void resetPassword()}
            />
          </Form.Item>
        </Form>
      </Modal>
      <IdleLockSetting />
      <IdCardReaderSetting />
      <BackupCard />
      <UpdateCard />
    </div>
  );
}
