// 导入人员: choose an .xlsx / .csv → preview (column mapping, per-row problems, the file-wide
// consent date / agency check the clerk must confirm) → import with progress → result, and the
// report saved as a spreadsheet. The desk validates every row; this screen only shows. The
// same page imports health checks and insurance policies (CoverImport).
import { useEffect, useRef, useState } from 'react';
import Alert from 'antd/es/alert';
import Button from 'antd/es/button';
import Checkbox from 'antd/es/checkbox';
import Descriptions from 'antd/es/descriptions';
import Input from 'antd/es/input';
import Progress from 'antd/es/progress';
import Segmented from 'antd/es/segmented';
import Space from 'antd/es/space';
import Spin from 'antd/es/spin';
import Table from 'antd/es/table';
import Tag from 'antd/es/tag';
import Typography from 'antd/es/typography';
import * as api from '../../api';
import type { ApiError, CoverKind, ImportOptions, ImportReport, PreviewRow } from '../../api';
import { hasKey, useI18n } from '../../i18n';
import { readFileBase64, todayIso } from '../../util';
import { joinPath } from '../roster/RosterPage';
import CoverImport from './CoverImport';
import IssuesTable from './IssuesTable';

/** What a file holds: workers, or health checks / insurance policies of enrolled workers. */
type ImportKind = 'workers' | CoverKind;

const PREVIEW_ROWS = 50;

export default function ImportPage({ onOpenWorkers }: { onOpenWorkers?: () => void }) {
  const { t, msg } = useI18n();
  const fileRef = useRef<HTMLInputElement>(null);
  const [bytes, setBytes] = useState<string | null>(null);
  const [consentDate, setConsentDate] = useState('');
  const [agencyChecked, setAgencyChecked] = useState(false);
  const [preview, setPreview] = useState<ImportReport | null>(null);
  const [result, setResult] = useState<ImportReport | null>(null);
  const [progress, setProgress] = useState<api.ImportProgress | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [reportPath, setReportPath] = useState('');
  const [saved, setSaved] = useState<string | null>(null);
  const [folder, setFolder] = useState('');
  const [kind, setKind] = useState<ImportKind>('workers');

  useEffect(() => {
    api.exportFolder().then(setFolder).catch(() => undefined);
  }, []);

  const options = (): ImportOptions => ({
    consent_date: consentDate.trim() || null,
    agency_checked: agencyChecked,
    preview_rows: PREVIEW_ROWS,
  });

  // Previews can overlap while the clerk types the consent date: only the newest may land,
  // or an answer for a half-typed date would replace the one for the whole date.
  const previewSeq = useRef(0);
  const runPreview = async (b64: string) => {
    const my = ++previewSeq.current;
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      const p = await api.importPreview(b64, options());
      if (my === previewSeq.current) setPreview(p);
    } catch (e) {
      if (my !== previewSeq.current) return;
      setPreview(null);
      setError(api.toApiError(e));
    } finally {
      if (my === previewSeq.current) setBusy(false);
    }
  };

  const onFile = async (f: File | undefined) => {
    if (!f) return;
    setSaved(null);
    const base = f.name.replace(/\.[^.]+$/, '');
    setReportPath(joinPath(folder, `${base}-${t('import.reportSuffix')}.xlsx`));
    try {
      const b64 = await readFileBase64(f);
      setBytes(b64);
      await runPreview(b64);
    } catch (e) {
      setError(api.toApiError(e));
    }
  };

  // The clerk's confirmations change what is valid: preview again once they are complete.
  const confirmed = `${consentDate.trim()}|${agencyChecked}`;
  useEffect(() => {
    if (!bytes || !preview || result) return;
    const d = consentDate.trim();
    if (d && !/^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}$/.test(d)) return;
    // Wait for a pause in the typing before asking again.
    const timer = setTimeout(() => void runPreview(bytes), 250);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [confirmed]);

  const runImport = async () => {
    if (!bytes || busy) return;
    setBusy(true);
    setError(null);
    setProgress({ done: 0, total: 1 });
    const stop = await api.onImportProgress(setProgress).catch(() => () => undefined);
    try {
      const r = await api.importRun(bytes, options());
      setResult(r);
      setPreview(null);
    } catch (e) {
      setError(api.toApiError(e));
    } finally {
      stop();
      setProgress(null);
      setBusy(false);
    }
  };

  const saveReport = async () => {
    const r = result ?? preview;
    if (!r || !reportPath.trim()) return;
    try {
      await api.importReportSave(r, reportPath.trim());
      setSaved(reportPath.trim());
    } catch (e) {
      setError(api.toApiError(e));
    }
  };

  const report = result ?? preview;
  const blocked = !!preview && ((preview.needs_consent_date && !consentDate.trim()) || (preview.needs_agency_check && !agencyChecked));
  const fieldLabel = (f: string | null) => (f ? (hasKey(`field.${f}`) ? t(`field.${f}`) : f) : '');

  return (
    <div className="page" data-testid="import-page">
      <Typography.Title level={4} className="page-title">
        {t('import.title')}
      </Typography.Title>
      <Segmented<ImportKind>
        className="mb"
        data-testid="import-kind"
        value={kind}
        onChange={setKind}
        options={(['workers', 'health', 'insurance'] as const).map((k) => ({ value: k, label: t(`import.kind.${k}`) }))}
      />
      {kind !== 'workers' ? (
        <CoverImport key={kind} kind={kind} folder={folder} />
      ) : (
      <>
      <Typography.Paragraph className="muted">{t('import.intro')}</Typography.Paragraph>
      <Space>
        <label htmlFor="import_file">{t('import.choose')}</label>
        <input
          ref={fileRef}
          id="import_file"
          type="file"
          accept=".xlsx,.csv"
          className="file-input"
          data-testid="import-file"
          disabled={busy}
          onChange={(e) => {
            void onFile(e.target.files?.[0]);
          }}
        />
        {busy && !progress && <Spin size="small" />}
      </Space>

      {error && <Alert className="mt" type="error" showIcon message={msg(error)} data-testid="import-error" />}

      {preview && (
        <div className="mt" data-testid="import-preview">
          {(preview.needs_consent_date || preview.needs_agency_check) && (
            <Alert
              type="warning"
              showIcon
              className="mb"
              message={t('import.confirmTitle')}
              description={
                <Space direction="vertical">
                  {preview.needs_consent_date && (
                    <Space>
                      <span>{t('import.consentDate')}</span>
                      <Input
                        id="import_consent_date"
                        style={{ width: 150 }}
                        placeholder={todayIso()}
                        value={consentDate}
                        onChange={(e) => setConsentDate(e.target.value)}
                      />
                    </Space>
                  )}
                  {preview.needs_agency_check && (
                    <Checkbox id="import_agency_checked" checked={agencyChecked} onChange={(e) => setAgencyChecked(e.target.checked)}>
                      {t('import.agencyChecked')}
                    </Checkbox>
                  )}
                  <Button size="small" onClick={() => bytes && void runPreview(bytes)}>
                    {t('import.refresh')}
                  </Button>
                </Space>
              }
            />
          )}
          <Space wrap className="mb">
            {preview.mapping.map((m) => (
              <Tag key={m.field} color="blue">
                {m.column}: {m.header} → {fieldLabel(m.field)}
              </Tag>
            ))}
            {preview.ignored_headers.map((h) => (
              <Tag key={h}>{t('import.ignored', { header: h })}</Tag>
            ))}
          </Space>
          <Summary r={preview} />
          <PreviewTable rows={preview.preview} fields={preview.mapping.map((m) => m.field)} fieldLabel={fieldLabel} />
          <Space className="mt">
            <Button type="primary" disabled={blocked || busy || preview.valid_rows === 0} onClick={() => void runImport()} data-testid="import-run">
              {t('import.run', { n: preview.valid_rows })}
            </Button>
          </Space>
        </div>
      )}

      {progress && (
        <Progress className="mt" data-testid="import-progress" percent={Math.floor((progress.done * 100) / Math.max(1, progress.total))} />
      )}

      {result && (
        <Alert
          className="mt"
          type={result.invalid_rows ? 'warning' : 'success'}
          showIcon
          data-testid="import-result"
          message={t('import.done', { imported: result.imported, skipped: result.already_enrolled, invalid: result.invalid_rows })}
          action={
            onOpenWorkers && (
              <Button size="small" onClick={onOpenWorkers}>
                {t('import.openWorkers')}
              </Button>
            )
          }
        />
      )}
      {result && <Summary r={result} />}

      {report && report.issues.length > 0 && (
        <div className="mt">
          <Typography.Title level={5}>{t('import.issues', { n: report.issues.length })}</Typography.Title>
          <IssuesTable issues={report.issues} />
          <Space className="mt">
            <Input id="import_report_path" className="mono" style={{ width: 460 }} value={reportPath} onChange={(e) => setReportPath(e.target.value)} />
            <Button onClick={() => void saveReport()} data-testid="import-report-save">
              {t('import.saveReport')}
            </Button>
          </Space>
          {saved && <div className="muted small mt">{t('import.reportSaved', { path: saved })}</div>}
        </div>
      )}
      </>
      )}
    </div>
  );
}

function Summary({ r }: { r: ImportReport }) {
  const { t } = useI18n();
  return (
    <Descriptions size="small" bordered column={6} className="mb" data-testid="import-summary">
      <Descriptions.Item label={t('import.file')}>
        {r.file_kind}
        {r.encoding ? ` ${r.encoding}` : ''}
        {r.sheet ? ` ${r.sheet}` : ''}
      </Descriptions.Item>
      <Descriptions.Item label={t('import.total')}>{r.total_rows}</Descriptions.Item>
      <Descriptions.Item label={t('import.valid')}>{r.valid_rows}</Descriptions.Item>
      {r.to_complete > 0 && <Descriptions.Item label={t('import.toComplete')}>{r.to_complete}</Descriptions.Item>}
      <Descriptions.Item label={t('import.already')}>{r.already_enrolled}</Descriptions.Item>
      <Descriptions.Item label={t('import.invalid')}>{r.invalid_rows}</Descriptions.Item>
      <Descriptions.Item label={t('import.blank')}>{r.blank_rows}</Descriptions.Item>
    </Descriptions>
  );
}

function PreviewTable({ rows, fields, fieldLabel }: { rows: PreviewRow[]; fields: string[]; fieldLabel: (f: string) => string }) {
  const { t } = useI18n();
  const color: Record<string, string> = { ok: 'green', to_complete: 'cyan', invalid: 'red', already_enrolled: 'default', duplicate_in_file: 'orange', needs_confirmation: 'gold' };
  return (
    <Table<PreviewRow>
      size="small"
      rowKey="row"
      data-testid="import-preview-table"
      dataSource={rows}
      pagination={false}
      scroll={{ x: true, y: 300 }}
      columns={[
        { title: t('import.row'), dataIndex: 'row', width: 60, fixed: 'left' },
        {
          title: t('import.rowStatus'),
          dataIndex: 'status',
          width: 100,
          render: (s: string) => <Tag color={color[s]}>{t(`import.status.${s}`)}</Tag>,
        },
        ...fields.map((f) => ({ title: fieldLabel(f), key: f, render: (_: unknown, r: PreviewRow) => r.values[f] ?? '' })),
      ]}
    />
  );
}
