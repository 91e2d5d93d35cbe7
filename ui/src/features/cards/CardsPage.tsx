import { useCallback, useEffect, useState } from 'react';
import Alert from 'antd/es/alert';
import App from 'antd/es/app';
import Button from 'antd/es/button';
import Card from 'antd/es/card';
import InputNumber from 'antd/es/input-number';
import Input from 'antd/es/input';
import Select from 'antd/es/select';
import Space from 'antd/es/space';
import Typography from 'antd/es/typography';
import * as api from '../../api';
import type { ApiError, Calibration, PrinterInfo } from '../../api';
import { useI18n } from '../../i18n';
import PrintDialog from './PrintDialog';

/** 批量制作: print every approved certificate's card at once, with progress; and the printers'
 * calibration (offsets, scale) with a test page. */
export default function CardsPage() {
  const { t, msg } = useI18n();
  const { message } = App.useApp();
  const [pending, setPending] = useState<string[] | null>(null);
  const [printing, setPrinting] = useState(false);
  const [printers, setPrinters] = useState<PrinterInfo[]>([]);
  const [printer, setPrinter] = useState('pdf');
  const [cal, setCal] = useState<Calibration>({ offset_x_mm: 0, offset_y_mm: 0, scale: 1 });
  const [testPath, setTestPath] = useState('');
  const [error, setError] = useState<ApiError | null>(null);

  const load = useCallback(() => {
    api.cardApprovedUnprinted().then(setPending).catch(() => setPending([]));
  }, []);
  useEffect(load, [load]);
  useEffect(() => {
    api.printerList().then(setPrinters).catch(() => setPrinters([]));
    api.exportFolder().then((f) => setTestPath(`${f}/${t('card.testPageFile')}.pdf`)).catch(() => undefined);
  }, [t]);
  useEffect(() => {
    api.printerCalibrationGet(printer).then(setCal).catch(() => undefined);
  }, [printer]);

  const save = async () => {
    setError(null);
    try {
      setCal(await api.printerCalibrationSet(printer, cal));
      message.success(t('common.saved'));
    } catch (e) {
      setError(api.toApiError(e));
    }
  };
  const testPage = async () => {
    setError(null);
    try {
      const p = await api.cardTestPage(printer, 'cr80', testPath);
      message.success(t('card.testPageSaved', { path: p }));
    } catch (e) {
      setError(api.toApiError(e));
    }
  };

  return (
    <div className="page" data-testid="cards-page">
      <Typography.Title level={4}>{t('card.batchTitle')}</Typography.Title>
      <Card size="small">
        <Space>
          <span data-testid="cards-pending">{t('card.batchPending', { n: pending?.length ?? 0 })}</span>
          <Button type="primary" disabled={!pending?.length} onClick={() => setPrinting(true)} data-testid="cards-print-all">
            {t('card.batchPrint')}
          </Button>
        </Space>
      </Card>
      <PrintDialog
        open={printing}
        workerIds={[]}
        allApproved
        fileStem={t('card.batchFileStem')}
        onClose={() => setPrinting(false)}
        onPrinted={() => {
          setPrinting(false);
          load();
        }}
      />
      <Typography.Title level={5} className="section-title">
        {t('card.calibrationTitle')}
      </Typography.Title>
      <Card size="small" data-testid="calibration">
        <Space wrap>
          <Select
            value={printer}
            onChange={setPrinter}
            style={{ width: 220 }}
            options={[{ value: 'pdf', label: t('card.saveAsPdf') }, ...printers.map((p) => ({ value: p.name, label: p.name }))]}
          />
          <span>{t('card.offsetX')}</span>
          <InputNumber value={cal.offset_x_mm} step={0.1} min={-10} max={10} onChange={(v) => setCal({ ...cal, offset_x_mm: v ?? 0 })} />
          <span>{t('card.offsetY')}</span>
          <InputNumber value={cal.offset_y_mm} step={0.1} min={-10} max={10} onChange={(v) => setCal({ ...cal, offset_y_mm: v ?? 0 })} />
          <span>{t('card.scale')}</span>
          <InputNumber value={cal.scale} step={0.005} min={0.9} max={1.1} onChange={(v) => setCal({ ...cal, scale: v ?? 1 })} />
          <Button type="primary" onClick={save} data-testid="calibration-save">
            {t('common.save')}
          </Button>
        </Space>
        <div className="muted small mt">{t('card.calibrationHint')}</div>
        <Space className="mt">
          <Input value={testPath} onChange={(e) => setTestPath(e.target.value)} style={{ width: 420 }} />
          <Button onClick={testPage}>{t('card.testPage')}</Button>
        </Space>
        {error && <Alert className="mt" type="error" showIcon message={msg(error)} />}
      </Card>
    </div>
  );
}
