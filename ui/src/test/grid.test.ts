import { describe, expect, it } from 'vitest';
import { attendanceFromKey, fieldErrorsByColumn, gridColumns, gridKey, normaliseTime, type GridState } from '../features/training/grid';

const OFF = gridColumns('offline'); // attendance, sign_in, sign_out, score
const at = (row: number, col: number, draft: string | null = null): GridState => ({ row, col, draft });
/** Press keys in order; collect the actions the page would save. */
function press(start: GridState, keys: string[], rows = 3, cols = OFF) {
  let s = start;
  const actions = [];
  for (const k of keys) {
    const r = gridKey(s, k, cols, rows);
    s = r.state;
    if (r.action) actions.push(r.action);
  }
  return { s, actions };
}

describe('attendance keys', () => {
  it('map 1-4 and p/l/e/a (any case) to the four codes, and nothing else', () => {
    expect(['1', '2', '3', '4'].map(attendanceFromKey)).toEqual(['present', 'late', 'left_early', 'absent']);
    expect(['p', 'L', 'e', 'A'].map(attendanceFromKey)).toEqual(['present', 'late', 'left_early', 'absent']);
    expect(attendanceFromKey('5')).toBeNull();
    expect(attendanceFromKey('x')).toBeNull();
  });
});

describe('grid keyboard', () => {
  it('offers attendance, times and score offline, hours and score online', () => {
    expect(OFF).toEqual(['attendance', 'sign_in', 'sign_out', 'score']);
    expect(gridColumns('online')).toEqual(['hours', 'score']);
  });

  it('moves with the arrows and stays inside the grid', () => {
    expect(press(at(0, 0), ['ArrowUp', 'ArrowLeft']).s).toEqual(at(0, 0));
    expect(press(at(0, 0), ['ArrowDown', 'ArrowDown', 'ArrowDown', 'ArrowRight']).s).toEqual(at(2, 1));
    expect(press(at(1, 3), ['ArrowRight']).s).toEqual(at(1, 3));
    expect(press(at(2, 0), ['Home']).s).toEqual(at(0, 0));
  });

  it('sets attendance with one key and moves to the next row, so a column is filled at typing speed', () => {
    const { s, actions } = press(at(0, 0), ['1', 'l', '4']);
    expect(actions).toEqual([
      { kind: 'attendance', row: 0, value: 'present' },
      { kind: 'attendance', row: 1, value: 'late' },
      { kind: 'attendance', row: 2, value: 'absent' },
    ]);
    expect(s).toEqual(at(2, 0)); // the last row stays put
  });

  it('ignores letters that are not attendance keys in the attendance column', () => {
    const r = gridKey(at(0, 0), 'x', OFF, 3);
    expect(r.handled).toBe(false);
    expect(r.action).toBeUndefined();
  });

  it('typing a score then Enter saves it and moves to the next row of the same column', () => {
    const { s, actions } = press(at(0, 3), ['8', '5', 'Enter', '9', '0', '.', '5', 'Enter']);
    expect(actions).toEqual([
      { kind: 'commit', row: 0, col: 'score', text: '85' },
      { kind: 'commit', row: 1, col: 'score', text: '90.5' },
    ]);
    expect(s).toEqual(at(2, 3));
  });

  it('Backspace edits the draft and Esc drops it without saving', () => {
    expect(press(at(0, 3), ['8', '6', 'Backspace', '5']).s.draft).toBe('85');
    const { s, actions } = press(at(0, 3), ['7', 'Escape']);
    expect(actions).toEqual([]);
    expect(s).toEqual(at(0, 3));
  });

  it('types a sign-in time and Tab saves it and moves right', () => {
    const { s, actions } = press(at(1, 1), ['0', '9', ':', '1', '5', 'Tab']);
    expect(actions).toEqual([{ kind: 'commit', row: 1, col: 'sign_in', text: '09:15' }]);
    expect(s).toEqual(at(1, 2));
  });

  it('does nothing on an empty class', () => {
    expect(gridKey(at(0, 0), '1', OFF, 0).handled).toBe(false);
  });
});

describe('normaliseTime', () => {
  it('reads 905 and 0905 as 09:05 and keeps other input as typed', () => {
    expect(normaliseTime('905')).toBe('09:05');
    expect(normaliseTime('0905')).toBe('09:05');
    expect(normaliseTime('9：05')).toBe('9:05');
    expect(normaliseTime('2026-01-05 09:05')).toBe('2026-01-05 09:05');
  });
});

describe('a refused cell', () => {
  const f = (field: string, message_zh: string) => ({ field, code: 'x', message_zh, message_en: message_zh });
  it('is the column of the field the desk names, so the grid marks that cell', () => {
    const byCol = fieldErrorsByColumn([f('sign_in', '迟到须填写签到时间')], (e) => e.message_zh);
    expect(byCol).toEqual({ sign_in: '迟到须填写签到时间' });
    expect(fieldErrorsByColumn([f('hours_completed', 'h'), f('score', 's')], (e) => e.message_zh)).toEqual({ hours: 'h', score: 's' });
  });
  it('is none for a field the grid has no column for', () => {
    expect(fieldErrorsByColumn([f('class_id', 'c')], (e) => e.message_zh)).toEqual({});
  });
});
