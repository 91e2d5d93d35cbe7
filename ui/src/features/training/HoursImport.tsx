// 导入线上学时: the online training platform's export (.xlsx / .csv) into an online class.
// Choose the file → preview (columns, unit, each row's hours and status, every problem by row
// and column) → optionally add the workers not in the class → record, all in one transaction →
// result and the report saved as a spreadsheet. The desk reads, checks and credits every row;
// this dialog only shows what it says.
import { useEffect, useRef, useState } from 'react';
import Alert from 'antd/es/alert';
import Button from 'antd/es/button';
import Checkbox from 'antd/es/checkbox';
import Descriptions from 'antd/es/descriptions';
import Input from 'antd/es/input';
import Modal from 'antd/es/modal';
import Space from 'antd/es/space';
import Spin from 'antd/es/spin';
import Table from 'antd/es/table';
import Tag from 'antd/es/tag';
import Typography from 'antd/es/typography';
import * as api from '../../api';
import type { ApiError, HoursImportReport, HoursPreviewRow, ImportIssue } from '../../api';
import { useI18n } from '../../i18n';
import { readFileBase64 } from '../../util';
import { joinPath } from '../roster/RosterPage';

const PREVIEW_ROWS = 200;

const STATUS_COLOR: Record<string, string> = {
  ok: 'green',
  add: 'blue',
  unchanged: 'default',
  not_in_class: 'gold',
  unknown_id_number: 'red',
  duplicate_in_file: 'orange',
  invalid: 'red',
};

export default function HoursImport({
  classId,
  open,
  onClose,
  onImported,
}: {
  classId: string;
  open: boolean;
  onClose: () => void;
  onImported: () => void;
}) {
  const { t, msg } = useI18n();
  const [bytes, setBytes] = useState<string | null>(null);
  const [addMissing, setAddMissing] = useState(false);
  const [preview, setPreview] = useState<HoursImportReport | null>(null);
  const [result, setResult] = useState<HoursImportReport | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [folder, setFolder] = useState('');
  const [reportPath, setReportPath] = useState('');
  const [saved, setSaved] = useState<string | null>(null);
  const fileRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    api.exportFolder().then(setFolder).catch(() => undefined);
  }, []);

  // Only the newest preview may land (the clerk may tick "add" while one is on its way).
  const seq = useRef(0);
  const runPreview = async (b64: string, add: boolean) => {
    const my = ++seq.current;
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      const p = await api.classHoursPreview(classId, b64, { add_missing: add, preview_rows: PREVIEW_ROWS });
      if (my === seq.current) setPreview(p);
    } catch (e) {
      if (my !== seq.current) return;
      setPreview(null);
      setError(api.toApiError(e));
    } finally {
      if (my === seq.current) setBusy(false);
    }
  };

  const onFile = async (f: File | undefined) => {
    if (!f) return;
    setSaved(null);
    setAddMissing(false);
    setReportPath(joinPath(folder, `${f.name.replace(/\.[^.]+$/, '')}-${t('hours.reportSuffix')}.xlsx`));
    try {
      const b64 = await readFileBase64(f);
      setBytes(b64);
      await runPreview(b64, false);
    } catch (e) {
      setError(api.toApiError(e));
    }
  };

  const runImport = async () => {
    if (!bytes || busy) return;
    setBusy(true);
    setError(null);
    try {
      const r = await api.classHoursImport(classId, bytes, { add_missing: addMissing, preview_rows: PREVIEW_ROWS });
      setResult(r);
      setPreview(null);
      onImported();
    } catch (e) {
      setError(api.toApiError(e));
    } finally {
      setBusy(false);
    }
  };

  const saveReport = async () => {
    const r = result ?? preview;
    if (!r || !reportPath.trim()) return;
    try {
      await api.classHoursReportSave(r, reportPath.trim());
      setSaved(reportPath.trim());
    } catch (e) {
      setError(api.toApiError(e));
    }
  };

  const close = () => {
    setBytes(null);
    setPreview(null);
    setResult(null);
    setError(null);
    setSaved(null);
    if (fileRef.current) fileRef.current.value = '';
    onClose();
  };

  const report = result ?? preview;
  const unit = (r: HoursImportReport) =>
    r.unit === 'class_hours' ? t('hours.unit.class_hours') : t(`hours.unit.${r.unit}`, { minutes: r.class_hour_minutes });
  const fieldLabel = (f: string) => t(`hours.field.${f}`);

  return (
    <Modal
      open={open}
      onCancel={close}
      title={t('hours.title')}
      width={920}
      footer={
        <Button onClick={close} data-testid="hours-close">
          {t('hours.close')}
        </Button>
      }
      destroyOnClose
    >
      <div data-testid="hours-import">
        <Typography.Paragraph className="muted">{t('hours.intro')}</Typography.Paragraph>
        <Space>
          <label htmlFor="class_hours_file">{t('hours.choose')}</label>
          <input
            ref={fileRef}
            id="class_hours_file"
            type="file"
            accept=".xlsx,.csv"
            className="file-input"
            data-testid="hours-file"
            disabled={busy}
            onChange={(e) => void onFile(e.target.files?.[0])}
          />
          {busy && <Spin size="small" />}
        </Space>

        {error && <Alert className="mt" type="error" showIcon message={msg(error)} data-testid="hours-error" />}

        {report && (
          <Space wrap className="mt mb">
            {report.mapping.map((m) => (
              <Tag key={m.field} color="blue">
                {m.column}: {m.header} → {fieldLabel(m.field)}
              </Tag>
            ))}
            <Tag color="purple" data-testid="hours-unit">
              {unit(report)}
            </Tag>
          </Space>
        )}

        {preview && (
          <div data-testid="hours-preview">
            <Descriptions size="small" bordered column={5} className="mb" data-testid="hours-summary">
              <Descriptions.Item label={t('hours.total')}>{preview.total_rows}</Descriptions.Item>
              <Descriptions.Item label={t('hours.toRecord')}>{preview.to_record}</Descriptions.Item>
              <Descriptions.Item label={t('hours.unchanged')}>{preview.unchanged}</Descriptions.Item>
              <Descriptions.Item label={t('hours.notInClass')}>{preview.not_in_class}</Descriptions.Item>
              <Descriptions.Item label={t('hours.invalid')}>{preview.invalid_rows}</Descriptions.Item>
            </Descriptions>
            <Table<HoursPreviewRow>
              size="small"
              rowKey="row"
              data-testid="hours-preview-table"
              dataSource={preview.preview}
              pagination={false}
              scroll={{ y: 260 }}
              columns={[
                { title: t('import.row'), dataIndex: 'row', width: 60 },
                { title: t('worker.name'), dataIndex: 'name', width: 120 },
                { title: t('hours.inFile'), dataIndex: 'value', width: 110 },
                { title: t('hours.hours'), dataIndex: 'hours', width: 90, render: (h: number | null) => (h == null ? '' : h) },
                { title: t('hours.previous'), dataIndex: 'previous_hours', width: 90, render: (h: number | null) => (h == null ? '—' : h) },
                { title: t('grid.credited'), dataIndex: 'credited_hours', width: 80, render: (h: number | null) => (h == null ? '' : h) },
                {
                  title: t('import.rowStatus'),
                  dataIndex: 'status',
                  render: (s: string) => (
                    <Tag color={STATUS_COLOR[s]} data-testid={`hours-status-${s}`}>
                      {t(`hours.status.${s}`)}
                    </Tag>
                  ),
                },
              ]}
            />
            <Space className="mt" wrap>
              {preview.not_in_class > 0 && (
                <Checkbox
                  id="hours_add_missing"
                  data-testid="hours-add-missing"
                  checked={addMissing}
                  onChange={(e) => {
                    setAddMissing(e.target.checked);
                    if (bytes) void runPreview(bytes, e.target.checked);
                  }}
                >
                  {t('hours.addMissing', { n: preview.not_in_class })}
                </Checkbox>
              )}
              <Button
                type="primary"
                disabled={busy || preview.to_record === 0}
                onClick={() => void runImport()}
                data-testid="hours-run"
              >
                {t('hours.run', { n: preview.to_record })}
              </Button>
            </Space>
          </div>
        )}

        {result && (
          <Alert
            className="mt"
            type={result.invalid_rows ? 'warning' : 'success'}
            showIcon
            data-testid="hours-result"
            message={t('hours.done', {
              recorded: result.recorded,
              added: result.added,
              unchanged: result.unchanged,
              invalid: result.invalid_rows,
            })}
          />
        )}

        {report && report.issues.length > 0 && (
          <div className="mt">
            <Typography.Title level={5}>{t('import.issues', { n: report.issues.length })}</Typography.Title>
            <Table<ImportIssue>
              size="small"
              data-testid="hours-issues"
              rowKey={(i) => `${i.row}-${i.column ?? ''}-${i.code}`}
              dataSource={report.issues}
              pagination={{ pageSize: 10, hideOnSinglePage: true }}
              columns={[
                { title: t('import.row'), dataIndex: 'row', width: 60 },
                { title: t('import.column'), width: 150, render: (_: unknown, i) => [i.column, i.header].filter(Boolean).join(' ') },
                { title: t('import.problem'), render: (_: unknown, i) => msg(i) },
                {
                  title: t('import.outcome'),
                  dataIndex: 'severity',
                  width: 90,
                  render: (s: string) =>
                    s === 'note' ? (
                      <Tag color="blue">{t('hours.noted')}</Tag>
                    ) : s === 'skipped' ? (
                      <Tag>{t('import.skipped')}</Tag>
                    ) : (
                      <Tag color="red">{t('import.notImported')}</Tag>
                    ),
                },
              ]}
            />
            <Space className="mt">
              <Input
                id="hours_report_path"
                className="mono"
                style={{ width: 460 }}
                value={reportPath}
                onChange={(e) => setReportPath(e.target.value)}
              />
              <Button onClick={() => void saveReport()} data-testid="hours-report-save">
                {t('import.saveReport')}
              </Button>
            </Space>
            {saved && <div className="muted small mt">{t('import.reportSaved', { path: saved })}</div>}
          </div>
        )}
      </div>
    </Modal>
  );
}
