// 导入体检 / 导入保险: choose an .xlsx / .csv of health checks or policies of enrolled workers →
// preview (how many rows go in, each bad row with its column and sentence) → import in one go →
// result, and the report saved as a spreadsheet. The desk checks every row; this only shows.
import { useState } from 'react';
import Alert from 'antd/es/alert';
import Button from 'antd/es/button';
import Descriptions from 'antd/es/descriptions';
import Input from 'antd/es/input';
import Space from 'antd/es/space';
import Spin from 'antd/es/spin';
import Typography from 'antd/es/typography';
import * as api from '../../api';
import type { ApiError, CoverImportReport, CoverKind } from '../../api';
import { useI18n } from '../../i18n';
import { readFileBase64 } from '../../util';
import { joinPath } from '../roster/RosterPage';
import IssuesTable from './IssuesTable';

export default function CoverImport({ kind, folder }: { kind: CoverKind; folder: string }) {
  const { t, msg } = useI18n();
  const [bytes, setBytes] = useState<string | null>(null);
  const [preview, setPreview] = useState<CoverImportReport | null>(null);
  const [result, setResult] = useState<CoverImportReport | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [reportPath, setReportPath] = useState('');
  const [saved, setSaved] = useState<string | null>(null);

  const run = async (what: () => Promise<CoverImportReport>, done: (r: CoverImportReport) => void) => {
    setBusy(true);
    setError(null);
    try {
      done(await what());
    } catch (e) {
      setError(api.toApiError(e));
    } finally {
      setBusy(false);
    }
  };

  const onFile = async (f: File | undefined) => {
    if (!f) return;
    setSaved(null);
    setResult(null);
    setPreview(null);
    setReportPath(joinPath(folder, `${f.name.replace(/\.[^.]+$/, '')}-${t('import.reportSuffix')}.xlsx`));
    try {
      const b64 = await readFileBase64(f);
      setBytes(b64);
      await run(() => api.coverImportPreview(kind, b64), setPreview);
    } catch (e) {
      setError(api.toApiError(e));
    }
  };

  const runImport = () => {
    if (!bytes || busy) return;
    void run(
      () => api.coverImportRun(kind, bytes),
      (r) => {
        setResult(r);
        setPreview(null);
      },
    );
  };

  const saveReport = async () => {
    const r = result ?? preview;
    if (!r || !reportPath.trim()) return;
    try {
      await api.coverImportReportSave(r, reportPath.trim());
      setSaved(reportPath.trim());
    } catch (e) {
      setError(api.toApiError(e));
    }
  };

  const report = result ?? preview;
  return (
    <div data-testid="cover-import">
      <Typography.Paragraph className="muted">{t(`import.coverIntro.${kind}`)}</Typography.Paragraph>
      <Space>
        <label htmlFor="cover_file">{t('import.choose')}</label>
        <input
          id="cover_file"
          type="file"
          accept=".xlsx,.csv"
          className="file-input"
          disabled={busy}
          onChange={(e) => {
            void onFile(e.target.files?.[0]);
          }}
        />
        {busy && <Spin size="small" />}
      </Space>
      {error && <Alert className="mt" type="error" showIcon message={msg(error)} data-testid="import-error" />}
      {report && (
        <Descriptions size="small" bordered column={5} className="mt mb" data-testid="import-summary">
          <Descriptions.Item label={t('import.total')}>{report.total_rows}</Descriptions.Item>
          <Descriptions.Item label={t('import.valid')}>{report.valid_rows}</Descriptions.Item>
          <Descriptions.Item label={t('import.alreadyRecorded')}>{report.already_recorded}</Descriptions.Item>
          <Descriptions.Item label={t('import.invalid')}>{report.invalid_rows}</Descriptions.Item>
          <Descriptions.Item label={t('import.blank')}>{report.blank_rows}</Descriptions.Item>
        </Descriptions>
      )}
      {preview && (
        <Button type="primary" disabled={busy || preview.valid_rows === 0} onClick={runImport} data-testid="import-run">
          {t('import.run', { n: preview.valid_rows })}
        </Button>
      )}
      {result && (
        <Alert
          className="mt"
          type={result.invalid_rows ? 'warning' : 'success'}
          showIcon
          data-testid="import-result"
          message={t('import.coverDone', { imported: result.imported, skipped: result.already_recorded, invalid: result.invalid_rows })}
        />
      )}
      {report && report.issues.length > 0 && (
        <div className="mt">
          <Typography.Title level={5}>{t('import.issues', { n: report.issues.length })}</Typography.Title>
          <IssuesTable issues={report.issues} />
          <Space className="mt">
            <Input className="mono" style={{ width: 460 }} value={reportPath} onChange={(e) => setReportPath(e.target.value)} />
            <Button onClick={() => void saveReport()} data-testid="import-report-save">
              {t('import.saveReport')}
            </Button>
          </Space>
          {saved && <div className="muted small mt">{t('import.reportSaved', { path: saved })}</div>}
        </div>
      )}
    </div>
  );
}
