import { useState, type KeyboardEvent } from 'react';
import App from 'antd/es/app';
import Button from 'antd/es/button';
import Card from 'antd/es/card';
import Col from 'antd/es/col';
import Divider from 'antd/es/divider';
import Form from 'antd/es/form';
import Input from 'antd/es/input';
import Row from 'antd/es/row';
import Typography from 'antd/es/typography';
import * as api from '../../api';
import type { AgencyInput, SessionUser } from '../../api';
import { useI18n } from '../../i18n';
import { fieldStatus } from '../../components/FieldHelp';
import { LangSwitch } from '../../components/LangSwitch';
import { firstErrorField, lastSegment, splitFieldErrors, type FieldErrors } from '../../formErrors';
import { enterSubmits, focusById } from '../../util';
import { AGENCY_KEYS, AgencyFields, type AgencyKey } from '../agency/AgencyFields';

const AGENCY_FIELD: Record<AgencyKey, string> = {
  name: 'agency_name',
  credit_code: 'credit_code',
  district: 'district',
  address: 'address',
  phone: 'phone',
};
const ORDER = [
  'agency_name',
  'credit_code',
  'district',
  'address',
  'phone',
  'username',
  'display_name',
  'password',
  'password2',
] as const;

/** Server field name → setup form field name. */
export function mapSetupField(field: string): string | null {
  const last = lastSegment(field);
  const inManager = /^manager[.[]/.test(field);
  if (inManager) return ['username', 'display_name', 'password'].includes(last) ? last : null;
  if (last === 'name' || last === 'agency_name') return 'agency_name';
  if ((ORDER as readonly string[]).includes(last)) return last;
  return null;
}

export default function SetupPage({ districts, onDone }: { districts: string[]; onDone: (u: SessionUser, agency: AgencyInput) => void }) {
  const { t, msg } = useI18n();
  const { message } = App.useApp();
  const [agency, setAgency] = useState<AgencyInput>({ name: '', credit_code: '', district: '', address: '', phone: '' });
  const [manager, setManager] = useState({ username: '', display_name: '', password: '', password2: '' });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);

  const clear = (f: string) => setErrors((e) => (e[f] ? { ...e, [f]: undefined } : e));
  const showErrors = (errs: FieldErrors) => {
    setErrors(errs);
    const first = firstErrorField(ORDER, errs);
    if (first) setTimeout(() => focusById(`setup_${first}`), 0);
  };

  const submit = async () => {
    if (busy) return;
    const errs: FieldErrors = {};
    AGENCY_KEYS.forEach((k) => {
      if (!agency[k].trim()) errs[AGENCY_FIELD[k]] = t('form.required');
    });
    (['username', 'display_name', 'password'] as const).forEach((k) => {
      if (!manager[k].trim()) errs[k] = t('form.required');
    });
    if (manager.password && manager.password.length < 8) errs.password = t('user.passwordTooShort');
    if (manager.password !== manager.password2) errs.password2 = t('setup.passwordMismatch');
    if (Object.keys(errs).length) return showErrors(errs);
    setBusy(true);
    try {
      const input: AgencyInput = {
        name: agency.name.trim(),
        credit_code: agency.credit_code.trim().toUpperCase(),
        district: agency.district,
        address: agency.address.trim(),
        phone: agency.phone.trim(),
      };
      const user = await api.setup(input, {
        username: manager.username.trim(),
        display_name: manager.display_name.trim(),
        password: manager.password,
      });
      onDone(user, input);
    } catch (e) {
      const err = api.toApiError(e);
      const { byField, rest } = splitFieldErrors(err, msg, mapSetupField);
      if (Object.keys(byField).length) showErrors(byField);
      if (rest.length || !Object.keys(byField).length) message.error(rest.length ? rest.join('；') : msg(err));
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
      <Card
        className="setup-card"
        title={
          <div className="card-title">
            <span>{t('setup.title')}</span>
            <LangSwitch />
          </div>
        }
      >
        <Typography.Paragraph type="secondary">{t('setup.intro')}</Typography.Paragraph>
        <Form layout="vertical" className="compact-form" data-testid="setup-form" onKeyDown={onKeyDown} requiredMark>
          <Divider orientation="left" plain>
            {t('setup.agencySection')}
          </Divider>
          <AgencyFields
            prefix="setup_"
            fieldName={(k) => AGENCY_FIELD[k]}
            value={agency}
            onChange={(k, v) => {
              setAgency((a) => ({ ...a, [k]: v }));
              clear(AGENCY_FIELD[k]);
            }}
            errors={errors}
            districts={districts}
            autoFocus
          />
          <Divider orientation="left" plain>
            {t('setup.managerSection')}
          </Divider>
          <Row gutter={16}>
            <Col span={12}>
              <Form.Item label={t('user.username')} htmlFor="setup_username" required {...fieldStatus('username', errors.username)}>
                <Input
                  id="setup_username"
                  autoComplete="off"
                  value={manager.username}
                  onChange={(e) => {
                    setManager((m) => ({ ...m, username: e.target.value }));
                    clear('username');
                  }}
                />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item
                label={t('user.displayName')}
                htmlFor="setup_display_name"
                required
                {...fieldStatus('display_name', errors.display_name)}
              >
                <Input
                  id="setup_display_name"
                  value={manager.display_name}
                  onChange={(e) => {
                    setManager((m) => ({ ...m, display_name: e.target.value }));
                    clear('display_name');
                  }}
                />
              </Form.Item>
            </Col>
          </Row>
          <Row gutter={16}>
            <Col span={12}>
              <Form.Item label={t('user.password')} htmlFor="setup_password" required {...fieldStatus('password', errors.password)}>
                <Input.Password
                  id="setup_password"
                  autoComplete="new-password"
                  placeholder={t('user.passwordHint')}
                  value={manager.password}
                  onChange={(e) => {
                    setManager((m) => ({ ...m, password: e.target.value }));
                    clear('password');
                  }}
                />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item
                label={t('setup.password2')}
                htmlFor="setup_password2"
                required
                {...fieldStatus('password2', errors.password2)}
              >
                <Input.Password
                  id="setup_password2"
                  autoComplete="new-password"
                  value={manager.password2}
                  onChange={(e) => {
                    setManager((m) => ({ ...m, password2: e.target.value }));
                    clear('password2');
                  }}
                />
              </Form.Item>
            </Col>
          </Row>
          <Button type="primary" block loading={busy} data-testid="setup-submit" onClick={() => void submit()}>
            {t('setup.submit')}
          </Button>
        </Form>
      </Card>
    </div>
  );
}
