import { useEffect, useRef, useState } from 'react';
import Alert from 'antd/es/alert';
import Button from 'antd/es/button';
import Modal from 'antd/es/modal';
import { useT } from '../../i18n';

export function cameraAvailable(): boolean {
  return typeof navigator !== 'undefined' && typeof navigator.mediaDevices?.getUserMedia === 'function';
}

/** Webcam capture: shows the live picture, "拍摄" grabs one frame as PNG base64. */
export default function CameraModal({
  open,
  onClose,
  onCapture,
}: {
  open: boolean;
  onClose: () => void;
  onCapture: (pngBase64: string) => void;
}) {
  const t = useT();
  const video = useRef<HTMLVideoElement>(null);
  const stream = useRef<MediaStream | null>(null);
  const [failed, setFailed] = useState(false);
  const [ready, setReady] = useState(false);

  useEffect(() => {
    if (!open) return;
    let live = true;
    setFailed(false);
    setReady(false);
    navigator.mediaDevices
      .getUserMedia({ video: { width: { ideal: 1280 }, height: { ideal: 960 } }, audio: false })
      .then((s) => {
        if (!live) {
          s.getTracks().forEach((tr) => tr.stop());
          return;
        }
        stream.current = s;
        if (video.current) {
          video.current.srcObject = s;
          void video.current.play().catch(() => undefined);
        }
      })
      .catch(() => live && setFailed(true));
    return () => {
      live = false;
      stream.current?.getTracks().forEach((tr) => tr.stop());
      stream.current = null;
    };
  }, [open]);

  const capture = () => {
    const v = video.current;
    if (!v || !v.videoWidth) return;
    const canvas = document.createElement('canvas');
    canvas.width = v.videoWidth;
    canvas.height = v.videoHeight;
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.drawImage(v, 0, 0);
    const url = canvas.toDataURL('image/png');
    onCapture(url.slice(url.indexOf(',') + 1));
    onClose();
  };

  return (
    <Modal
      open={open}
      title={t('camera.title')}
      onCancel={onClose}
      destroyOnHidden
      width={560}
      footer={[
        <Button key="cancel" onClick={onClose}>
          {t('common.cancel')}
        </Button>,
        <Button key="shoot" type="primary" disabled={!ready || failed} onClick={capture} autoFocus>
          {t('camera.capture')}
        </Button>,
      ]}
    >
      {failed ? (
        <Alert type="error" showIcon message={t('camera.failed')} />
      ) : (
        <video
          ref={video}
          className="camera-video"
          playsInline
          muted
          onLoadedMetadata={() => setReady(true)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') capture();
          }}
        />
      )}
    </Modal>
  );
}
