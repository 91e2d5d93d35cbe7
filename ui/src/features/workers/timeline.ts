import type { AuditAction, AuditEntry } from '../../api';
import { hasKey, type TFunc } from '../../i18n';
import { formatTime } from '../../util';

/** i18n label of a worker field code as used in audit entries (falls back to the code). */
export function fieldLabel(code: string, t: TFunc): string {
  const key = `field.${code}`;
  return hasKey(key) ? t(key) : code;
}

function parseList(v: string): string[] {
  const s = v.trim();
  if (s.startsWith('[')) {
    try {
      const a: unknown = JSON.parse(s);
      if (Array.isArray(a)) return a.map(String);
    } catch {
      /* fall through */
    }
  }
  return s.split(/[,，、;；]\s*/).filter(Boolean);
}

export type Labellers = { t: TFunc; serviceLabel: (c: string) => string; statusLabel: (c: string) => string };

/** A value of an audit entry in the clerk's words. */
export function formatValue(field: string | null, v: string | null, l: Labellers): string {
  if (v === null || v === undefined || v === '') return l.t('timeline.empty');
  switch (field) {
    case 'service_types': {
      const codes = parseList(v);
      return codes.length ? codes.map(l.serviceLabel).join('、') : l.t('timeline.empty');
    }
    case 'agency_check_done':
    case 'agency_check':
      return v === 'true' || v === '1' ? l.t('common.yes') : v === 'false' || v === '0' ? l.t('common.no') : v;
    case 'status':
      return l.statusLabel(v);
    case 'gender':
      return v === 'male' ? l.t('gender.male') : v === 'female' ? l.t('gender.female') : v;
    default:
      return v;
  }
}

/** The text after the timestamp, e.g. "张三（前台）修改 手机号：138… → 139…（原因：…）". */
export function describeEntry(e: AuditEntry, l: Labellers): string {
  const { t } = l;
  // A field's change: who, which field, from what to what.
  const change = (field: string) => ({
    user: e.user,
    field: fieldLabel(field, t),
    old: formatValue(field, e.old_value, l),
    new: formatValue(field, e.new_value, l),
  });
  let text: string;
  if (e.action === 'update' && e.field) {
    if (e.field === 'photo_sha256' || e.field === 'photo') {
      text = t('timeline.photo', { user: e.user });
    } else {
      text = t('timeline.update', change(e.field));
    }
  } else if (e.action === 'enrol') {
    text = t('timeline.enrol', { user: e.user });
  } else if (e.action === 'relay_enrol') {
    text = t('timeline.relayEnrol', { user: e.user });
  } else if (e.action === 'relay_update' && e.field) {
    // The reason of a relayed change is the desk it was written on.
    text = e.reason ? t('timeline.relayUpdateAt', { ...change(e.field), desk: e.reason }) : t('timeline.relayUpdate', change(e.field));
    return text;
  } else if (e.action === 'relay_lost' && e.field) {
    // A value another desk wrote that a later write of the field beat (kept, not taken).
    const desk = e.reason || '?';
    return e.field === 'photo'
      ? t('timeline.relayLostPhoto', { user: e.user, desk })
      : t('timeline.relayLost', { user: e.user, desk, field: fieldLabel(e.field, t), value: formatValue(e.field, e.new_value, l) });
  } else if (e.action === 'relay_merged') {
    text = t('timeline.relayMerged');
  } else if (e.action === 'relay_status') {
    text = t('timeline.relayStatus', { old: formatValue('status', e.old_value, l), new: formatValue('status', e.new_value, l) });
  } else {
    const key = `action.${e.action}`;
    text = t('timeline.other', { user: e.user, action: hasKey(key) ? t(key) : e.action });
    // Training entries carry what changed (the class, the attendance, the score, the status).
    if (TRAINING_ACTIONS.includes(e.action) && (e.new_value || e.old_value)) {
      text += `：${formatValue(e.field, e.new_value || e.old_value, l)}`;
    }
  }
  if (e.reason) text += t('timeline.reason', { reason: e.reason });
  return text;
}

const TRAINING_ACTIONS: AuditAction[] = ['class_join', 'class_leave', 'attendance', 'exam', 'status', 'relay_attendance', 'relay_class_leave', 'relay_exam'];

export function entryTime(e: AuditEntry): string {
  return formatTime(e.at);
}
