import { useEffect, useState } from 'react';
import Alert from 'antd/es/alert';
import App from 'antd/es/app';
import Button from 'antd/es/button';
import Descriptions from 'antd/es/descriptions';
import * as api from '../../api';
import type { ApiError, PlatformView } from '../../api';
import { useI18n } from '../../i18n';

/** On the worker page: apply (申领) when the worker may, and what the platform said — the
 * certificate code once approved, the reason once rejected. */
export default function WorkerPlatformPanel({ id, status, onChanged }: { id: string; status: string; onChanged: () => void }) {
  const { t, msg } = useI18n();
  const { message } = App.useApp();
  const [view, setView] = useState<PlatformView | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api.workerPlatform(id).then(setView).catch(() => setView(null));
  }, [id, status]);

  const apply = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.workerApply(id);
      message.success(t('sync.applied'));
      onChanged();
    } catch (e) {
      setError(api.toApiError(e));
    } finally {
      setBusy(false);
    }
  };

  const canApply = status === 'eligible' || status === 'rejected';
  return (
    <div className="platform-panel" data-testid="platform-panel">
      {canApply && (
        <Button type="primary" onClick={apply} loading={busy} data-testid="worker-apply">
          {status === 'rejected' ? t('sync.reapply') : t('sync.apply')}
        </Button>
      )}
      {status === 'applied' && <Alert type="info" showIcon message={t('sync.waiting')} />}
      {error && <Alert className="mt" type="error" showIcon message={msg(error)} data-testid="apply-error" />}
      {view?.rejection && (
        <Alert className="mt" type="error" showIcon message={t('sync.rejectedBy')} description={msg(view.rejection)} />
      )}
      {view?.certificate && (
        <Descriptions className="mt" size="small" bordered column={2} data-testid="certificate">
          <Descriptions.Item label={t('worker.certificateCode')}>{view.certificate.certificate_code}</Descriptions.Item>
          <Descriptions.Item label={t('sync.cardVersion')}>{view.certificate.card_version}</Descriptions.Item>
          <Descriptions.Item label={t('sync.validFrom')}>{view.certificate.valid_from}</Descriptions.Item>
          <Descriptions.Item label={t('sync.validUntil')}>{view.certificate.valid_until}</Descriptions.Item>
        </Descriptions>
      )}
    </div>
  );
}
