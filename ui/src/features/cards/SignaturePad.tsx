import { useEffect, useRef } from 'react';
import Button from 'antd/es/button';
import { useI18n } from '../../i18n';

/** The worker signs on screen with a mouse, pen or finger; `onChange` gets a PNG data URL, or
 * null once cleared. */
export default function SignaturePad({ onChange }: { onChange: (png: string | null) => void }) {
  const { t } = useI18n();
  const canvas = useRef<HTMLCanvasElement>(null);
  const drawing = useRef(false);
  const drawn = useRef(false);

  useEffect(() => {
    const c = canvas.current;
    const ctx = c?.getContext('2d');
    if (!c || !ctx) return;
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, c.width, c.height);
    ctx.lineWidth = 2.5;
    ctx.lineCap = 'round';
    ctx.strokeStyle = '#111';
  }, []);

  const at = (e: React.PointerEvent<HTMLCanvasElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    return [((e.clientX - r.left) * e.currentTarget.width) / r.width, ((e.clientY - r.top) * e.currentTarget.height) / r.height];
  };

  return (
    <div className="signature">
      <canvas
        ref={canvas}
        width={480}
        height={140}
        data-testid="signature-pad"
        onPointerDown={(e) => {
          const ctx = e.currentTarget.getContext('2d');
          if (!ctx) return;
          drawing.current = true;
          e.currentTarget.setPointerCapture(e.pointerId);
          const [x, y] = at(e);
          ctx.beginPath();
          ctx.moveTo(x, y);
        }}
        onPointerMove={(e) => {
          const ctx = e.currentTarget.getContext('2d');
          if (!drawing.current || !ctx) return;
          const [x, y] = at(e);
          ctx.lineTo(x, y);
          ctx.stroke();
          drawn.current = true;
        }}
        onPointerUp={(e) => {
          drawing.current = false;
          if (drawn.current) onChange(e.currentTarget.toDataURL('image/png'));
        }}
      />
      <Button
        size="small"
        onClick={() => {
          const c = canvas.current;
          const ctx = c?.getContext('2d');
          if (!c || !ctx) return;
          ctx.fillStyle = '#fff';
          ctx.fillRect(0, 0, c.width, c.height);
          drawn.current = false;
          onChange(null);
        }}
      >
        {t('card.signatureClear')}
      </Button>
    </div>
  );
}
