// The supervision form (培训督导单) of an offline class. Filing it again corrects it (the desk
// keeps the old values in the audit trail).
import { useState, type KeyboardEvent } from 'react';
import Alert from 'antd/es/alert';
import Button from 'antd/es/button';
import Card from 'antd/es/card';
import Col from 'antd/es/col';
import Form from 'antd/es/form';
import Input from 'antd/es/input';
import Radio from 'antd/es/radio';
import Row from 'antd/es/row';
import Tag from 'antd/es/tag';
import * as api from '../../api';
import type { ApiError, ClassDetail, SupervisionInput } from '../../api';
import { useI18n } from '../../i18n';
import { firstErrorField, lastSegment, splitFieldErrors, type FieldErrors } from '../../formErrors';
import { enterSubmits, focusById, formatTime } from '../../util';

export const SUP_FIELDS = [
  'supervisor_name',
  'method',
  'supervised_at',
  'place',
  'participants_present',
  'identity_checked',
  'trainer',
  'remarks',
] as const;
type SupField = (typeof SUP_FIELDS)[number];
type Draft = Record<SupField, string>;

function initial(d: ClassDetail): Draft {
  const s = d.supervision;
  if (s) {
    return {
      supervisor_name: s.supervisor_name,
      method: s.method,
      supervised_at: s.supervised_at,
      place: s.place,
      participants_present: String(s.participants_present),
      identity_checked: String(s.identity_checked),
      trainer: s.trainer,
      remarks: s.remarks,
    };
  }
  const present = d.participants.filter((p) => p.attendance && p.attendance !== 'absent').length;
  return {
    supervisor_name: '',
    method: 'on_site',
    supervised_at: d.class.starts_at,
    place: d.class.place,
    participants_present: present ? String(present) : '',
    identity_checked: present ? String(present) : '',
    trainer: d.class.trainer,
    remarks: '',
  };
}

export default function SupervisionPanel({ detail, onSaved }: { detail: ClassDetail; onSaved: () => void }) {
  const { t, msg } = useI18n();
  const [v, setV] = useState<Draft>(() => initial(detail));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [rest, setRest] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const filed = detail.supervision;

  const change = (k: SupField, val: string) => {
    setV((o) => ({ ...o, [k]: val }));
    setErrors((e) => ({ ...e, [k]: undefined }));
  };

  const submit = async () => {
    if (busy) return;
    const errs: FieldErrors = {};
    for (const f of ['supervisor_name', 'supervised_at', 'participants_present', 'identity_checked'] as const) {
      if (!v[f].trim()) errs[f] = t('form.required');
    }
    if (Object.keys(errs).length) {
      setErrors(errs);
      const first = firstErrorField(SUP_FIELDS, errs);
      if (first) setTimeout(() => focusById(`sup_${first}`), 0);
      return;
    }
    const input: SupervisionInput = {
      supervisor_name: v.supervisor_name,
      method: v.method === 'video' ? 'video' : 'on_site',
      supervised_at: v.supervised_at,
      place: v.place,
      participants_present: Number(v.participants_present) || 0,
      identity_checked: Number(v.identity_checked) || 0,
      trainer: v.trainer,
      remarks: v.remarks,
    };
    setBusy(true);
    setRest(null);
    try {
      await api.supervisionFile(detail.class.id, input);
      setErrors({});
      onSaved();
    } catch (e) {
      const err = api.toApiError(e);
      const { byField, rest: others } = splitFieldErrors(err, msg, (f) => {
        const n = lastSegment(f);
        return (SUP_FIELDS as readonly string[]).includes(n) ? n : null;
      });
      setErrors(byField);
      if (!err.fields.length || others.length) setRest(err);
      const first = firstErrorField(SUP_FIELDS, byField);
      if (first) setTimeout(() => focusById(`sup_${first}`), 0);
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

  const item = (f: SupField, label: string, control: React.ReactNode, required = false) => (
    <Form.Item
      label={label}
      required={required}
      validateStatus={errors[f] ? 'error' : undefined}
      help={errors[f] ? <span data-testid={`error-${f}`}>{errors[f]}</span> : undefined}
    >
      {control}
    </Form.Item>
  );
  const text = (f: SupField, label: string, required = false, extra: Record<string, unknown> = {}) =>
    item(f, label, <Input id={`sup_${f}`} value={v[f]} onChange={(e) => change(f, e.target.value)} {...extra} />, required);

  return (
    <Card
      className="mt"
      size="small"
      data-testid="supervision-panel"
      title={
        <span>
          {t('sup.title')}{' '}
          {filed ? (
            <Tag color="green" data-testid="supervision-status">
              {t('sup.filed', { by: filed.recorded_by, at: formatTime(filed.recorded_at) })}
            </Tag>
          ) : (
            <Tag color="red" data-testid="supervision-status">
              {t('classes.incomplete')}
            </Tag>
          )}
        </span>
      }
    >
      <Form layout="vertical" component="div" onKeyDown={onKeyDown} data-testid="supervision-form">
        <Row gutter={12}>
          <Col span={6}>{text('supervisor_name', t('sup.supervisor'), true)}</Col>
          <Col span={6}>
            {item(
              'method',
              t('sup.method'),
              <Radio.Group id="sup_method" value={v.method} onChange={(e) => change('method', String(e.target.value))}>
                <Radio value="on_site">{t('sup.onSite')}</Radio>
                <Radio value="video">{t('sup.video')}</Radio>
              </Radio.Group>,
            )}
          </Col>
          <Col span={6}>{text('supervised_at', t('sup.time'), true, { placeholder: 'YYYY-MM-DD HH:MM' })}</Col>
          <Col span={6}>{text('place', t('classes.place'))}</Col>
          <Col span={6}>{text('participants_present', t('sup.present'), true, { inputMode: 'numeric' })}</Col>
          <Col span={6}>{text('identity_checked', t('sup.identityChecked'), true, { inputMode: 'numeric' })}</Col>
          <Col span={6}>{text('trainer', t('classes.trainer'))}</Col>
          <Col span={6}>{text('remarks', t('sup.remarks'))}</Col>
        </Row>
        {rest && <Alert type="error" showIcon message={msg(rest)} className="mb" data-testid="supervision-error" />}
        <Button type="primary" loading={busy} onClick={() => void submit()} data-testid="supervision-submit">
          {filed ? t('sup.correct') : t('sup.submit')}
        </Button>
      </Form>
    </Card>
  );
}
