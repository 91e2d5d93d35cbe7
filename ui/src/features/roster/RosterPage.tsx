// 持证人员名册: export the roster for the commerce authority (.xlsx or .csv), filtered by status
// and by the latest exam date. The one export that holds ID numbers. Below it, for managers,
// 名册备案: filing the roster with the platform and its receipts (RosterFiling).
import { useEffect, useState } from 'react';
import Alert from 'antd/es/alert';
import Button from 'antd/es/button';
import Form from 'antd/es/form';
import Input from 'antd/es/input';
import Radio from 'antd/es/radio';
import Select from 'antd/es/select';
import Typography from 'antd/es/typography';
import DownloadOutlined from '@ant-design/icons/DownloadOutlined';
import * as api from '../../api';
import type { ApiError, RosterExport, RosterFormat, WorkerStatus } from '../../api';
import { useI18n } from '../../i18n';
import { useSession } from '../../session';
import { todayIso } from '../../util';
import RosterFiling from './RosterFiling';

/** `<folder>/<name>.<ext>` with the folder's own separator. */
export function joinPath(folder: string, name: string): string {
  if (!folder) return name;
  const sep = folder.includes('\\') && !folder.includes('/') ? '\\' : '/';
  return folder.endsWith(sep) ? folder + name : folder + sep + name;
}

/** Swap a path's extension for the chosen format's. */
export function withExtension(path: string, ext: string): string {
  return /\.(xlsx|csv)$/i.test(path) ? path.replace(/\.(xlsx|csv)$/i, `.${ext}`) : `${path}.${ext}`;
}

export default function RosterPage() {
  const { t, msg, label } = useI18n();
  const { app, user } = useSession();
  // The statuses chosen, or 'all' (everyone), which the select keeps alone.
  const [statuses, setStatuses] = useState<(WorkerStatus | 'all')[]>([]);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [format, setFormat] = useState<RosterFormat>('xlsx');
  const [path, setPath] = useState('');
  // 加密: a passphrase seals the file (age); empty writes it plain.
  const [passphrase, setPassphrase] = useState('');
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<RosterExport | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  useEffect(() => {
    api
      .exportFolder()
      .then((dir) => setPath((p) => p || joinPath(dir, `${t('roster.fileName')}-${todayIso().replace(/-/g, '')}.xlsx`)))
      .catch(() => undefined);
  }, [t]);

  const run = async () => {
    if (busy || !path.trim()) return;
    setBusy(true);
    setDone(null);
    setError(null);
    try {
      setDone(
        await api.rosterExport(
          path.trim(),
          format,
          {
            everyone: statuses.includes('all'),
            statuses: statuses.filter((s): s is WorkerStatus => s !== 'all'),
            from: from.trim() || null,
            to: to.trim() || null,
          },
          passphrase || null,
        ),
      );
    } catch (e) {
      setError(api.toApiError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="page narrow" data-testid="roster-page">
      <Typography.Title level={4} className="page-title">
        {t('roster.title')}
      </Typography.Title>
      <Typography.Paragraph className="muted">{t('roster.intro')}</Typography.Paragraph>
      <Form layout="vertical" component="div">
        <Form.Item label={t('roster.status')} extra={t('roster.statusHint')}>
          <Select
            id="roster_status"
            data-testid="roster-status"
            mode="multiple"
            allowClear
            optionFilterProp="label"
            placeholder={t('roster.certifiedOnly')}
            value={statuses}
            onChange={(v: (WorkerStatus | 'all')[]) => setStatuses(v.includes('all') ? ['all'] : v)}
            options={[
              { value: 'all', label: t('roster.everyone') },
              ...app.statuses.map((s) => ({ value: s.code, label: label(s) })),
            ]}
          />
        </Form.Item>
        <Form.Item label={t('roster.dateRange')} extra={t('roster.dateHint')}>
          <Input.Group compact>
            <Input id="roster_from" style={{ width: 150 }} placeholder="YYYY-MM-DD" value={from} onChange={(e) => setFrom(e.target.value)} />
            <Input style={{ width: 40, pointerEvents: 'none' }} placeholder="~" disabled />
            <Input id="roster_to" style={{ width: 150 }} placeholder="YYYY-MM-DD" value={to} onChange={(e) => setTo(e.target.value)} />
          </Input.Group>
        </Form.Item>
        <Form.Item label={t('roster.format')}>
          <Radio.Group
            value={format}
            onChange={(e) => {
              const f = e.target.value as RosterFormat;
              setFormat(f);
              setPath((p) => (p ? withExtension(p, f) : p));
            }}
          >
            <Radio value="xlsx" data-testid="roster-format-xlsx">
              Excel (.xlsx)
            </Radio>
            <Radio value="csv" data-testid="roster-format-csv">
              CSV (.csv)
            </Radio>
          </Radio.Group>
        </Form.Item>
        <Form.Item label={t('roster.path')}>
          <Input id="roster_path" data-testid="roster-path" className="mono" value={path} onChange={(e) => setPath(e.target.value)} onPressEnter={() => void run()} />
        </Form.Item>
        <Form.Item label={t('roster.passphrase')} htmlFor="roster_passphrase" extra={t('roster.passphraseHint')}>
          <Input.Password
            id="roster_passphrase"
            autoComplete="new-password"
            value={passphrase}
            onChange={(e) => setPassphrase(e.target.value)}
            onPressEnter={() => void run()}
          />
        </Form.Item>
        <Button type="primary" icon={<DownloadOutlined />} loading={busy} onClick={() => void run()} data-testid="roster-export">
          {t('roster.export')}
        </Button>
      </Form>
      {done && (
        <Alert
          className="mt"
          type="success"
          showIcon
          data-testid="roster-done"
          message={t(done.sealed ? 'roster.doneSealed' : 'roster.done', { rows: done.rows })}
          description={<span className="mono">{done.path}</span>}
        />
      )}
      {error && <Alert className="mt" type="error" showIcon message={msg(error)} data-testid="roster-error" />}
      {user.role === 'manager' && <RosterFiling />}
    </div>
  );
}
