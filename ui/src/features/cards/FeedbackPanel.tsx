import { useCallback, useEffect, useState } from 'react';
import type { KeyboardEvent } from 'react';
import Alert from 'antd/es/alert';
import Button from 'antd/es/button';
import Input from 'antd/es/input';
import List from 'antd/es/list';
import Rate from 'antd/es/rate';
import Tag from 'antd/es/tag';
import Typography from 'antd/es/typography';
import * as api from '../../api';
import type { ApiError, Feedback, FeedbackSummary } from '../../api';
import { useI18n } from '../../i18n';
import { formatTime, todayIso } from '../../util';

/** A complaint's state on the desk: waiting for our answer, answered (the programme office
 * reviews it), or closed by the office (办结). */
function complaintTag(f: Feedback, t: (k: string) => string) {
  if (f.closed_at) return <Tag color="green">{t('feedback.closed')}</Tag>;
  if (f.handled_at) return <Tag color="blue">{t('feedback.answered')}</Tag>;
  return <Tag color="red">{f.office_note ? t('feedback.askedAgain') : t('feedback.complaint')}</Tag>;
}

/** 处理情况: what was done and on which day; Enter in the text saves, Esc closes. */
function AnswerForm({ f, onDone, onCancel }: { f: Feedback; onDone: () => void; onCancel: () => void }) {
  const { t, msg } = useI18n();
  const [action, setAction] = useState('');
  const [doneOn, setDoneOn] = useState(todayIso());
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const wrong = (field: string) => error?.fields.find((e) => e.field === field);
  const save = async () => {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      await api.complaintAnswer(f.id, action, doneOn);
      onDone();
    } catch (e) {
      setError(api.toApiError(e));
    } finally {
      setBusy(false);
    }
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      void save();
    } else if (e.key === 'Escape') {
      onCancel();
    }
  };
  return (
    <div className="complaint-answer" data-testid="complaint-answer-form" onKeyDown={onKeyDown}>
      <label htmlFor={`answer-${f.id}`}>{t('feedback.action')}</label>
      <Input.TextArea
        id={`answer-${f.id}`}
        autoFocus
        rows={2}
        maxLength={1000}
        value={action}
        status={wrong('action') ? 'error' : undefined}
        onChange={(e) => setAction(e.target.value)}
        data-testid="complaint-action"
      />
      {wrong('action') && <div className="field-error">{msg(wrong('action')!)}</div>}
      <label htmlFor={`done-${f.id}`}>{t('feedback.doneOn')}</label>
      <Input
        id={`done-${f.id}`}
        value={doneOn}
        style={{ width: 140 }}
        status={wrong('done_on') ? 'error' : undefined}
        onChange={(e) => setDoneOn(e.target.value)}
        data-testid="complaint-done-on"
      />
      {wrong('done_on') && <div className="field-error">{msg(wrong('done_on')!)}</div>}
      {error && error.fields.length === 0 && <Alert type="error" showIcon message={msg(error)} />}
      <div className="mt">
        <Button type="primary" size="small" loading={busy} onClick={() => void save()} data-testid="complaint-answer-save">
          {t('feedback.answerSave')}
        </Button>{' '}
        <Button size="small" onClick={onCancel}>
          {t('common.cancel')}
        </Button>
      </div>
    </div>
  );
}

/** On the worker page: citizens' ratings (评价) and complaints (投诉) that came down from the platform,
 * and the visits households confirmed after scanning the card (确认入户, a service record). A
 * complaint is answered here (处理情况); the programme office's request (督办) or conclusion (办结)
 * shows under it. */
export default function FeedbackPanel({ id }: { id: string }) {
  const { t } = useI18n();
  const [s, setS] = useState<FeedbackSummary | null>(null);
  const [answering, setAnswering] = useState<string | null>(null);
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
              f.kind === 'complaint' && !f.closed_at && answering !== f.id
                ? [
                    <Button key="a" size="small" onClick={() => setAnswering(f.id)} data-testid="complaint-answer">
                      {f.handled_at ? t('feedback.answerMore') : t('feedback.answer')}
                    </Button>,
                  ]
                : []
            }
          >
            <div>
              {f.kind === 'rating' ? <Rate disabled value={f.stars ?? 0} className="small-rate" /> : complaintTag(f, t)}
              {f.reference && <span className="mono small"> {f.reference} </span>}
              <span className="feedback-text">{f.text || <span className="muted">{t('feedback.noComment')}</span>}</span>
              <span className="muted small"> {formatTime(f.created_at)}</span>
              {f.answer && (
                <div className="small" data-testid="complaint-answer-text">
                  {t('feedback.ourAnswer')}
                  {f.answer}
                </div>
              )}
              {f.office_note && (
                <div className="small" data-testid="complaint-office-note">
                  {f.closed_at ? t('feedback.conclusion') : t('feedback.officeRequest')}
                  {f.office_note}
                </div>
              )}
              {answering === f.id && (
                <AnswerForm
                  f={f}
                  onDone={() => {
                    setAnswering(null);
                    load();
                  }}
                  onCancel={() => setAnswering(null)}
                />
              )}
            </div>
          </List.Item>
        )}
      />
    </div>
  );
}
