// Keyboard logic of the attendance / score grid, as pure functions so that it is tested without a
// window. The grid is a table with one focused cell (the cursor); a cell being typed into holds
// a draft. Nothing here decides a rule: attendance codes and scores are validated by the desk.
import type { AttendanceCode, ClassMode, FieldError } from '../../api';

export type Col = 'attendance' | 'sign_in' | 'sign_out' | 'hours' | 'score';
export type GridState = { row: number; col: number; draft: string | null };
/** What the page must save after a key. */
export type GridAction =
  | { kind: 'attendance'; row: number; value: AttendanceCode }
  | { kind: 'commit'; row: number; col: Col; text: string };
export type GridResult = { state: GridState; action?: GridAction; handled: boolean };

/** The editable columns of a class's grid, left to right. */
export function gridColumns(mode: ClassMode): Col[] {
  return mode === 'offline' ? ['attendance', 'sign_in', 'sign_out', 'score'] : ['hours', 'score'];
}

/** Attendance keys: 1-4 or p / l / e / a (present, late, left early, absent). */
export function attendanceFromKey(key: string): AttendanceCode | null {
  switch (key.toLowerCase()) {
    case '1':
    case 'p':
      return 'present';
    case '2':
    case 'l':
      return 'late';
    case '3':
    case 'e':
      return 'left_early';
    case '4':
    case 'a':
      return 'absent';
    default:
      return null;
  }
}

/** Characters a draft accepts: digits, the decimal point, and the time separator. */
const DRAFT_CHAR = /^[0-9.:：]$/;

/** "905" / "0905" → "09:05"; anything else is sent as typed (the desk says what is wrong). */
export function normaliseTime(text: string): string {
  const t = text.trim().replace('：', ':');
  const m = /^(\d{1,2})(\d{2})$/.exec(t);
  return m ? `${m[1].padStart(2, '0')}:${m[2]}` : t;
}

const clamp = (n: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, n));

/**
 * One key on the grid. `rows` is the number of participants, `cols` the columns. Arrows move;
 * in the attendance column a key sets attendance and moves down; elsewhere typing starts a
 * draft, Enter saves it and moves to the next row (Tab: to the next cell), Esc drops it.
 */
export function gridKey(s: GridState, key: string, cols: Col[], rows: number): GridResult {
  if (rows === 0) return { state: s, handled: false };
  const lastRow = rows - 1;
  const lastCol = cols.length - 1;
  const col = cols[s.col];
  const down = clamp(s.row + 1, 0, lastRow);

  if (s.draft !== null) {
    const commit = (next: GridState): GridResult => ({
      state: next,
      action: { kind: 'commit', row: s.row, col, text: s.draft ?? '' },
      handled: true,
    });
    switch (key) {
      case 'Enter':
      case 'ArrowDown':
        return commit({ row: down, col: s.col, draft: null });
      case 'ArrowUp':
        return commit({ row: clamp(s.row - 1, 0, lastRow), col: s.col, draft: null });
      case 'Tab':
        return commit({ row: s.row, col: clamp(s.col + 1, 0, lastCol), draft: null });
      case 'Escape':
        return { state: { ...s, draft: null }, handled: true };
      case 'Backspace':
        return { state: { ...s, draft: s.draft.slice(0, -1) }, handled: true };
      default:
        if (DRAFT_CHAR.test(key)) return { state: { ...s, draft: s.draft + key }, handled: true };
        return { state: s, handled: key.length === 1 };
    }
  }

  switch (key) {
    case 'ArrowDown':
    case 'Enter':
      return { state: { ...s, row: down }, handled: true };
    case 'ArrowUp':
      return { state: { ...s, row: clamp(s.row - 1, 0, lastRow) }, handled: true };
    case 'ArrowLeft':
      return { state: { ...s, col: clamp(s.col - 1, 0, lastCol) }, handled: true };
    case 'ArrowRight':
      return { state: { ...s, col: clamp(s.col + 1, 0, lastCol) }, handled: true };
    case 'Home':
      return { state: { ...s, row: 0 }, handled: true };
    case 'End':
      return { state: { ...s, row: lastRow }, handled: true };
  }
  if (col === 'attendance') {
    const value = attendanceFromKey(key);
    if (value) return { state: { ...s, row: down }, action: { kind: 'attendance', row: s.row, value }, handled: true };
    return { state: s, handled: false };
  }
  if (DRAFT_CHAR.test(key)) return { state: { ...s, draft: key }, handled: true };
  if (key === 'F2') return { state: { ...s, draft: '' }, handled: true };
  return { state: s, handled: false };
}

/** The grid column where the desk's refused field sits (the row's other cells stay plain). */
const FIELD_COLUMN: Record<string, Col> = {
  attendance: 'attendance',
  sign_in: 'sign_in',
  sign_out: 'sign_out',
  hours_completed: 'hours',
  score: 'score',
  exam_date: 'score',
};

/** The sentence of each cell a refusal names, by column: the grid marks those cells. */
export function fieldErrorsByColumn(fields: readonly FieldError[], text: (f: FieldError) => string): Partial<Record<Col, string>> {
  const out: Partial<Record<Col, string>> = {};
  for (const f of fields) {
    const col = FIELD_COLUMN[f.field];
    if (col && !out[col]) out[col] = text(f);
  }
  return out;
}
