import { useState, type KeyboardEvent } from 'react';
import App from 'antd/es/app';
import Button from 'antd/es/button';
import Card from 'antd/es/card';
import Col from 'antd/es/col';
import Divider from 'antd/es/divider';
import Form from 'antd/es/form';
import Input from 'antd/es/input';
import Alert from 'antd/es/alert';
import Row from 'antd/es/row';
import Segmented from 'antd/es/segmented';
import Typography from 'antd/es/typography';
import * as api from '../../api';
import type { AgencyInput, SessionUser, SyncProgress } from '../../api';
import { useI18n } from '../../i18n';
import { fieldStatus } from '../../components/FieldHelp';
import { LangSwitch } from '../../components/LangSwitch';
import { firstErrorField, lastSegment, splitFieldErrors, type FieldErrors } from '../../formErrors';
import { enterSubmits, focusById } from '../../util';
import { AGENCY_KEYS, AgencyFields, type AgencyKey } from '../agency/AgencyFields';
import { CaFileInput } from '../../components/CaFileInput';
import { SyncProgressBar } from '../../components/SyncProgressBar';

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
  'platform_url',
  'code',
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

export default function SetupPage({
  districts,
  onDone,
  onJoined,
}: {
  districts: string[];
  onDone: (u: SessionUser, agency: AgencyInput) => void;
  /** A PC that joined its agency now holds the agency's accounts: on to signing in. */
  onJoined: () => void;
}) {
  const { t, msg } = useI18n();
  const { message } = App.useApp();
  // A new agency, or a new or replaced PC of an agency that already uses certdesk (issue 10).
  const [mode, setMode] = useState<'new' | 'join'>('new');
  const [platform, setPlatform] = useState({ url: '', code: '' });
  const [caPem, setCaPem] = useState<string | null>(null);
  const [waiting, setWaiting] = useState(false);
  const [progress, setProgress] = useState<SyncProgress | null>(null);
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

  const agencyInput = (): AgencyInput => ({
    name: agency.name.trim(),
    credit_code: agency.credit_code.trim().toUpperCase(),
    district: agency.district,
    address: agency.address.trim(),
    phone: agency.phone.trim(),
  });

  const failed = (e: unknown) => {
    const err = api.toApiError(e);
    const { byField, rest } = splitFieldErrors(err, msg, mapSetupField);
    if (Object.keys(byField).length) showErrors(byField);
    if (rest.length || !Object.keys(byField).length) message.error(rest.length ? rest.join('；') : msg(err));
  };

  const join = async () => {
    if (busy) return;
    const errs: FieldErrors = {};
    AGENCY_KEYS.forEach((k) => {
      if (!agency[k].trim()) errs[AGENCY_FIELD[k]] = t('form.required');
    });
    if (!platform.url.trim()) errs.platform_url = t('form.required');
    if (!platform.code.trim()) errs.code = t('form.required');
    if (Object.keys(errs).length) return showErrors(errs);
    setBusy(true);
    setWaiting(false);
    // A window that cannot listen still joins; it shows the spinner alone.
    const stop = await api.onSyncProgress(setProgress).catch(() => () => undefined);
    try {
      const r = await api.deskJoin(agencyInput(), platform.url.trim(), platform.code.trim(), caPem);
      if (r.accounts > 0) {
        message.success(t('join.done', { accounts: r.accounts, workers: r.sync.pulled.workers, files: r.sync.files_fetched }));
        // The platform's register is the authority on the agency: say what it corrected.
        const FIELD: Record<string, string> = { name: 'agency.name', credit_code: 'agency.creditCode', district: 'agency.district' };
        r.corrected.forEach((c) => message.info(t('join.corrected', { field: t(FIELD[c.field] ?? c.field), typed: c.typed, registered: c.registered }), 8));
        onJoined();
      } else {
        setWaiting(true);
      }
    } catch (e) {
      failed(e);
    } finally {
      stop();
      setProgress(null);
      setBusy(false);
    }
  };

  const submit = async () => {
    if (mode === 'join') return join();
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
      const input = agencyInput();
      const user = await api.setup(input, {
        username: manager.username.trim(),
        display_name: manager.display_name.trim(),
        password: manager.password,
      });
      onDone(user, input);
    } catch (e) {
      failed(e);
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
            <span>{t(mode === 'new' ? 'setup.title' : 'join.title')}</span>
            <LangSwitch />
          </div>
        }
      >
        <Segmented
          block
          data-testid="setup-mode"
          value={mode}
          onChange={(v) => setMode(v as 'new' | 'join')}
          options={[
            { value: 'new', label: t('setup.modeNew') },
            { value: 'join', label: t('setup.modeJoin') },
          ]}
        />
        <Typography.Paragraph type="secondary" className="setup-intro">
          {t(mode === 'new' ? 'setup.intro' : 'join.intro')}
        </Typography.Paragraph>
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
          {mode === 'join' ? (
            <JoinFields
              platform={platform}
              onChange={(p, field) => {
                setPlatform(p);
                clear(field);
              }}
              onCa={setCaPem}
              errors={errors}
              waiting={waiting}
              busy={busy}
              progress={progress}
              onSubmit={() => void submit()}
            />
          ) : (
            <>
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
            </>
          )}
        </Form>
      </Card>
    </div>
  );
}

type Platform = { url: string; code: string };

/** Where a joining PC enrols: the platform's address, the one-time code and its CA (issue 10). */
function JoinFields({
  platform,
  onChange,
  onCa,
  errors,
  waiting,
  busy,
  progress,
  onSubmit,
}: {
  platform: Platform;
  onChange: (p: Platform, field: string) => void;
  onCa: (pem: string | null) => void;
  errors: FieldErrors;
  waiting: boolean;
  busy: boolean;
  progress: SyncProgress | null;
  onSubmit: () => void;
}) {
  const { t } = useI18n();
  return (
    <>
      <Divider orientation="left" plain>
        {t('join.platformSection')}
      </Divider>
      <Form.Item label={t('sync.platformUrl')} htmlFor="setup_platform_url" required {...fieldStatus('platform_url', errors.platform_url)}>
        <Input
          id="setup_platform_url"
          placeholder="https://"
          value={platform.url}
          onChange={(e) => onChange({ ...platform, url: e.target.value }, 'platform_url')}
        />
      </Form.Item>
      <Form.Item label={t('sync.code')} htmlFor="setup_code" required {...fieldStatus('code', errors.code)}>
        <Input id="setup_code" autoComplete="off" value={platform.code} onChange={(e) => onChange({ ...platform, code: e.target.value }, 'code')} />
      </Form.Item>
      <Form.Item label={t('sync.ca')} htmlFor="setup_ca">
        <CaFileInput id="setup_ca" onChange={onCa} />
      </Form.Item>
      {waiting && <Alert type="warning" showIcon data-testid="join-waiting" message={t('join.noAccounts')} className="form-alert" />}
      {progress && (
        <SyncProgressBar
          progress={progress}
          testId="join-progress"
          label={t('join.progress', { pulled: progress.pulled, total: Math.max(progress.pull_total, progress.pulled), files: progress.files })}
        />
      )}
      <Button type="primary" block loading={busy} data-testid="join-submit" onClick={onSubmit}>
        {t(waiting ? 'join.retry' : 'join.submit')}
      </Button>
    </>
  );
}
