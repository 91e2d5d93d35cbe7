// 首页: workers by stage, and trainings and passes per month as plain SVG bars.
import { useEffect, useState } from 'react';
import Alert from 'antd/es/alert';
import Card from 'antd/es/card';
import Spin from 'antd/es/spin';
import Typography from 'antd/es/typography';
import * as api from '../../api';
import type { ApiError, DeskStats, MonthStats, StageCounts, WorkerStatus } from '../../api';
import { useI18n } from '../../i18n';
import { useSession } from '../../session';
import DeadlineList from '../health/DeadlineList';
import ToCompleteList from '../workers/ToCompleteList';

/** The stage cards; each but `certified` (approved, printed or issued) is one worker status. */
const STAGES: (keyof StageCounts & (WorkerStatus | 'certified'))[] = ['enrolled', 'in_training', 'eligible', 'applied', 'certified'];

export default function HomePage({
  onOpenStatus,
  onOpenWorker,
}: {
  onOpenStatus?: (status: WorkerStatus | '') => void;
  onOpenWorker?: (id: string) => void;
}) {
  const { t, msg } = useI18n();
  const { user } = useSession();
  const [stats, setStats] = useState<DeskStats | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  useEffect(() => {
    api
      .stats(12)
      .then(setStats)
      .catch((e: unknown) => setError(api.toApiError(e)));
  }, []);

  if (error) return <Alert className="page" type="error" showIcon message={msg(error)} />;
  if (!stats) {
    return (
      <div className="page center-spin">
        <Spin />
      </div>
    );
  }
  return (
    <div className="page" data-testid="home-page">
      <Typography.Title level={4} className="page-title">
        {t('home.title')}
      </Typography.Title>
      {user.role === 'manager' && (stats.days_since_backup === null || stats.days_since_backup > 7) && (
        <Alert
          className="mb"
          type="warning"
          showIcon
          message={stats.days_since_backup === null ? t('home.backupNever') : t('home.backupStale', { days: stats.days_since_backup })}
          data-testid="backup-stale"
        />
      )}
      {stats.days_since_backup !== null && stats.days_since_backup <= 7 && (
        <div className="muted small mb" data-testid="backup-age">
          {stats.days_since_backup === 0 ? t('home.backupToday') : t('home.backupDaysAgo', { days: stats.days_since_backup })}
        </div>
      )}
      {stats.database_key_in_file && user.role === 'manager' && (
        <Alert className="mb" type="warning" showIcon message={t('home.keyInFile')} data-testid="key-in-file" />
      )}
      <div className="stage-cards">
        {STAGES.map((s) => (
          <Card
            key={s}
            size="small"
            className={`stage-card${onOpenStatus ? ' clickable' : ''}`}
            data-testid={`stage-${s}`}
            onClick={() => onOpenStatus?.(s === 'certified' ? '' : s)}
          >
            <div className="stage-count" data-testid={`stage-count-${s}`}>
              {stats.stages[s]}
            </div>
            <div className="stage-label">{t(`home.stage.${s}`)}</div>
          </Card>
        ))}
      </div>
      <div className="muted small mt">
        {t('home.totals', { total: stats.stages.total, rejected: stats.stages.rejected, cancelled: stats.stages.cancelled })}
      </div>
      <DeadlineList onOpenWorker={onOpenWorker} />
      <ToCompleteList onOpenWorker={onOpenWorker} />
      <Card size="small" className="mt" title={t('home.chartTitle')}>
        <MonthChart months={stats.months} />
      </Card>
    </div>
  );
}

/** Grouped bars: people trained (attended a class) and exams passed, per month. */
export function MonthChart({ months }: { months: MonthStats[] }) {
  const { t } = useI18n();
  const W = 760;
  const H = 200;
  const pad = { l: 34, b: 26, t: 10 };
  const max = Math.max(1, ...months.map((m) => Math.max(m.trained, m.passed)));
  const slot = (W - pad.l) / Math.max(1, months.length);
  const bar = Math.min(18, slot / 3);
  const y = (v: number) => H - pad.b - (v / max) * (H - pad.b - pad.t);
  return (
    <div data-testid="month-chart">
      <svg viewBox={`0 0 ${W} ${H}`} width="100%" height={H} role="img" aria-label={t('home.chartTitle')}>
        <line x1={pad.l} x2={W} y1={H - pad.b} y2={H - pad.b} stroke="#d9d9d9" />
        <text x={pad.l - 6} y={pad.t + 8} textAnchor="end" fontSize="11" fill="#8c8c8c">
          {max}
        </text>
        {months.map((m, i) => {
          const x = pad.l + i * slot + slot / 2;
          return (
            <g key={m.month} data-testid="month-bar">
              <rect x={x - bar - 1} y={y(m.trained)} width={bar} height={H - pad.b - y(m.trained)} fill="#1677ff">
                <title>{`${m.month} ${t('home.trained')} ${m.trained}`}</title>
              </rect>
              <rect x={x + 1} y={y(m.passed)} width={bar} height={H - pad.b - y(m.passed)} fill="#52c41a">
                <title>{`${m.month} ${t('home.passed')} ${m.passed}`}</title>
              </rect>
              {m.trained > 0 && (
                <text x={x - bar / 2 - 1} y={y(m.trained) - 3} textAnchor="middle" fontSize="10" fill="#1677ff">
                  {m.trained}
                </text>
              )}
              {m.passed > 0 && (
                <text x={x + bar / 2 + 1} y={y(m.passed) - 3} textAnchor="middle" fontSize="10" fill="#389e0d">
                  {m.passed}
                </text>
              )}
              <text x={x} y={H - 8} textAnchor="middle" fontSize="11" fill="#595959">
                {m.month.slice(2)}
              </text>
            </g>
          );
        })}
      </svg>
      <div className="chart-legend small">
        <span className="legend-swatch" style={{ background: '#1677ff' }} /> {t('home.trained')}
        <span className="legend-swatch ml" style={{ background: '#52c41a' }} /> {t('home.passed')}
      </div>
    </div>
  );
}
