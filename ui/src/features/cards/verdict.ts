import type { ScanReport } from '../../api';

/** How a verdict looks: only a valid card is green; a genuine card that is no longer in force is
 * orange; anything not genuine is red. */
export function verdictTone(v: ScanReport['verdict']): 'success' | 'warning' | 'error' {
  switch (v) {
    case 'valid':
      return 'success';
    case 'replaced':
    case 'expired':
      return 'warning';
    default:
      return 'error';
  }
}

/** "3 小时前" style age of the synced lists, in whole units. */
export function ageParts(seconds: number | null): { unit: 'now' | 'minutes' | 'hours' | 'days'; n: number } | null {
  if (seconds == null) return null;
  if (seconds < 60) return { unit: 'now', n: 0 };
  if (seconds < 3600) return { unit: 'minutes', n: Math.floor(seconds / 60) };
  if (seconds < 86400 * 2) return { unit: 'hours', n: Math.floor(seconds / 3600) };
  return { unit: 'days', n: Math.floor(seconds / 86400) };
}

/** The verify box keeps at most this much of a scan: real credentials are ≤ 151 characters
 * (an electronic card's a little more). */
export const MAX_SCAN_INPUT = 2048;
