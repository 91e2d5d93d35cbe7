import { useEffect, useRef, useState } from 'react';
import Alert from 'antd/es/alert';
import App from 'antd/es/app';
import Input from 'antd/es/input';
import Modal from 'antd/es/modal';
import Progress from 'antd/es/progress';
import Radio from 'antd/es/radio';
import Select from 'antd/es/select';
import type { ButtonProps } from 'antd/es/button';
import * as api from '../../api';
import type { ApiError, CardLayout, PrintOutcome, PrinterInfo } from '../../api';
import { useI18n } from '../../i18n';
import { todayIso } from '../../util';

/** 制作: choose single cards or A4 sheets, a printer or a PDF file, then print with progress. */
export default function PrintDialog({
  open,
  workerIds,
  allApproved = false,
  fileStem,
  onClose,
  onPrinted,
}: {
  open: boolean;
  workerIds: string[];
  allApproved?: boolean;
  fileStem: string;
  onClose: () => void;
  onPrinted: (o: PrintOutcome) => void;
}) {
  const { t, msg } = useI18n();
  const { message } = App.useApp();
  const [layout, setLayout] = useState<CardLayout>('cr80');
  const [printers, setPrinters] = useState<PrinterInfo[]>([]);
  const [dest, setDest] = useState('pdf');
  const [folder, setFolder] = useState('');
  const [path, setPath] = useState('');
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState<api.PrintProgress | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const pathTouched = useRef(false);

  useEffect(() => {
    if (!open) return;
    setError(null);
    setProgress(null);
    pathTouched.current = false;
    api.printerList().then((p) => {
      setPrinters(p);
      const def = p.find((x) => x.is_default);
      if (def) setDest(def.name);
    }).catch(() => setPrinters([]));
    api.exportFolder().then(setFolder).catch(() => setFolder(''));
  }, [open]);

  useEffect(() => {
    if (!pathTouched.current) setPath(`${folder ? folder + '/' : ''}${fileStem}-${layout}-${todayIso()}.pdf`);
  }, [folder, fileStem, layout]);

  const print = async () => {
    setBusy(true);
    setError(null);
    setProgress(null);
    const stop = await api.onPrintProgress(setProgress);
    try {
      const target: api.PrintTarget = dest === 'pdf' ? { kind: 'pdf', path } : { kind: 'printer', name: dest };
      const o = await api.cardPrint(workerIds, allApproved, layout, target);
      message.success(o.path ? t('card.savedPdf', { n: o.cards, path: o.path }) : t('card.sentToPrinter', { n: o.cards, printer: o.printer ?? '' }));
      onPrinted(o);
    } catch (e) {
      setError(api.toApiError(e));
    } finally {
      stop();
      setBusy(false);
    }
  };

  return (
    <Modal
      open={open}
      title={t('card.printTitle')}
      okText={t('card.printOk')}
      onOk={print}
      onCancel={busy ? undefined : onClose}
      confirmLoading={busy}
      okButtonProps={{ 'data-testid': 'print-ok' } as ButtonProps}
      destroyOnHidden
    >
      <div
        data-testid="print-dialog"
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !busy && (e.target as HTMLElement).tagName === 'INPUT') {
            e.preventDefault();
            void print();
          }
        }}
      >
        <div className="form-row">
          <span className="form-label">{t('card.layout')}</span>
          <Radio.Group value={layout} onChange={(e) => setLayout(e.target.value)} data-testid="print-layout">
            <Radio value="cr80">{t('card.layoutCr80')}</Radio>
            <Radio value="a4">{t('card.layoutA4')}</Radio>
          </Radio.Group>
        </div>
        <div className="form-row">
          <span className="form-label">{t('card.destination')}</span>
          <Select
            value={dest}
            onChange={setDest}
            style={{ width: 280 }}
            data-testid="print-destination"
            options={[
              { value: 'pdf', label: t('card.saveAsPdf') },
              ...printers.map((p) => ({ value: p.name, label: p.is_default ? `${p.name}（${t('card.default')}）` : p.name })),
            ]}
          />
        </div>
        {dest === 'pdf' && (
          <div className="form-row">
            <span className="form-label">{t('card.pdfPath')}</span>
            <Input
              data-testid="print-path"
              value={path}
              autoFocus
              onChange={(e) => {
                pathTouched.current = true;
                setPath(e.target.value);
              }}
            />
          </div>
        )}
        {progress && (
          <Progress
            data-testid="print-progress"
            percent={Math.round((progress.done * 100) / Math.max(1, progress.total))}
            format={() => `${progress.done}/${progress.total}`}
          />
        )}
        {error && <Alert className="mt" type="error" showIcon message={msg(error)} data-testid="print-error" />}
      </div>
    </Modal>
  );
}
