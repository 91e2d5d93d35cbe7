import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import Alert from 'antd/es/alert';
import App from 'antd/es/app';
import Button from 'antd/es/button';
import Descriptions from 'antd/es/descriptions';
import Input from 'antd/es/input';
import Modal from 'antd/es/modal';
import Radio from 'antd/es/radio';
import Select from 'antd/es/select';
import Space from 'antd/es/space';
import Tag from 'antd/es/tag';
import Typography from 'antd/es/typography';
import type { ButtonProps } from 'antd/es/button';
import * as api from '../../api';
import type { ApiError, CancelReason, CardLayout, CardState, LossKind } from '../../api';
import { useI18n } from '../../i18n';
import { useSession } from '../../session';
import { everyCode, formatTime, todayIso } from '../../util';
import PrintDialog from './PrintDialog';
import SignaturePad from './SignaturePad';

const CANCEL_REASONS = everyCode<CancelReason>()(['left_agency', 'misconduct', 'other']);
const LOSS_KINDS = everyCode<LossKind>()(['lost', 'damaged']);

const PdfPreview = lazy(() => import('./PdfPreview'));

type Dialog = 'slip' | null | 'preview' | 'print' | 'issue' | 'loss' | 'cancel';

/** The fields of each form dialog, by the names the desk's refusals give them. */
const DIALOG_FIELDS: Partial<Record<NonNullable<Dialog>, string[]>> = {
  issue: ['issued_on', 'signature'],
  loss: ['kind', 'note'],
  cancel: ['reason', 'note'],
};

/** On the worker page: the certificate card — preview, print (制作), hand over (发放), report lost or
 * damaged (挂失/补办), cancel (注销) — and its history. */
export default function CardPanel({ id, name, onChanged }: { id: string; name: string; onChanged: () => void }) {
  const { t, msg } = useI18n();
  const { message } = App.useApp();
  const { user } = useSession();
  const [state, setState] = useState<CardState | null>(null);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [pdf, setPdf] = useState<ArrayBuffer | null>(null);
  const [layout, setLayout] = useState<CardLayout>('cr80');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  // dialog fields
  const [issuedOn, setIssuedOn] = useState(todayIso());
  const [signature, setSignature] = useState<string | null>(null);
  const [lossKind, setLossKind] = useState<LossKind>('lost');
  const [note, setNote] = useState('');
  const [reason, setReason] = useState<CancelReason>('left_agency');

  const load = useCallback(() => {
    api.cardState(id).then(setState).catch(() => setState(null));
  }, [id]);
  useEffect(load, [load]);

  const open = (d: Dialog) => {
    setError(null);
    setNote('');
    setSignature(null);
    setIssuedOn(todayIso());
    setDialog(d);
  };

  const preview = async (l: CardLayout) => {
    setLayout(l);
    setError(null);
    setPdf(null);
    setDialog('preview');
    try {
      setPdf(await api.cardPreview(id, l));
    } catch (e) {
      setError(api.toApiError(e));
    }
  };

  const slip = async () => {
    setError(null);
    setPdf(null);
    setDialog('slip');
    try {
      setPdf(await api.cardActivationSlip(id));
    } catch (e) {
      setError(api.toApiError(e));
    }
  };

  const act = async (run: () => Promise<CardState>, done: string) => {
    setBusy(true);
    setError(null);
    try {
      setState(await run());
      message.success(done);
      setDialog(null);
      onChanged();
    } catch (e) {
      setError(api.toApiError(e));
    } finally {
      setBusy(false);
    }
  };

  if (!state) return null;
  const cert = state.certificate;
  const printable = !!cert && !state.print_refusal;
  // A refused field's sentence goes beside that field; anything else in the box below the form.
  const fieldError = (field: string) => error?.fields.find((f) => f.field === field);
  const beside = (field: string) => {
    const f = fieldError(field);
    return f ? <div className="field-error" data-testid={`error-${field}`}>{msg(f)}</div> : null;
  };
  const placed = !!dialog && (DIALOG_FIELDS[dialog] ?? []).some((f) => fieldError(f));
  const errorBox = error && !placed && <Alert className="mt" type="error" showIcon message={msg(error)} data-testid="card-error" />;

  return (
    <div className="card-panel" data-testid="card-panel">
      <Typography.Title level={5} className="section-title">
        {t('card.title')}
        {state.awaiting_replacement && (
          <Tag color="orange" className="ml" data-testid="card-awaiting">
            {t('card.awaitingReplacement')}
          </Tag>
        )}
        {state.cancellation && (
          <Tag color="red" className="ml" data-testid="card-cancelled">
            {t('card.cancelledTag', { reason: t(`card.reason.${state.cancellation.reason}`) })}
          </Tag>
        )}
      </Typography.Title>
      <Space wrap>
        <Button data-testid="card-preview-btn" onClick={() => preview('cr80')}>
          {cert ? t('card.preview') : t('card.previewDraft')}
        </Button>
        {cert && (
          <Button type="primary" disabled={!printable} data-testid="card-print-btn" onClick={() => open('print')}>
            {state.handovers.length > 0 && printable ? t('card.printReplacement') : t('card.print')}
          </Button>
        )}
        {state.can_issue && (
          <Button type="primary" data-testid="card-issue-btn" onClick={() => open('issue')}>
            {t('card.issue')}
          </Button>
        )}
        {state.can_report_loss && (
          <Button data-testid="card-loss-btn" onClick={() => open('loss')}>
            {t('card.reportLoss')}
          </Button>
        )}
        {state.can_cancel && user.role === 'manager' && (
          <Button danger data-testid="card-cancel-btn" onClick={() => open('cancel')}>
            {t('card.cancel')}
          </Button>
        )}
      </Space>
      {cert && state.print_refusal && (
        <div className="muted small mt" data-testid="card-print-refusal">
          {msg(state.print_refusal)}
        </div>
      )}
      {state.activation && !state.cancellation && (
        <div className="mt activation" data-testid="card-activation">
          <span className="muted">{t('card.activationCode')}</span>{' '}
          <span className="mono activation-code" data-testid="card-activation-code">{state.activation.code}</span>
          <span className="muted small"> · {t('card.versionN', { v: state.activation.card_version })}</span>
          <div className="muted small">{state.activation.url ?? t('card.activationNoPlatform')}</div>
          <Space className="mt-s" wrap>
            <Button size="small" data-testid="card-slip-btn" onClick={slip}>
              {t('card.activationSlip')}
            </Button>
            <Button
              size="small"
              data-testid="card-activation-renew"
              loading={busy}
              onClick={() => act(() => api.cardActivationRenew(id), t('card.activationRenewed'))}
            >
              {t('card.activationRenew')}
            </Button>
          </Space>
        </div>
      )}
      {(state.prints.length > 0 || state.handovers.length > 0 || state.losses.length > 0 || state.cancellation) && (
        <Descriptions className="mt" size="small" bordered column={1} data-testid="card-history">
          {state.prints.filter((p) => !p.draft).map((p) => (
            <Descriptions.Item key={p.id} label={t('card.printed')}>
              {formatTime(p.printed_at)} · {p.printed_by} · {p.printer} · {t('card.versionN', { v: p.card_version ?? 0 })} ·{' '}
              {p.layout === 'a4' ? t('card.layoutA4') : t('card.layoutCr80')}
            </Descriptions.Item>
          ))}
          {state.handovers.map((h) => (
            <Descriptions.Item key={`h${h.card_version}${h.created_at}`} label={t('card.issued')}>
              {h.issued_on} · {h.issued_by} · {t('card.versionN', { v: h.card_version })}
              {h.has_signature ? ` · ${t('card.signed')}` : ''}
            </Descriptions.Item>
          ))}
          {state.losses.map((l) => (
            <Descriptions.Item key={`l${l.card_version}${l.reported_at}`} label={t(`card.loss.${l.kind}`)}>
              {formatTime(l.reported_at)} · {l.reported_by} · {t('card.versionN', { v: l.card_version })}
              {l.note ? ` · ${l.note}` : ''}
            </Descriptions.Item>
          ))}
          {state.cancellation && (
            <Descriptions.Item label={t('card.cancelled')}>
              {formatTime(state.cancellation.cancelled_at)} · {state.cancellation.cancelled_by} ·{' '}
              {t(`card.reason.${state.cancellation.reason}`)}
              {state.cancellation.note ? ` · ${state.cancellation.note}` : ''}
            </Descriptions.Item>
          )}
        </Descriptions>
      )}

      <Modal
        open={dialog === 'preview'}
        title={cert ? t('card.previewTitle', { code: cert.certificate_code }) : t('card.previewDraftTitle')}
        footer={
          <Space>
            <Radio.Group value={layout} onChange={(e) => preview(e.target.value)}>
              <Radio.Button value="cr80">{t('card.layoutCr80')}</Radio.Button>
              <Radio.Button value="a4">{t('card.layoutA4')}</Radio.Button>
            </Radio.Group>
            <Button onClick={() => setDialog(null)}>{t('common.close')}</Button>
          </Space>
        }
        width={layout === 'a4' ? 760 : 620}
        onCancel={() => setDialog(null)}
        destroyOnHidden
      >
        {!cert && <Alert type="warning" showIcon message={t('card.draftWarning')} className="mb" />}
        {errorBox}
        {pdf && (
          <Suspense fallback={null}>
            <PdfPreview data={pdf} />
          </Suspense>
        )}
      </Modal>

      <Modal
        open={dialog === 'slip'}
        title={t('card.activationSlip')}
        footer={<Button onClick={() => setDialog(null)}>{t('common.close')}</Button>}
        width={520}
        onCancel={() => setDialog(null)}
        destroyOnHidden
      >
        {errorBox}
        {pdf && (
          <Suspense fallback={null}>
            <PdfPreview data={pdf} />
          </Suspense>
        )}
      </Modal>

      <PrintDialog
        open={dialog === 'print'}
        workerIds={[id]}
        fileStem={`${t('card.fileStem')}-${cert?.certificate_code ?? name}-v${cert?.card_version ?? 0}`}
        onClose={() => setDialog(null)}
        onPrinted={() => {
          setDialog(null);
          load();
          onChanged();
        }}
      />

      <Modal
        open={dialog === 'issue'}
        title={t('card.issueTitle', { name })}
        okText={t('card.issueOk')}
        confirmLoading={busy}
        okButtonProps={{ 'data-testid': 'issue-ok' } as ButtonProps}
        onOk={() => act(() => api.cardIssue(id, issuedOn, signature), t('card.issuedDone'))}
        onCancel={() => setDialog(null)}
        destroyOnHidden
      >
        <div className="form-row">
          <span className="form-label">{t('card.issuedOn')}</span>
          <Input
            data-testid="issue-date"
            status={fieldError('issued_on') ? 'error' : undefined}
            value={issuedOn}
            autoFocus
            onChange={(e) => setIssuedOn(e.target.value)}
            onPressEnter={() => act(() => api.cardIssue(id, issuedOn, signature), t('card.issuedDone'))}
            style={{ width: 160 }}
          />
        </div>
        {beside('issued_on')}
        <div className="muted small">{t('card.signatureHint')}</div>
        <SignaturePad onChange={setSignature} />
        {beside('signature')}
        {errorBox}
      </Modal>

      <Modal
        open={dialog === 'loss'}
        title={t('card.lossTitle', { name })}
        okText={t('card.lossOk')}
        confirmLoading={busy}
        okButtonProps={{ 'data-testid': 'loss-ok' } as ButtonProps}
        onOk={() => act(() => api.cardReportLoss(id, lossKind, note), t('card.lossDone'))}
        onCancel={() => setDialog(null)}
        destroyOnHidden
      >
        <Radio.Group value={lossKind} onChange={(e) => setLossKind(e.target.value)} data-testid="loss-kind">
          {LOSS_KINDS.map((k) => (
            <Radio key={k} value={k}>
              {t(`card.loss.${k}`)}
            </Radio>
          ))}
        </Radio.Group>
        {beside('kind')}
        <Input
          className="mt"
          data-testid="loss-note"
          status={fieldError('note') ? 'error' : undefined}
          placeholder={t('card.notePlaceholder')}
          value={note}
          maxLength={200}
          autoFocus
          onChange={(e) => setNote(e.target.value)}
          onPressEnter={() => act(() => api.cardReportLoss(id, lossKind, note), t('card.lossDone'))}
        />
        {beside('note')}
        <div className="muted small mt">{t('card.lossExplain')}</div>
        {errorBox}
      </Modal>

      <Modal
        open={dialog === 'cancel'}
        title={t('card.cancelTitle', { name })}
        okText={t('card.cancelOk')}
        okButtonProps={{ danger: true, 'data-testid': 'cancel-ok' } as ButtonProps}
        confirmLoading={busy}
        onOk={() => act(() => api.cardCancel(id, reason, note), t('card.cancelDone'))}
        onCancel={() => setDialog(null)}
        destroyOnHidden
      >
        <Select
          value={reason}
          onChange={setReason}
          style={{ width: 200 }}
          data-testid="cancel-reason"
          status={fieldError('reason') ? 'error' : undefined}
          options={CANCEL_REASONS.map((r) => ({ value: r, label: t(`card.reason.${r}`) }))}
        />
        {beside('reason')}
        <Input
          className="mt"
          data-testid="cancel-note"
          status={fieldError('note') ? 'error' : undefined}
          placeholder={t('card.notePlaceholder')}
          value={note}
          maxLength={200}
          onChange={(e) => setNote(e.target.value)}
        />
        {beside('note')}
        <Alert className="mt" type="warning" showIcon message={t('card.cancelExplain')} />
        {errorBox}
      </Modal>
    </div>
  );
}
