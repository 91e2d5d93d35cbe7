import type { KeyboardEvent as ReactKeyboardEvent } from 'react';

const pad = (n: number) => String(n).padStart(2, '0');

/** A date as YYYY-MM-DD in local time. */
export function dateIso(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/**
 * Today in Shanghai as YYYY-MM-DD: the desk's and the platform's day, whatever the PC's zone
 * (from 16:00 UTC a PC on UTC is still on yesterday).
 */
export function todayIso(): string {
  return new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
}

/**
 * "YYYY-MM-DD HH:mm" for a timestamp from the Rust side. Timestamps with a zone (Z / ±hh:mm)
 * are shown in local time; naive ones are shown as written.
 */
export function formatTime(s: string | null | undefined): string {
  if (!s) return '';
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(s.trim());
  if (!m) return s;
  if (m[5]) {
    const d = new Date(s.trim());
    if (!Number.isNaN(d.getTime())) {
      return `${dateIso(d)} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
    }
  }
  return `${m[1]} ${m[2]}`;
}

/** True while an IME (pinyin…) is composing: Enter then commits text, it must not submit. */
export function isComposing(e: ReactKeyboardEvent | KeyboardEvent): boolean {
  const n = 'nativeEvent' in e ? e.nativeEvent : e;
  return n.isComposing || n.keyCode === 229;
}

/** Is the target a place where the user types text (so single-key shortcuts must not fire)? */
export function isTypingTarget(t: EventTarget | null): boolean {
  if (!(t instanceof HTMLElement)) return false;
  if (t.isContentEditable) return true;
  if (t.tagName === 'TEXTAREA' || t.tagName === 'SELECT') return true;
  if (t.tagName === 'INPUT') {
    const type = (t as HTMLInputElement).type;
    return !['checkbox', 'radio', 'button', 'submit', 'reset', 'file', 'range', 'color'].includes(type);
  }
  return false;
}

/**
 * Shared Enter-to-submit rule for our forms: Enter anywhere submits, except in a textarea, on a
 * button/link (they activate themselves), on a file input, in an open Select (it picks the
 * option) and while an IME is composing.
 */
export function enterSubmits(e: ReactKeyboardEvent): boolean {
  if (e.key !== 'Enter' || isComposing(e) || e.shiftKey || e.altKey || e.ctrlKey || e.metaKey) return false;
  const t = e.target as HTMLElement;
  if (!t || !t.tagName) return false;
  const tag = t.tagName;
  if (tag === 'TEXTAREA' || tag === 'BUTTON' || tag === 'A') return false;
  if (tag === 'INPUT' && (t as HTMLInputElement).type === 'file') return false;
  if (t.getAttribute('role') === 'combobox' && t.getAttribute('aria-expanded') === 'true') return false;
  return true;
}

/** Focus the control with this id (or the first input inside it, for groups). */
export function focusById(id: string): void {
  const el = document.getElementById(id);
  if (!el) return;
  const target =
    el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement
      ? el
      : (el.querySelector('input,textarea,button,[tabindex]') as HTMLElement | null) ?? el;
  target.focus();
  if (target instanceof HTMLInputElement && target.type === 'text') target.select();
}

/** Read a File as base64 (without the data: prefix). */
export function readFileBase64(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => {
      const s = String(r.result ?? '');
      const i = s.indexOf(',');
      resolve(i >= 0 ? s.slice(i + 1) : s);
    };
    r.onerror = () => reject(r.error ?? new Error('read failed'));
    r.readAsDataURL(file);
  });
}

/** Tag colour for a worker status code (unknown codes stay neutral). */
export function statusColor(code: string): string | undefined {
  const c = code.toLowerCase();
  if (/cancel|revok|reject|fail|expire/.test(c)) return 'red';
  if (/issued|active|valid|in_service/.test(c)) return 'green';
  if (/approv|print|produc/.test(c)) return 'cyan';
  if (/appl|pending|check|review|submit/.test(c)) return 'gold';
  if (/eligib/.test(c)) return 'lime';
  if (/train|exam/.test(c)) return 'purple';
  if (/enrol|regist|new|draft/.test(c)) return 'blue';
  return undefined;
}

/**
 * Every code of a closed set the Rust side declares, written out for a form's options: the type
 * check fails when a code is unknown or one of the set is missing, so the list cannot drift from
 * the generated type. `everyCode<HealthCategory>()(['general', ...])`.
 */
export const everyCode =
  <T extends string>() =>
  <const A extends readonly T[]>(codes: A & (Exclude<T, A[number]> extends never ? unknown : { missing: Exclude<T, A[number]> })): A =>
    codes;
