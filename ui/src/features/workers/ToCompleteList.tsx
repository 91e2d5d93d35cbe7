// 待补全 on the home screen: workers enrolled without an address or an emergency contact (an
// imported staff sheet often lacks them), each with what it lacks and a link to the worker
// page. They cannot apply until completed. Hidden when there are none.
import { useEffect, useState } from 'react';
import Alert from 'antd/es/alert';
import Button from 'antd/es/button';
import Card from 'antd/es/card';
import * as api from '../../api';
import type { ApiError, WorkerToComplete } from '../../api';
import { useI18n } from '../../i18n';
import { fieldLabel } from './timeline';

export default function ToCompleteList({ onOpenWorker }: { onOpenWorker?: (id: string) => void }) {
  const { t, msg } = useI18n();
  const [list, setList] = useState<WorkerToComplete[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  useEffect(() => {
    api
      .workersToComplete()
      .then(setList)
      .catch((e: unknown) => setError(api.toApiError(e)));
  }, []);

  if (!error && (!list || list.length === 0)) return null;
  return (
    <Card size="small" className="mt" title={t('toComplete.title', { n: list?.length ?? 0 })} data-testid="to-complete">
      {error && <Alert type="error" showIcon message={msg(error)} />}
      {list?.map((w) => (
        <div key={w.id} className="deadline-row" data-testid="to-complete-row">
          <Button type="link" size="small" onClick={() => onOpenWorker?.(w.id)} data-testid="to-complete-worker">
            {w.name}
          </Button>
          <span className="muted">{t('toComplete.missing', { fields: w.missing.map((f) => fieldLabel(f, t)).join('、') })}</span>
        </div>
      ))}
    </Card>
  );
}
