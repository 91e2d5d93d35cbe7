import { useCallback, useEffect, useState } from 'react';
import Button from 'antd/es/button';
import List from 'antd/es/list';
import Rate from 'antd/es/rate';
import Tag from 'antd/es/tag';
import Typography from 'antd/es/typography';
import * as api from '../../api';
import type { FeedbackSummary } from '../../api';
import { useI18n } from '../../i18n';
import { formatTime } from '../../util';

/** On the worker page: citizens' ratings (评价) and complaints (投诉) that came down from the platform,
 * and the visits households confirmed after scanning the card (确认入户, a service record). */
export default function FeedbackPanel({ id }: { id: string }) {
  const { t } = useI18n();
  const [s, setS] = useState<FeedbackSummary | null>(null);
  const load = useCallback(() => {
    api.workerFeedback(id).then(setS).catch(() => setS(null));
  }, [id]);
  useEffect(load, [load]);
  if (!s || (s.items.length === 0 && s.visits === 0)) return null;
  return (
    <div data-testid="feedback-panel">
      <Typography.Title level={5} className="section-title">
        {t('feedback.title')}{' '}
        <span className="muted small" data-testid="feedback-summary">
          {t('feedback.summary', { n: s.ratings, avg: s.average_stars?.toFixed(1) ?? '—', open: s.open_complaints })}
        </span>
      </Typography.Title>
      {s.visits > 0 && (
        <div className="small" data-testid="feedback-visits">
          {t('feedback.visits', { n: s.visits, last: formatTime(s.recent_visits[0] ?? '') })}
        </div>
      )}
      <List
        size="small"
        dataSource={s.items}
        renderItem={(f) => (
          <List.Item
            data-testid="feedback-item"
            actions={
              f.kind === 'complaint' && !f.handled_at
                ? [
                    <Button key="h" size="small" onClick={() => api.complaintHandle(f.id).then(load)}>
                      {t('feedback.handle')}
                    </Button>,
                  ]
                : []
            }
          >
            {f.kind === 'rating' ? (
              <Rate disabled value={f.stars ?? 0} className="small-rate" />
            ) : (
              <Tag color={f.handled_at ? 'default' : 'red'}>{f.handled_at ? t('feedback.handled') : t('feedback.complaint')}</Tag>
            )}
            <span className="feedback-text">{f.text || <span className="muted">{t('feedback.noComment')}</span>}</span>
            <span className="muted small"> {formatTime(f.created_at)}</span>
          </List.Item>
        )}
      />
    </div>
  );
}
