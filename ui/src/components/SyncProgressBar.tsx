// Where a long sync stands (a joining PC's restore, a week of work sent at once), from the
// shell's `sync_progress` events: one bar over everything to send and to fetch, and the line the
// caller words.
import Progress from 'antd/es/progress';
import Typography from 'antd/es/typography';
import type { SyncProgress } from '../api';

/** The share done of what is known: entries sent plus changes applied, over both totals (the
 * pull's total grows while other desks work, so the bar never runs past 100 %). */
export function syncPercent(p: SyncProgress): number {
  const total = p.push_total + Math.max(p.pull_total, p.pulled);
  return total > 0 ? Math.min(100, Math.floor(((p.pushed + p.pulled) * 100) / total)) : 0;
}

export function SyncProgressBar({ progress, label, testId }: { progress: SyncProgress; label: string; testId: string }) {
  return (
    <div className="form-alert" data-testid={testId}>
      <Progress percent={syncPercent(progress)} status="active" />
      <Typography.Text type="secondary">{label}</Typography.Text>
    </div>
  );
}
