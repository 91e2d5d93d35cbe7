import { useEffect, useState } from 'react';
import Alert from 'antd/es/alert';
import Button from 'antd/es/button';
import Card from 'antd/es/card';
import Progress from 'antd/es/progress';
import Typography from 'antd/es/typography';
import * as api from '../../api';
import type { ApiError, AvailableUpdate, UpdateProgress, UpdateStatus } from '../../api';
import { useI18n } from '../../i18n';
import { formatTime } from '../../util';

/** 软件更新 (manager): this version; 检查更新 asks the enrolled platform for a newer signed release
 * and shows what changed; 安装更新 downloads it with a progress bar, has its signature checked and
 * installs it; 立即重启 starts the new version. A refusal (a tampered or unsigned package, no
 * platform, no rights to install) is said above the buttons, and this version keeps working. */
export default function UpdateCard() {
  const { t, msg } = useI18n();
  const [status, setStatus] = useState<UpdateStatus | null>(null);
  const [offer, setOffer] = useState<AvailableUpdate | null | undefined>(undefined);
  const [progress, setProgress] = useState<UpdateProgress | null>(null);
  const [installed, setInstalled] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState<'check' | 'install' | null>(null);

  useEffect(() => {
    api.updateStatus().then(setStatus).catch((e: unknown) => setError(api.toApiError(e)));
  }, []);

  const check = async () => {
    if (busy) return;
    setBusy('check');
    setError(null);
    try {
      setOffer(await api.updateCheck());
    } catch (e) {
      setOffer(undefined);
      setError(api.toApiError(e));
    } finally {
      setBusy(null);
    }
  };
  const install = async () => {
    if (busy) return;
    setBusy('install');
    setError(null);
    const stop = await api.onUpdateProgress(setProgress);
    try {
      setInstalled((await api.updateInstall()).version);
      setOffer(undefined);
    } catch (e) {
      // The check is spent: the next attempt checks again.
      setOffer(undefined);
      setError(api.toApiError(e));
    } finally {
      stop();
      setProgress(null);
      setBusy(null);
    }
  };
  const restart = () => {
    api.updateRestart().catch((e: unknown) => setError(api.toApiError(e)));
  };

  const progressLine = (p: UpdateProgress) => {
    if (p.phase === 'verifying') return t('update.verifying');
    if (p.phase === 'installing') return t('update.installing');
    const mb = (n: number) => `${(n / 1048576).toFixed(1)} MB`;
    return t('update.downloading', { done: p.total ? `${mb(p.downloaded)} / ${mb(p.total)}` : mb(p.downloaded) });
  };
  const percent = (p: UpdateProgress) =>
    p.phase !== 'downloading' ? 100 : p.total ? Math.min(100, Math.floor((p.downloaded * 100) / p.total)) : 0;

  return (
    <Card size="small" title={t('update.title')} className="mt" data-testid="update-card">
      <div data-testid="update-current">{status ? t('update.current', { version: status.current_version }) : ''}</div>
      {status && !status.signed_updates && (
        <Alert className="mt" type="warning" showIcon message={t('update.unsigned')} data-testid="update-unsigned" />
      )}
      {error && <Alert className="mt" type="error" showIcon message={msg(error)} data-testid="update-error" />}
      {offer === null && !installed && (
        <Typography.Paragraph className="mt" data-testid="update-none">
          {t('update.none')}
        </Typography.Paragraph>
      )}
      {offer && (
        <div className="mt" data-testid="update-offer">
          <Typography.Text strong data-testid="update-version">
            {t('update.available', { version: offer.version })}
          </Typography.Text>
          {offer.date && <span className="muted small"> · {t('update.published', { at: formatTime(offer.date) })}</span>}
          {offer.notes && (
            <Typography.Paragraph className="mt" style={{ whiteSpace: 'pre-wrap' }} data-testid="update-notes">
              {offer.notes}
            </Typography.Paragraph>
          )}
        </div>
      )}
      {progress && (
        <div className="mt" data-testid="update-progress">
          <Progress percent={percent(progress)} status="active" />
          <Typography.Text type="secondary">{progressLine(progress)}</Typography.Text>
        </div>
      )}
      {installed && <Alert className="mt" type="success" showIcon message={t('update.installed', { version: installed })} data-testid="update-installed" />}
      <div className="mt">
        <Button loading={busy === 'check'} disabled={busy === 'install' || !status?.signed_updates} onClick={() => void check()} data-testid="update-check">
          {t('update.check')}
        </Button>{' '}
        {offer && (
          <Button type="primary" loading={busy === 'install'} onClick={() => void install()} data-testid="update-install">
            {t('update.install')}
          </Button>
        )}
        {installed && (
          <Button type="primary" onClick={restart} data-testid="update-restart">
            {t('update.restart')}
          </Button>
        )}
      </div>
      <div className="muted small mt">{t('update.help')}</div>
    </Card>
  );
}
