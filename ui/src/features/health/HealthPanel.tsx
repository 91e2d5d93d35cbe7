// 体检与保险 on the worker page: the worker's health checks and insurance policies (newest first,
// 已过期 when their last day is past) and two keyboard-first forms: Tab moves, Enter saves, Esc
// clears, each refusal beside its field. The rules are the domain's; this only shows them.
import { useEffect, useState, type KeyboardEvent } from 'react';
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
import type { ApiError, HealthCategory, HealthCheck, HealthResult, InsuranceKind, InsurancePolicy } from '../../api';
import { useI18n } from '../../i18n';
import { firstErrorField, lastSegment, splitFieldErrors, type FieldErrors } from '../../formErrors';
import { enterSubmits, everyCode, focusById, readFileBase64, todayIso } from '../../util';

export const HEALTH_FIELDS = ['checked_on', 'institution', 'category', 'result', 'valid_until', 'report'] as const;
export const INSURANCE_FIELDS = ['insurer', 'policy_number', 'kind', 'valid_from', 'valid_until'] as const;
type HealthField = (typeof HEALTH_FIELDS)[number];
type InsuranceField = (typeof INSURANCE_FIELDS)[number];

const CATEGORIES = everyCode<HealthCategory>()(['general', 'home', 'elder_care', 'maternity_care']);
const KINDS = everyCode<InsuranceKind>()(['accident', 'employer_liability', 'other']);
const RESULTS = everyCode<HealthResult>()(['pass', 'fail']);

/** A radio group's value: set only from its own options, so one of the set's codes. */
const picked = <T extends string>(_options: readonly T[], v: string) => v as T;


/** Shared by both forms: values, errors beside fields, the rest in an alert, Enter/Esc. */
function useForm<F extends string>(fields: readonly F[], prefix: string, blank: Record<F, string>) {
  const { msg } = useI18n();
  const [v, setV] = useState<Record<F, string>>(blank);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [rest, setRest] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const change = (k: F, val: string) => {
    setV((o) => ({ ...o, [k]: val }));
    setErrors((e) => ({ ...e, [k]: undefined }));
  };
  const reset = () => {
    setV(blank);
    setErrors({});
    setRest(null);
  };
  const focusFirst = (errs: FieldErrors) => {
    const first = firstErrorField(fields, errs);
    if (first) setTimeout(() => focusById(`${prefix}_${first}`), 0);
  };
  const run = async (save: () => Promise<unknown>, onSaved: () => void) => {
    if (busy) return;
    setBusy(true);
    setRest(null);
    try {
      await save();
      reset();
      onSaved();
      setTimeout(() => focusById(`${prefix}_${fields[0]}`), 0);
    } catch (e) {
      const err = api.toApiError(e);
      const { byField, rest: others } = splitFieldErrors(err, msg, (f) => {
        const n = lastSegment(f);
        return (fields as readonly string[]).includes(n) ? n : null;
      });
      setErrors(byField);
      if (!err.fields.length || others.length) setRest(err);
      focusFirst(byField);
    } finally {
      setBusy(false);
    }
  };
  const keys = (submit: () => void) => (e: KeyboardEvent) => {
    if (enterSubmits(e)) {
      e.preventDefault();
      submit();
    } else if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      reset();
    }
  };
  return { v, change, errors, setErrors, rest, busy, run, keys, focusFirst };
}

export default function HealthPanel({ workerId, onChanged }: { workerId: string; onChanged?: () => void }) {
  const { t, msg } = useI18n();
  const [checks, setChecks] = useState<HealthCheck[]>([]);
  const [policies, setPolicies] = useState<InsurancePolicy[]>([]);
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  const [reload, setReload] = useState(0);
  const [file, setFile] = useState<File | null>(null);
  const [fileKey, setFileKey] = useState(0);

  useEffect(() => {
    let live = true;
    Promise.all([api.healthCheckList(workerId), api.insuranceList(workerId)])
      .then(([h, i]) => {
        if (!live) return;
        setChecks(h);
        setPolicies(i);
      })
      .catch((e: unknown) => live && setLoadError(api.toApiError(e)));
    return () => {
      live = false;
    };
  }, [workerId, reload]);

  const saved = () => {
    setReload((n) => n + 1);
    onChanged?.();
  };
  const h = useForm<HealthField>(HEALTH_FIELDS, 'hc', {
    checked_on: '',
    institution: '',
    category: 'general',
    result: 'pass',
    valid_until: '',
    report: '',
  });
  const ins = useForm<InsuranceField>(INSURANCE_FIELDS, 'ins', {
    insurer: '',
    policy_number: '',
    kind: 'accident',
    valid_from: '',
    valid_until: '',
  });

  const required = <F extends string>(form: { v: Record<F, string>; setErrors: (e: FieldErrors) => void; focusFirst: (e: FieldErrors) => void }, names: F[]) => {
    const errs: FieldErrors = {};
    for (const f of names) if (!form.v[f].trim()) errs[f] = t('form.required');
    if (Object.keys(errs).length) {
      form.setErrors(errs);
      form.focusFirst(errs);
      return false;
    }
    return true;
  };

  const saveHealth = () => {
    if (!required(h, ['checked_on', 'institution'])) return;
    void h.run(async () => {
      const report = file ? await readFileBase64(file) : null;
      await api.healthCheckAdd(
        workerId,
        {
          checked_on: h.v.checked_on,
          institution: h.v.institution,
          category: picked(CATEGORIES, h.v.category),
          result: picked(RESULTS, h.v.result),
          valid_until: h.v.valid_until.trim() ? h.v.valid_until : null,
        },
        report,
      );
      setFile(null);
      setFileKey((k) => k + 1);
    }, saved);
  };
  const saveInsurance = () => {
    if (!required(ins, ['insurer', 'policy_number', 'valid_from', 'valid_until'])) return;
    void ins.run(() => api.insuranceAdd(workerId, { ...ins.v, kind: picked(KINDS, ins.v.kind) }), saved);
  };

  const day = todayIso();
  const lapsed = (until: string) =>
    until < day ? (
      <Tag color="red" data-testid="lapsed">
        {t('health.expired')}
      </Tag>
    ) : null;
  const item = <F extends string>(
    form: { errors: FieldErrors },
    prefix: string,
    f: F,
    label: string,
    control: React.ReactNode,
    req = false,
  ) => (
    <Form.Item
      label={label}
      required={req}
      validateStatus={form.errors[f] ? 'error' : undefined}
      help={form.errors[f] ? <span data-testid={`error-${prefix}-${f}`}>{form.errors[f]}</span> : undefined}
    >
      {control}
    </Form.Item>
  );
  const text = <F extends string>(
    form: { v: Record<F, string>; change: (k: F, v: string) => void; errors: FieldErrors },
    prefix: string,
    f: F,
    label: string,
    req = false,
    placeholder?: string,
  ) =>
    item(
      form,
      prefix,
      f,
      label,
      <Input id={`${prefix}_${f}`} value={form.v[f]} placeholder={placeholder} onChange={(e) => form.change(f, e.target.value)} />,
      req,
    );

  return (
    <Card className="mt" size="small" data-testid="health-panel" title={t('health.title')}>
      {loadError && <Alert type="error" showIcon message={msg(loadError)} className="mb" />}
      <div className="health-lists">
        <div data-testid="health-list">
          <div className="muted small">{t('health.checks')}</div>
          {checks.length === 0 && <div className="muted">{t('health.noChecks')}</div>}
          {checks.map((c) => (
            <div key={c.id} data-testid="health-row" className="health-row">
              <span className="mono">{c.checked_on}</span> {c.institution} · {t(`health.category.${c.category}`)} ·{' '}
              <Tag color={c.result === 'pass' ? 'green' : 'red'}>{t(`health.result.${c.result}`)}</Tag>
              {t('health.validUntil', { date: c.valid_until })} {lapsed(c.valid_until)}
              {c.report_sha256 && <Tag>{t('health.hasReport')}</Tag>}
            </div>
          ))}
        </div>
        <div data-testid="insurance-list" className="mt-s">
          <div className="muted small">{t('health.policies')}</div>
          {policies.length === 0 && <div className="muted">{t('health.noPolicies')}</div>}
          {policies.map((p) => (
            <div key={p.id} data-testid="insurance-row" className="health-row">
              {p.insurer} <span className="mono">{p.policy_number}</span> · {t(`health.kind.${p.kind}`)} ·{' '}
              <span className="mono">
                {p.valid_from} — {p.valid_until}
              </span>{' '}
              {lapsed(p.valid_until)}
            </div>
          ))}
        </div>
      </div>

      <Form layout="vertical" component="div" onKeyDown={h.keys(saveHealth)} data-testid="health-form" className="mt">
        <Row gutter={12}>
          <Col span={4}>{text(h, 'hc', 'checked_on', t('health.checkedOn'), true, 'YYYY-MM-DD')}</Col>
          <Col span={6}>{text(h, 'hc', 'institution', t('health.institution'), true)}</Col>
          <Col span={8}>
            {item(
              h,
              'hc',
              'category',
              t('health.categoryLabel'),
              <Radio.Group id="hc_category" value={h.v.category} onChange={(e) => h.change('category', String(e.target.value))}>
                {CATEGORIES.map((c) => (
                  <Radio key={c} value={c}>
                    {t(`health.category.${c}`)}
                  </Radio>
                ))}
              </Radio.Group>,
            )}
          </Col>
          <Col span={6}>
            {item(
              h,
              'hc',
              'result',
              t('health.resultLabel'),
              <Radio.Group id="hc_result" value={h.v.result} onChange={(e) => h.change('result', String(e.target.value))}>
                {RESULTS.map((r) => (
                  <Radio key={r} value={r}>
                    {t(`health.result.${r}`)}
                  </Radio>
                ))}
              </Radio.Group>,
            )}
          </Col>
          <Col span={4}>{text(h, 'hc', 'valid_until', t('health.validUntilLabel'), false, t('health.oneYear'))}</Col>
          <Col span={10}>
            {item(
              h,
              'hc',
              'report',
              t('health.report'),
              <input
                key={fileKey}
                id="hc_report"
                type="file"
                accept="application/pdf,image/jpeg,image/png"
                data-testid="health-report"
                onChange={(e) => {
                  setFile(e.target.files?.[0] ?? null);
                  h.change('report', '');
                }}
              />,
            )}
          </Col>
        </Row>
        {h.rest && <Alert type="error" showIcon message={msg(h.rest)} className="mb" data-testid="health-error" />}
        <Button type="primary" loading={h.busy} onClick={saveHealth} data-testid="health-submit">
          {t('health.add')}
        </Button>
      </Form>

      <Form layout="vertical" component="div" onKeyDown={ins.keys(saveInsurance)} data-testid="insurance-form" className="mt">
        <Row gutter={12}>
          <Col span={5}>{text(ins, 'ins', 'insurer', t('health.insurer'), true)}</Col>
          <Col span={5}>{text(ins, 'ins', 'policy_number', t('health.policyNumber'), true)}</Col>
          <Col span={6}>
            {item(
              ins,
              'ins',
              'kind',
              t('health.kindLabel'),
              <Radio.Group id="ins_kind" value={ins.v.kind} onChange={(e) => ins.change('kind', String(e.target.value))}>
                {KINDS.map((k) => (
                  <Radio key={k} value={k}>
                    {t(`health.kind.${k}`)}
                  </Radio>
                ))}
              </Radio.Group>,
            )}
          </Col>
          <Col span={4}>{text(ins, 'ins', 'valid_from', t('health.validFrom'), true, 'YYYY-MM-DD')}</Col>
          <Col span={4}>{text(ins, 'ins', 'valid_until', t('health.validUntilLabel'), true, 'YYYY-MM-DD')}</Col>
        </Row>
        {ins.rest && <Alert type="error" showIcon message={msg(ins.rest)} className="mb" data-testid="insurance-error" />}
        <Button type="primary" loading={ins.busy} onClick={saveInsurance} data-testid="insurance-submit">
          {t('health.addPolicy')}
        </Button>
      </Form>
    </Card>
  );
}
