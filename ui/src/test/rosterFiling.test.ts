import { describe, expect, it } from 'vitest';
import { isIsoDate, previousMonth, refusalLines } from '../features/roster/filing';

describe('the filing period', () => {
  it('starts as the previous calendar month, across a year end and a leap February', () => {
    expect(previousMonth(new Date(2026, 1, 10))).toEqual({ from: '2026-01-01', to: '2026-01-31' });
    expect(previousMonth(new Date(2026, 0, 1))).toEqual({ from: '2025-12-01', to: '2025-12-31' });
    expect(previousMonth(new Date(2024, 2, 31))).toEqual({ from: '2024-02-01', to: '2024-02-29' });
    expect(previousMonth(new Date(2026, 4, 31))).toEqual({ from: '2026-04-01', to: '2026-04-30' });
  });

  it('takes only real days written YYYY-MM-DD (the command refuses anything else)', () => {
    expect(isIsoDate('2026-01-31')).toBe(true);
    expect(isIsoDate('2024-02-29')).toBe(true);
    for (const bad of ['2026-02-29', '2026-13-01', '2026-1-5', '2026/01/05', '20260105', '', ' 2026-01-05']) {
      expect(isIsoDate(bad), bad).toBe(false);
    }
  });
});

describe('a refusal laid out to be read', () => {
  // The platform's sentences as crates/certdesk-platform/src/messages.rs words them.
  const zh =
    '名册有 2 处与平台记录不符，未备案：第 1 行（SH042026000501K）上门服务证编码不存在；第 3 行（SH042026000502K）培训课时 4 与平台记录 3 不符（请先同步）；另有 1 处';
  const en =
    "2 problem(s) against the platform's records; nothing was filed: row 1 (SH042026000501K): no certificate has this code; row 3 (SH042026000502K): 4 class hours filed, the platform's records give 3 (sync first)";

  it('puts each named row on its own line and keeps every word', () => {
    const lines = refusalLines(zh);
    expect(lines.head).toBe('名册有 2 处与平台记录不符，未备案：');
    expect(lines.rows).toEqual([
      '第 1 行（SH042026000501K）上门服务证编码不存在',
      '第 3 行（SH042026000502K）培训课时 4 与平台记录 3 不符（请先同步）；另有 1 处',
    ]);
    const strip = (s: string) => s.replace(/[；;\s]/g, '');
    expect(strip(lines.head + lines.rows.join(''))).toBe(strip(zh));
  });

  it('does the same in English, where the head has a semicolon of its own', () => {
    const lines = refusalLines(en);
    expect(lines.head).toBe("2 problem(s) against the platform's records; nothing was filed:");
    expect(lines.rows).toHaveLength(2);
    expect(lines.rows[0]).toBe('row 1 (SH042026000501K): no certificate has this code');
  });

  it('leaves a sentence that names no row whole', () => {
    const s = '备案期间尚未结束：结束日期不能晚于今天';
    expect(refusalLines(s)).toEqual({ head: s, rows: [] });
  });
});
