import { useEffect, useRef, useState } from 'react';
import Alert from 'antd/es/alert';
import Spin from 'antd/es/spin';
import { useI18n } from '../../i18n';

/** Renders every page of a PDF (the exact bytes that would be printed) with pdf.js, loaded only
 * when a preview is first opened. */
export default function PdfPreview({ data, testId = 'card-preview' }: { data: ArrayBuffer; testId?: string }) {
  const { t } = useI18n();
  const box = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<'loading' | 'done' | 'failed'>('loading');
  const [pages, setPages] = useState(0);

  useEffect(() => {
    let cancelled = false;
    setState('loading');
    (async () => {
      const pdfjs = await import('pdfjs-dist');
      const worker = await import('pdfjs-dist/build/pdf.worker.min.mjs?url');
      pdfjs.GlobalWorkerOptions.workerSrc = worker.default;
      const doc = await pdfjs.getDocument({ data: new Uint8Array(data.slice(0)), isEvalSupported: false }).promise;
      const el = box.current;
      if (cancelled || !el) return;
      el.replaceChildren();
      for (let i = 1; i <= doc.numPages; i++) {
        const page = await doc.getPage(i);
        const viewport = page.getViewport({ scale: 2.2 });
        const canvas = document.createElement('canvas');
        canvas.width = Math.ceil(viewport.width);
        canvas.height = Math.ceil(viewport.height);
        canvas.className = 'pdf-page';
        canvas.dataset.testid = 'pdf-page';
        const ctx = canvas.getContext('2d');
        if (!ctx) throw new Error('no 2d context');
        await page.render({ canvasContext: ctx, canvas, viewport }).promise;
        if (cancelled) return;
        el.appendChild(canvas);
      }
      setPages(doc.numPages);
      setState('done');
    })().catch(() => !cancelled && setState('failed'));
    return () => {
      cancelled = true;
    };
  }, [data]);

  return (
    <div data-testid={testId} data-state={state} data-pages={pages}>
      {state === 'loading' && <Spin />}
      {state === 'failed' && <Alert type="error" showIcon message={t('card.previewFailed')} />}
      <div ref={box} className="pdf-pages" />
    </div>
  );
}
