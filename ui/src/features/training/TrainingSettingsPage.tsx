// 培训设置 (managers): minutes per class hour and the exam pass mark. The desk validates both
// (20–120 minutes, 0–100 points) and answers with a sentence per field; this page only checks
// that what was typed is a number at all, because a non-number cannot be sent.
import { useEffect, useState, type KeyboardEvent } from 'react';
import Alert from 'antd/es/alert';
import App from 'antd/es/app';
import Button from 'antd/es/button';
import Form from 'antd/es/form';
import Input from 'antd/es/input';
import Spin from 'antd/es/spin';
import Typography from 'antd/es/typography';
import * as api from '../../api';
import type { ApiError, TrainingSettings } from '../../api';
import { useI18n } from '../../i18n';
import { firstErrorField, lastSegment, splitFieldErrors, type FieldErrors } from '../../formErrors';
import { enterSubmits, focusById } from '../../util';

const FIELDS = ['class_hour_minutes', 'pass_mark'] as const;
type Field = (typeof FIELDS)[number];

/** Full-width digits and a full-width point, as a Chinese IME types them, read as ASCII. */
const ascii = (s: string) => s.trim().replace(/[０-９．]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));

export default function TrainingSettingsPage() {
  const { t, msg } = useI18n();
  const { message } = App.useApp();
  const [saved, setSaved] = useState<TrainingSettings | null>(null);
  const [v, setV] = useState<Record<Field, string>>({ class_hour_minutes: '', pass_mark: '' });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api
      .trainingSettingsGet()
      .then((s) => {
        setSaved(s);
        setV({ class_hour_minutes: String(s.class_hour_minutes), pass_mark: String(s.pass_mark) });
        setTimeout(() => focusById('settings_class_hour_minutes'), 0);
      })
      .catch((e: unknown) => setLoadError(api.toApiError(e)));
  }, []);

  const show = (e: FieldErrors) => {
    setErrors(e);
    const first = firstErrorField(FIELDS, e);
    if (first) setTimeout(() => focusById(`settings_${first}`), 0);
  };

  const submit = async () => {
    if (busy) return;
    const minutes = ascii(v.class_hour_minutes);
    const mark = ascii(v.pass_mark);
    const errs: FieldErrors = {};
    if (!/^\d+$/.test(minutes)) errs.class_hour_minutes = t('settings.minutesNotWhole');
    if (!/^\d+(\.\d+)?$/.test(mark)) errs.pass_mark = t('settings.markNotNumber');
    if (Object.keys(errs).length) return show(errs);
    setBusy(true);
    try {
      const s = await api.trainingSettingsSet({ class_hour_minutes: Number(minutes), pass_mark: Number(mark) });
      setSaved(s);
      setV({ class_hour_minutes: String(s.class_hour_minutes), pass_mark: String(s.pass_mark) });
      setErrors({});
      message.success(t('common.saved'));
    } catch (e) {
      const err = api.toApiError(e);
      const { byField, rest } = splitFieldErrors(err, msg, (f) => {
        const last = lastSegment(f);
        return (FIELDS as readonly string[]).includes(last) ? last : null;
      });
      if (Object.keys(byField).length) show(byField);
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

  if (loadError) {
    return (
      <div className="page narrow">
        <Alert type="error" showIcon message={msg(loadError)} />
      </div>
    );
  }
  if (!saved) {
    return (
      <div className="page center-spin">
        <Spin />
      </div>
    );
  }

  const field = (f: Field, suffix: string) => (
    <Form.Item
      label={t(`settings.${f}`)}
      htmlFor={`settings_${f}`}
      validateStatus={errors[f] ? 'error' : undefined}
      help={errors[f] ? <span data-testid={`error-${f}`}>{errors[f]}</span> : t(`settings.${f}Help`)}
    >
      <Input
        id={`settings_${f}`}
        inputMode="decimal"
        style={{ width: 160 }}
        suffix={suffix}
        value={v[f]}
        onChange={(e) => {
          setV((o) => ({ ...o, [f]: e.target.value }));
          setErrors((o) => ({ ...o, [f]: undefined }));
        }}
      />
    </Form.Item>
  );

  return (
    <div className="page narrow" data-testid="settings-page">
      <Typography.Title level={4} className="page-title">
        {t('settings.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary" className="small">
        {t('settings.intro')}
      </Typography.Paragraph>
      <Form layout="vertical" className="compact-form" data-testid="settings-form" onKeyDown={onKeyDown}>
        {field('class_hour_minutes', t('settings.minutesSuffix'))}
        {field('pass_mark', t('settings.markSuffix'))}
        <Button type="primary" loading={busy} data-testid="settings-submit" onClick={() => void submit()}>
          {t('common.save')}
        </Button>
        <span className="muted small" style={{ marginLeft: 12 }} data-testid="settings-current">
          {t('settings.current', { minutes: saved.class_hour_minutes, mark: saved.pass_mark })}
        </span>
      </Form>
    </div>
  );
}
