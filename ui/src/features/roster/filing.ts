// 名册备案's small rules on the window side: the period the form starts with, what counts as a
// date there, and how a refusal is laid out to be read. Nothing here decides whether a roster
// may be filed: the desk and the platform do, and their sentences are shown as they come.
import { dateIso } from '../../util';

/** The previous calendar month of `today` (local time), the period a monthly filing is for. */
export function previousMonth(today: Date = new Date()): { from: string; to: string } {
  const first = new Date(today.getFullYear(), today.getMonth() - 1, 1);
  const last = new Date(today.getFullYear(), today.getMonth(), 0);
  return { from: dateIso(first), to: dateIso(last) };
}

/** Is `s` a real calendar day written YYYY-MM-DD (what the command takes)? */
export function isIsoDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(y, mo - 1, d);
  return date.getFullYear() === y && date.getMonth() === mo - 1 && date.getDate() === d;
}

/** Where a row's own words begin in the platform's refusal ("第 3 行（…）…", "row 3 (…): …"). */
const ROW_START = /(?=第 ?\d+ ?行|\brow \d+ \()/g;

/**
 * A refusal laid out to be read: the sentence before the first row, then one line per row the
 * platform names. Only the separators between rows ("；", "; ") are dropped; a sentence that
 * names no row is one head and no rows.
 */
export function refusalLines(sentence: string): { head: string; rows: string[] } {
  const parts = sentence.split(ROW_START);
  const tidy = (s: string) => s.replace(/[；;]\s*$/, '').trim();
  if (parts.length < 2) return { head: sentence, rows: [] };
  return { head: parts[0].trim(), rows: parts.slice(1).map(tidy).filter((r) => r !== '') };
}
