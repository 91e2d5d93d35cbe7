import Button from 'antd/es/button';
import Tooltip from 'antd/es/tooltip';
import CloudSyncOutlined from '@ant-design/icons/CloudSyncOutlined';
import { useI18n } from '../../i18n';
import type { SyncStatus } from '../../api';
import { ageSeconds } from './useSyncStatus';
import type { TFunc } from '../../i18n';

/** How long ago, in the clerk's words. */
export function ago(t: TFunc, seconds: number | null): string {
  if (seconds === null) return t('sync.never');
  if (seconds < 60) return t('sync.justNow');
  if (seconds < 3600) return t('sync.minutesAgo', { n: Math.floor(seconds / 60) });
  if (seconds < 86400) return t('sync.hoursAgo', { n: Math.floor(seconds / 3600) });
  return t('sync.daysAgo', { n: Math.floor(seconds / 86400) });
}

/** The header's sync indicator: what is pending, when the last sync succeeded, refusals. */
export default function SyncIndicator({ status, onOpen }: { status: SyncStatus | null; onOpen: () => void }) {
  const { t, msg } = useI18n();
  if (!status) return null;
  let text: string;
  let tone = '';
  if (!status.enrolled) {
    text = t('sync.notEnrolled');
    tone = 'muted';
  } else {
    const last = ago(t, ageSeconds(status.last_success_at));
    text = status.pending > 0 ? t('sync.pendingSince', { n: status.pending, last }) : t('sync.upToDate', { last });
    if (status.rejections > 0) {
      text += ' · ' + t('sync.rejectionsShort', { n: status.rejections });
      tone = 'warn';
    }
    if (status.stale_warning) tone = 'warn';
  }
  const tip = status.last_error ? msg(status.last_error) : status.stale_warning ? t('sync.staleWarning') : text;
  return (
    <Tooltip title={tip}>
      <Button
        type="text"
        size="small"
        icon={<CloudSyncOutlined />}
        className={`sync-indicator ${tone}`}
        data-testid="sync-indicator"
        onClick={onOpen}
      >
        {text}
      </Button>
    </Tooltip>
  );
}
