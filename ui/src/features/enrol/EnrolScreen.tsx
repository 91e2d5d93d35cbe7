import { useEffect, useState } from 'react';
import Alert from 'antd/es/alert';
import Button from 'antd/es/button';
import Spin from 'antd/es/spin';
import Typography from 'antd/es/typography';
import * as api from '../../api';
import type { ApiError, Worker, WorkerDetail } from '../../api';
import { useI18n } from '../../i18n';
import EnrolForm from './EnrolForm';

/** Enrolment (no workerId) or editing of an existing worker (loads it first). */
export default function EnrolScreen({
  workerId,
  onSaved,
  onCancel,
  onOpenWorker,
  onDirtyChange,
}: {
  workerId?: string;
  onSaved: (w: Worker) => void;
  onCancel: () => void;
  onOpenWorker: (id: string) => void;
  onDirtyChange: (dirty: boolean) => void;
}) {
  const { t, msg } = useI18n();
  const [detail, setDetail] = useState<WorkerDetail | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  useEffect(() => {
    if (!workerId) return;
    let live = true;
    setDetail(null);
    setError(null);
    api
      .workerGet(workerId)
      .then((d) => live && setDetail(d))
      .catch((e: unknown) => live && setError(api.toApiError(e)));
    return () => {
      live = false;
    };
  }, [workerId]);

  if (workerId && error) {
    return (
      <div className="page">
        <Alert type="error" showIcon message={msg(error)} />
        <Button className="mt" onClick={onCancel}>
          {t('common.backToList')}
        </Button>
      </div>
    );
  }
  if (workerId && !detail) {
    return (
      <div className="page center-spin">
        <Spin />
      </div>
    );
  }
  return (
    <div className="page">
      <Typography.Title level={4} className="page-title">
        {detail ? t('enrol.editTitle', { name: detail.worker.name }) : t('enrol.title')}
      </Typography.Title>
      <EnrolForm
        key={detail?.worker.id ?? 'new'}
        worker={detail?.worker}
        photoUrl={detail?.photo_data_url}
        onSaved={onSaved}
        onCancel={onCancel}
        onOpenWorker={onOpenWorker}
        onDirtyChange={onDirtyChange}
      />
    </div>
  );
}
