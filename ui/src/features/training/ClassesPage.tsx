// Training classes: the list (newest first, 未完成 on an offline class without its supervision
// form) and the form that creates one.
import { useCallback, useEffect, useState, type KeyboardEvent } from 'react';
import Alert from 'antd/es/alert';
import Button from 'antd/es/button';
import Col from 'antd/es/col';
import Form from 'antd/es/form';
import Input from 'antd/es/input';
import Modal from 'antd/es/modal';
import Radio from 'antd/es/radio';
import Row from 'antd/es/row';
import Table from 'antd/es/table';
import Tag from 'antd/es/tag';
import Typography from 'antd/es/typography';
import PlusOutlined from '@ant-design/icons/PlusOutlined';
import * as api from '../../api';
import type { ApiError, ClassInput, TrainingClass } from '../../api';
import { useI18n } from '../../i18n';
import { firstErrorField, lastSegment, splitFieldErrors, type FieldErrors } from '../../formErrors';
import { enterSubmits, focusById, todayIso } from '../../util';

export const CLASS_FIELDS = ['title', 'mode', 'starts_at', 'ends_at', 'place', 'trainer', 'class_hours'] as const;
type ClassField = (typeof CLASS_FIELDS)[number];
type Draft = Record<ClassField, string>;

const fresh = (): Draft => {
  const d = todayIso();
  return { title: '', mode: 'offline', starts_at: `${d} 09:00`, ends_at: `${d} 12:00`, place: '', trainer: '', class_hours: '3' };
};

export default function ClassesPage({ onOpen }: { onOpen: (id: string) => void }) {
  const { t, msg } = useI18n();
  const [classes, setClasses] = useState<TrainingClass[] | null>(null);
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  const [open, setOpen] = useState(false);

  const load = useCallback(() => {
    api
      .classList(null, null, 500)
      .then((c) => {
        setClasses(c);
        setLoadError(null);
      })
      .catch((e: unknown) => setLoadError(api.toApiError(e)));
  }, []);
  useEffect(load, [load]);

  return (
    <div className="page" data-testid="classes-page">
      <div className="page-head">
        <Typography.Title level={4} className="page-title">
          {t('classes.title')}
        </Typography.Title>
        <div className="grow" />
        <Button type="primary" icon={<PlusOutlined />} data-testid="class-new" onClick={() => setOpen(true)}>
          {t('classes.new')}
        </Button>
      </div>
      {loadError && <Alert type="error" showIcon message={msg(loadError)} />}
      <Table<TrainingClass>
        size="small"
        rowKey="id"
        data-testid="class-table"
        loading={classes === null && !loadError}
        dataSource={classes ?? []}
        pagination={false}
        locale={{ emptyText: t('classes.empty') }}
        onRow={(c) => ({ onClick: () => onOpen(c.id), className: 'clickable', 'data-testid': 'class-row' }) as never}
        columns={[
          { title: t('classes.name'), dataIndex: 'title', render: (v: string) => <span data-testid="class-row-title">{v}</span> },
          {
            title: t('classes.mode'),
            dataIndex: 'mode',
            width: 80,
            render: (m: string) => (m === 'offline' ? t('classes.offline') : t('classes.online')),
          },
          { title: t('classes.time'), dataIndex: 'starts_at', width: 150 },
          { title: t('classes.place'), dataIndex: 'place' },
          { title: t('classes.trainer'), dataIndex: 'trainer', width: 100 },
          { title: t('classes.hours'), dataIndex: 'class_hours', width: 70 },
          { title: t('classes.participants'), dataIndex: 'participant_count', width: 70 },
          {
            title: t('classes.supervision'),
            width: 100,
            render: (_: unknown, c: TrainingClass) =>
              c.incomplete ? (
                <Tag color="red" data-testid="class-row-incomplete">
                  {t('classes.incomplete')}
                </Tag>
              ) : c.mode === 'offline' ? (
                <Tag color="green">{t('classes.complete')}</Tag>
              ) : (
                <span className="muted">—</span>
              ),
          },
        ]}
      />
      {open && (
        <ClassForm
          onClose={() => setOpen(false)}
          onCreated={(c) => {
            setOpen(false);
            load();
            onOpen(c.id);
          }}
        />
      )}
    </div>
  );
}

function ClassForm({ onClose, onCreated }: { onClose: () => void; onCreated: (c: TrainingClass) => void }) {
  const { t, msg } = useI18n();
  const [v, setV] = useState<Draft>(fresh);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [rest, setRest] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    setTimeout(() => focusById('class_title'), 50);
  }, []);

  const change = (k: ClassField, val: string) => {
    setV((o) => ({ ...o, [k]: val }));
    setErrors((e) => ({ ...e, [k]: undefined }));
  };

  const show = (errs: FieldErrors) => {
    setErrors(errs);
    const first = firstErrorField(CLASS_FIELDS, errs);
    if (first) setTimeout(() => focusById(`class_${first}`), 0);
  };

  const submit = async () => {
    if (busy) return;
    const errs: FieldErrors = {};
    for (const f of ['title', 'starts_at', 'ends_at', 'trainer', 'class_hours'] as const) {
      if (!v[f].trim()) errs[f] = t('form.required');
    }
    if (v.mode === 'offline' && !v.place.trim()) errs.place = t('form.required');
    if (Object.keys(errs).length) return show(errs);
    const input: ClassInput = {
      title: v.title,
      mode: v.mode === 'online' ? 'online' : 'offline',
      starts_at: v.starts_at,
      ends_at: v.ends_at,
      place: v.mode === 'offline' ? v.place : '',
      trainer: v.trainer,
      class_hours: Number(v.class_hours),
    };
    setBusy(true);
    setRest(null);
    try {
      onCreated(await api.classCreate(input));
    } catch (e) {
      const err = api.toApiError(e);
      const { byField, rest: others } = splitFieldErrors(err, msg, (f) => {
        const n = lastSegment(f);
        return (CLASS_FIELDS as readonly string[]).includes(n) ? n : null;
      });
      show(byField);
      if (!err.fields.length || others.length) setRest(err);
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

  const item = (f: ClassField, label: string, control: React.ReactNode, required = true) => (
    <Form.Item
      label={label}
      required={required}
      validateStatus={errors[f] ? 'error' : undefined}
      help={errors[f] ? <span data-testid={`error-${f}`}>{errors[f]}</span> : undefined}
    >
      {control}
    </Form.Item>
  );
  const text = (f: ClassField, label: string, required = true, extra: Record<string, unknown> = {}) =>
    item(f, label, <Input id={`class_${f}`} value={v[f]} onChange={(e) => change(f, e.target.value)} {...extra} />, required);

  return (
    <Modal
      open
      width={640}
      title={t('classes.new')}
      onCancel={onClose}
      footer={[
        <Button key="c" onClick={onClose}>
          {t('common.cancel')}
        </Button>,
        <Button key="s" type="primary" loading={busy} data-testid="class-submit" onClick={() => void submit()}>
          {t('common.save')}
        </Button>,
      ]}
    >
      <Form layout="vertical" component="div" onKeyDown={onKeyDown} data-testid="class-form">
        <Row gutter={12}>
          <Col span={16}>{text('title', t('classes.name'))}</Col>
          <Col span={8}>
            {item(
              'mode',
              t('classes.mode'),
              <Radio.Group id="class_mode" value={v.mode} onChange={(e) => change('mode', String(e.target.value))}>
                <Radio value="offline" data-testid="class-mode-offline">
                  {t('classes.offline')}
                </Radio>
                <Radio value="online" data-testid="class-mode-online">
                  {t('classes.online')}
                </Radio>
              </Radio.Group>,
            )}
          </Col>
          <Col span={8}>{text('starts_at', t('classes.startsAt'), true, { placeholder: 'YYYY-MM-DD HH:MM' })}</Col>
          <Col span={8}>{text('ends_at', t('classes.endsAt'), true, { placeholder: 'YYYY-MM-DD HH:MM' })}</Col>
          <Col span={8}>{text('class_hours', t('classes.hours'), true, { inputMode: 'decimal' })}</Col>
          <Col span={16}>{v.mode === 'offline' && text('place', t('classes.place'))}</Col>
          <Col span={8}>{text('trainer', t('classes.trainer'))}</Col>
        </Row>
        <div className="muted small">{t('classes.hoursHint')}</div>
        {rest && <Alert className="mt" type="error" showIcon message={msg(rest)} data-testid="class-error" />}
      </Form>
    </Modal>
  );
}
