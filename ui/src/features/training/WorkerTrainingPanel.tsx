// The worker page's training panel: may the worker apply, and if not, exactly what is missing
// (the desk's verdict, `worker_training`), with the classes and exam attempts behind it.
import { useEffect, useState } from 'react';
import Alert from 'antd/es/alert';
import Table from 'antd/es/table';
import Tag from 'antd/es/tag';
import Typography from 'antd/es/typography';
import * as api from '../../api';
import type { ApiError, ClassCredit, ExamResult, WorkerTraining } from '../../api';
import { useI18n } from '../../i18n';

export default function WorkerTrainingPanel({ id, onOpenClass }: { id: string; onOpenClass?: (id: string) => void }) {
  const { t, msg } = useI18n();
  const [data, setData] = useState<WorkerTraining | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  useEffect(() => {
    let live = true;
    api
      .workerTraining(id)
      .then((d) => live && setData(d))
      .catch((e: unknown) => live && setError(api.toApiError(e)));
    return () => {
      live = false;
    };
  }, [id]);

  if (error) return <Alert type="error" showIcon message={msg(error)} />;
  if (!data) return null;
  const el = data.eligibility;

  return (
    <div data-testid="training-panel" className="training-panel">
      <Typography.Title level={5} className="section-title">
        {t('elig.title')}
      </Typography.Title>
      {el.eligible ? (
        <Alert type="success" showIcon data-testid="eligibility" message={t('elig.eligible')} />
      ) : (
        <Alert
          type="warning"
          showIcon
          data-testid="eligibility"
          message={t('elig.notEligible')}
          description={
            <ul className="missing-list">
              {el.missing.map((m, i) => (
                <li key={`${m.code}-${i}`} data-testid={`missing-${m.code}`}>
                  {msg(m)}
                  {m.class_id && onOpenClass && (
                    <a className="ml" onClick={() => onOpenClass(m.class_id as string)}>
                      {t('elig.openClass')}
                    </a>
                  )}
                </li>
              ))}
            </ul>
          }
        />
      )}
      <div className="muted mt" data-testid="eligibility-summary">
        {t('elig.summary', {
          hours: el.credited_hours,
          required: el.required_hours,
          score: el.latest_score ?? '—',
          pass: el.pass_mark,
        })}
      </div>
      <div className="training-tables">
        <Table<ClassCredit>
          size="small"
          rowKey="class_id"
          pagination={false}
          dataSource={data.classes}
          locale={{ emptyText: t('elig.noClasses') }}
          columns={[
            {
              title: t('classes.name'),
              dataIndex: 'title',
              render: (v: string, c) => (onOpenClass ? <a onClick={() => onOpenClass(c.class_id)}>{v}</a> : v),
            },
            {
              title: t('classes.mode'),
              dataIndex: 'mode',
              width: 70,
              render: (m: string) => (m === 'offline' ? t('classes.offline') : t('classes.online')),
            },
            { title: t('grid.credited'), dataIndex: 'credited', width: 90 },
            {
              title: t('classes.supervision'),
              width: 90,
              render: (_: unknown, c) =>
                c.mode === 'online' ? (
                  <span className="muted">—</span>
                ) : c.supervision_filed ? (
                  <Tag color="green">{t('classes.complete')}</Tag>
                ) : (
                  <Tag color="red">{t('classes.incomplete')}</Tag>
                ),
            },
          ]}
        />
        <Table<ExamResult>
          size="small"
          rowKey="id"
          pagination={false}
          dataSource={data.exams}
          locale={{ emptyText: t('elig.noExams') }}
          columns={[
            { title: t('elig.attempt'), dataIndex: 'attempt', width: 70 },
            { title: t('elig.examDate'), dataIndex: 'exam_date', width: 110 },
            { title: t('grid.score'), dataIndex: 'score', width: 70 },
            {
              title: t('elig.result'),
              dataIndex: 'passed',
              render: (p: boolean) => (p ? <Tag color="green">{t('elig.passed')}</Tag> : <Tag color="red">{t('elig.failed')}</Tag>),
            },
          ]}
        />
      </div>
    </div>
  );
}
