import { useEffect, useState } from 'react';
import Alert from 'antd/es/alert';
import App from 'antd/es/app';
import Button from 'antd/es/button';
import Descriptions from 'antd/es/descriptions';
import Form from 'antd/es/form';
import Input from 'antd/es/input';
import * as api from '../../api';
import type { ApiError, SyncProgress, SyncRejection, SyncStatus } from '../../api';
import { useI18n } from '../../i18n';
import { useSession } from '../../session';
import { formatTime, todayIso } from '../../util';
import { ago } from './SyncIndicator';
import { ageSeconds } from './useSyncStatus';
import { CaFileInput } from '../../components/CaFileInput';
import { SyncProgressBar } from '../../components/SyncProgressBar';

/** The sync page: connect the desk to the platform, sync now, apply for every eligible worker,
 * and the records the platform refused, each with the platform's sentence. */
export default function SyncPage({
  status,
  refresh,
  onOpenWorker,
}: {
  status: SyncStatus | null;
  refresh: () => void;
  onOpenWorker: (id: string) => void;
}) {
  const { t, msg } = useI18n();
  const { user } = useSession();
  const { message } = App.useApp();
  const [busy, setBusy] = useState<string | null>(null);
  const [progress, setProgress] = useState<SyncProgress | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [rejections, setRejections] = useState<SyncRejection[]>([]);
  const [platformUrl, setPlatformUrl] = useState('');
  const [code, setCode] = useState('');
  const [caPem, setCaPem] = useState<string | null>(null);
  const [diagnosticsPath, setDiagnosticsPath] = useState('');
  useEffect(() => {
    const day = todayIso().replace(/-/g, '');
    api
      .exportFolder()
      .then((f) => setDiagnosticsPath(`${f}/certdesk-diagnostics-${day}.zip`))
      .catch(() => undefined);
  }, []);

  const loadRejections = () => {
    api.syncRejections(false).then(setRejections).catch(() => undefined);
  };
  useEffect(loadRejections, [status?.rejections]);

  const run = async (what: string, f: () => Promise<string>) => {
    setBusy(what);
    setError(null);
    try {
      message.success(await f());
    } catch (e) {
      setError(api.toApiError(e));
    } finally {
      setBusy(null);
      refresh();
      loadRejections();
    }
  };

  const enrol = () =>
    run('enrol', async () => {
      const r = await api.deviceEnrol(platformUrl.trim(), code.trim(), caPem, null);
      return t('sync.enrolled', { agency: r.agency_name });
    });
  const syncNow = () =>
    run('sync', async () => {
      // A window that cannot listen still syncs; it shows the spinner alone.
      const stop = await api.onSyncProgress(setProgress).catch(() => () => undefined);
      try {
        const r = await api.syncNow();
        const p = r.pulled;
        let done = t('sync.done', { pushed: r.pushed.applied + r.pushed.duplicate, pulled: p.changes });
        if (p.workers > 0) done += t('sync.otherDesks', { n: p.workers });
        const records = p.training_records + p.health_records + p.card_events + p.complaint_answers;
        if (records > 0) done += t('sync.otherDeskRecords', { n: records });
        if (p.workers_merged > 0) done += t('sync.merged', { n: p.workers_merged });
        return p.refused > 0 ? `${done}${t('sync.refused', { n: p.refused })}` : done;
      } finally {
        stop();
        setProgress(null);
      }
    });
  const applyAll = () =>
    run('apply', async () => {
      const r = await api.applyAllEligible();
      return t('sync.appliedAll', { n: r.applied.length });
    });

  const exportDiagnostics = () =>
    run('diagnostics', async () => {
      await api.diagnosticsExport(diagnosticsPath.trim());
      return t('diagnostics.done', { path: diagnosticsPath.trim() });
    });

  const isManager = user?.role === 'manager';
  return (
    <div className="page" data-testid="sync-page">
      <h2 className="page-title">{t('sync.title')}</h2>
      {error && <Alert className="form-alert" type="error" showIcon message={msg(error)} data-testid="sync-error" />}
      {status?.stale_warning && <Alert className="form-alert" type="warning" showIcon message={t('sync.staleWarning')} />}
      {status?.enrolled ? (
        <>
          <Descriptions size="small" bordered column={2} data-testid="sync-status">
            <Descriptions.Item label={t('sync.platform')}>{status.platform_url}</Descriptions.Item>
            <Descriptions.Item label={t('sync.agency')}>{status.agency_name}</Descriptions.Item>
            <Descriptions.Item label={t('sync.pending')}>{status.pending}</Descriptions.Item>
            <Descriptions.Item label={t('sync.lastSuccess')}>
              {status.last_success_at ? `${formatTime(status.last_success_at)}（${ago(t, ageSeconds(status.last_success_at))}）` : t('sync.never')}
            </Descriptions.Item>
            <Descriptions.Item label={t('sync.trustList')}>
              {status.trust_keys > 0 ? t('sync.trustListAge', { n: status.trust_keys, age: ago(t, status.trust_list_age_seconds) }) : t('sync.never')}
            </Descriptions.Item>
            <Descriptions.Item label={t('sync.lastError')}>{status.last_error ? msg(status.last_error) : '—'}</Descriptions.Item>
            {status.held > 0 && (
              <Descriptions.Item label={t('sync.held')} span={2}>
                {t('sync.heldNote', { n: status.held })}
              </Descriptions.Item>
            )}
          </Descriptions>
          {progress && (
            <SyncProgressBar
              progress={progress}
              testId="sync-progress"
              label={t('sync.progress', {
                pushed: progress.pushed,
                pushTotal: progress.push_total,
                pulled: progress.pulled,
                pullTotal: Math.max(progress.pull_total, progress.pulled),
                files: progress.files,
              })}
            />
          )}
          <div className="button-row">
            <Button type="primary" loading={busy === 'sync'} onClick={syncNow} data-testid="sync-now">
              {t('sync.now')}
            </Button>
            <Button loading={busy === 'apply'} onClick={applyAll} data-testid="apply-all">
              {t('sync.applyAll')}
            </Button>
          </div>
        </>
      ) : isManager ? (
        <Form layout="vertical" className="narrow-form" data-testid="device-enrol-form" onFinish={enrol}>
          <p className="muted">{t('sync.enrolHelp')}</p>
          <Form.Item label={t('sync.platformUrl')} required>
            <Input id="sync_platform_url" value={platformUrl} onChange={(e) => setPlatformUrl(e.target.value)} placeholder="https://" />
          </Form.Item>
          <Form.Item label={t('sync.code')} required>
            <Input id="sync_code" value={code} onChange={(e) => setCode(e.target.value)} />
          </Form.Item>
          <Form.Item label={t('sync.ca')}>
            <CaFileInput id="sync_ca" onChange={setCaPem} />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={busy === 'enrol'} data-testid="device-enrol-submit">
            {t('sync.enrol')}
          </Button>
        </Form>
      ) : (
        <Alert type="info" showIcon message={t('sync.askManager')} />
      )}
      <h3 className="section-title">{t('sync.rejections')}</h3>
      {rejections.length === 0 ? (
        <p className="muted" data-testid="rejections-empty">{t('sync.noRejections')}</p>
      ) : (
        <table className="wl-table" data-testid="rejections">
          <tbody>
            {rejections.map((r) => (
              <tr key={r.entry_id}>
                <td>{formatTime(r.received_at)}</td>
                <td>
                  {r.entity === 'worker' ? (
                    <a onClick={() => onOpenWorker(r.entity_id)}>{r.entity_label ?? r.entity_id}</a>
                  ) : (
                    r.entity_label ?? r.entity
                  )}
                </td>
                <td>{msg(r)}</td>
                <td>
                  <Button
                    size="small"
                    onClick={() => void api.syncRejectionDismiss(r.entry_id).then(loadRejections).then(refresh)}
                  >
                    {t('sync.dismiss')}
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3 className="section-title">{t('diagnostics.title')}</h3>
      <p className="muted">{t('diagnostics.help')}</p>
      <div className="button-row">
        <Input
          id="diagnostics_path"
          value={diagnosticsPath}
          onChange={(e) => setDiagnosticsPath(e.target.value)}
          aria-label={t('diagnostics.path')}
          data-testid="diagnostics-path"
        />
        <Button
          loading={busy === 'diagnostics'}
          disabled={!diagnosticsPath.trim()}
          onClick={exportDiagnostics}
          data-testid="diagnostics-export"
        >
          {t('diagnostics.export')}
        </Button>
      </div>
    </div>
  );
}
