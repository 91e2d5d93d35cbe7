import { useEffect, useMemo, useRef, useState, type ChangeEvent, type KeyboardEvent } from 'react';
import App from 'antd/es/app';
import Button from 'antd/es/button';
import Checkbox from 'antd/es/checkbox';
import Col from 'antd/es/col';
import Form from 'antd/es/form';
import Input from 'antd/es/input';
import Row from 'antd/es/row';
import Spin from 'antd/es/spin';
import Typography from 'antd/es/typography';
import Alert from 'antd/es/alert';
import CameraOutlined from '@ant-design/icons/CameraOutlined';
import IdcardOutlined from '@ant-design/icons/IdcardOutlined';
import UserOutlined from '@ant-design/icons/UserOutlined';
import * as api from '../../api';
import type { ApiError, IdPreview, ServiceType, Worker, WorkerInput } from '../../api';
import { useI18n } from '../../i18n';
import { useSession } from '../../session';
import { fieldStatus } from '../../components/FieldHelp';
import { firstErrorField, lastSegment, splitFieldErrors, type FieldErrors } from '../../formErrors';
import { enterSubmits, focusById, readFileBase64, todayIso } from '../../util';
import CameraModal, { cameraAvailable } from './CameraModal';

/** Form fields in visual (= tab) order. Ids are `enrol_<field>`, error hooks `error-<field>`. */
export const ENROL_FIELDS = [
  'name',
  'id_number',
  'phone',
  'address',
  'service_types',
  'emergency_contact_name',
  'emergency_contact_phone',
  'photo',
  'consent_date',
  'agency_check',
  'reason',
] as const;
export type EnrolField = (typeof ENROL_FIELDS)[number];

const ALIASES: Record<string, EnrolField> = {
  agency_check_done: 'agency_check',
  photo_sha256: 'photo',
  consent: 'consent_date',
  id: 'id_number',
};

/** Server field name (WorkerInput key, possibly "input."-prefixed) → form field. */
export function mapEnrolField(field: string): EnrolField | null {
  const last = lastSegment(field);
  if ((ENROL_FIELDS as readonly string[]).includes(last)) return last as EnrolField;
  return ALIASES[last] ?? null;
}

type Values = {
  name: string;
  id_number: string;
  phone: string;
  address: string;
  service_types: ServiceType[];
  emergency_contact_name: string;
  emergency_contact_phone: string;
  consent_date: string;
  agency_check: boolean;
  photo_sha256: string | null;
  reason: string;
};

function initialValues(w?: Worker): Values {
  return {
    name: w?.name ?? '',
    id_number: w?.id_number ?? '',
    phone: w?.phone ?? '',
    address: w?.address ?? '',
    service_types: w?.service_types ?? [],
    emergency_contact_name: w?.emergency_contact_name ?? '',
    emergency_contact_phone: w?.emergency_contact_phone ?? '',
    consent_date: w ? w.consent_date ?? '' : todayIso(),
    agency_check: w?.agency_check_done ?? false,
    photo_sha256: w?.photo_sha256 ?? null,
    reason: '',
  };
}

const normId = (s: string) => s.trim().toUpperCase();

/** Preview errors are only shown once 15 characters are typed, or at once for a non-digit. */
export function shouldShowIdError(typed: string): boolean {
  const s = typed.trim();
  return s.length >= 15 || /[^0-9]/.test(s);
}

function permitNotice(p: IdPreview): string | null {
  const id = p.id_number ?? '';
  if (id.startsWith('81')) return 'enrol.permitHk';
  if (id.startsWith('82')) return 'enrol.permitMo';
  if (id.startsWith('83')) return 'enrol.permitTw';
  return null;
}

export default function EnrolForm({
  worker,
  photoUrl,
  onSaved,
  onCancel,
  onOpenWorker,
  onDirtyChange,
}: {
  /** Present when editing an existing worker. */
  worker?: Worker;
  photoUrl?: string | null;
  onSaved: (w: Worker) => void;
  onCancel: () => void;
  onOpenWorker: (id: string) => void;
  onDirtyChange?: (dirty: boolean) => void;
}) {
  const { t, msg } = useI18n();
  const { app, user, serviceLabel } = useSession();
  const { message, modal } = App.useApp();
  const editing = !!worker;
  const initial = useMemo(() => initialValues(worker), [worker]);
  const [v, setV] = useState<Values>(initial);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [duplicateId, setDuplicateId] = useState<string | null>(null);
  const [preview, setPreview] = useState<IdPreview | null>(null);
  const [thumb, setThumb] = useState<string | null>(photoUrl ?? null);
  const [photoBusy, setPhotoBusy] = useState(false);
  const [cameraOpen, setCameraOpen] = useState(false);
  const [reasonAsked, setReasonAsked] = useState(false);
  const [saving, setSaving] = useState(false);
  const [reading, setReading] = useState(false);
  const [cardError, setCardError] = useState<ApiError | null>(null);
  const previewSeq = useRef(0);
  const confirming = useRef(false);
  const fileInput = useRef<HTMLInputElement>(null);

  const dirty = useMemo(() => JSON.stringify(v) !== JSON.stringify(initial), [v, initial]);
  useEffect(() => onDirtyChange?.(dirty), [dirty, onDirtyChange]);
  useEffect(() => () => onDirtyChange?.(false), [onDirtyChange]);

  const idChanged = editing && normId(v.id_number) !== normId(initial.id_number);
  const showReason = editing && (idChanged || reasonAsked);

  // Live ID preview: on every change, newest answer wins.
  useEffect(() => {
    const my = ++previewSeq.current;
    const s = v.id_number.trim();
    if (!s) {
      setPreview(null);
      return;
    }
    api
      .idPreview(s)
      .then((p) => my === previewSeq.current && setPreview(p))
      .catch(() => my === previewSeq.current && setPreview(null));
  }, [v.id_number]);

  const set = <K extends keyof Values>(k: K, val: Values[K], field: EnrolField = k as EnrolField) => {
    setV((old) => ({ ...old, [k]: val }));
    setErrors((e) => (e[field] ? { ...e, [field]: undefined } : e));
    if (k === 'id_number') setDuplicateId(null);
  };
  const onText = (k: keyof Values) => (e: ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) =>
    set(k, e.target.value as never);

  const focusField = (f: string) => setTimeout(() => focusById(`enrol_${f}`), 0);
  const showErrors = (errs: FieldErrors) => {
    setErrors(errs);
    const first = firstErrorField(ENROL_FIELDS, errs);
    if (first) focusField(first);
  };

  const preparePhoto = async (b64: string) => {
    setPhotoBusy(true);
    try {
      const p = await api.photoPrepare(b64);
      set('photo_sha256', p.sha256, 'photo');
      setThumb(p.data_url);
    } catch (e) {
      const err = api.toApiError(e);
      setErrors((x) => ({ ...x, photo: err.fields[0] ? msg(err.fields[0]) : msg(err) }));
    } finally {
      setPhotoBusy(false);
    }
  };

  const onFile = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (!file) return;
    if (file.type && !/^image\/(jpeg|png)$/.test(file.type)) {
      setErrors((x) => ({ ...x, photo: t('enrol.photoType') }));
      return;
    }
    try {
      await preparePhoto(await readFileBase64(file));
    } catch {
      setErrors((x) => ({ ...x, photo: t('enrol.photoReadFailed') }));
    }
  };

  const input = (): WorkerInput => ({
    name: v.name.trim(),
    id_number: normId(v.id_number),
    phone: v.phone.trim(),
    address: v.address.trim(),
    service_types: v.service_types,
    emergency_contact_name: v.emergency_contact_name.trim(),
    emergency_contact_phone: v.emergency_contact_phone.trim(),
    consent_date: v.consent_date.trim() || null,
    agency_check_done: v.agency_check,
    photo_sha256: v.photo_sha256,
  });

  const save = async () => {
    if (saving || photoBusy) return;
    if (showReason && !v.reason.trim()) {
      showErrors({ reason: t('enrol.reasonRequired') });
      return;
    }
    setSaving(true);
    setDuplicateId(null);
    try {
      const saved = worker
        ? await api.workerUpdate(worker.id, input(), showReason ? v.reason.trim() : null)
        : await api.workerEnrol(input());
      onDirtyChange?.(false);
      message.success(t('common.saved'));
      onSaved(saved);
    } catch (e) {
      const err = api.toApiError(e);
      if (err.code === 'duplicate_id_number') {
        setDuplicateId(err.existing_worker_id ?? null);
        showErrors({ id_number: msg(err) });
      } else if (err.code === 'reason_required') {
        setReasonAsked(true);
        showErrors({ reason: msg(err) });
      } else {
        const { byField, rest } = splitFieldErrors(err, msg, mapEnrolField);
        if (Object.keys(byField).length) showErrors(byField);
        if (rest.length || !Object.keys(byField).length) message.error(rest.length ? rest.join('；') : msg(err));
      }
    } finally {
      setSaving(false);
    }
  };

  // 读身份证: the whole card fills name, ID number and address (sex and birth date follow from the
  // number in the preview), or nothing is filled and the reader's sentence stands above the form.
  const readCard = async () => {
    if (reading || editing) return;
    setReading(true);
    setCardError(null);
    try {
      const c = await api.idcardRead();
      setV((old) => ({ ...old, name: c.name, id_number: c.id_number, address: c.address }));
      setErrors((e) => ({ ...e, name: undefined, id_number: undefined, address: undefined }));
      setDuplicateId(null);
      message.success(t('enrol.idCardRead', { name: c.name, ethnicity: c.ethnicity, authority: c.authority }));
      if (c.valid_until && c.valid_until < todayIso()) message.warning(t('enrol.idCardExpired', { date: c.valid_until }));
      focusField('phone');
    } catch (e) {
      setCardError(api.toApiError(e));
    } finally {
      setReading(false);
    }
  };

  const cancel = () => {
    if (!dirty) return onCancel();
    if (confirming.current) return;
    confirming.current = true;
    modal.confirm({
      title: t('enrol.discardTitle'),
      content: t('enrol.discardBody'),
      okText: t('enrol.discardOk'),
      cancelText: t('enrol.keepEditing'),
      okButtonProps: { danger: true },
      onOk: () => {
        onDirtyChange?.(false);
        onCancel();
      },
      afterClose: () => {
        confirming.current = false;
      },
    });
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (enterSubmits(e)) {
      e.preventDefault();
      void save();
    } else if (e.key === 'F3' && !e.ctrlKey && !e.altKey && !editing) {
      e.preventDefault();
      void readCard();
    } else if (e.key === 'Escape' && !e.nativeEvent.isComposing) {
      e.preventDefault();
      cancel();
    }
  };

  // ID number: server error (save) first, then the live preview's error.
  const idError =
    errors.id_number ??
    (preview?.error && shouldShowIdError(v.id_number) ? msg(preview.error) : undefined);
  const notice = preview?.ok ? permitNotice(preview) : null;

  return (
    <>
      <Form
        layout="vertical"
        className="compact-form enrol-form"
        data-testid="enrol-form"
        onKeyDown={onKeyDown}
        autoComplete="off"
      >
        {!editing && (
          <div className="enrol-toolbar">
            <Button icon={<IdcardOutlined />} loading={reading} data-testid="idcard-read" onClick={() => void readCard()}>
              {t('enrol.readIdCard')}
              <span className="kbd">F3</span>
            </Button>
            {cardError && (
              <Alert
                type="error"
                showIcon
                className="enrol-toolbar-error"
                data-testid="idcard-error"
                message={msg(cardError)}
              />
            )}
          </div>
        )}
        <Row gutter={16}>
          <Col span={7}>
            <Form.Item label={t('worker.name')} htmlFor="enrol_name" required {...fieldStatus('name', errors.name)}>
              <Input id="enrol_name" autoFocus value={v.name} maxLength={50} onChange={onText('name')} />
            </Form.Item>
          </Col>
          <Col span={9}>
            <Form.Item
              label={t('worker.idNumber')}
              htmlFor="enrol_id_number"
              required
              {...fieldStatus(
                'id_number',
                idError,
                duplicateId ? (
                  <Button
                    type="link"
                    size="small"
                    className="inline-link"
                    data-testid="duplicate-open"
                    onClick={() => onOpenWorker(duplicateId)}
                  >
                    {t('enrol.openExisting')}
                  </Button>
                ) : undefined,
              )}
            >
              <Input
                id="enrol_id_number"
                className="mono"
                value={v.id_number}
                maxLength={20}
                spellCheck={false}
                onChange={onText('id_number')}
              />
            </Form.Item>
          </Col>
          <Col span={8}>
            <div data-testid="id-preview" className="id-preview" aria-live="polite">
              {preview?.ok ? (
                <>
                  <div>
                    <span className="pv-label">{t('worker.gender')}</span>
                    <b>{preview.gender === 'male' ? t('gender.male') : preview.gender === 'female' ? t('gender.female') : '—'}</b>
                    <span className="pv-label">{t('worker.birthDate')}</span>
                    <b>{preview.birth_date ?? '—'}</b>
                    <span className="pv-label">{t('worker.age')}</span>
                    <b>{preview.age ?? '—'}</b>
                  </div>
                  {preview.legacy && (
                    <div className="pv-notice">{t('enrol.legacyNotice', { id: preview.id_number ?? '' })}</div>
                  )}
                  {notice && <div className="pv-notice">{t(notice)}</div>}
                </>
              ) : (
                <span className="muted">{t('enrol.previewHint')}</span>
              )}
            </div>
          </Col>
        </Row>
        <Row gutter={16}>
          <Col span={7}>
            <Form.Item label={t('worker.phone')} htmlFor="enrol_phone" required {...fieldStatus('phone', errors.phone)}>
              <Input id="enrol_phone" className="mono" value={v.phone} maxLength={20} onChange={onText('phone')} />
            </Form.Item>
          </Col>
          <Col span={17}>
            <Form.Item label={t('worker.address')} htmlFor="enrol_address" required {...fieldStatus('address', errors.address)}>
              <Input id="enrol_address" value={v.address} maxLength={200} onChange={onText('address')} />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item
          label={t('worker.serviceTypes')}
          htmlFor="enrol_service_types"
          required
          {...fieldStatus('service_types', errors.service_types)}
        >
          <div id="enrol_service_types" className="service-types">
            <Checkbox.Group<ServiceType>
              value={v.service_types}
              options={app.service_types.map((s) => ({
                value: s.code,
                label: serviceLabel(s.code),
                id: `enrol_service_types_${s.code}`,
              }))}
              onChange={(vals) => set('service_types', vals)}
            />
          </div>
        </Form.Item>
        <Row gutter={16}>
          <Col span={7}>
            <Form.Item
              label={t('worker.emergencyName')}
              htmlFor="enrol_emergency_contact_name"
              required
              {...fieldStatus('emergency_contact_name', errors.emergency_contact_name)}
            >
              <Input
                id="enrol_emergency_contact_name"
                value={v.emergency_contact_name}
                maxLength={50}
                onChange={onText('emergency_contact_name')}
              />
            </Form.Item>
          </Col>
          <Col span={9}>
            <Form.Item
              label={t('worker.emergencyPhone')}
              htmlFor="enrol_emergency_contact_phone"
              required
              {...fieldStatus('emergency_contact_phone', errors.emergency_contact_phone)}
            >
              <Input
                id="enrol_emergency_contact_phone"
                className="mono"
                value={v.emergency_contact_phone}
                maxLength={20}
                onChange={onText('emergency_contact_phone')}
              />
            </Form.Item>
          </Col>
        </Row>
        <Row gutter={16}>
          <Col span={7}>
            <Form.Item label={t('worker.photo')} htmlFor="enrol_photo" {...fieldStatus('photo', errors.photo)}>
              <div className="photo-field">
                <div className="photo-thumb" data-testid="photo-thumb">
                  {photoBusy ? <Spin size="small" /> : thumb ? <img src={thumb} alt={t('worker.photo')} /> : <UserOutlined />}
                </div>
                <div className="photo-actions">
                  <input
                    ref={fileInput}
                    id="enrol_photo"
                    type="file"
                    accept="image/jpeg,image/png"
                    className="file-input"
                    onChange={(e) => void onFile(e)}
                  />
                  {cameraAvailable() && (
                    <Button size="small" icon={<CameraOutlined />} data-testid="camera-open" onClick={() => setCameraOpen(true)}>
                      {t('enrol.takePhoto')}
                    </Button>
                  )}
                </div>
              </div>
            </Form.Item>
          </Col>
          <Col span={9}>
            <Form.Item
              label={t('worker.consentDate')}
              htmlFor="enrol_consent_date"
              {...fieldStatus(
                'consent_date',
                errors.consent_date,
                undefined,
              )}
              extra={t('enrol.witness', { name: worker?.consent_witness || user.display_name })}
            >
              <Input
                id="enrol_consent_date"
                className="mono"
                placeholder="YYYY-MM-DD"
                value={v.consent_date}
                maxLength={10}
                onChange={onText('consent_date')}
              />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item
              label={t('worker.agencyCheck')}
              htmlFor="enrol_agency_check"
              {...fieldStatus('agency_check', errors.agency_check)}
            >
              <Checkbox id="enrol_agency_check" checked={v.agency_check} onChange={(e) => set('agency_check', e.target.checked)}>
                {t('enrol.agencyCheckLabel')}
              </Checkbox>
            </Form.Item>
          </Col>
        </Row>
        {showReason && (
          <Form.Item
            label={t('enrol.reason')}
            htmlFor="enrol_reason"
            required
            {...fieldStatus('reason', errors.reason)}
            extra={errors.reason ? undefined : t('enrol.reasonHint')}
          >
            <Input.TextArea
              id="enrol_reason"
              data-testid="reason-input"
              rows={2}
              maxLength={200}
              value={v.reason}
              onChange={onText('reason')}
            />
          </Form.Item>
        )}
        <div className="form-actions">
          <Button type="primary" loading={saving} data-testid="enrol-submit" onClick={() => void save()}>
            {t('common.save')}
            <span className="kbd">Enter</span>
          </Button>
          <Button data-testid="enrol-cancel" onClick={cancel}>
            {t('common.cancel')}
            <span className="kbd">Esc</span>
          </Button>
          <Typography.Text type="secondary" className="small">
            {editing ? t('enrol.editingHint') : t('enrol.hint')}
          </Typography.Text>
        </div>
      </Form>
      {cameraOpen && (
        <CameraModal open={cameraOpen} onClose={() => setCameraOpen(false)} onCapture={(b64) => void preparePhoto(b64)} />
      )}
    </>
  );
}
