// 到期提醒 on the home screen: health checks and insurance ending within 30 days or ended, lost
// cards to replace within 5 working days; the most pressing first, each with a link to the
// worker page where the new one is recorded.
import { useEffect, useState } from 'react';
import Alert from 'antd/es/alert';
import Button from 'antd/es/button';
import Card from 'antd/es/card';
import Tag from 'antd/es/tag';
import * as api from '../../api';
import type { ApiError, Deadline } from '../../api';
import { useI18n } from '../../i18n';

export default function DeadlineList({ onOpenWorker }: { onOpenWorker?: (id: string) => void }) {
  const { t, msg } = useI18n();
  const [list, setList] = useState<Deadline[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  useEffect(() => {
    api
      .deadlines()
      .then(setList)
      .catch((e: unknown) => setError(api.toApiError(e)));
  }, []);

  const when = (d: Deadline) => {
    if (d.kind === 'card_replacement') {
      return d.urgency === 'overdue' ? t('deadlines.replaceLate', { due: d.due }) : t('deadlines.replaceBy', { due: d.due, n: d.days_left });
    }
    return d.urgency === 'overdue' ? t('deadlines.expired', { due: d.due, n: -d.days_left }) : t('deadlines.expires', { due: d.due, n: d.days_left });
  };
  const colour = (d: Deadline) => (d.urgency === 'overdue' ? 'red' : d.urgency === 'warn' ? 'orange' : 'gold');

  return (
    <Card size="small" className="mt" title={t('deadlines.title')} data-testid="deadlines">
      {error && <Alert type="error" showIcon message={msg(error)} />}
      {list && list.length === 0 && <div className="muted">{t('deadlines.none')}</div>}
      {list?.map((d) => (
        <div key={`${d.worker_id}-${d.kind}`} className="deadline-row" data-testid="deadline-row" data-urgency={d.urgency}>
          <Tag color={colour(d)}>{t(`deadlines.urgency.${d.urgency}`)}</Tag>
          <Button type="link" size="small" onClick={() => onOpenWorker?.(d.worker_id)} data-testid="deadline-worker">
            {d.worker_name}
          </Button>
          <span>{t(`deadlines.kind.${d.kind}`)}</span> <span className="muted">{when(d)}</span>
        </div>
      ))}
    </Card>
  );
}
