import { useState, type KeyboardEvent } from 'react';
import App from 'antd/es/app';
import Button from 'antd/es/button';
import Form from 'antd/es/form';
import Typography from 'antd/es/typography';
import * as api from '../../api';
import type { AgencyInput } from '../../api';
import { useI18n } from '../../i18n';
import { useSession } from '../../session';
import { firstErrorField, lastSegment, splitFieldErrors, type FieldErrors } from '../../formErrors';
import { enterSubmits, focusById, formatTime } from '../../util';
import { AGENCY_KEYS, AgencyFields } from './AgencyFields';

/** Server field → agency form field (ids `agency_<field>`, error hooks `error-<field>`). */
export function mapAgencyField(field: string): string | null {
  const last = lastSegment(field);
  if (last === 'agency_name') return 'name';
  return (AGENCY_KEYS as string[]).includes(last) ? last : null;
}

export default function AgencyPage() {
  const { t, msg } = useI18n();
  const { message } = App.useApp();
  const { app, setAgency } = useSession();
  const a = app.agency;
  const [v, setV] = useState<AgencyInput>({
    name: a?.name ?? '',
    credit_code: a?.credit_code ?? '',
    district: a?.district ?? '',
    address: a?.address ?? '',
    phone: a?.phone ?? '',
  });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    if (busy) return;
    const errs: FieldErrors = {};
    AGENCY_KEYS.forEach((k) => {
      if (!v[k].trim()) errs[k] = t('form.required');
    });
    const show = (e: FieldErrors) => {
      setErrors(e);
      const first = firstErrorField(AGENCY_KEYS, e);
      if (first) setTimeout(() => focusById(`agency_${first}`), 0);
    };
    if (Object.keys(errs).length) return show(errs);
    setBusy(true);
    try {
      const saved = await api.agencySet({
        name: v.name.trim(),
        credit_code: v.credit_code.trim().toUpperCase(),
        district: v.district,
        address: v.address.trim(),
        phone: v.phone.trim(),
      });
      setAgency(saved);
      message.success(t('common.saved'));
    } catch (e) {
      const err = api.toApiError(e);
      const { byField, rest } = splitFieldErrors(err, msg, mapAgencyField);
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

  return (
    <div className="page narrow">
      <Typography.Title level={4} className="page-title">
        {t('agency.title')}
      </Typography.Title>
      {a?.updated_at && (
        <Typography.Paragraph type="secondary" className="small">
          {t('agency.updatedAt', { at: formatTime(a.updated_at) })}
        </Typography.Paragraph>
      )}
      <Form layout="vertical" className="compact-form" data-testid="agency-form" onKeyDown={onKeyDown}>
        <AgencyFields
          prefix="agency_"
          fieldName={(k) => k}
          value={v}
          onChange={(k, val) => {
            setV((o) => ({ ...o, [k]: val }));
            setErrors((e) => ({ ...e, [k]: undefined }));
          }}
          errors={errors}
          districts={app.districts}
          autoFocus
        />
        <Button type="primary" loading={busy} data-testid="agency-submit" onClick={() => void submit()}>
          {t('common.save')}
        </Button>
      </Form>
    </div>
  );
}
